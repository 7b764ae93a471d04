"""The timing engine (castline.timing.spans): anchors, shared spans, suspect spans, the end."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castline.diagnostics import Severity
from castline.model import SourceRef, Utterance
from castline.timing.spans import (
    IMPOSSIBLE_CPS,
    STAMP_PRECISION_MS,
    TimedLine,
    spoken_length,
    time_transcript,
)

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


def test_anchors_and_the_estimated_end() -> None:
    lines = _lines(("a" * 10, 0), ("b" * 10, 2), ("c" * 10, 5))
    lines = [Utterance(u.text, u.speaker, (u.start_ms or 0) * 1000, u.source) for u in lines]
    timed, warnings = time_transcript(lines, duration_ms=9000)
    # The duration is not a point on the timeline: the last line ends at its estimate.
    assert _spans(timed) == [(0, 2000), (2000, 5000), (5000, 6000)]
    assert warnings == ()
    assert [t.utterance for t in timed] == lines
    assert [t.stamped for t in timed] == [True, True, True]


def test_shared_second_and_untimed_lines_share_in_proportion() -> None:
    lines = _lines(("x" * 30, 10_000), ("y" * 10, 10_000), ("z" * 20, None), ("w", 16_000))
    timed, warnings = time_transcript(lines, duration_ms=20_000)
    assert _spans(timed) == [(10_000, 13_000), (13_000, 14_000), (14_000, 16_000), (16_000, 17_000)]
    assert warnings == ()


def test_lines_before_first_stamp_start_at_zero() -> None:
    lines = _lines(("a" * 10, None), ("b" * 30, None), ("c", 8_000))
    timed, _ = time_transcript(lines, duration_ms=None)
    assert _spans(timed)[:2] == [(0, 2000), (2000, 8000)]
    # The last line ends after ~15 characters per second, at least 1 s a line.
    assert timed[-1].start_ms == 8000
    assert timed[-1].end_ms == 9000


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


def test_stamps_past_the_duration_keep_their_times_with_one_warning() -> None:
    lines = _lines(("a" * 10, 0), ("b" * 15, 3_500_000), ("c" * 15, 3_550_000), ("d", 3_600_000))
    timed, warnings = time_transcript(lines, duration_ms=3_480_000)
    assert [t.start_ms for t in timed] == [0, 3_500_000, 3_550_000, 3_600_000]
    assert [str(w) for w in warnings] == [
        "ep.md:13: warning: the stamps run to 1:00:00, 2:00 past the episode's duration 58:00: "
        "the duration is only itunes:duration, the stamps keep their times"
    ]


def test_a_stamp_far_past_the_duration_is_not_a_typo() -> None:
    lines = _lines(("a" * 10, 0), ("b" * 10, 50_000))
    timed, warnings = time_transcript(lines, duration_ms=40_000)
    assert _spans(timed) == [(0, 50_000), (50_000, 51_000)]
    assert [w.message for w in warnings] == [
        "the stamps run to 0:50, 0:10 past the episode's duration 0:40: the duration is only "
        "itunes:duration, the stamps keep their times"
    ]


def test_suspect_span_is_reported_at_the_stamp_that_ends_it() -> None:
    lines = _lines(("a" * 20, 10_000), ("b" * 30, None), ("c", 12_000))
    timed, warnings = time_transcript(lines, duration_ms=None)
    # 50 characters in 2 s (25 cps): suspect, not impossible; the boundary moves 500 ms
    # toward the slower last line.
    assert _spans(timed) == [(10_000, 11_000), (11_000, 12_500), (12_500, 13_500)]
    assert timed[2].stamped
    assert warnings == ()


def test_suspect_span_is_reported_when_the_stamps_cannot_move_enough() -> None:
    lines = _lines(("a" * 20, 10_000), ("b" * 40, None), ("c" * 30, 12_000), ("d", 13_000))
    _, warnings = time_transcript(lines, duration_ms=None)
    assert [str(w) for w in warnings] == [
        "ep.md:16: warning: suspect stamp 0:12: 2 lines of 60 characters since 0:10 "
        "(line 10) leave 30 characters per second (more than 22)"
    ]
    assert warnings[0].severity is Severity.WARNING


def test_an_impossible_span_is_repaired_and_reported() -> None:
    # 150 characters between 0:10 and 0:12: the stamp 0:12 is wrong (the fixture
    # tests/data/captions/episodes/impossible-span.md is the same fault in a file).
    lines = _lines(("a" * 100, 10_000), ("b" * 50, None), ("c", 12_000), ("d" * 30, 30_000))
    timed, warnings = time_transcript(lines, duration_ms=None)
    assert timed[0].start_ms == 10_000
    assert timed[3].start_ms == 30_000
    assert [str(w) for w in warnings] == [
        "ep.md:16: warning: stamp 0:12 makes an impossible span: 150 characters between stamps "
        "0:10 and 0:12 (75 characters per second): re-timed to 0:29.867"
    ]


def test_lines_before_a_stamp_at_zero_get_time_from_its_imprecision() -> None:
    lines = _lines(("a", None), ("b", None), ("c", 0), ("d", 0))
    timed, warnings = time_transcript(lines, duration_ms=10)
    # The boundary at 0:00 moves up to 500 ms toward the slower block after it.
    assert _spans(timed) == [(0, 250), (250, 500), (500, 1500), (1500, 2500)]
    assert warnings == ()


def test_empty_text_still_gets_a_span() -> None:
    lines = _lines(("", 0), ("  ", None), ("words here", None))
    timed, _ = time_transcript(lines, duration_ms=1200)
    assert _spans(timed) == [(0, 250), (250, 500), (500, 3000)]


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
    # The duration moves nothing and is mentioned once at most.
    assert time_transcript(utterances, duration_ms=None)[0] == timed
    assert sum("duration" in w.message for w in warnings) <= 1


@PROPERTY
@given(_utterances, _durations)
def test_kept_stamps_are_honoured_within_500_ms_and_repairs_reported(
    utterances: list[Utterance], duration_ms: int | None
) -> None:
    timed, warnings = time_transcript(utterances, duration_ms=duration_ms)
    retimed = {w.source for w in warnings if "re-timed" in w.message}
    last = -1
    for index, line in enumerate(timed):
        stamp = line.utterance.start_ms
        if stamp is None:
            assert not line.stamped
            continue
        if line.utterance.source in retimed:
            assert not line.stamped
            continue
        # A stamp nobody reported is kept: kept stamps never decrease ...
        assert stamp >= last
        if stamp > last:
            # ... the first line of each second starts on it, give or take 500 ms (unless the
            # lines before it need a millisecond each) ...
            assert line.stamped
            assert abs(line.start_ms - stamp) <= STAMP_PRECISION_MS or line.start_ms <= index
        last = stamp
    # ... and no span between two kept stamps is impossible.
    heads = [t for t in timed if t.stamped]
    for before, after in itertools.pairwise(heads):
        chars = sum(
            max(1, spoken_length(t.utterance.text))
            for t in timed
            if before.start_ms <= t.start_ms < after.start_ms
        )
        span = (after.utterance.start_ms or 0) - (before.utterance.start_ms or 0)
        assert chars * 1000 <= IMPOSSIBLE_CPS * (span + 2 * STAMP_PRECISION_MS)
