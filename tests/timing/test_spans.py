"""The timing engine (castline.timing.spans): anchors, shared spans, suspect spans, the end."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castline.diagnostics import Severity
from castline.model import SourceRef, Utterance
from castline.timing.spans import TimedLine, time_transcript

#: Example counts come from the profile in tests/conftest.py (HYPOTHESIS_PROFILE=thorough).
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _lines(*specs: tuple[str, int | None], speaker: str | None = "A") -> list[Utterance]:
    return [
        Utterance(text, speaker, stamp, SourceRef("ep.md", 10 + 3 * n))
        for n, (text, stamp) in enumerate(specs)
    ]


def _spans(timed: Sequence[TimedLine]) -> list[tuple[int, int]]:
    return [(t.start_ms, t.end_ms) for t in timed]


def test_empty_transcript() -> None:
    assert time_transcript([], duration_ms=1000) == ((), ())


def test_anchors_and_duration() -> None:
    lines = _lines(("a" * 10, 0), ("b" * 10, 2), ("c" * 10, 5))
    lines = [Utterance(u.text, u.speaker, (u.start_ms or 0) * 1000, u.source) for u in lines]
    timed, warnings = time_transcript(lines, duration_ms=9000)
    assert _spans(timed) == [(0, 2000), (2000, 5000), (5000, 9000)]
    assert warnings == ()
    assert [t.utterance for t in timed] == lines


def test_shared_second_and_untimed_lines_share_in_proportion() -> None:
    lines = _lines(("x" * 30, 10_000), ("y" * 10, 10_000), ("z" * 20, None), ("w", 16_000))
    timed, warnings = time_transcript(lines, duration_ms=20_000)
    assert _spans(timed) == [(10_000, 13_000), (13_000, 14_000), (14_000, 16_000), (16_000, 20_000)]
    assert warnings == ()


def test_lines_before_first_stamp_start_at_zero() -> None:
    lines = _lines(("a" * 10, None), ("b" * 30, None), ("c", 8_000))
    timed, _ = time_transcript(lines, duration_ms=None)
    assert _spans(timed)[:2] == [(0, 2000), (2000, 8000)]
    # No duration: the last line ends after ~15 characters per second (1 char: 67 ms).
    assert timed[-1].start_ms == 8000
    assert timed[-1].end_ms == 8067


def test_all_untimed_without_duration_uses_the_estimate() -> None:
    lines = _lines(("a" * 15, None), ("b" * 15, None))
    timed, warnings = time_transcript(lines, duration_ms=None)
    assert _spans(timed) == [(0, 1000), (1000, 2000)]
    assert warnings == ()


def test_out_of_order_stamp_is_retimed_and_reported() -> None:
    lines = _lines(
        ("a" * 10, 2_092_000), ("b" * 10, 2_666_000), ("c" * 10, 2_092_000), ("d" * 10, 2_100_000)
    )
    timed, warnings = time_transcript(lines, duration_ms=3_000_000)
    # Lines a, b and c share the span 2092 -> 2100 s.
    assert _spans(timed)[:3] == [
        (2_092_000, 2_094_666),
        (2_094_666, 2_097_333),
        (2_097_333, 2_100_000),
    ]
    assert [str(w) for w in warnings] == [
        "ep.md:13: warning: out-of-order stamp 44:26 (next kept stamp 34:52): re-timed to 34:54.666"
    ]


def test_backwards_stamp_names_the_previous_kept_stamp() -> None:
    lines = _lines(("a", 100_000), ("b", 110_000), ("c", 50_000), ("d", 120_000))
    _, warnings = time_transcript(lines, duration_ms=None)
    assert [w.message for w in warnings] == [
        "out-of-order stamp 0:50 (previous kept stamp 1:50): re-timed to 1:55"
    ]


def test_stamp_far_after_duration_is_a_typo_and_retimed() -> None:
    lines = _lines(("a" * 10, 0), ("b" * 10, 50_000))
    timed, warnings = time_transcript(lines, duration_ms=40_000)
    assert _spans(timed) == [(0, 20_000), (20_000, 40_000)]
    assert [w.message for w in warnings] == [
        "stamp 0:50 is far past the episode's duration 0:40: re-timed to 0:20"
    ]


def test_a_stamp_at_the_duration_is_said_to_be_at_it() -> None:
    lines = _lines(("a" * 10, 0), ("b" * 15, 60_000))
    _, warnings = time_transcript(lines, duration_ms=60_000)
    assert [w.message for w in warnings] == [
        "stamp 1:00 is at the episode's duration 1:00: the duration is not used for timing, "
        "the last line ends at an estimate"
    ]


def test_stamps_a_little_after_duration_set_the_duration_aside() -> None:
    lines = _lines(("a" * 10, 0), ("b" * 15, 3_500_000), ("c" * 15, 3_550_000))
    timed, warnings = time_transcript(lines, duration_ms=3_480_000)
    assert _spans(timed) == [(0, 3_500_000), (3_500_000, 3_550_000), (3_550_000, 3_551_000)]
    assert [str(w) for w in warnings] == [
        "ep.md:13: warning: stamp 58:20 is past the episode's duration 58:00: the duration is "
        "not used for timing, the last line ends at an estimate"
    ]


def test_suspect_span_is_reported_at_the_stamp_that_ends_it() -> None:
    lines = _lines(("a" * 100, 10_000), ("b" * 50, None), ("c", 12_000))
    timed, warnings = time_transcript(lines, duration_ms=None)
    assert _spans(timed)[:2] == [(10_000, 11_333), (11_333, 12_000)]
    assert [str(w) for w in warnings] == [
        "ep.md:16: warning: suspect stamp 0:12: 2 lines of 150 characters since 0:10 (line 10) "
        "leave 75 characters per second (more than 22)"
    ]
    assert warnings[0].severity is Severity.WARNING


def test_suspect_span_before_duration() -> None:
    lines = _lines(("a" * 100, 10_000))
    _, warnings = time_transcript(lines, duration_ms=11_000)
    assert [w.message for w in warnings] == [
        "suspect stamp 0:10: 1 line of 100 characters before the episode's duration 0:11 "
        "leave 100 characters per second (more than 22)"
    ]


def test_no_time_at_all_still_gives_every_line_a_millisecond() -> None:
    lines = _lines(("a", None), ("b", None), ("c", 0), ("d", 0))
    timed, warnings = time_transcript(lines, duration_ms=10)
    assert _spans(timed) == [(0, 1), (1, 2), (2, 5), (5, 10)]
    assert [w.message for w in warnings] == [
        "suspect stamp 0:00: 2 lines of 2 characters since the start leave no time at all "
        "(more than 22)",
        "suspect stamp 0:00: 2 lines of 2 characters before the episode's duration 0:00.010 "
        "leave 200 characters per second (more than 22)",
    ]


def test_duration_too_short_is_ignored() -> None:
    lines = _lines(("a", None), ("b", None), ("c", None))
    timed, warnings = time_transcript(lines, duration_ms=2)
    assert timed[-1].end_ms > 2
    assert [w.message for w in warnings] == [
        "duration 0:00.002 leaves less than 1 ms for each of the 3 transcript lines: "
        "ignored, the end is estimated"
    ]


def test_empty_text_still_gets_a_span() -> None:
    lines = _lines(("", 0), ("  ", None), ("words here", None))
    timed, _ = time_transcript(lines, duration_ms=1200)
    assert _spans(timed) == [(0, 100), (100, 200), (200, 1200)]


_stamps = st.one_of(st.none(), st.integers(min_value=-5_000, max_value=4_000_000))
_specs = st.lists(
    st.tuples(st.text(max_size=300), st.sampled_from(["A", "B", None]), _stamps), max_size=40
)
_utterances = _specs.map(
    lambda specs: [
        Utterance(text, who, stamp, SourceRef("ep.md", 1 + n))
        for n, (text, who, stamp) in enumerate(specs)
    ]
)
_durations = st.one_of(st.none(), st.integers(min_value=0, max_value=5_000_000))


@PROPERTY
@given(_utterances, _durations)
def test_spans_are_contiguous_and_cover_every_line(
    utterances: list[Utterance], duration_ms: int | None
) -> None:
    timed, warnings = time_transcript(utterances, duration_ms=duration_ms)
    assert [t.utterance for t in timed] == utterances
    for line in timed:
        assert isinstance(line.start_ms, int)
        assert isinstance(line.end_ms, int)
        assert line.end_ms > line.start_ms >= 0
    for before, after in itertools.pairwise(timed):
        assert before.end_ms == after.start_ms
    set_aside = ("not used for timing", "ignored, the end is estimated")
    if timed and duration_ms is not None:
        if not any(phrase in w.message for w in warnings for phrase in set_aside):
            assert timed[-1].end_ms == duration_ms
        elif all(u.start_ms is None or u.start_ms < duration_ms for u in utterances):
            assert duration_ms < len(utterances)


@PROPERTY
@given(_utterances, _durations)
def test_kept_stamps_are_honoured_and_repairs_reported(
    utterances: list[Utterance], duration_ms: int | None
) -> None:
    timed, warnings = time_transcript(utterances, duration_ms=duration_ms)
    retimed = {w.source for w in warnings if "re-timed" in w.message}
    suspect = any("suspect" in w.message for w in warnings)
    last = -1
    for line in timed:
        stamp = line.utterance.start_ms
        if stamp is None:
            continue
        if line.utterance.source in retimed:
            continue
        # A stamp nobody reported is kept: kept stamps never decrease ...
        assert stamp >= last
        if not suspect:
            # ... and with no suspect span, the first line of each second starts on it.
            assert line.start_ms == stamp if stamp > last else line.start_ms >= stamp
        last = stamp
