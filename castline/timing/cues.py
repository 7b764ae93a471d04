"""Caption cues: timed transcript lines cut into readable, well-timed subtitles.

:func:`build_cues` takes the spans of :func:`castline.timing.spans.time_transcript` and returns the
cues every caption format writes (SRT, WebVTT). The rules (subtitles.md §1, §6.3; research
README decision 3; issue 3 "Cues"):

* **Segmentation.** Each line is cut at sentence ends first, then at clause boundaries (after
  a comma, semicolon, colon or dash; before a conjunction), then before a preposition, and
  only then between other words; never after an article, a possessive, a preposition, a
  subject pronoun or an auxiliary when a better place exists (§1.2). A cue holds at most
  ``max_lines`` lines of ``max_chars_per_line`` characters; a single word longer than a line
  is the only exception. The cut is chosen by dynamic programming over the whole line, not
  greedily.
* **Line breaks.** A cue is one line when it fits, else the fewest lines, broken where the
  same rules prefer and balanced in length.
* **Timing.** A cue's share of its line's span is proportional to its characters (§6.3 3).
  Cues last at most ``max_cue_ms`` and, where a neighbour has time to spare, at least
  ``min_cue_ms``; a cue that starts a line on its own stamp never moves. Consecutive cues are
  ``min_gap_ms`` apart (2 frames, §6.3 6) where the earlier one can spare it above
  ``min_cue_ms``. Cues are sorted, never overlap, last at least 1 ms and use integer
  milliseconds.
* **Speakers.** A cue never holds two lines, so never two speakers; a speaker change always
  starts a cue. Formats that write the speaker as text reserve room for ``Name: `` in the
  first line (:attr:`CuePolicy.speaker_labels`).
* **Offset.** ``offset_ms`` shifts every cue; a cue that then starts before 0 is clipped,
  one that ends at or before 0 is dropped, each with a warning.

Every word of every line reaches the cues, in order (except cues dropped by a negative
offset, which are reported). The output is deterministic.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from castline.diagnostics import Diagnostic
from castline.model import Episode, SourceRef
from castline.text import plural
from castline.timecode import format_ms, format_seconds
from castline.timing.spans import TimedLine, episode_timing

__all__ = [
    "SPEAKER_LABELS",
    "Cue",
    "CuePolicy",
    "build_cues",
    "check_offset_ms",
    "episode_cues",
    "speaker_name",
]

#: Values of :attr:`CuePolicy.speaker_labels`.
SPEAKER_LABELS = ("change", "every", "none")


@dataclass(frozen=True, slots=True)
class CuePolicy:
    """How cues are cut and timed. Defaults: research README decision 3 (Netflix English).

    Raises:
        ValueError: a value out of range (the exporters pass their options through).
    """

    #: Characters per displayed line, spaces, punctuation and speaker label included.
    max_chars_per_line: int = 42
    #: Lines per cue.
    max_lines: int = 2
    #: A cue lasts at least this long where its neighbours have time to spare (5/6 s).
    min_cue_ms: int = 833
    #: A cue never lasts longer (7 s).
    max_cue_ms: int = 7000
    #: Reading speed aimed for: a cue too short for ``min_cue_ms`` first borrows from
    #: neighbours that stay at or below this speed ...
    target_cps: int = 17
    #: ... then from neighbours that stay at or below this one; no lender is made faster.
    max_cps: int = 20
    #: Shortest gap between two cues: 2 frames at 24 fps. A cue gives up to this much of its
    #: end to make it, but never goes below ``min_cue_ms`` for it.
    min_gap_ms: int = 83
    #: Room for ``Name: `` before the first line: at each change of speaker, on every cue,
    #: or never.
    speaker_labels: str = "none"

    def __post_init__(self) -> None:
        for name in ("max_chars_per_line", "max_lines", "max_cue_ms", "target_cps", "max_cps"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"'{name}' must be a positive whole number, not {value!r}")
        for name in ("min_cue_ms", "min_gap_ms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"'{name}' must be a whole number of ms, not {value!r}")
        if self.min_cue_ms > self.max_cue_ms:
            raise ValueError("'min_cue_ms' must not be more than 'max_cue_ms'")
        if self.speaker_labels not in SPEAKER_LABELS:
            choices = ", ".join(SPEAKER_LABELS)
            raise ValueError(
                f"'speaker_labels' must be one of {choices}, not {self.speaker_labels!r}"
            )


@dataclass(frozen=True, slots=True)
class Cue:
    """One caption: ``[start_ms, end_ms)``, one speaker, its display lines, its source line.

    ``label`` is ``"Name: "`` when the policy asked for a speaker label on this cue (room for
    it is reserved in the first line), else ``""``; :attr:`display_lines` puts it in front.
    """

    start_ms: int
    end_ms: int
    speaker: str | None
    lines: tuple[str, ...]
    source: SourceRef
    label: str = ""

    @property
    def display_lines(self) -> tuple[str, ...]:
        """The lines with the label in front of the first.

        >>> Cue(0, 900, "Ann", ("Hi.", "Bye."), SourceRef("e.md", 1), "Ann: ").display_lines
        ('Ann: Hi.', 'Bye.')
        """
        if not self.label or not self.lines:
            return self.lines
        return (self.label + self.lines[0], *self.lines[1:])

    @property
    def text(self) -> str:
        """The cue's words, one space apart (no label, no line breaks)."""
        return " ".join(self.lines)


