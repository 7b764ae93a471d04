"""What the transcript outputs write of each cue: held to Cue.text and format_seconds."""

from __future__ import annotations

import os
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castline.model import SourceRef
from castline.timecode import format_seconds
from castline.timing.cues import Cue
from castline.timing.cuetext import DECIMALS, cue_columns, python_cue_columns, seconds_text
from castline.timing.engine import native_cue_columns
from tests.timing.leaks import assert_leaves_nothing

native = pytest.mark.skipif(native_cue_columns is None, reason="the native engine is not built")

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


#: Millisecond counts at the native code's edges: 64 bits, around zero, whole seconds.
_EDGES = st.sampled_from([0, 1, 999, 1_000, 1_001, -1, -999, -1_000, -1_001, 2**63 - 1, -(2**63)])
_ANY_CUES = st.lists(
    st.builds(
        Cue,
        _TIMES | _EDGES,
        _TIMES | _EDGES | st.booleans(),
        st.none() | st.text(max_size=3),
        st.lists(st.text(max_size=4), max_size=3).map(tuple) | st.just(["a", "b"]),
        st.just(SRC),
    ),
    max_size=10,
)


def _written_natively(cue: Cue) -> bool:
    """What the native cue columns write: times that are ints of 64 bits, lines a tuple."""
    times = (cue.start_ms, cue.end_ms)
    return all(type(ms) is int and -(2**63) <= ms < 2**63 for ms in times) and (
        type(cue.lines) is tuple
    )


@given(_ANY_CUES)
def test_the_columns_are_the_reference_s_under_either_engine(cues: list[Cue]) -> None:
    expected = python_cue_columns(cues)
    assert expected.start_seconds == tuple(seconds_text(cue.start_ms) for cue in cues)
    for engine in "native", "python":
        with mock.patch.dict(os.environ, {"CASTLINE_ENGINE": engine}):
            assert cue_columns(cues) == expected


@native
@given(_ANY_CUES)
def test_the_native_columns_are_the_reference_s_or_hand_them_back(cues: list[Cue]) -> None:
    """The same five columns; handed back (None) only for a cue the native code does not
    write: a time beyond 64 bits or not an int itself (a bool), lines not a tuple."""
    assert native_cue_columns is not None
    columns = native_cue_columns(cues, Cue, DECIMALS)
    if all(_written_natively(cue) for cue in cues):
        assert columns is not None
        assert python_cue_columns(cues) == type(python_cue_columns(cues))(*columns)
    else:
        assert columns is None


@native
def test_the_native_columns_refuse_other_decimals_or_cues_and_leave_nothing() -> None:
    assert native_cue_columns is not None
    cue = Cue(1_500, 2**63 - 1, "Ann", ("Hello", "there"), SRC)
    with pytest.raises(ValueError, match=r"^decimals is not a tuple of 1000 str$"):
        native_cue_columns([cue], Cue, DECIMALS[:-1])
    with pytest.raises(ValueError, match=r"^a decimal is not an ASCII str of 8 at most$"):
        native_cue_columns([cue], Cue, ("é", *DECIMALS[1:]))
    with pytest.raises(TypeError, match=r"^the cue type is not a plain class$"):
        native_cue_columns([cue], int, DECIMALS)
    assert native_cue_columns([cue, (1, 2)], Cue, DECIMALS) is None
    beyond = Cue(3_600_000, 2**63, None, (), SRC)

    def run() -> None:
        native_cue_columns((cue, cue), Cue, DECIMALS)
        native_cue_columns([cue, beyond], Cue, DECIMALS)

    assert_leaves_nothing(run, [cue, beyond, cue.lines, cue.end_ms, beyond.end_ms, DECIMALS])
