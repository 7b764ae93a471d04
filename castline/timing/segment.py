"""Cutting one transcript line into cues, and each cue into display lines: :func:`cut_line`.

The cut is the cheapest by a cost model, found by exact dynamic programming over the whole
line rather than greedily. A cue costs a fixed amount (fewer, fuller cues), plus the kind of
boundary it ends at (:mod:`castline.timing.boundaries`), sentence ends inside it (ideally
one sentence per cue), a fragment cost when it is a short part of a sentence, a cost per
millisecond of planned duration below the minimum or above the maximum, and its best
two-line layout (the kind of boundary at the line break and the difference in length of
the two lines), in full. A cue's planned span is its share of the line's span in
proportion to its characters.

The line-break and reading-time rules the costs follow are those of the Netflix Timed Text
Style Guide (https://partnerhelp.netflixstudios.com/hc/en-us/articles/217350977) and the BBC
Subtitle Guidelines (https://www.bbc.co.uk/accessibility/forproducts/guides/subtitles/).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from castline.timing import engine as engines
from castline.timing.boundaries import SENTENCE, boundary_kinds

__all__ = ["CutRules", "Segment", "cut_line"]


@dataclass(frozen=True, slots=True)
class CutRules:
    """What every cue of a cut respects: at most ``max_lines`` lines of ``width`` characters
    (a single word longer than a line is the only exception), and, as far as costs allow, a
    planned duration from ``min_ms`` to ``max_ms``."""

    width: int
    max_lines: int
    min_ms: int
    max_ms: int


@dataclass(frozen=True, slots=True)
class Segment:
    """One cue of a cut line: its display lines and its planned span ``[start_ms, end_ms)``."""

    lines: tuple[str, ...]
    start_ms: int
    end_ms: int

    @property
    def chars(self) -> int:
        """Characters of the cue's words joined by single spaces."""
        return sum(map(len, self.lines)) + len(self.lines) - 1


def cut_line(
    text: str,
    start_ms: int,
    end_ms: int,
    rules: CutRules,
    *,
    reserve: int = 0,
    reserve_every: bool = False,
) -> tuple[Segment, ...]:
    """The cheapest cut of ``text`` (spoken over ``[start_ms, end_ms)``) into cues.

    ``reserve`` characters are kept free at the start of the first cue's first line (for a
    ``Name: `` label), or of every cue's when ``reserve_every``; at least one character is
    left. Returns the cues in order; their words are the text's words, in order, each line
    joined by single spaces; the first starts at ``start_ms``, each ends where the next
    starts, the last at ``end_ms``. A text without words gives none. Deterministic: among
    cuts of equal cost, the one the forward programme over word ends finds in floating point
    (a later start of a cue replacing an earlier one only when strictly cheaper); a cue's
    line break is the first of its cheapest.

    >>> [s.lines for s in cut_line("Hello and welcome. Today we talk about captions.",
    ...                            0, 3000, CutRules(42, 2, 833, 7000))]
    [('Hello and welcome.',), ('Today we talk about captions.',)]
    """
    width = rules.width
    first_width = max(1, width - reserve) if reserve else width
    rows_width = first_width if reserve_every else width
    if _NATIVE_MODEL is not None and engines.default_engine() == "native":
        segments = _native_cut(text, start_ms, end_ms, rules, first_width, rows_width)
        if segments is not None:
            return segments
    line = _prepare(text, start_ms, end_ms, rules, rows_width)
    if not line.words.words:
        return ()
    first_fill = _first_fill(line, first_width)
    times = line.words.times
    cues: list[Segment] = []
    for number, (i, j) in enumerate(_cut(line, first_width, first_fill)):
        run_width = first_width if reserve_every or number == 0 else width
        fill = first_fill if i == 0 else line.rows_fills[i]  # its first line's longest
        cues.append(Segment(_layout(line, i, j, run_width, fill), times[i], times[j]))
    return tuple(cues)


