"""Cutting one line (castline.timing.segment.cut_line): the cut is the forward programme.

The reference below is the cut as first written: a forward dynamic programme over word ends
in floating point, each cue's cost summed in this order, the earliest start winning a tie.
cut_line's exact search must always find the same cut, and lay each two-line cue out where
the general line breaker would.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castline.timing.boundaries import SENTENCE, boundary_kinds
from castline.timing.segment import CutRules, Segment, cut_line
from tests.timing.strategies import paragraphs

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The cost model, as documented in castline/timing/segment.py.
CUE_BREAK = (0, 3, 4, 7, 12, 18, 30)
LINE_BREAK = (0, 2, 3, 4, 8, 24, 48)
CUE_COST, INNER_SENTENCE = 7, 8
FRAGMENT_CHARS, FRAGMENT_PER_CHAR = 30, 0.4
SHORT_PER_MS, LONG_PER_MS, LONG_CEILING = 0.06, 0.003, 15
LAYOUT_WEIGHT, IMBALANCE = 1, 0.25


class _Line:
    """A line's words, boundary kinds and planned times, by their documented rules."""

    def __init__(self, text: str, start_ms: int, end_ms: int) -> None:
        self.words = text.split()
        self.kinds = boundary_kinds(self.words)
        self.prefix = [0]
        for word in self.words:
            self.prefix.append(self.prefix[-1] + len(word))
        n = len(self.words)
        total = self.length(0, n)
        # Each word starts in proportion to the characters before it (spaces included).
        self.times = [
            start_ms + (end_ms - start_ms) * (self.prefix[k] + k) // total for k in range(n)
        ] + [end_ms]

    def length(self, i: int, j: int) -> int:
        return self.prefix[j] - self.prefix[i] + (j - i - 1)

    def fill(self, i: int, width: int) -> int:
        j = i + 1
        while j < len(self.words) and self.length(i, j + 1) <= width:
            j += 1
        return j


def _layout(line: _Line, i: int, j: int, first_width: int, width: int) -> float:
    fits = [
        LINE_BREAK[line.kinds[p]]
        + IMBALANCE * abs(line.length(i, p) + width - first_width - line.length(p, j))
        for p in range(i + 1, j)
        if (p - i == 1 or line.length(i, p) <= first_width)
        and (j - p == 1 or line.length(p, j) <= width)
    ]
    return min(fits, default=math.inf)


def _summed(
    start_cost: float, line: _Line, i: int, j: int, first_width: int, rules: CutRules
) -> float:
    """``start_cost`` plus cue ``[i, j)``'s cost, summed in this order (ties depend on it)."""
    n, kinds = len(line.words), line.kinds
    kind = kinds[j] if j < n else SENTENCE
    inner = float(INNER_SENTENCE * sum(1 for k in range(i + 1, j) if kinds[k] == SENTENCE))
    cost = start_cost + CUE_COST + inner + (CUE_BREAK[kind] if j < n else 0)
    chars = line.length(i, j)
    if chars < FRAGMENT_CHARS and not (kinds[i] == SENTENCE and kind == SENTENCE):
        cost += FRAGMENT_PER_CHAR * (FRAGMENT_CHARS - chars)
    duration = line.times[j] - line.times[i]
    if duration < rules.min_ms:
        cost += SHORT_PER_MS * (rules.min_ms - duration)
    elif duration > rules.max_ms:
        cost += min(LONG_CEILING, LONG_PER_MS * (duration - rules.max_ms))
    if chars > first_width and rules.max_lines >= 2:
        layout = _layout(line, i, j, first_width, rules.width)
        if layout != math.inf:
            cost += LAYOUT_WEIGHT * layout
    return cost


def _forward_cut(line: _Line, rules: CutRules, reserve: int, every: bool) -> list[tuple[int, int]]:
    n, width = len(line.words), rules.width
    labelled_width = max(1, width - reserve) if reserve else width
    best, back = [math.inf] * (n + 1), [0] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        first_width = labelled_width if every or i == 0 else width
        limit = line.fill(i, first_width)
        for _ in range(rules.max_lines - 1):
            if limit >= n:
                break
            limit = line.fill(limit, width)
        for j in range(i + 1, limit + 1):
            cost = _summed(best[i], line, i, j, first_width, rules)
            if cost < best[j]:
                best[j], back[j] = cost, i
    runs = []
    j = n
    while j > 0:
        runs.append((back[j], j))
        j = back[j]
    return runs[::-1]