def speaker_name(speaker: str | None) -> str | None:
    """The name to show for a speaker: trimmed, without a trailing colon; ``None`` if blank.

    >>> speaker_name(" Theo: "), speaker_name(":"), speaker_name(None)
    ('Theo', None, None)
    """
    if speaker is None:
        return None
    name = " ".join(speaker.split()).rstrip(":").rstrip()
    return name or None


# --- Where a line may be cut (subtitles.md §1.2) ------------------------------------------

_SENTENCE, _CLAUSE, _CONJUNCTION, _PREPOSITION, _PLAIN, _WEAK, _BAD = range(7)
#: Cost of ending a cue at each kind of boundary.
_CUE_BREAK = (0, 3, 4, 7, 12, 18, 30)
#: Cost of a line break inside a cue at each kind of boundary.
_LINE_BREAK = (0, 2, 3, 4, 8, 12, 24)
#: Cost of every cue: fewer, fuller cues unless a better boundary or timing says otherwise.
_CUE_COST = 7
#: Cost of a sentence end inside a cue (ideally one sentence per cue).
_INNER_SENTENCE = 8
#: A cue that is only part of a sentence costs this much per character below
#: :data:`_FRAGMENT_CHARS` (no "on sexuality." orphans).
_FRAGMENT_CHARS = 30
_FRAGMENT_PER_CHAR = 0.4
#: Cost per millisecond below ``min_cue_ms`` (planned duration).
_SHORT_PER_MS = 0.06
#: Cost per millisecond above ``max_cue_ms``, up to a ceiling: a slow line (a pause, or a
#: condensed transcript) is cut at its natural boundaries and each cue is then shortened to
#: ``max_cue_ms``, rather than chopped into one-word cues.
_LONG_PER_MS = 0.003
_LONG_CEILING = 15
#: Weight of a cue's line-break cost when cutting a line into cues (where cues break
#: matters more than how each breaks into lines).
_LAYOUT_WEIGHT = 0.5
#: Cost per character of difference between the longest and shortest line of a cue.
_IMBALANCE = 0.25

_RSQUO, _LSQUO, _RDQUO, _LDQUO = "\u2019", "\u2018", "\u201d", "\u201c"
_EN_DASH, _EM_DASH = "\u2013", "\u2014"
_CLOSERS = "\"')]}\u00bb" + _RSQUO + _RDQUO
_OPENERS = "\"'([{\u00ab" + _LSQUO + _LDQUO
_SENTENCE_END = re.compile("[.!?\u2026]+[" + re.escape(_CLOSERS) + "]*$")
_CLAUSE_END = re.compile("[,;:" + _EN_DASH + _EM_DASH + "]+[" + re.escape(_CLOSERS) + "]*$")
_INITIAL = re.compile(r"[A-Z]\.")
_DASHES = frozenset({"-", "--", _EN_DASH, _EM_DASH})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ABBREVIATIONS = _words("mr. mrs. ms. dr. prof. sr. jr. st. vs. e.g. i.e. cf. approx. no. ca. fig.")
_CONJUNCTIONS = _words(
    "and but or nor so yet because although though while whereas unless until when whenever "
    "where which who whom whose if then"
)
_PREPOSITIONS = _words(
    "in on at for with about from into onto by through over under after before between "
    "during without within across around towards toward against among via like than as"
)
#: Words a line should not end with (§1.2): articles, determiners, possessives,
#: prepositions, and conjunctions (DCMP: the conjunction starts the next line).
_NO_BREAK_AFTER = (
    _words(
        "a an the this these those my your his her its our their some any every each no to of "
        "very more most"
    )
    | _CONJUNCTIONS
    | _PREPOSITIONS
)
#: Words a line had better not end with: subject pronouns and auxiliaries (which may as
#: well be an object or a main verb: "welcome you | to the podcast", "who are | in data").
_WEAK_BREAK_AFTER = _words(
    "i you he she we they it i'm you're we're they're it's am is are was were be been being "
    "will would can could shall should may might must do does did have has had don't doesn't "
    "didn't won't can't that"
)


def _bare(word: str) -> str:
    return word.strip(_CLOSERS + _OPENERS).lower().replace(_RSQUO, "'")