def _native_cut(
    text: str, start_ms: int, end_ms: int, rules: CutRules, first_width: int, rows_width: int
) -> tuple[Segment, ...] | None:
    """:func:`cut_line` by the native engine in one call from the words and their boundary
    kinds (the line's first cue ``first_width`` wide, every other ``rows_width``); ``None``
    where a value leaves 64 bits (an OverflowError): the Python engine cuts that line."""
    words = text.split()
    if not words:
        return ()
    assert _NATIVE_MODEL is not None
    try:
        cues = _NATIVE_MODEL.cut(
            words,
            boundary_kinds(words),
            start_ms,
            end_ms,
            rules.width,
            rules.max_lines,
            rules.min_ms,
            rules.max_ms,
            first_width,
            rows_width,
        )
    except OverflowError:
        return None  # the Python engine's integers have no bound
    return tuple(itertools.starmap(Segment, cues))


# --- Costs ----------------------------------------------------------------------------------

#: Cost of ending a cue at each kind of boundary.
_CUE_BREAK = (0, 3, 4, 7, 12, 18, 30)
#: Cost of a line break inside a cue at each kind of boundary: a line ending on a weak or bad
#: word (an auxiliary, an article, a first name) costs more than an uneven pair of lines.
_LINE_BREAK = (0, 2, 3, 4, 8, 24, 48)
#: Cost of every cue: fewer, fuller cues unless a better boundary or timing says otherwise.
_CUE_COST = 7
#: Cost of a sentence end inside a cue (ideally one sentence per cue).
_INNER_SENTENCE = 8
#: A cue that is only part of a sentence costs this much per character below
#: :data:`_FRAGMENT_CHARS` (no "on sexuality." orphans).
_FRAGMENT_CHARS = 30
_FRAGMENT_PER_CHAR = 0.4
#: Cost per millisecond below ``min_ms`` (planned duration).
_SHORT_PER_MS = 0.06
#: Cost per millisecond above ``max_ms``, up to a ceiling: a slow line (a pause, or a
#: condensed transcript) is cut at its natural boundaries and each cue is then shortened to
#: the maximum, rather than chopped into one-word cues.
_LONG_PER_MS = 0.003
_LONG_CEILING = 15
#: Weight of a cue's line-break cost when cutting a line into cues: in full, so that a cue
#: whose only layouts end a line on a weak or bad word loses to one that breaks well.
_LAYOUT_WEIGHT = 1
#: Cost per character of difference between the longest and shortest line of a cue.
_IMBALANCE = 0.25

#: The cut is searched in integer cost units (1/1000): every cost above is a whole number of
#: them, so sums are exact whatever their order (see :func:`_cut`).
_UNITS_PER_COST = 1000


def _units(*factors: float) -> int:
    """The product of cost ``factors`` in whole units (each factor read as the decimal written)."""
    value = Fraction(_UNITS_PER_COST)
    for factor in factors:
        value *= Fraction(repr(factor))
    if value.denominator != 1:
        raise ValueError(f"a cost of {float(value)} units is not a whole number of units")
    return int(value)


_CUE_UNITS = _units(_CUE_COST)
_INNER_SENTENCE_UNITS = _units(_INNER_SENTENCE)
_CUE_BREAK_UNITS = tuple(_units(cost) for cost in _CUE_BREAK)
#: ``_FRAGMENT_UNITS[chars]``: the fragment cost of a cue of ``chars`` characters.
_FRAGMENT_UNITS = tuple(
    _units(_FRAGMENT_PER_CHAR, _FRAGMENT_CHARS - chars) for chars in range(_FRAGMENT_CHARS)
)
_SHORT_UNITS = _units(_SHORT_PER_MS)
_LONG_UNITS = _units(_LONG_PER_MS)
_LONG_CEILING_UNITS = _units(_LONG_CEILING)
#: A cue's line break and imbalance, weighted as when cutting a line into cues. A two-line
#: layout's units are exactly ``_UNITS_PER_COST`` times its weighted cost: the floating-point
#: cost is the units divided by it (a multiple of 1/8, so exact).
_LAYOUT_BREAK_UNITS = tuple(_units(_LAYOUT_WEIGHT, cost) for cost in _LINE_BREAK)
_LAYOUT_IMBALANCE_UNITS = _units(_LAYOUT_WEIGHT, _IMBALANCE)
#: More units than any cut of a line costs.
_BEYOND = 1 << 62
#: The units, in the order the native engine reads them (``castline/timing/_cue_engine.c``).
_NATIVE_UNITS = (
    _CUE_UNITS,
    _INNER_SENTENCE_UNITS,
    _CUE_BREAK_UNITS,
    _FRAGMENT_UNITS,
    _SHORT_UNITS,
    _LONG_UNITS,
    _LONG_CEILING_UNITS,
    _LAYOUT_IMBALANCE_UNITS,
    _BEYOND,
)