def _runs(segments: tuple[Segment, ...]) -> list[tuple[int, int]]:
    runs, at = [], 0
    for segment in segments:
        count = sum(len(line.split()) for line in segment.lines)
        runs.append((at, at + count))
        at += count
    return runs


def _second_line(line: _Line, i: int, j: int, first_width: int, width: int) -> int:
    """The general line breaker's cut into two lines: the first of the cheapest."""
    best, split = math.inf, -1
    for p in range(i + 1, j):
        if (p - i == 1 or line.length(i, p) <= first_width) and (
            j - p == 1 or line.length(p, j) <= width
        ):
            first, second = line.length(i, p) + width - first_width, line.length(p, j)
            cost = LINE_BREAK[line.kinds[p]] + IMBALANCE * abs(first - second)
            if cost < best:
                best, split = cost, p
    return split


#: Few words of few lengths: many cuts cost exactly the same.
_tied_paragraph = st.lists(
    st.sampled_from(["abcd", "efgh.", "ijkl,", "mnop", "the", "and", "qr?"]), min_size=1
).map(" ".join)
_rules = st.builds(
    CutRules,
    width=st.integers(1, 60),
    max_lines=st.integers(1, 3),
    min_ms=st.sampled_from([0, 833, 2000]),
    max_ms=st.sampled_from([2000, 7000]),
)
#: Durations so far out of range that no exact integer search is attempted: cut_line then
#: runs the forward programme itself.
_dear_rules = st.builds(
    CutRules,
    width=st.integers(1, 60),
    max_lines=st.integers(1, 3),
    min_ms=st.just(10**11),
    max_ms=st.just(10**11),
)


@PROPERTY
@given(
    st.one_of(paragraphs, _tied_paragraph),
    st.integers(0, 10_000_000),
    st.one_of(st.integers(1, 300_000), st.integers(1, 100)),
    st.sampled_from(["", "Al: ", "Juan Pablo: "]),
    st.booleans(),
    st.one_of(_rules, _dear_rules),
)
def test_cut_is_the_forward_programme(
    text: str, start_ms: int, span_ms: int, label: str, every: bool, rules: CutRules
) -> None:
    segments = cut_line(
        text, start_ms, start_ms + span_ms, rules, reserve=len(label), reserve_every=every
    )
    if not text.split():
        assert segments == ()
        return
    line = _Line(text, start_ms, start_ms + span_ms)
    runs = _runs(segments)
    assert runs == _forward_cut(line, rules, len(label), every)
    width = rules.width
    first_width = max(1, width - len(label)) if label else width
    for number, ((i, j), segment) in enumerate(zip(runs, segments, strict=True)):
        # Its words, its planned span, its lines.
        assert " ".join(segment.lines) == " ".join(line.words[i:j])
        assert segment.chars == line.length(i, j)
        assert (segment.start_ms, segment.end_ms) == (line.times[i], line.times[j])
        run_width = first_width if every or number == 0 else width
        fill = line.fill(i, run_width)
        if fill >= j:
            assert len(segment.lines) == 1
        elif line.fill(fill, width) >= j:
            # Each two-line cue is broken where the general line breaker would break it.
            assert len(segment.lines) == 2
            assert i + len(segment.lines[0].split()) == _second_line(line, i, j, run_width, width)


def test_a_reserved_first_line() -> None:
    rules = CutRules(42, 2, 833, 7000)
    text = "Today we talk about the ferry timetable."  # 40 characters
    assert [s.lines for s in cut_line(text, 0, 4000, rules)] == [(text,)]
    assert [s.lines for s in cut_line(text, 0, 4000, rules, reserve=6)] == [
        ("Today we talk", "about the ferry timetable.")
    ]


def test_no_words_no_segment() -> None:
    assert cut_line(" \n ", 0, 1000, CutRules(42, 2, 833, 7000)) == ()