# A boundary's kind depends on what the word before it is as the last word of a cue or line
# (``_B_*``) and on what the word after it is as the first (``_A_*``), so each word is
# classified once (and cached: the regular expressions are most of the cost of a line).
_B_SENTENCE, _B_CLAUSE, _B_NO_BREAK, _B_WEAK, _B_OTHER = range(5)
_A_CLAUSE, _A_NEGATION, _A_CONJUNCTION, _A_PREPOSITION, _A_OF, _A_OTHER = range(6)


def _as_before(word: str) -> int:
    """What ``word`` is as the last word before a cut."""
    if (
        _SENTENCE_END.search(word)
        and word.lower() not in _ABBREVIATIONS
        and not _INITIAL.fullmatch(word)  # an initial: "J. Smith"
    ):
        return _B_SENTENCE
    if _CLAUSE_END.search(word) or word in _DASHES:
        return _B_CLAUSE
    bare = _bare(word)
    if bare in _NO_BREAK_AFTER:
        return _B_NO_BREAK
    if bare in _WEAK_BREAK_AFTER:
        return _B_WEAK
    return _B_OTHER


def _as_after(word: str) -> int:
    """What ``word`` is as the first word after a cut."""
    if word in _DASHES or word[:1] in "([":
        return _A_CLAUSE
    bare = _bare(word)
    if bare in {"not", "n't"}:
        return _A_NEGATION
    if bare in _CONJUNCTIONS or bare == "that":
        return _A_CONJUNCTION
    if bare in _PREPOSITIONS or bare == "to":
        return _A_PREPOSITION
    if bare == "of":
        return _A_OF
    return _A_OTHER


def _combine(before: int, after: int) -> int:
    """The kind of boundary between a word classed ``before`` and one classed ``after``."""
    if before == _B_SENTENCE:
        return _SENTENCE
    if before == _B_CLAUSE or after == _A_CLAUSE:
        return _CLAUSE
    if before == _B_NO_BREAK or after == _A_NEGATION:
        return _BAD
    if after == _A_CONJUNCTION:
        return _CONJUNCTION
    if after == _A_PREPOSITION:
        return _PREPOSITION
    if before == _B_WEAK or after == _A_OF:
        return _WEAK
    return _PLAIN


#: ``_KINDS[before][after]``: :func:`_combine` for every pair of classes.
_KINDS = tuple(tuple(_combine(before, after) for after in range(6)) for before in range(5))


#: Each word's row of _KINDS (as the word before a boundary) and class as the word after
#: one, cached: classifying takes regular expressions, and most words recur.
_KIND_ROWS: dict[str, tuple[int, ...]] = {}
_AFTER_CLASSES: dict[str, int] = {}
_CACHED_WORDS = 1 << 16


def _kinds(words: Sequence[str]) -> list[int]:
    """``kinds[i]``: the kind of boundary before ``words[i]`` (``_SENTENCE`` before the first)."""
    try:
        rows = list(map(_KIND_ROWS.__getitem__, words))
    except KeyError:
        if len(_KIND_ROWS) > _CACHED_WORDS:
            _KIND_ROWS.clear()
            _AFTER_CLASSES.clear()
        for word in words:
            _KIND_ROWS[word] = _KINDS[_as_before(word)]
            _AFTER_CLASSES[word] = _as_after(word)
        rows = list(map(_KIND_ROWS.__getitem__, words))
    afters = list(map(_AFTER_CLASSES.__getitem__, words))
    return [_SENTENCE, *map(operator.getitem, rows[:-1], afters[1:])]


def _boundary(before: str, after: str) -> int:
    """The kind of boundary between two words (a cut goes before ``after``).

    >>> _boundary("welcome.", "Today") == _SENTENCE, _boundary("the", "data") == _BAD
    (True, True)
    """
    return _kinds([before, after])[1]


# --- Cutting one line into cue texts ------------------------------------------------------

#: The cut is searched in integer cost units (1/1000): every cost above is a whole number of
#: them, so sums are exact whatever their order (see :func:`_cut_line`).
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
#: A cue's line break and imbalance, weighted as when cutting a line into cues.
_LAYOUT_BREAK_UNITS = tuple(_units(_LAYOUT_WEIGHT, cost) for cost in _LINE_BREAK)
_LAYOUT_IMBALANCE_UNITS = _units(_LAYOUT_WEIGHT, _IMBALANCE)
#: More units than any cut of a line costs.
_BEYOND = 1 << 62


