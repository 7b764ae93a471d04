"""The transcript grammar: items at their file lines, stamps read tolerantly."""

from __future__ import annotations

import gc
import tracemalloc
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from castline.diagnostics import Diagnostic
from castline.errors import ContentError
from castline.load import load_content, transcript
from castline.load.fields import FieldReader
from castline.load.frontmatter import KeyPath
from castline.load.transcript import read_transcript
from castline.model import Header
from tests.conftest import CONTENT, ContentTree


def test_items_keep_their_file_lines() -> None:
    episode = load_content(CONTENT).episodes[0]
    header = episode.transcript[0]
    assert isinstance(header, Header) and header.title == "Introduction"
    lines = (CONTENT / "episodes" / "0001-forecasting-ferries.md").read_text().split("\n")
    for item in episode.transcript:
        assert lines[item.source.line - 1].startswith("- "), item
    untimed = [u for u in episode.utterances if u.start_ms is None]
    assert len(untimed) == 1 and untimed[0].text.startswith("When the weather turns")


EPISODE = """---
title: Times
guests: [known, stranger]
transcript:
- line: Sec wins.
  who: A
  sec: 92
  time: '1:33'
- line: Folded time.
  who: A
  time: '9:
    46'
- line: Hours.
  who: B
  time: '1:00:25'
- line: Unquoted minutes.
  who: B
  time: 61:05
- line: Yes
  who: A
---
"""


def test_stamps_are_read_tolerantly_and_disagreements_reported(content_tree: ContentTree) -> None:
    root = content_tree(
        {
            "episodes/times.md": EPISODE,
            "people/known.md": "---\ntitle: Known Person\nlinkedin: known\n---\nBio.\n",
        }
    )
    result = load_content(root)
    (episode,) = result.episodes
    assert [u.start_ms for u in episode.utterances] == [92_000, 586_000, 3_625_000, 3_665_000, None]
    assert episode.utterances[-1].text == "Yes"  # YAML 1.2 booleans: 'Yes' stays text
    assert [g.name for g in episode.guests] == ["Known Person", "stranger"]
    assert episode.guests[0].links == (("linkedin", "known"),)
    path = f"{root}/episodes/times.md"
    assert [str(d) for d in sorted(result.diagnostics)] == [
        f"{path}:3: warning: unknown guest 'stranger': no profile people/stranger.md",
        f"{path}:8: warning: 'sec' 92 and 'time' '1:33' disagree; using 'sec'",
    ]


SECS = st.one_of(
    st.integers(-5, 400_000),
    st.sampled_from([0, 359_999, 360_000, 360_001, 10**30, True, None, 1.5, float("nan"), "9"]),
)
TIMES = st.one_of(
    st.builds("{}:{:02d}".format, st.integers(0, 7000), st.integers(0, 99)),
    st.sampled_from(["0:06", "1:00:25", "9: 46", "1:5", "x", "", "99999:00", "6000:00:00"]),
    st.sampled_from([None, 92, 1.5, True]),
)


def _read(items: list[dict[str, object]]) -> tuple[object, ...]:
    lines: dict[KeyPath, int] = {
        ("transcript", i, key): 10 * i + 1 for i, item in enumerate(items) for key in item
    }
    sink: list[Diagnostic] = []
    read = read_transcript(FieldReader("e.md", lines, sink, escapes=False), items)
    return read, [str(d) for d in sink]


@given(st.lists(st.fixed_dictionaries({"line": st.just("L"), "sec": SECS, "time": TIMES})))
def test_a_whole_sec_and_a_time_text_read_as_the_general_rules_read_them(
    items: list[dict[str, object]],
) -> None:
    # The usual line (whole sec in range, time text) skips the general checks; same stamps,
    # same warnings as when every line takes them.
    try:
        fast = _read(items)
    except ContentError as error:
        fast = (str(error.diagnostic),)
    with mock.patch.object(transcript, "_MAX_SECONDS", -1):
        try:
            general = _read(items)
        except ContentError as error:
            general = (str(error.diagnostic),)
    assert fast == general


def test_a_padded_time_is_read_and_not_kept_after_its_episode() -> None:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        padded = "0:03" + " " * 1_000_000  # the clock ignores spaces: a valid stamp
        read, messages = _read([{"line": "L", "who": "A", "sec": 3, "time": padded}])
        del read, padded
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert messages == []
    assert kept < 100_000


def test_a_who_that_is_no_name_leaves_the_speaker_unknown_with_a_warning() -> None:
    items: list[dict[str, object]] = [
        {"line": "One.", "who": ["Sam"]},
        {"line": "Two.", "who": {"name": "Sam"}},
        {"line": "Three.", "who": True},
        {"line": "Four.", "who": 1984},
        {"line": "Five."},
    ]
    read, messages = _read(items)
    assert [u.speaker for u in read] == [None, None, None, "1984", None]  # type: ignore[attr-defined]
    assert messages == [
        "e.md:1: warning: transcript item 1: 'who' is a list, not a name; unknown speaker",
        "e.md:11: warning: transcript item 2: 'who' is a mapping, not a name; unknown speaker",
        "e.md:21: warning: transcript item 3: 'who' is true or false, not a name; unknown speaker",
        "e.md:1: warning: transcript item 5 has no 'who'; unknown speaker",
    ]
