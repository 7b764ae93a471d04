"""What the transcript outputs write of each cue: held to Cue.text and format_seconds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from castline.model import SourceRef
from castline.timecode import format_seconds
from castline.timing.cues import Cue
from castline.timing.cuetext import cue_columns, seconds_text

SRC = SourceRef("e.md", 1)
_TIMES = st.integers(min_value=-(10**6), max_value=10**15) | st.integers()
_CUES = st.builds(
    Cue, _TIMES, _TIMES, st.none(), st.lists(st.text(), max_size=3).map(tuple), st.just(SRC)
)


@given(_TIMES)
def test_seconds_text_is_format_seconds(ms: int) -> None:
    assert seconds_text(ms) == format_seconds(ms)


@given(st.lists(_CUES, max_size=8))
def test_the_columns_are_each_cue_s_times_and_text(cues: list[Cue]) -> None:
    for given_cues in cues, tuple(cues):
        columns = cue_columns(given_cues)
        assert columns.starts == tuple(cue.start_ms for cue in cues)
        assert columns.ends == tuple(cue.end_ms for cue in cues)
        assert columns.start_seconds == tuple(format_seconds(cue.start_ms) for cue in cues)
        assert columns.end_seconds == tuple(format_seconds(cue.end_ms) for cue in cues)
        assert columns.texts == tuple(cue.text for cue in cues)


def test_a_tuple_of_cues_is_remembered_and_a_list_is_read_again() -> None:
    cues = (Cue(0, 1_000, None, ("Hi",), SRC),)
    assert cue_columns(cues) is cue_columns(cues)
    changing = [Cue(0, 1_000, None, ("Hi",), SRC)]
    assert cue_columns(changing).texts == ("Hi",)
    changing[0] = Cue(0, 1_000, None, ("Bye",), SRC)
    assert cue_columns(changing).texts == ("Bye",)