@dataclass(frozen=True, slots=True)
class _Words:
    """A line's words with prefix sums, so any run's length is O(1)."""

    words: tuple[str, ...]
    prefix: tuple[int, ...]  # prefix[i]: characters of words[:i] (no spaces)
    kinds: tuple[int, ...]  # kinds[i]: boundary before words[i] (kinds[0] unused)

    @classmethod
    def of(cls, text: str) -> _Words:
        words = tuple(text.split())
        prefix = tuple(itertools.accumulate(map(len, words), initial=0))
        return cls(words, prefix, tuple(_kinds(words)))

    def length(self, i: int, j: int) -> int:
        """Characters of ``words[i:j]`` joined by single spaces."""
        return self.prefix[j] - self.prefix[i] + (j - i - 1)


def _fill(words: _Words, i: int, width: int) -> int:
    """The end of the longest run from ``i`` that fits ``width`` (at least one word)."""
    j = i + 1
    n = len(words.words)
    while j < n and words.length(i, j + 1) <= width:
        j += 1
    return j


def _fills(words: _Words, width: int) -> list[int]:
    """``fills[i]``: the end of the longest run from ``i`` that fits ``width`` (one word at least).

    Two pointers, O(n): the same as :func:`_fill` for every ``i``.
    """
    n = len(words.words)
    prefix = words.prefix
    fills = [0] * n
    j = 0
    for i in range(n):
        if j <= i:
            j = i + 1
        # words[i:j + 1] fits: prefix[j + 1] - prefix[i] + j - i <= width
        room = width + prefix[i] + i
        while j < n and prefix[j + 1] + j <= room:
            j += 1
        fills[i] = j
    return fills


def _break_lines(
    words: _Words, i: int, j: int, first_width: int, width: int, lines: int
) -> tuple[float, list[int]]:
    """The best cut of ``words[i:j]`` into exactly ``lines`` fitting lines.

    Returns the cost (boundary kinds plus imbalance) and the start of each line after the
    first. A line that is a single word may be longer than the width; no other line is.
    (:func:`_second_line` finds the same cut into two lines, faster.)
    """
    if lines == 1:
        return 0.0, []

    def fits(a: int, b: int, w: int) -> bool:
        return b - a == 1 or words.length(a, b) <= w

    # best[k][p]: cheapest cut of words[i:p] into k lines, as (cost, starts, shortest, longest).
    State = tuple[float, list[int], int, int]
    best: list[dict[int, State]] = [{} for _ in range(lines + 1)]
    best[0][i] = (0.0, [], 10**9, -1)
    for k in range(1, lines + 1):
        w = first_width if k == 1 else width
        for p, (cost, starts, low, high) in best[k - 1].items():
            q_end = j if k == lines else j - 1
            for q in range(p + 1, q_end + 1):
                if not fits(p, q, w):
                    break
                if k == lines and q != j:
                    continue
                size = words.length(p, q) + (width - first_width if k == 1 else 0)
                step = 0.0 if q == j else _LINE_BREAK[words.kinds[q]]
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
    return _state_cost(final), final[1]


def _state_cost(state: tuple[float, list[int], int, int]) -> float:
    cost, _, low, high = state
    return cost + _IMBALANCE * (high - low)


def _second_line(line: _Line, i: int, j: int, first_width: int, fill: int) -> int:
    """Where the second line starts in :func:`_break_lines`'s cut of ``words[i:j]`` into two
    lines (the longest first line ends at ``fill``): the first of the cheapest splits, found
    with the same arithmetic, from the back."""
    offsets, kinds, width = line.offsets, line.words.kinds, line.width
    label_chars = width - first_width
    best, split = math.inf, -1
    for p in range(min(fill, j - 1), i, -1):
        second = offsets[j] - offsets[p] - 1
        if second > width and p != j - 1:
            break  # the second line no longer fits
        first = offsets[p] - offsets[i] - 1 + label_chars
        if first < second and _IMBALANCE * (second - first) > best:
            break  # only more imbalanced splits are left
        cost = _LINE_BREAK[kinds[p]] + _IMBALANCE * abs(first - second)
        if cost <= best:
            best, split = cost, p
    if split < 0:  # cannot happen: the greedy fill found two lines
        raise AssertionError("no layout")
    return split


#: ``scan(i, first_width, fill, window)``: see :func:`_scanner`.
_Scan = Callable[[int, int, int, Iterable[tuple[int, int]]], tuple[int, list[int]]]


