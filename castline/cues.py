"""Caption cues: timed transcript lines cut into readable, well-timed subtitles.

:func:`build_cues` takes the spans of :func:`castline.timing.time_transcript` and returns the
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
  ``min_cue_ms``; a cue that starts a line on its own stamp never moves. Cues are sorted,
  never overlap, last at least 1 ms and use integer milliseconds.
* **Speakers.** A cue never holds two lines, so never two speakers; a speaker change always
  starts a cue. Formats that write the speaker as text reserve room for ``Name: `` in the
  first line (:attr:`CuePolicy.speaker_labels`).
* **Offset.** ``offset_ms`` shifts every cue; a cue that then starts before 0 is clipped,
  one that ends at or before 0 is dropped, each with a warning.

Every word of every line reaches the cues, in order (except cues dropped by a negative
offset, which are reported). The output is deterministic.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from castline.diagnostics import Diagnostic
from castline.model import Episode, SourceRef
from castline.timecode import format_seconds
from castline.timing import TimedLine, format_ms, time_transcript

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
    #: Room for ``Name: `` before the first line: at each change of speaker, on every cue,
    #: or never.
    speaker_labels: str = "none"

    def __post_init__(self) -> None:
        for name in ("max_chars_per_line", "max_lines", "max_cue_ms", "target_cps", "max_cps"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"'{name}' must be a positive whole number, not {value!r}")
        value = self.min_cue_ms
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"'min_cue_ms' must be a whole number of ms, not {value!r}")
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


def _boundary(before: str, after: str) -> int:
    """The kind of boundary between two words (a cut goes before ``after``)."""
    if (
        _SENTENCE_END.search(before)
        and before.lower() not in _ABBREVIATIONS
        and not _INITIAL.fullmatch(before)  # an initial: "J. Smith"
    ):
        return _SENTENCE
    if _CLAUSE_END.search(before) or before in _DASHES:
        return _CLAUSE
    if after in _DASHES or after[:1] in "([":
        return _CLAUSE
    bare_before, bare_after = _bare(before), _bare(after)
    if bare_before in _NO_BREAK_AFTER or bare_after in {"not", "n't"}:
        return _BAD
    if bare_after in _CONJUNCTIONS or bare_after == "that":
        return _CONJUNCTION
    if bare_after in _PREPOSITIONS or bare_after == "to":
        return _PREPOSITION
    if bare_before in _WEAK_BREAK_AFTER or bare_after == "of":
        return _WEAK
    return _PLAIN


# --- Cutting one line into cue texts ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Words:
    """A line's words with prefix sums, so any run's length is O(1)."""

    words: tuple[str, ...]
    prefix: tuple[int, ...]  # prefix[i]: characters of words[:i] (no spaces)
    kinds: tuple[int, ...]  # kinds[i]: boundary before words[i] (kinds[0] unused)

    @classmethod
    def of(cls, text: str) -> _Words:
        words = tuple(text.split())
        prefix = [0]
        for word in words:
            prefix.append(prefix[-1] + len(word))
        kinds = [_SENTENCE] + [_boundary(words[i - 1], words[i]) for i in range(1, len(words))]
        return cls(words, tuple(prefix), tuple(kinds))

    def length(self, i: int, j: int) -> int:
        """Characters of ``words[i:j]`` joined by single spaces."""
        return self.prefix[j] - self.prefix[i] + (j - i - 1)

    def offset(self, i: int) -> int:
        """Character offset of ``words[i]`` in the joined text (``len`` of it for ``i == n``)."""
        return self.prefix[i] + i


def _fill(words: _Words, i: int, width: int) -> int:
    """The end of the longest run from ``i`` that fits ``width`` (at least one word)."""
    j = i + 1
    n = len(words.words)
    while j < n and words.length(i, j + 1) <= width:
        j += 1
    return j


def _layout(words: _Words, i: int, j: int, first_width: int, width: int, max_lines: int) -> int:
    """The fewest lines (greedy fill) ``words[i:j]`` needs, or ``max_lines + 1`` if more."""
    count, at, line_width = 0, i, first_width
    while at < j:
        count += 1
        if count > max_lines:
            break
        at = _fill(words, at, line_width)
        line_width = width
    return count


def _break_lines(
    words: _Words, i: int, j: int, first_width: int, width: int, lines: int
) -> tuple[float, list[int]]:
    """The best cut of ``words[i:j]`` into exactly ``lines`` fitting lines.

    Returns the cost (boundary kinds plus imbalance) and the start of each line after the
    first. A line that is a single word may be longer than the width; no other line is.
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


@dataclass(frozen=True, slots=True)
class _Piece:
    """A cue before its final times: words ``[i, j)`` of one line, laid out."""

    line: int  # index into the timed lines
    lines: tuple[str, ...]
    label: str
    start_ms: int
    end_ms: int
    chars: int
    locked: bool  # starts its line on the line's own stamp: never moved


