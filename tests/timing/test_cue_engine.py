"""The native cue engine (castline/timing/_cue_engine.c): the Python search's results exactly,
inputs checked, no leak.

Its cut (``model(...).cut``) is the whole of ``cut_line`` after the words and their kinds, and
tests/timing/test_segment.py compares the two engines' cuts. Its pieces are compared here with
the Python functions they mirror: the search returns what ``segment._cheapest_cuts`` returns
for the same prepared line (every ``ends``, every ``cheapest`` list in order, ``least``), so
these tests prepare lines as ``segment`` does and compare the two searches directly: a
difference that no cut shows (a tie dropped, an unused entry) still fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castline.timing import segment
from castline.timing.boundaries import boundary_kinds
from castline.timing.engine import native_cheapest_cuts, native_fills, native_layout, native_model
from castline.timing.segment import CutRules
from tests.timing.leaks import assert_leaves_nothing
from tests.timing.strategies import paragraphs
from tests.timing.test_segment import _cut_by, _forward_cut, _Line, _runs

pytestmark = pytest.mark.skipif(
    native_cheapest_cuts is None, reason="the native engine is not built"
)

#: Few words of few lengths: many cuts cost exactly the same; of one length, ends of the same
#: cost among them.
_tied = st.one_of(
    st.lists(
        st.sampled_from(["abcd", "efgh.", "ijkl,", "mnop", "the", "and", "qr?", "a"]), min_size=1
    ).map(" ".join),
    st.lists(st.sampled_from(["abcd", "efgh", "ijkl"]), min_size=1, max_size=60).map(" ".join),
)
_ms = st.one_of(st.integers(0, 10_000_000), st.integers(0, 2**63 - 1))
_rules = st.builds(
    CutRules,
    width=st.integers(1, 60),
    max_lines=st.integers(1, 3),
    min_ms=st.one_of(st.sampled_from([0, 833, 2000, 10**11, 2**62]), _ms),
    max_ms=st.one_of(st.sampled_from([0, 2000, 7000, 10**11, 2**62]), _ms),
)


def _arguments(
    text: str, start_ms: int, span_ms: int, rules: CutRules, reserve: int
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The Python search's arguments and the native one's for a line prepared as segment
    prepares it, every cue but the line's first ``reserve`` characters narrower."""
    words = segment._Words.of(text, start_ms, start_ms + span_ms)
    rows_width = max(1, rules.width - reserve)
    plain = segment._fills(words.offsets, rules.width)
    fills = segment._fills(words.offsets, rows_width)
    reaches = segment._reaches(fills, plain, rules.max_lines)
    scan = segment._scanner(words, rules)
    python = (words, scan, rows_width, fills, reaches)
    native = (
        words.offsets, words.times, words.at_sentence, words.breaks, words.kinds, fills, reaches,
        rows_width, rules.width, rules.max_lines, rules.min_ms, rules.max_ms,
        segment._NATIVE_UNITS,
    )  # fmt: skip
    return python, native


@given(
    st.one_of(_tied, paragraphs),
    st.integers(0, 10_000_000),
    st.one_of(st.just(0), st.integers(1, 100), st.integers(1, 300_000), _ms),
    _rules,
    st.sampled_from([0, 4, 12]),
)
def test_the_native_search_returns_the_python_one(
    text: str, start_ms: int, span_ms: int, rules: CutRules, reserve: int
) -> None:
    python, native = _arguments(text, start_ms, span_ms, rules, reserve)
    expected = segment._cheapest_cuts(*python)
    assert native_cheapest_cuts is not None
    try:
        found = native_cheapest_cuts(*native)
    except OverflowError:  # a planned time beyond 64 bits: the Python engine cuts it
        assert max(map(abs, python[0].times)) >= 2**62
        return
    assert found == expected


@given(
    st.lists(st.integers(1, 80), max_size=80),
    st.one_of(st.integers(-3, 200), st.integers(-(2**63), 2**63 - 2)),
)
def test_the_native_fills_are_the_python_ones(lengths: list[int], width: int) -> None:
    offsets = segment._Words.of(" ".join("x" * n for n in lengths), 0, 1000).offsets
    assert native_fills is not None
    assert native_fills(offsets, width) == segment._fills(offsets, width)


def test_fills_inputs_are_checked() -> None:
    assert native_fills is not None
    with pytest.raises(ValueError) as raised:
        native_fills([0, 4, 4], 10)
    assert str(raised.value) == "offsets[2] does not increase from 0"
    with pytest.raises(OverflowError) as overflow:
        native_fills([0, 4], 2**63 - 1)
    assert str(overflow.value) == "width leaves 64 bits"
    assert native_fills([], 10) == segment._fills([], 10) == []