@dataclass(frozen=True, slots=True)
class _Line:
    """A line prepared for cutting: all that does not depend on the label of its first cue.

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
    text: str  # the words joined by single spaces
    offsets: list[int]  # offsets[k]: character offset of word k; offsets[n]: length + 1
    times: list[int]  # times[k]: planned start of word k; times[n]: the line's end
    width: int
    max_lines: int
    min_ms: int
    max_ms: int
    plain_fills: list[int]  # _fills at the full width (a cue's lines after the first)
    rows_width: int  # first-line width of every cue but the line's first
    rows_fills: list[int]
    ends: list[int]
    cheapest: list[list[int]]
    least: int  # the cheapest cut of the whole line, its first cue as wide as the others
    scan: _Scan


#: Lines kept by :func:`_prepare`: an episode's, many times over (the longest in the
#: DataTalks.Club corpus has 186), at some 20 KB each.
_PREPARED_LINES = 512


@functools.lru_cache(maxsize=_PREPARED_LINES)
def _prepare(
    text: str,
    start_ms: int,
    end_ms: int,
    width: int,
    rows_width: int,
    max_lines: int,
    min_ms: int,
    max_ms: int,
) -> _Line:
    """A line's words, planned times, and the cheapest cuts of the rest of it from every word
    (from the first word for a first cue as wide as the others).

    Cached: the SRT and WebVTT exporters cut the same lines with the same widths; only the
    label of a line's first cue may differ, and only :func:`_cut_line` looks at it.
    """
    words = _Words.of(text)
    kinds = words.kinds
    n = len(words.words)
    offsets = [length + k for k, length in enumerate(words.prefix)]
    times = [end_ms]
    if n:
        span, total = end_ms - start_ms, offsets[n] - 1
        times = [start_ms + span * offset // total for offset in offsets]
        times[n] = end_ms
    plain_fills = _fills(words, width)
    rows_fills = plain_fills if rows_width == width else _fills(words, rows_width)
    reaches = rows_fills  # reaches[i]: the last end of a cue from i (greedy fill of its lines)
    for _ in range(max_lines - 1):
        reaches = [plain_fills[end] if end < n else end for end in reaches]
    # at_sentence[k]: a sentence ends before word k (and at the line's end); sentences[k]:
    # units for those at words 1..k, so sentences[j - 1] - sentences[i] for those in [i, j).
    at_sentence = [kind == _SENTENCE for kind in kinds]
    at_sentence.append(True)
    sentences = [
        _INNER_SENTENCE_UNITS * count for count in itertools.accumulate(at_sentence[1:n], initial=0)
    ]
    ends = [0] * (n + 1)
    cheapest: list[list[int]] = [[]] * (n + 1)  # entries are replaced, never appended to
    scan = _scanner(words, at_sentence, offsets, times, width, max_lines, min_ms, max_ms)
    if n:
        ends[n] = sentences[n - 1]
    # From the end backwards; window: the ends of a cue from i, as (ends[j], j) in
    # increasing order, so that the scan can stop at the first that is too dear.
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
    return _Line(
        words=words,
        text=" ".join(words.words),
        offsets=offsets,
        times=times,
        width=width,
        max_lines=max_lines,
        min_ms=min_ms,
        max_ms=max_ms,
        plain_fills=plain_fills,
        rows_width=rows_width,
        rows_fills=rows_fills,
        ends=ends,
        cheapest=cheapest,
        least=least,
        scan=scan,
    )


def _scanner(
    words: _Words,
    at_sentence: list[bool],
    offsets: list[int],
    times: list[int],
    width: int,
    max_lines: int,
    min_ms: int,
    max_ms: int,
) -> _Scan:
    """``scan(i, first_width, fill, window)``: over the ends ``j`` of a cue from ``i``, given in
    ``window`` as ``(ends[j], j)`` in increasing order, the least of ``ends[j]`` plus the
    units that depend on both the cue's ends, and every ``j`` that reaches it.

    Those units are the fragment cost, the planned duration's and the weighted best two-line
    layout with a first line of ``first_width`` characters, the longest of which ends at
    ``fill``. None is negative, so the scan stops at the first ``ends[j]`` above the least.

    The line's lists are bound once, in a closure: a line is scanned once per word, and
    looking them up on every call would slow the scan down noticeably.
    """
    breaks = [_LAYOUT_BREAK_UNITS[kind] for kind in words.kinds]  # weighted line break before p
    two_lines = max_lines >= 2

    def scan(
        i: int, first_width: int, fill: int, window: Iterable[tuple[int, int]]
    ) -> tuple[int, list[int]]:
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
            if chars > first_width and two_lines:
                # The best two-line layout (none when the cue needs more lines), as
                # _cost measures it, as long as it is within limit (dearer, the cue can
                # neither win nor tie): the second line from p, the longest first line
                # first; once the second line is the longer, breaks further back only add
                # imbalance. imbalance: the first line (label included) minus the second.
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
                if layout >= 0:
                    cost += layout
                elif feasible:
                    continue  # every layout is beyond the limit
            if cost < best:
                best = cost
                found = [j]
            elif cost == best:
                found.append(j)
        return best, found

    return scan


def _cost(line: _Line, start_cost: float, i: int, j: int, first_width: int, fill: int) -> float:
    """``start_cost`` plus cue ``[i, j)``'s cost in floating point, summed in the order that
    has always defined the cut (floating-point sums depend on it, and so do ties)."""
    kinds, offsets = line.words.kinds, line.offsets
    n = len(kinds)
    kind = kinds[j] if j < n else _SENTENCE
    inner = float(_INNER_SENTENCE * sum(1 for k in range(i + 1, j) if kinds[k] == _SENTENCE))
    cost = start_cost + _CUE_COST + inner + (_CUE_BREAK[kind] if j < n else 0)
    chars = offsets[j] - offsets[i] - 1
    if chars < _FRAGMENT_CHARS and not (kinds[i] == _SENTENCE and kind == _SENTENCE):
        cost += _FRAGMENT_PER_CHAR * (_FRAGMENT_CHARS - chars)
    duration = line.times[j] - line.times[i]
    if duration < line.min_ms:
        cost += _SHORT_PER_MS * (line.min_ms - duration)
    elif duration > line.max_ms:
        cost += min(_LONG_CEILING, _LONG_PER_MS * (duration - line.max_ms))
    if chars > first_width and line.max_lines >= 2:
        layout = math.inf
        width = line.width
        label_chars = width - first_width
        p = min(fill, j - 1)
        while p > i:
            second = offsets[j] - offsets[p] - 1
            if second > width and p != j - 1:
                break
            first = offsets[p] - offsets[i] - 1 + label_chars
            if first < second and _IMBALANCE * (second - first) >= layout:
                break  # only more imbalanced breaks are left
            layout = min(layout, _LINE_BREAK[kinds[p]] + _IMBALANCE * abs(first - second))
            p -= 1
        if layout != math.inf:
            cost += _LAYOUT_WEIGHT * layout
    return cost


def _reach(fill: int, plain_fills: list[int], max_lines: int, n: int) -> int:
    """The last end of a cue whose first line ends at ``fill``: greedy fill of its lines."""
    limit = fill
    for _ in range(max_lines - 1):
        if limit >= n:
            break
        limit = plain_fills[limit]
    return limit


def _first_fill(line: _Line, first_width: int) -> int:
    """The end of the longest first line of a cue that starts the line (:func:`_fill` from 0)."""
    if first_width == line.width:
        return line.plain_fills[0]
    if first_width == line.rows_width:
        return line.rows_fills[0]
    return _fill(line.words, 0, first_width)


def _cut_line(line: _Line, first_width: int, first_fill: int) -> list[tuple[int, int]]:
    """The best cut of a line into cue runs ``[i, j)``: the line's first cue has ``first_width``
    characters in its first line (the longest ends at ``first_fill``), every other cue
    :attr:`_Line.rows_width`.

    A run's cost adds the cue's own cost, the kind of boundary it ends at, sentence ends
    inside it, fragments, planned durations out of range, and (weighted) its best two-line
    layout, measured as :func:`_break_lines` does. The cut is the one a dynamic programme
    over word ends finds going forwards in floating point (:func:`_cost`; a later start of
    a cue replaces an earlier one only when strictly cheaper). It is found in two steps:

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
        first_reach = _reach(first_fill, line.plain_fills, line.max_lines, n)
        ends = line.ends
        window = sorted(zip(ends[1 : first_reach + 1], range(1, first_reach + 1), strict=True))
        best, firsts = line.scan(0, first_width, first_fill, window)
        least = _CUE_UNITS + best
    if n * least >= _EXACT_LIMIT:
        return _forward_cut(line, first_width, first_fill)

    # 1. starts[j]: the starts i of the cheapest cues [i, j), found from 0 on.
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

    # 2. back[j]: the start of the last cue of the cut up to j.
    back = {j: options[0] for j, options in starts.items()}
    if ties:  # the forward programme, over increasing ends and starts
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
    return _runs(back, n)