# --- A line's words -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Words:
    """A line's words, their character offsets and planned times, and the boundaries."""

    words: tuple[str, ...]
    text: str  # the words joined by single spaces
    kinds: list[int]  # kinds[k]: boundary before word k (SENTENCE before the first)
    at_sentence: list[bool]  # a sentence ends before word k; at_sentence[n]: True
    breaks: list[int]  # layout units of a line break before word k
    offsets: list[int]  # offsets[k]: character offset of word k; offsets[n]: length + 1
    times: list[int]  # times[k]: planned start of word k; times[n]: the line's end

    @classmethod
    def of(cls, text: str, start_ms: int, end_ms: int) -> _Words:
        words = tuple(text.split())
        n = len(words)
        kinds = boundary_kinds(words) if n else []
        prefix = itertools.accumulate(map(len, words), initial=0)
        offsets = list(map(operator.add, prefix, range(n + 1)))
        times = [end_ms]
        if n:
            span, total = end_ms - start_ms, offsets[n] - 1
            times = [start_ms + span * offset // total for offset in offsets]
            times[n] = end_ms
        at_sentence = list(map(SENTENCE.__eq__, kinds))
        at_sentence.append(True)
        breaks = list(map(_LAYOUT_BREAK_UNITS.__getitem__, kinds))
        return cls(words, " ".join(words), kinds, at_sentence, breaks, offsets, times)

    def chars(self, i: int, j: int) -> int:
        """Characters of ``words[i:j]`` joined by single spaces."""
        return self.offsets[j] - self.offsets[i] - 1


def _fills(offsets: list[int], width: int, stop: int | None = None) -> list[int]:
    """``fills[i]``: the end of the longest run of words from ``i`` that fits ``width`` (one
    word at least), for every word before ``stop`` (all by default)."""
    bisect_right = bisect.bisect_right
    room = width + 1  # words[i:j] fits: offsets[j] - offsets[i] - 1 <= width
    count = len(offsets) - 1 if stop is None else stop
    return [max(i + 1, bisect_right(offsets, offsets[i] + room) - 1) for i in range(count)]


def _reaches(fills: list[int], plain_fills: list[int], max_lines: int) -> list[int]:
    """The last end of a cue whose first line ends at each of ``fills``: the greedy fill of
    its other lines at the full width."""
    n = len(plain_fills)
    reaches = fills
    for _ in range(max_lines - 1):
        reaches = [plain_fills[end] if end < n else end for end in reaches]
    return reaches


#: ``two_lines(i, j, first_width, fill, limit)``: see :func:`_two_liner`.
_TwoLines = Callable[[int, int, int, int, int], tuple[int, int]]


def _two_liner(words: _Words, width: int) -> _TwoLines:
    """``two_lines(i, j, first_width, fill, limit)``: the cheapest two-line layout of cue
    ``[i, j)`` in units (break kind and imbalance, weighted) and where its second line starts.

    The first line has ``first_width`` characters (the longest first line ends at ``fill``),
    the second ``width``; a line of one word may be longer. Only layouts of at most ``limit``
    units count; of the cheapest, the first. Returns ``(-1, -1)`` when no layout fits, and
    ``(_BEYOND, -1)`` when every layout that fits costs more than ``limit``.

    Splits are tried from the longest first line back; once the second line is the longer,
    splits further back only add imbalance.
    """
    offsets, breaks = words.offsets, words.breaks

    def two_lines(i: int, j: int, first_width: int, fill: int, limit: int) -> tuple[int, int]:
        layout, split, feasible = -1, -1, False
        end_offset = offsets[j]
        # imbalance: the first line (reserved room included) minus the second
        balance = offsets[i] + end_offset - (width - first_width)
        p = fill if fill < j else j - 1
        while p > i:
            if end_offset - offsets[p] - 1 > width and p != j - 1:
                break  # the second line no longer fits
            feasible = True
            imbalance = 2 * offsets[p] - balance
            if imbalance >= 0:
                option = breaks[p] + _LAYOUT_IMBALANCE_UNITS * imbalance
            else:
                option = -_LAYOUT_IMBALANCE_UNITS * imbalance
                if option > limit:
                    break
                option += breaks[p]
            if option <= limit:
                limit = layout = option
                split = p
            p -= 1
        if layout < 0 and feasible:
            return _BEYOND, -1
        return layout, split

    return two_lines


# --- The cheapest cuts from every word ------------------------------------------------------

#: ``scan(i, first_width, fill, window)``: see :func:`_scanner`.
_Scan = Callable[[int, int, int, Iterable[tuple[int, int]]], tuple[int, list[int]]]


@dataclass(frozen=True, slots=True)
class _Line:
    """A line prepared for cutting: all that does not depend on the width of its first cue.

    Costs here are in integer units. A cue ``[i, j)`` costs ``_CUE_UNITS``, the kind of
    boundary at ``j``, the sentence ends inside it, and what depends on both its ends
    (fragment, planned duration, layout: ``scan``). ``ends[j]`` is the cost of ending a cue
    at ``j`` (its boundary, and the sentence ends before ``j`` counted from the line's
    start) plus the cheapest cost of cutting the rest of the line from ``j``. So the
    cheapest cut from ``i`` costs ``_CUE_UNITS``, minus the sentence ends up to ``i``, plus
    the least over the first cue's ends ``j`` of ``ends[j]`` and what depends on both ends;
    ``cheapest[i]`` holds the ``j`` that reach that least (for ``i == 0``, when the line's
    first cue is as wide as the others).
    """

    words: _Words
    rules: CutRules
    plain_fills: list[int]  # _fills at the full width (a cue's lines after the first)
    rows_width: int  # first-line width of every cue but the line's first
    rows_fills: list[int]
    ends: list[int]
    cheapest: list[list[int]]
    least: int  # the cheapest cut of the whole line, its first cue as wide as the others
    scan: _Scan
    two_lines: _TwoLines


#: Lines kept by :func:`_prepare`: an episode's, many times over (the longest in the
#: DataTalks.Club corpus has 186), at some 20 KB each.
_PREPARED_LINES = 512


@functools.lru_cache(maxsize=_PREPARED_LINES)
def _prepare(text: str, start_ms: int, end_ms: int, rules: CutRules, rows_width: int) -> _Line:
    """A line's words, planned times, and the cheapest cuts of the rest of it from every word
    (from the first word for a first cue as wide as the others), by the Python engine.

    Cached: the SRT and WebVTT exporters cut the same lines with the same widths; only the
    width of a line's first cue may differ, and only :func:`_cut` looks at it.
    """
    words = _Words.of(text, start_ms, end_ms)
    plain_fills = _fills(words.offsets, rules.width)
    rows_fills = plain_fills if rows_width == rules.width else _fills(words.offsets, rows_width)
    reaches = _reaches(rows_fills, plain_fills, rules.max_lines)
    two_lines = _two_liner(words, rules.width)
    scan = _scanner(words, rules)
    ends, cheapest, least = _cheapest_cuts(words, scan, rows_width, rows_fills, reaches)
    return _Line(
        words, rules, plain_fills, rows_width, rows_fills, ends, cheapest, least, scan, two_lines
    )


def _cheapest_cuts(
    words: _Words, scan: _Scan, rows_width: int, rows_fills: list[int], reaches: list[int]
) -> tuple[list[int], list[list[int]], int]:
    """``ends``, ``cheapest`` and ``least`` of :class:`_Line`, from the end backwards.

    ``reaches[i]``: the last end of a cue from ``i``. The window holds the ends of a cue from
    ``i`` as ``(ends[j], j)`` in increasing order, so that the scan can stop at the first
    that is too dear.
    """
    kinds = words.kinds
    n = len(words.words)
    # sentences[k]: units for the sentence ends at words 1..k, so sentences[j - 1] -
    # sentences[i] for those in [i, j).
    sentences = [
        _INNER_SENTENCE_UNITS * count
        for count in itertools.accumulate(words.at_sentence[1:n], initial=0)
    ]
    ends = [0] * (n + 1)
    cheapest: list[list[int]] = [[]] * (n + 1)  # entries are replaced, never appended to
    if n:
        ends[n] = sentences[n - 1]
    window: list[tuple[int, int]] = []
    right = n  # the last end in the window
    insort, bisect_left = bisect.insort, bisect.bisect_left
    least = 0
    for i in range(n - 1, -1, -1):
        insort(window, (ends[i + 1], i + 1))
        last = reaches[i]
        while right > last:
            del window[bisect_left(window, (ends[right], right))]
            right -= 1
        best, cheapest[i] = scan(i, rows_width, rows_fills[i], window)
        if i:
            ends[i] = (
                sentences[i - 1] + _CUE_BREAK_UNITS[kinds[i]] + _CUE_UNITS - sentences[i] + best
            )
        else:
            least = _CUE_UNITS + best
    return ends, cheapest, least


def _scanner(words: _Words, rules: CutRules) -> _Scan:
    """``scan(i, first_width, fill, window)``: over the ends ``j`` of a cue from ``i``, given in
    ``window`` as ``(ends[j], j)`` in increasing order, the least of ``ends[j]`` plus the
    units that depend on both the cue's ends, and every ``j`` that reaches it.

    Those units are the fragment cost, the planned duration's and the weighted best two-line
    layout with a first line of ``first_width`` characters, the longest of which ends at
    ``fill`` (none when the cue needs more lines). None is negative, so the scan stops at the
    first ``ends[j]`` above the least, and a layout dearer than the least so far is not
    looked for: such a cue can neither win nor tie.
    """
    line = (words.offsets, words.times, words.at_sentence, words.breaks)
    return functools.partial(
        _scan, (*line, rules.min_ms, rules.max_ms, rules.width, rules.max_lines >= 2)
    )


#: What :func:`_scan` reads of a line and its rules: offsets, times, at_sentence, breaks,
#: min_ms, max_ms, width and whether a cue may have two lines.
_ScanLine = tuple[list[int], list[int], list[bool], list[int], int, int, int, bool]


def _scan(
    line: _ScanLine, i: int, first_width: int, fill: int, window: Iterable[tuple[int, int]]
) -> tuple[int, list[int]]:
    """:func:`_scanner`'s ``scan`` of ``line``: a function of its own, the line's lists
    bound once in ``line`` (the search calls it once per word)."""
    offsets, times, at_sentence, breaks, min_ms, max_ms, width, two = line
    start_offset, start_ms, starts_sentence = offsets[i], times[i], at_sentence[i]
    label_chars = width - first_width
    best = _BEYOND
    found: list[int] = []
    for cost, j in window:
        if cost > best:
            return best, found
        chars = offsets[j] - start_offset - 1
        if chars < _FRAGMENT_CHARS and not (starts_sentence and at_sentence[j]):
            cost += _FRAGMENT_UNITS[chars]
        duration = times[j] - start_ms
        if duration < min_ms:
            cost += _SHORT_UNITS * (min_ms - duration)
        elif duration > max_ms:
            cost += min(_LONG_CEILING_UNITS, _LONG_UNITS * (duration - max_ms))
        if chars > first_width and two:
            # two_lines(i, j, first_width, fill, best - cost)[0], written out: this is
            # the innermost loop of the search, and a call per cue costs a third of it.
            limit = best - cost
            if limit < 0:
                continue
            layout, feasible = -1, False
            end_offset = offsets[j]
            balance = start_offset + end_offset - label_chars
            p = fill if fill < j else j - 1
            while p > i:
                if end_offset - offsets[p] - 1 > width and p != j - 1:
                    break  # the second line no longer fits
                feasible = True
                imbalance = 2 * offsets[p] - balance
                if imbalance >= 0:
                    option = breaks[p] + _LAYOUT_IMBALANCE_UNITS * imbalance
                else:
                    option = -_LAYOUT_IMBALANCE_UNITS * imbalance
                    if option > limit:
                        break
                    option += breaks[p]
                if option <= limit:
                    limit = layout = option
                p -= 1
            if layout > 0:
                cost += layout
            elif layout < 0 and feasible:
                continue  # every layout that fits is dearer than the least so far
        if cost < best:
            best = cost
            found = [j]
        elif cost == best:
            found.append(j)
    return best, found


# --- The cut --------------------------------------------------------------------------------


def _first_fill(line: _Line, first_width: int) -> int:
    """The end of the longest first line of a cue that starts the line (:func:`_fills` from 0)."""
    if first_width == line.rules.width:
        return line.plain_fills[0]
    if first_width == line.rows_width:
        return line.rows_fills[0]
    return _fills(line.words.offsets, first_width, 1)[0]


def _cut(line: _Line, first_width: int, first_fill: int) -> list[tuple[int, int]]:
    """The best cut of a line into cue runs ``[i, j)``: the line's first cue has ``first_width``
    characters in its first line (the longest ends at ``first_fill``), every other cue
    :attr:`_Line.rows_width`.

    The cut is the one the forward programme over word ends finds in floating point
    (:func:`_cost`; a later start of a cue replaces an earlier one only when strictly
    cheaper). It is found in two steps:

    1. Exactly, in integer units: :func:`_prepare` has the cheapest cuts of the line from
       every word but the first; from word 0, the cues that begin a cheapest cut are
       followed to the end. Those are all the cheapest cuts.
    2. Each end of those cues that only one of them reaches has its start; where several
       do, the forward programme in floating point runs over them. Its sums are within far
       less than a unit (1/1000) of the exact ones, so no other cue is as cheap there
       either, and among the cheapest it settles the tie as the full programme does.

    The rounding errors grow with the number of words and the costs: for a line far longer
    and dearer than any transcript's (:data:`_EXACT_LIMIT`), the full forward programme
    runs instead.
    """
    n = len(line.words.words)
    if first_width == line.rows_width:
        least, firsts = line.least, line.cheapest[0]
    else:
        first_reach = _reaches([first_fill], line.plain_fills, line.rules.max_lines)[0]
        ends = line.ends
        window = sorted(zip(ends[1 : first_reach + 1], range(1, first_reach + 1), strict=True))
        best, firsts = line.scan(0, first_width, first_fill, window)
        least = _CUE_UNITS + best
    if n * least >= _EXACT_LIMIT:
        return _forward_cut(line, first_width, first_fill)
    starts, ties = _cheapest_cues(line, firsts)
    back = {j: options[0] for j, options in starts.items()}
    if ties:
        _settle_ties(line, starts, back, first_width, first_fill)
    return _runs(back, n)


#: While a line's words times the units of its cheapest cut stay below this, the forward
#: programme's floating-point costs of the cuts that can compete stay within 0.0001 of the
#: exact ones (two different exact costs are 0.001 apart at least): each cue adds at most 8
#: roundings of at most 2**-53 of such a cost.
_EXACT_LIMIT = 10**14

#: The costs in floating point, in the order the native engine reads them.
_NATIVE_COSTS = (
    _CUE_COST,
    _INNER_SENTENCE,
    _CUE_BREAK,
    _FRAGMENT_PER_CHAR,
    _SHORT_PER_MS,
    _LONG_PER_MS,
    _LONG_CEILING,
    _UNITS_PER_COST,
    _LINE_BREAK,
    _IMBALANCE,
)
#: The native engine's cut under this cost model, or ``None`` where it was not built (also
#: :mod:`castline.timing.cues`'s, whose ``build_cues`` it runs an episode at a time).
NATIVE_MODEL = _NATIVE_MODEL = (
    None
    if engines.native_model is None
    else engines.native_model(_NATIVE_UNITS, _LAYOUT_BREAK_UNITS, _NATIVE_COSTS, _EXACT_LIMIT)
)


def _cheapest_cues(line: _Line, firsts: list[int]) -> tuple[dict[int, list[int]], bool]:
    """``starts[j]``: the starts ``i`` of the cues ``[i, j)`` of the cheapest cuts, found from
    word 0 on (the first cue ends at one of ``firsts``); and whether some ``j`` has several."""
    n = len(line.words.words)
    starts: dict[int, list[int]] = {}
    cheapest = line.cheapest
    ties = False
    stack = [0]
    while stack:
        i = stack.pop()
        for j in firsts if i == 0 else cheapest[i]:
            if j in starts:
                ties = True
                starts[j].append(i)
            else:
                starts[j] = [i]
                stack.append(j)
    if n not in starts:  # cannot happen: the cheapest cost is reached by some cut
        raise AssertionError("no cut")
    return starts, ties


def _settle_ties(
    line: _Line,
    starts: Mapping[int, list[int]],
    back: dict[int, int],
    first_width: int,
    first_fill: int,
) -> None:
    """Set ``back[j]`` to the start the forward programme picks among ``starts[j]``, over
    increasing ends and starts."""
    costs = {0: 0.0}
    for j in sorted(starts):
        costs[j] = math.inf
        for i in sorted(starts[j]):
            if i == 0:
                cost = _cost(line, 0.0, 0, j, first_width, first_fill)
            else:
                cost = _cost(line, costs[i], i, j, line.rows_width, line.rows_fills[i])
            if cost < costs[j]:
                costs[j], back[j] = cost, i


def _forward_cut(line: _Line, first_width: int, first_fill: int) -> list[tuple[int, int]]:
    """The forward programme of :func:`_cut` over every cue that fits: the cut by its
    definition, slowly."""
    n = len(line.words.words)
    costs = [math.inf] * (n + 1)
    costs[0] = 0.0
    back = [0] * (n + 1)
    for i in range(n):
        fill = first_fill if i == 0 else line.rows_fills[i]
        width = first_width if i == 0 else line.rows_width
        reach = _reaches([fill], line.plain_fills, line.rules.max_lines)[0]
        for j in range(i + 1, reach + 1):
            cost = _cost(line, costs[i], i, j, width, fill)
            if cost < costs[j]:
                costs[j], back[j] = cost, i
    return _runs(back, n)


def _runs(back: Mapping[int, int] | list[int], n: int) -> list[tuple[int, int]]:
    """The cue runs of the cut whose last cue up to each end ``j`` starts at ``back[j]``."""
    runs: list[tuple[int, int]] = []
    j = n
    while j > 0:
        runs.append((back[j], j))
        j = back[j]
    runs.reverse()
    return runs


def _cost(line: _Line, start_cost: float, i: int, j: int, first_width: int, fill: int) -> float:
    """``start_cost`` plus cue ``[i, j)``'s cost in floating point, summed in the order that
    has always defined the cut (floating-point sums depend on it, and so do ties)."""
    words, rules = line.words, line.rules
    kinds = words.kinds
    n = len(kinds)
    kind = kinds[j] if j < n else SENTENCE
    inner = float(_INNER_SENTENCE * sum(1 for k in range(i + 1, j) if kinds[k] == SENTENCE))
    cost = start_cost + _CUE_COST + inner + (_CUE_BREAK[kind] if j < n else 0)
    chars = words.chars(i, j)
    if chars < _FRAGMENT_CHARS and not (kinds[i] == SENTENCE and kind == SENTENCE):
        cost += _FRAGMENT_PER_CHAR * (_FRAGMENT_CHARS - chars)
    duration = words.times[j] - words.times[i]
    if duration < rules.min_ms:
        cost += _SHORT_PER_MS * (rules.min_ms - duration)
    elif duration > rules.max_ms:
        cost += min(_LONG_CEILING, _LONG_PER_MS * (duration - rules.max_ms))
    if chars > first_width and rules.max_lines >= 2:
        layout = line.two_lines(i, j, first_width, fill, _BEYOND)[0]
        if layout >= 0:
            cost += layout / _UNITS_PER_COST
    return cost


# --- A cue's display lines ------------------------------------------------------------------


def _layout(line: _Line, i: int, j: int, first_width: int, fill: int) -> tuple[str, ...]:
    """Cue ``[i, j)``'s display lines: one when it fits, else as many as the greedy fill
    needs, broken where :func:`_two_liner` (two lines) or :func:`_break_lines` (more) finds
    the cheapest layout. ``first_width`` and ``fill`` are its first line's."""
    words = line.words
    text, offsets, plain_fills = words.text, words.offsets, line.plain_fills
    if fill >= j:
        return (text[offsets[i] : offsets[j] - 1],)
    if plain_fills[fill] >= j:
        split = line.two_lines(i, j, first_width, fill, _BEYOND)[1]
        if split < 0:  # cannot happen: the greedy fill found two lines
            raise AssertionError("no layout")
        bounds = [i, split, j]
    else:
        count, at = 2, plain_fills[fill]
        while at < j:
            count, at = count + 1, plain_fills[at]
        bounds = [i, *_break_lines(line, i, j, first_width, count), j]
    return tuple(text[offsets[a] : offsets[b] - 1] for a, b in itertools.pairwise(bounds))


#: A cut of words[i:p] into lines: (break costs, starts of the lines after the first,
#: shortest line, longest line).
_State = tuple[float, list[int], int, int]


def _break_lines(line: _Line, i: int, j: int, first_width: int, lines: int) -> list[int]:
    """The start of each line after the first in the cheapest cut of cue ``[i, j)`` into
    exactly ``lines`` fitting lines (boundary kinds plus imbalance; the first of the
    cheapest). A line that is a single word may be longer than the width; no other line is."""
    words, width = line.words, line.rules.width
    kinds = words.kinds
    best: list[dict[int, _State]] = [{} for _ in range(lines + 1)]
    best[0][i] = (0.0, [], 10**9, -1)
    for k in range(1, lines + 1):
        w = first_width if k == 1 else width
        for p, (cost, starts, low, high) in best[k - 1].items():
            for q in range(p + 1, (j if k == lines else j - 1) + 1):
                if q - p != 1 and words.chars(p, q) > w:
                    break
                if k == lines and q != j:
                    continue
                size = words.chars(p, q) + (width - first_width if k == 1 else 0)
                step = 0.0 if q == j else _LINE_BREAK[kinds[q]]
                candidate = (
                    cost + step,
                    [*starts, q] if q != j else starts,
                    min(low, size),
                    max(high, size),
                )
                previous = best[k].get(q)
                if previous is None or _state_cost(candidate) < _state_cost(previous):
                    best[k][q] = candidate
    final = best[lines].get(j)
    if final is None:  # cannot happen: the greedy fill found ``lines`` lines
        raise AssertionError("no layout")
    return final[1]


def _state_cost(state: _State) -> float:
    cost, _, low, high = state
    return cost + _IMBALANCE * (high - low)