@given(
    st.one_of(_tied, paragraphs),
    st.integers(1, 60),
    st.lists(st.tuples(st.integers(0, 200), st.integers(1, 200)), min_size=1, max_size=20),
    st.integers(0, 8),
    st.one_of(st.just(2**62), st.integers(-5, 100_000)),
)
def test_the_native_layouts_are_the_python_ones(
    text: str, width: int, cues: list[tuple[int, int]], reserve: int, limit: int
) -> None:
    words = segment._Words.of(text, 0, 1000)
    n = len(words.words)
    if not n:
        return
    python = segment._two_liner(words, width)
    assert native_layout is not None
    native = native_layout(
        words.offsets, words.breaks, width, segment._LAYOUT_IMBALANCE_UNITS, segment._BEYOND
    ).two_lines
    first_width = max(1, width - reserve)
    fills = segment._fills(words.offsets, first_width)
    for start, length in cues:
        i = start % n
        j = min(n, i + length)
        for fill in (fills[i], i, j + 1):
            assert native(i, j, first_width, fill, limit) == python(i, j, first_width, fill, limit)


def test_layout_inputs_are_checked() -> None:
    assert native_layout is not None
    words = segment._Words.of("Hello and welcome.", 0, 1000)
    units = (segment._LAYOUT_IMBALANCE_UNITS, segment._BEYOND)
    layout = native_layout(words.offsets, words.breaks, 42, *units)
    messages = []
    for call in (
        lambda: layout.two_lines(1, 1, 42, 2, 9),
        lambda: layout.two_lines(0, 4, 42, 2, 9),
        lambda: layout.two_lines(0, 3, 2**41, 2, 9),
        lambda: native_layout(words.offsets, words.breaks, 2**41, *units),
        lambda: native_layout([0, 6, 6, 18], words.breaks, 42, *units),
        lambda: native_layout(words.offsets, [0, -1, 0], 42, *units),
        lambda: native_layout(words.offsets, words.breaks, 42, -1, 2**62),
    ):
        with pytest.raises((IndexError, OverflowError, ValueError)) as raised:
            call()
        messages.append(f"{type(raised.value).__name__}: {raised.value}")
    assert messages == [
        "IndexError: no cue [1, 1) in 3 words",
        "IndexError: no cue [0, 4) in 3 words",
        "OverflowError: first_width leaves 41 bits",
        "OverflowError: width leaves 41 bits",
        "ValueError: offsets[2] does not increase from 0 below 2**40",
        "ValueError: breaks[1] is not a unit cost",
        "ValueError: a unit cost is not a unit cost",
    ]


def test_a_tied_line() -> None:
    """Cuts of equal cost whose ends cost the same too: the window's order, (ends[j], j),
    decides the order of every cheapest list."""
    text = " ".join(["abcd"] * 30)
    python, native = _arguments(text, 0, 0, CutRules(60, 1, 833, 7000), 0)
    ends, cheapest, least = segment._cheapest_cuts(*python)
    assert native_cheapest_cuts is not None
    same_ends = [found for found in cheapest if len({ends[j] for j in found}) < len(found)]
    assert len(same_ends) == 15
    assert native_cheapest_cuts(*native) == (ends, cheapest, least)


def test_no_words() -> None:
    assert native_cheapest_cuts is not None
    _, native = _arguments("", 0, 1000, CutRules(42, 2, 833, 7000), 0)
    assert native_cheapest_cuts(*native) == ([0], [[]], 0)


def _native_error(position: int, value: object) -> str:
    """The message the native search raises with argument ``position`` replaced by ``value``."""
    _, native = _arguments(
        "Hello and welcome. Today we talk.", 0, 3000, CutRules(42, 2, 833, 7000), 0
    )
    arguments = list(native)
    arguments[position] = value
    assert native_cheapest_cuts is not None
    with pytest.raises((TypeError, ValueError, OverflowError)) as raised:
        native_cheapest_cuts(*arguments)
    return f"{type(raised.value).__name__}: {raised.value}"