#: While a line's words times the units of its cheapest cut stay below this, the forward
#: programme's floating-point costs of the cuts that can compete stay within 0.0001 of the
#: exact ones (two different exact costs are 0.001 apart at least): each cue adds at most 8
#: roundings of at most 2**-53 of such a cost.
_EXACT_LIMIT = 10**14


def _forward_cut(line: _Line, first_width: int, first_fill: int) -> list[tuple[int, int]]:
    """The forward programme of :func:`_cut_line` over every cue that fits: the cut by its
    definition, slowly."""
    n = len(line.words.words)
    costs = [math.inf] * (n + 1)
    costs[0] = 0.0
    back = [0] * (n + 1)
    for i in range(n):
        fill = first_fill if i == 0 else line.rows_fills[i]
        width = first_width if i == 0 else line.rows_width
        for j in range(i + 1, _reach(fill, line.plain_fills, line.max_lines, n) + 1):
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


class _Pieces(NamedTuple):
    """Cues before their final times, as parallel lists (one entry per cue, in order)."""

    line: list[int]  # index into the timed lines
    lines: list[tuple[str, ...]]
    label: list[str]
    start_ms: list[int]
    end_ms: list[int]
    chars: list[int]
    locked: list[bool]  # starts its line on the line's own stamp: never moved


