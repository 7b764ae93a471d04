"""Cutting one line (castline.timing.segment.cut_line): the cut is the forward programme.

The reference below is the cut as first written: a forward dynamic programme over word ends
in floating point, each cue's cost summed in this order, the earliest start winning a tie.
cut_line's exact search must always find the same cut, and lay each two-line cue out where
the general line breaker would. The native cue engine must cut every line as the Python one
does, generated lines and the corpus's alike.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castline.load import load_content
from castline.timing.boundaries import SENTENCE, boundary_kinds
from castline.timing.cues import speaker_name
from castline.timing.engine import native_cheapest_cuts
from castline.timing.segment import CutRules, Segment, cut_line
from castline.timing.spans import episode_timing
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


def _cut_by(
    engine: str, text: str, start_ms: int, end_ms: int, rules: CutRules, reserve: int, every: bool
) -> tuple[Segment, ...]:
    """cut_line by ``engine``, as ``CASTLINE_ENGINE`` picks it."""
    with mock.patch.dict(os.environ, {"CASTLINE_ENGINE": engine}):
        return cut_line(text, start_ms, end_ms, rules, reserve=reserve, reserve_every=every)


def test_the_python_engine_where_the_native_one_is_not_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("castline.timing.engine.native_cheapest_cuts", None)
    rules = CutRules(42, 2, 833, 7000)
    assert _cut_by("native", "Hello.", 0, 1000, rules, 0, False) == (Segment(("Hello.",), 0, 1000),)


native = pytest.mark.skipif(native_cheapest_cuts is None, reason="the native engine is not built")

#: Times and durations from none to beyond 64 bits (where the native engine hands the line
#: to the Python one).
_ms = st.one_of(st.integers(0, 10_000_000), st.just(0), st.integers(0, 2**64))
_spans = st.one_of(
    st.just(0), st.integers(1, 100), st.integers(1, 300_000), st.integers(10**9, 2**64)
)
_any_rules = st.builds(
    CutRules,
    width=st.one_of(st.integers(1, 60), st.integers(61, 2**63)),
    max_lines=st.integers(1, 3),
    min_ms=st.one_of(st.sampled_from([0, 833, 2000, 10**11, 2**62, 2**63]), _ms),
    max_ms=st.one_of(st.sampled_from([0, 2000, 7000, 10**11, 2**62, 2**63]), _ms),
)


#: Words of one length: ties everywhere.
_even_paragraph = st.lists(st.sampled_from(["abcd", "efgh", "ijkl"]), min_size=1).map(" ".join)


@native
@PROPERTY
@given(
    st.one_of(_even_paragraph, _tied_paragraph, paragraphs),
    _ms,
    _spans,
    st.sampled_from(["", "Al: ", "Juan Pablo: ", "A speaker with a long name: "]),
    st.booleans(),
    _any_rules,
)
def test_the_native_engine_cuts_as_the_python_one(
    text: str, start_ms: int, span_ms: int, label: str, every: bool, rules: CutRules
) -> None:
    end_ms = start_ms + span_ms
    native = _cut_by("native", text, start_ms, end_ms, rules, len(label), every)
    assert native == _cut_by("python", text, start_ms, end_ms, rules, len(label), every)


@native
def test_the_native_engine_cuts_every_corpus_line_as_the_python_one(corpus: Path) -> None:
    """Every line of the corpus, as the caption exporters cut it: no label, a label on its
    first cue, a label on every cue."""
    rules = CutRules(42, 2, 833, 7000)
    lines = 0
    for episode in load_content(corpus).episodes:
        timed_lines, _ = episode_timing(episode)
        for timed in timed_lines:
            text, start, end = timed.utterance.text, timed.start_ms, timed.end_ms
            name = speaker_name(timed.utterance.speaker)
            reserve = len(f"{name}: ") if name else 0
            for room, every in sorted({(0, False), (reserve, False), (reserve, True)}):
                python = _cut_by("python", text, start, end, rules, room, every)
                native = _cut_by("native", text, start, end, rules, room, every)
                assert python == native, (str(timed.utterance.source), room, every)
            lines += 1
    assert lines > 2000


#: Words of every length, one longer than any line among them.
_long_word_paragraph = st.lists(
    st.one_of(st.text("abcdefgh", min_size=1, max_size=9), st.text("xyz.", min_size=10)),
    min_size=1,
    max_size=60,
).map(" ".join)


@native
@settings(PROPERTY, max_examples=300)
@given(
    st.one_of(_even_paragraph, _tied_paragraph, _long_word_paragraph, paragraphs),
    st.integers(0, 10_000_000),
    st.one_of(st.just(0), st.integers(1, 100), st.integers(1, 300_000), st.integers(10**9, 2**62)),
    st.data(),
)
def test_the_native_engine_cuts_with_any_reserve_as_the_python_one(
    text: str, start_ms: int, span_ms: int, data: st.DataObject
) -> None:
    """Odd widths, reserves from none to wider than a line, on the first cue or on every
    one, one to three lines: the one native call and the Python engine cut alike."""
    width = data.draw(st.one_of(st.integers(1, 17), st.integers(18, 80)), label="width")
    rules = CutRules(
        width,
        data.draw(st.integers(1, 3), label="max_lines"),
        data.draw(st.sampled_from([0, 833, 2000, 10**11]), label="min_ms"),
        data.draw(st.sampled_from([0, 2000, 7000, 10**11]), label="max_ms"),
    )
    reserve = data.draw(st.integers(0, width + 3), label="reserve")
    every = data.draw(st.booleans(), label="every")
    end_ms = start_ms + span_ms
    native = _cut_by("native", text, start_ms, end_ms, rules, reserve, every)
    assert native == _cut_by("python", text, start_ms, end_ms, rules, reserve, every)


def test_three_line_cues_by_either_engine() -> None:
    """A line whose cues take three lines each, laid out by the general line breaker."""
    rules = CutRules(12, 3, 833, 7000)
    text = "The quick brown fox jumps over the lazy dog and then the cat sleeps. " * 2
    for engine in ("native", "python"):
        segments = _cut_by(engine, text, 0, 20000, rules, 0, False)
        assert [len(segment.lines) for segment in segments] == [3, 3, 3, 3]
        assert segments[1].lines == ("the lazy dog", "and then the", "cat sleeps.")


@native
@pytest.mark.parametrize(
    ("start_ms", "end_ms", "width"),
    [(0, 2**64, 42), (0, 2**62, 42), (-(2**63), 2**62, 42), (0, 3000, 2**63), (0, 3000, 2**63 - 1)],
)
def test_a_line_beyond_64_bits_is_cut_alike(start_ms: int, end_ms: int, width: int) -> None:
    """Times, spans and widths beyond what the native engine computes in 64 bits: it hands the
    line to the Python engine (tests/timing/test_cue_engine.py shows it does), the same cut."""
    text = "Hello and welcome. Today we talk about captions, and the ferry timetable."
    rules = CutRules(width, 2, 833, 7000)
    native = _cut_by("native", text, start_ms, end_ms, rules, 0, False)
    assert native == _cut_by("python", text, start_ms, end_ms, rules, 0, False)
    assert " ".join(line for cue in native for line in cue.lines) == text