def test_inputs_are_checked() -> None:
    assert _native_error(0, [0, 6, 4, 13, 16, 21, 24]) == "ValueError: offsets[2] does not increase"
    assert _native_error(1, [0, 1]) == "ValueError: times has 2 items, not 7"
    assert _native_error(3, [0, 0, 0, 0, -1, 0]) == "ValueError: breaks[4] is not a unit cost"
    assert _native_error(4, [0, 0, 0, 0, 0, 7]) == "ValueError: kinds[5] is not a kind"
    assert (
        _native_error(6, [6, 6, 6, 6, 6, 7])
        == "ValueError: reaches[5] is not an end of a cue from it"
    )
    assert (
        _native_error(6, [0, 6, 6, 6, 6, 6])
        == "ValueError: reaches[0] is not an end of a cue from it"
    )
    assert _native_error(5, [1, 2, 3, "4", 5, 6]) == "TypeError: rows_fills[3] is not an int"
    assert _native_error(2, 7) == "TypeError: at_sentence"
    assert _native_error(1, [0, 1, 2, 3, 4, 5, 2**64]) == "OverflowError: times[6] leaves 64 bits"
    assert _native_error(10, 2**63) == "OverflowError: min_ms leaves 64 bits"
    assert _native_error(8, "42") == "TypeError: width is not an int"
    units = list(segment._NATIVE_UNITS)
    units[0] = -1
    assert _native_error(12, tuple(units)) == "ValueError: a unit cost is not a unit cost"
    units[0], units[8] = 7000, 2**63 - 1
    assert _native_error(12, tuple(units)) == "ValueError: beyond must be in (0, 2**62]"
    units[8], units[2] = 2**62, (0, -3)
    assert _native_error(12, tuple(units)) == "ValueError: cue_break[1] is not a unit cost"
    assert _native_error(12, [1]) == "TypeError: units must be a tuple"


def test_tuples_are_read_as_lists() -> None:
    python, native = _arguments(
        "Hello and welcome. Today we talk.", 0, 3000, CutRules(42, 2, 833, 7000), 0
    )
    assert native_cheapest_cuts is not None
    as_tuples: tuple[Any, ...] = tuple(tuple(a) if isinstance(a, list) else a for a in native)
    assert native_cheapest_cuts(*as_tuples) == segment._cheapest_cuts(*python)


def test_no_memory_is_kept() -> None:
    """Hundreds of searches, failed ones included, leave no block allocated and no reference
    to their arguments."""
    assert native_cheapest_cuts is not None
    text = "Hello and welcome. Today we talk about captions, and the ferry timetable. " * 8
    _, good = _arguments(text, 0, 60_000, CutRules(42, 2, 833, 7000), 6)
    bad = list(good)
    bad[1] = [*good[1][:-1], 2**64]

    assert native_fills is not None
    assert native_layout is not None
    fills, layout = native_fills, native_layout
    units = (segment._LAYOUT_IMBALANCE_UNITS, segment._BEYOND)
    model = segment._NATIVE_MODEL
    assert model is not None
    words = text.split()
    line = (words, boundary_kinds(words), 0, 60_000, 12, 3, 833, 7000)

    def run() -> None:
        for _ in range(300):
            model.cut(*line, 6, 6)  # three-line cues, tied cuts
            model.cut(*line[:5], 2, 10**11, 10**11, 6, 12)  # the forward programme
            with pytest.raises(OverflowError):
                model.cut(*line[:3], 2**62, *line[4:], 6, 12)
            with pytest.raises(ValueError):
                model.cut([*words[:-1], ""], *line[1:], 6, 12)
            native_cheapest_cuts(*good)
            fills(good[0], 42)
            layout(good[0], good[3], 42, *units).two_lines(0, 12, 36, 7, 2**62)
            with pytest.raises(ValueError):
                layout(good[0][::-1], good[3], 42, *units)
            with pytest.raises(OverflowError):
                native_cheapest_cuts(*bad)
            with pytest.raises(ValueError):
                fills(good[0][::-1], 42)

    assert_leaves_nothing(run, good)


def _cut_error(position: int, value: object) -> str:
    """The message the native cut raises with argument ``position`` replaced by ``value``."""
    assert segment._NATIVE_MODEL is not None
    words = "Hello and welcome. Today we talk.".split()
    arguments: list[Any] = [words, boundary_kinds(words), 0, 3000, 42, 2, 833, 7000, 36, 42]
    arguments[position] = value
    with pytest.raises((TypeError, ValueError, OverflowError)) as raised:
        segment._NATIVE_MODEL.cut(*arguments)
    return f"{type(raised.value).__name__}: {raised.value}"