def _pieces(timed_lines: Sequence[TimedLine], policy: CuePolicy) -> _Pieces:
    """Every line cut into laid-out pieces with proportional times (before adjustment)."""
    rows: list[tuple[int, tuple[str, ...], str, int, int, int, bool]] = []
    names: dict[str | None, str | None] = {}  # speaker_name of each speaker
    previous_name: str | None = None
    first_cue = True
    width = policy.max_chars_per_line
    mode = policy.speaker_labels
    every = mode == "every"
    for index, timed in enumerate(timed_lines):
        utterance = timed.utterance
        speaker = utterance.speaker
        if speaker not in names:
            names[speaker] = speaker_name(speaker)
        name = names[speaker]
        labelled = name is not None and (
            every or (mode == "change" and (first_cue or previous_name != name))
        )
        label = f"{name}: " if labelled else ""
        first_width = max(1, width - len(label)) if label else width
        line = _prepare(
            utterance.text,
            timed.start_ms,
            timed.end_ms,
            width,
            first_width if every else width,
            policy.max_lines,
            policy.min_cue_ms,
            policy.max_cue_ms,
        )
        if not line.words.words:
            continue
        first_fill = _first_fill(line, first_width)
        text, offsets, times, plain_fills = line.text, line.offsets, line.times, line.plain_fills
        locked = utterance.start_ms is not None and utterance.start_ms == timed.start_ms
        for number, (i, j) in enumerate(_cut_line(line, first_width, first_fill)):
            run_label = label if (every or number == 0) else ""
            fill = first_fill if i == 0 else line.rows_fills[i]  # its first line's longest
            # Its lines: as many as the greedy fill needs (the slices of text are the words
            # joined by spaces).
            if fill >= j:
                lines: tuple[str, ...] = (text[offsets[i] : offsets[j] - 1],)
            elif plain_fills[fill] >= j:
                p = _second_line(line, i, j, first_width if run_label else width, fill)
                lines = (text[offsets[i] : offsets[p] - 1], text[offsets[p] : offsets[j] - 1])
            else:
                count, at = 2, plain_fills[fill]
                while at < j:
                    count, at = count + 1, plain_fills[at]
                run_width = first_width if run_label else width
                _, starts = _break_lines(line.words, i, j, run_width, width, count)
                bounds = [i, *starts, j]
                lines = tuple(
                    text[offsets[a] : offsets[b] - 1] for a, b in itertools.pairwise(bounds)
                )
            chars = offsets[j] - offsets[i] - 1
            rows.append(
                (index, lines, run_label, times[i], times[j], chars, number == 0 and locked)
            )
        previous_name = name
        first_cue = False
    if not rows:
        return _Pieces([], [], [], [], [], [], [])
    return _Pieces(*(list(column) for column in zip(*rows, strict=True)))