def _fills(words: _Words, width: int) -> list[int]:
    """``fills[i]``: the end of the longest run from ``i`` that fits ``width`` (one word at least).

    Two pointers, O(n): the same as :func:`_fill` for every ``i``.
    """
    n = len(words.words)
    prefix = words.prefix
    fills = [0] * n
    j = 0
    for i in range(n):
        j = max(j, i + 1)
        while j < n and prefix[j + 1] - prefix[i] + (j - i) <= width:
            j += 1
        fills[i] = j
    return fills


def _cut_line(
    words: _Words,
    times: Sequence[int],
    policy: CuePolicy,
    label: str,
    every: bool,
) -> list[tuple[int, int]]:
    """The best cut of a line into cue runs ``[i, j)``: dynamic programming over word ends.

    A run's cost adds the cue's own cost, the kind of boundary it ends at, sentence ends
    inside it, fragments, planned durations out of range, and (weighted) its best two-line
    layout, measured as :func:`_break_lines` does.
    """
    n = len(words.words)
    prefix, kinds = words.prefix, words.kinds
    width = policy.max_chars_per_line
    labelled_width = max(1, width - len(label))
    plain_fills = _fills(words, width)
    labelled_fills = _fills(words, labelled_width) if label else plain_fills
    min_ms, max_ms = policy.min_cue_ms, policy.max_cue_ms
    inf = float("inf")
    best: list[float] = [inf] * (n + 1)
    back: list[int] = [0] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] == inf:
            continue
        labelled = bool(label) and (every or i == 0)
        first_width = labelled_width if labelled else width
        first_fills = labelled_fills if labelled else plain_fills
        # The runs from i that fit: greedy fill of max_lines lines.
        limit = first_fills[i]
        for _ in range(policy.max_lines - 1):
            if limit >= n:
                break
            limit = plain_fills[limit]
        label_chars = width - first_width
        starts_sentence = kinds[i] == _SENTENCE
        inner = 0.0
        for j in range(i + 1, limit + 1):
            kind = kinds[j] if j < n else _SENTENCE
            if j - 1 > i and kinds[j - 1] == _SENTENCE:
                inner += _INNER_SENTENCE
            cost = best[i] + _CUE_COST + inner + (_CUE_BREAK[kind] if j < n else 0)
            chars = prefix[j] - prefix[i] + (j - i - 1)
            if chars < _FRAGMENT_CHARS and not (starts_sentence and kind == _SENTENCE):
                cost += _FRAGMENT_PER_CHAR * (_FRAGMENT_CHARS - chars)
            duration = times[j] - times[i]
            if duration < min_ms:
                cost += _SHORT_PER_MS * (min_ms - duration)
            elif duration > max_ms:
                cost += min(_LONG_CEILING, _LONG_PER_MS * (duration - max_ms))
            if cost >= best[j]:
                continue  # a layout only adds cost
            if chars > first_width and policy.max_lines >= 2:
                # The best two-line layout (none when the run needs more lines).
                layout = inf
                p = min(first_fills[i], j - 1)
                while p > i:
                    second = prefix[j] - prefix[p] + (j - p - 1)
                    if second > width and p != j - 1:
                        break
                    first = prefix[p] - prefix[i] + (p - i - 1) + label_chars
                    if first < second and _IMBALANCE * (second - first) >= layout:
                        break  # only more imbalanced breaks are left
                    layout = min(layout, _LINE_BREAK[kinds[p]] + _IMBALANCE * abs(first - second))
                    p -= 1
                if layout != inf:
                    cost += _LAYOUT_WEIGHT * layout
            if cost < best[j]:
                best[j] = cost
                back[j] = i
    runs: list[tuple[int, int]] = []
    j = n
    while j > 0:
        runs.append((back[j], j))
        j = back[j]
    runs.reverse()
    return runs