def test_cut_inputs_are_checked() -> None:
    assert _cut_error(0, ["Hello", "", "welcome."]) == "ValueError: kinds has 6 items, not 3"
    assert _cut_error(0, ["Hello", "and", "", "Today", "we", "talk."]) == (
        "ValueError: words[2] is not a word"
    )
    assert _cut_error(0, 7) == "TypeError: words must be a sequence"
    assert _cut_error(0, ["Hello", 5, "a", "b", "c", "d"]) == (
        "TypeError: sequence item 1: expected str instance, int found"
    )
    assert _cut_error(1, [0, 0, 0, 0, 0, 7]) == "ValueError: kinds[5] is not a kind"
    assert _cut_error(1, [0, 0, 0, -1, 0, 0]) == "ValueError: kinds[3] is not a kind"
    assert _cut_error(1, None) == "TypeError: kinds must be a sequence"
    assert _cut_error(4, "42") == "TypeError: width is not an int"
    assert _cut_error(7, 2**64) == "OverflowError: max_ms leaves 64 bits"
    assert _cut_error(8, 2**41) == "OverflowError: width - first_width leaves 41 bits"
    assert _cut_error(9, -(2**41)) == "OverflowError: width - rows_width leaves 41 bits"
    assert segment._NATIVE_MODEL is not None
    with pytest.raises(TypeError) as raised:
        segment._NATIVE_MODEL.cut([], [])  # type: ignore[call-arg]
    assert str(raised.value) == "cut takes 10 arguments, not 2"
    assert segment._NATIVE_MODEL.cut([], [], 0, 0, 42, 2, 833, 7000, 42, 42) == []


def test_model_inputs_are_checked() -> None:
    assert native_model is not None
    units, breaks = segment._NATIVE_UNITS, segment._LAYOUT_BREAK_UNITS
    costs, limit = segment._NATIVE_COSTS, segment._EXACT_LIMIT
    messages = []
    for arguments in (
        (units, breaks[:-1], costs, limit),
        (units, breaks, (*costs[:8], costs[8][:-1], costs[9]), limit),
        (units, breaks, (*costs[:2], (0, "3"), *costs[3:]), limit),
        (units, breaks, (*costs[:2], (0, "3", 4, 7, 12, 18, 30), *costs[3:]), limit),
        (units, breaks, list(costs), limit),
        (units, (0, -1), costs, limit),
    ):
        with pytest.raises((TypeError, ValueError)) as raised:
            native_model(*arguments)
        messages.append(f"{type(raised.value).__name__}: {raised.value}")
    assert messages == [
        "ValueError: layout_breaks has not one cost per kind",
        "ValueError: line_break has 6 items, not 7",
        "ValueError: cue_break has 2 items, not 7",
        "TypeError: must be real number, not str",
        "TypeError: costs must be a tuple",
        "ValueError: layout_breaks[1] is not a unit cost",
    ]


def test_ties_are_settled_in_floating_point() -> None:
    """A line whose cheapest cuts tie: the native cut settles them as the Python one does."""
    rules = CutRules(12, 3, 833, 7000)
    tied = " ".join(["abcd"] * 40)
    line = segment._prepare(tied, 0, 30000, rules, 12)
    assert segment._cheapest_cues(line, line.cheapest[0])[1]  # ties to settle
    native = _cut_by("native", tied, 0, 30000, rules, 0, False)
    assert native == _cut_by("python", tied, 0, 30000, rules, 0, False)


def test_the_forward_programme_where_rounding_could_tell() -> None:
    """A line so dear that its words times its cheapest cut reach the exact search's limit:
    both engines run the whole forward programme, and find the reference's cut."""
    rules = CutRules(42, 2, 10**11, 10**11)
    text = "Hello and welcome. Today we talk about captions, and the ferry timetable. " * 4
    line = segment._prepare(text, 0, 60_000, rules, 36)
    assert len(line.words.words) * line.least >= segment._EXACT_LIMIT
    native = _cut_by("native", text, 0, 60_000, rules, 6, True)
    assert native == _cut_by("python", text, 0, 60_000, rules, 6, True)
    assert _runs(native) == _forward_cut(_Line(text, 0, 60_000), rules, 6, True)


@pytest.mark.parametrize(
    ("start_ms", "end_ms", "width", "message"),
    [
        (0, 2**64, 42, "end_ms leaves 64 bits"),
        (0, 2**62, 42, "a planned time leaves 64 bits"),
        (-(2**63), 2**62, 42, "a planned time leaves 64 bits"),
        (0, 3000, 2**63, "width leaves 64 bits"),
        (0, 3000, 2**63 - 1, "a width leaves 64 bits"),
    ],
)
def test_the_cut_raises_overflow_beyond_64_bits(
    start_ms: int, end_ms: int, width: int, message: str
) -> None:
    """The lines of test_segment's test_a_line_beyond_64_bits_is_cut_alike: the native cut
    raises OverflowError, so the Python engine cuts them."""
    model = segment._NATIVE_MODEL
    assert model is not None
    words = "Hello and welcome. Today we talk about captions, and the ferry timetable.".split()
    with pytest.raises(OverflowError) as raised:
        model.cut(words, boundary_kinds(words), start_ms, end_ms, width, 2, 833, 7000, width, width)
    assert str(raised.value) == message