def _need(chars: int, cps: int, policy: CuePolicy) -> int:
    """The time a cue keeps before lending any: the minimum, and ``cps`` reading speed."""
    return max(policy.min_cue_ms, -(-chars * 1000 // cps))


def build_cues(
    timed_lines: Sequence[TimedLine], policy: CuePolicy, *, offset_ms: int = 0
) -> tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]:
    """Cut timed lines into cues (see the module docstring for the rules).

    Returns the cues, sorted and non-overlapping, and the offset's clip and drop warnings.
    Lines without words give no cue. Given spans from :func:`castline.timing.spans.time_transcript`,
    all times stay within the first line's start and the last line's end (before the offset).

    >>> from castline.model import Utterance
    >>> line = Utterance("Hello and welcome. Today we talk about captions.", "Ann", 0,
    ...                  SourceRef("e.md", 4))
    >>> cues, _ = build_cues([TimedLine(line, 0, 3000)], CuePolicy())
    >>> [(c.start_ms, c.end_ms, c.lines) for c in cues]
    [(0, 1104, ('Hello and welcome.',)), (1187, 3000, ('Today we talk about captions.',))]
    """
    pieces = _pieces(timed_lines, policy)
    count = len(pieces.line)
    if not count:
        return (), ()
    starts, ends, chars, locked = pieces.start_ms, pieces.end_ms, pieces.chars, pieces.locked
    final_end = max(ends[-1], max(t.end_ms for t in timed_lines))
    min_ms, max_ms = policy.min_cue_ms, policy.max_cue_ms

    # 1. At least 1 ms each: strictly increasing starts (only degenerate spans need this),
    # within the transcript's end unless it has fewer milliseconds than there are cues.
    for k in range(1, count):
        if starts[k] <= starts[k - 1]:
            starts[k] = starts[k - 1] + 1
    final_end = max(final_end, count)
    limit = final_end
    for k in range(count - 1, -1, -1):
        if starts[k] >= limit:
            starts[k] = limit - 1
        limit = starts[k]
    # ... each ending by the next start; 2. at most max_cue_ms.
    for k in range(count):
        following = starts[k + 1] if k + 1 < count else final_end
        end = max(starts[k] + 1, min(ends[k], following))
        ends[k] = min(end, starts[k] + max_ms)

    # 3. At least min_cue_ms where there is time: free time after, then a neighbour's spare.
    for k in range(count):
        short = min_ms - (ends[k] - starts[k])
        if short <= 0:
            continue
        following = starts[k + 1] if k + 1 < count else final_end
        grow = min(short, following - ends[k], starts[k] + max_ms - ends[k])
        if grow > 0:
            ends[k] += grow
            short -= grow
        # Lenders first keep the target reading speed, then only the maximum.
        for cps in (policy.target_cps, policy.max_cps):
            lender = k + 1
            if short > 0 and lender < count and ends[k] == starts[lender]:
                spare = ends[lender] - starts[lender] - _need(chars[lender], cps, policy)
                move = 0 if locked[lender] else min(short, spare)
                if move > 0:
                    ends[k] += move
                    starts[lender] += move
                    short -= move
            if short > 0 and k > 0 and ends[k - 1] == starts[k] and not locked[k]:
                spare = ends[k - 1] - starts[k - 1] - _need(chars[k - 1], cps, policy)
                move = min(short, spare)
                if move > 0:
                    starts[k] -= move
                    ends[k - 1] -= move
                    short -= move

    # 4. A gap of min_gap_ms between cues (subtitles.md §6.3 6), taken from the earlier cue's
    # end, never below min_cue_ms. Only ends move: a cue on its stamp keeps its start. (Gaps
    # up to 0.5 s, which §6.3 would chain, only follow cues cut to max_cue_ms: none to close.)
    for k in range(count - 1):
        if starts[k + 1] - ends[k] < policy.min_gap_ms:
            keep = min(ends[k], starts[k] + max(min_ms, 1))
            ends[k] = max(keep, starts[k + 1] - policy.min_gap_ms)

    utterances = [timed.utterance for timed in timed_lines]
    cues = [
        Cue(
            start + offset_ms,
            end + offset_ms,
            utterances[line].speaker,
            lines,
            utterances[line].source,
            label,
        )
        for start, end, line, lines, label in zip(
            starts, ends, pieces.line, pieces.lines, pieces.label, strict=True
        )
    ]
    if offset_ms >= 0:
        return tuple(cues), ()
    return _apply_negative_offset(cues, offset_ms)


def _apply_negative_offset(
    cues: Sequence[Cue], offset_ms: int
) -> tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]:
    """Drop the cues that end at or before 0 and clip the one that starts before it."""
    offset = f"-{format_seconds(-offset_ms)} s"
    kept: list[Cue] = []
    diagnostics: list[Diagnostic] = []
    dropped: dict[SourceRef, list[Cue]] = {}
    for cue in cues:
        if cue.end_ms <= 0:
            dropped.setdefault(cue.source, []).append(cue)
        elif cue.start_ms < 0:
            diagnostics.append(
                Diagnostic.warning(
                    cue.source,
                    f"the offset of {offset} moves a cue to {format_ms(cue.start_ms)}: "
                    "clipped to start at 0:00",
                )
            )
            kept.append(
                Cue(0, cue.end_ms, cue.speaker, cue.lines, cue.source, cue.label),
            )
        else:
            kept.append(cue)
    drops = [
        Diagnostic.warning(
            source,
            f"the offset of {offset} moves {plural(len(group), 'cue')} "
            f"({plural(sum(len(c.text.split()) for c in group), 'word')}) of this line "
            "before 0:00: dropped",
        )
        for source, group in dropped.items()
    ]
    return tuple(kept), (*drops, *diagnostics)


def episode_cues(
    episode: Episode, policy: CuePolicy, *, offset_ms: int = 0
) -> tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]:
    """An episode's cues and every warning of the way: timing engine, then :func:`build_cues`.

    This is what each caption exporter (SRT, WebVTT) writes, so they cut cues alike.
    """
    timed, timing_warnings = episode_timing(episode)
    cues, cue_warnings = build_cues(timed, policy, offset_ms=offset_ms)
    return cues, (*timing_warnings, *cue_warnings)


def check_offset_ms(value: object) -> int:
    """Validate an ``offset_ms`` exporter option (a whole number of milliseconds, any sign).

    >>> check_offset_ms(-12_500)
    -12500

    Raises:
        ValueError: not an ``int``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"'offset_ms' must be a whole number of milliseconds, not {value!r}")
    return value