def _pieces(timed_lines: Sequence[TimedLine], policy: CuePolicy) -> list[_Piece]:
    """Every line cut into laid-out pieces with proportional times (before adjustment)."""
    pieces: list[_Piece] = []
    previous_speaker: str | None = None
    first_cue = True
    width = policy.max_chars_per_line
    for index, timed in enumerate(timed_lines):
        words = _Words.of(timed.utterance.text)
        n = len(words.words)
        if n == 0:
            continue
        speaker = timed.utterance.speaker
        name = speaker_name(speaker)
        mode = policy.speaker_labels
        labelled = name is not None and (
            mode == "every"
            or (mode == "change" and (first_cue or speaker_name(previous_speaker) != name))
        )
        label = f"{name}: " if labelled else ""
        span = timed.end_ms - timed.start_ms
        total = words.length(0, n)
        times = [timed.start_ms + span * words.offset(k) // total for k in range(n)]
        times.append(timed.end_ms)
        runs = _cut_line(words, times, policy, label, mode == "every")
        stamp = timed.utterance.start_ms
        for number, (i, j) in enumerate(runs):
            run_label = label if (mode == "every" or number == 0) else ""
            first_width = max(1, width - len(run_label)) if run_label else width
            count = _layout(words, i, j, first_width, width, policy.max_lines)
            _, starts = _break_lines(words, i, j, first_width, width, count)
            bounds = [i, *starts, j]
            lines = tuple(" ".join(words.words[a:b]) for a, b in itertools.pairwise(bounds))
            pieces.append(
                _Piece(
                    line=index,
                    lines=lines,
                    label=run_label,
                    start_ms=times[i],
                    end_ms=times[j],
                    chars=words.length(i, j),
                    locked=number == 0 and stamp is not None and stamp == timed.start_ms,
                )
            )
        previous_speaker = speaker
        first_cue = False
    return pieces


def _need(chars: int, cps: int, policy: CuePolicy) -> int:
    """The time a cue keeps before lending any: the minimum, and ``cps`` reading speed."""
    return max(policy.min_cue_ms, -(-chars * 1000 // cps))


def build_cues(
    timed_lines: Sequence[TimedLine], policy: CuePolicy, *, offset_ms: int = 0
) -> tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]:
    """Cut timed lines into cues (see the module docstring for the rules).

    Returns the cues, sorted and non-overlapping, and the offset's clip and drop warnings.
    Lines without words give no cue. Given spans from :func:`castline.timing.time_transcript`,
    all times stay within the first line's start and the last line's end (before the offset).

    >>> from castline.model import Utterance
    >>> line = Utterance("Hello and welcome. Today we talk about captions.", "Ann", 0,
    ...                  SourceRef("e.md", 4))
    >>> cues, _ = build_cues([TimedLine(line, 0, 3000)], CuePolicy())
    >>> [(c.start_ms, c.end_ms, c.lines) for c in cues]
    [(0, 1187, ('Hello and welcome.',)), (1187, 3000, ('Today we talk about captions.',))]
    """
    pieces = _pieces(timed_lines, policy)
    if not pieces:
        return (), ()
    count = len(pieces)
    starts = [p.start_ms for p in pieces]
    ends = [p.end_ms for p in pieces]
    final_end = max(ends[-1], max(t.end_ms for t in timed_lines))

    # 1. At least 1 ms each: strictly increasing starts (only degenerate spans need this),
    # within the transcript's end unless it has fewer milliseconds than there are cues.
    for k in range(1, count):
        starts[k] = max(starts[k], starts[k - 1] + 1)
    final_end = max(final_end, count)
    limit = final_end
    for k in range(count - 1, -1, -1):
        starts[k] = min(starts[k], limit - 1)
        limit = starts[k]
    for k in range(count):
        following = starts[k + 1] if k + 1 < count else final_end
        ends[k] = max(starts[k] + 1, min(ends[k], following))

    # 2. At most max_cue_ms.
    for k in range(count):
        ends[k] = min(ends[k], starts[k] + policy.max_cue_ms)

    # 3. At least min_cue_ms where there is time: free time after, then a neighbour's spare.
    for k in range(count):
        short = policy.min_cue_ms - (ends[k] - starts[k])
        if short <= 0:
            continue
        following = starts[k + 1] if k + 1 < count else final_end
        grow = min(short, following - ends[k], starts[k] + policy.max_cue_ms - ends[k])
        if grow > 0:
            ends[k] += grow
            short -= grow
        # Lenders first keep the target reading speed, then only the maximum.
        for cps in (policy.target_cps, policy.max_cps):
            lender = k + 1
            if short > 0 and lender < count and ends[k] == starts[lender]:
                spare = ends[lender] - starts[lender] - _need(pieces[lender].chars, cps, policy)
                move = 0 if pieces[lender].locked else min(short, spare)
                if move > 0:
                    ends[k] += move
                    starts[lender] += move
                    short -= move
            if short > 0 and k > 0 and ends[k - 1] == starts[k] and not pieces[k].locked:
                spare = ends[k - 1] - starts[k - 1] - _need(pieces[k - 1].chars, cps, policy)
                move = min(short, spare)
                if move > 0:
                    starts[k] -= move
                    ends[k - 1] -= move
                    short -= move

    cues = [
        Cue(
            starts[k] + offset_ms,
            ends[k] + offset_ms,
            timed_lines[p.line].utterance.speaker,
            p.lines,
            timed_lines[p.line].utterance.source,
            p.label,
        )
        for k, p in enumerate(pieces)
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
            f"the offset of {offset} moves {_plural(len(group), 'cue')} "
            f"({_plural(sum(len(c.text.split()) for c in group), 'word')}) of this line "
            "before 0:00: dropped",
        )
        for source, group in dropped.items()
    ]
    return tuple(kept), (*drops, *diagnostics)


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def episode_cues(
    episode: Episode, policy: CuePolicy, *, offset_ms: int = 0
) -> tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]:
    """An episode's cues and every warning of the way: timing engine, then :func:`build_cues`.

    This is what each caption exporter (SRT, WebVTT) writes, so they cut cues alike.
    """
    timed, timing_warnings = time_transcript(episode.utterances, duration_ms=episode.duration_ms)
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
