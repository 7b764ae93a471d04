"""The stamp timeline: a time span for every transcript line, from start stamps that may lie.

Real transcripts give one start second per paragraph at best: several paragraphs often share a
second, continuation paragraphs have none, and typos run backwards (a ``2666`` among ``2092``\\ s).
:func:`time_transcript` turns such a transcript into one :class:`TimedLine` per utterance, and
reports every repair it makes as a :class:`~castline.diagnostics.Diagnostic` warning. Each rule
below is one step of it:

1. **Anchors.** A stamp is an anchor if it lies in the longest non-decreasing run of stamps
   (ties broken towards the smaller stamps). Every other stamp is re-timed as if the line had
   none, with one warning at that line. So is a negative stamp. The episode's declared
   duration never re-times a stamp: it is metadata (``itunes:duration``), often the talk's
   length while the stamps follow a longer video; when the stamps run past it, one warning
   per episode says by how much.
2. **Sharing a span.** An anchor's *block* is the anchor line and every following line up to the
   next anchor with a larger stamp: continuation lines, re-timed lines and lines sharing the
   same second. The block's span, from its stamp to the next larger stamp, is shared among its
   lines in proportion to their characters. Lines before the first anchor form a block that
   starts at 0.
3. **Impossible spans.** Two kept stamps that enclose more text than :data:`IMPOSSIBLE_CPS`
   characters per second could say, even with each stamp half a second off, prove one of them
   wrong: the one whose removal leaves the slower merged span is re-timed like an
   out-of-order stamp (with every line sharing its second), with a warning naming the span.
   A block still planned faster than :data:`SUSPECT_CPS` is reported as a suspect stamp.
   Where two neighbouring blocks differ and one is faster than :data:`TARGET_CPS`, the
   boundary between them moves up to :data:`STAMP_PRECISION_MS` toward the slower one
   (whole-second stamps are that imprecise).
4. **The end.** The last line ends after :data:`ESTIMATE_CPS` characters per second of
   speech from the last anchor: the stamps are the timeline, and the duration is not a
   point on it.

All times are integer milliseconds. The result is sorted, contiguous (each line ends where the
next begins), every span has ``end_ms > start_ms``, and no line is ever dropped.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from castline.diagnostics import Diagnostic, rule
from castline.memo import per_object
from castline.model import Episode, Utterance
from castline.text import one_line, plural
from castline.timecode import format_ms

#: The kinds of problem with a transcript's stamps.
STAMPS_PAST_DURATION = rule(
    "T001", "stamps-past-duration", "the stamps run past the episode's duration"
)
OUT_OF_ORDER_STAMP = rule(
    "T002", "out-of-order-stamp", "a stamp is earlier than one before it; re-timed"
)
FAST_SPEECH = rule("T003", "fast-speech", "stamps leave more characters per second than speech has")

__all__ = [
    "ESTIMATE_CPS",
    "IMPOSSIBLE_CPS",
    "STAMP_PRECISION_MS",
    "SUSPECT_CPS",
    "TimedLine",
    "episode_timing",
    "spoken_length",
    "time_transcript",
]

#: Planned characters per second above which a span is reported as a suspect stamp: above
#: the 20 characters per second of the Netflix Timed Text Style Guide (reading speed),
#: https://partnerhelp.netflixstudios.com/hc/en-us/articles/217350977
SUSPECT_CPS = 22
#: Speech rate used to estimate the end of the last block, which gives each of its lines at
#: least :data:`ESTIMATE_MIN_LINE_MS`.
ESTIMATE_CPS = 15
ESTIMATE_MIN_LINE_MS = 1000
#: Planned characters per second above which a span cannot be speech, even with each of its
#: two stamps half a second off: one of them is wrong, and is re-timed.
IMPOSSIBLE_CPS = 40
#: How far a whole-second stamp may be from the speech it marks; a block boundary may move
#: this far toward the slower neighbour.
STAMP_PRECISION_MS = 500
#: The reading speed aimed for (the captions' ``target_cps``), in characters per second.
TARGET_CPS = 17


@dataclass(frozen=True, slots=True)
class TimedLine:
    """One utterance and the span ``[start_ms, end_ms)`` the engine gives it."""

    utterance: Utterance
    start_ms: int
    end_ms: int
    #: True when the line starts a block at its own kept stamp (moved at most
    #: :data:`STAMP_PRECISION_MS`): cues keep that start.
    stamped: bool = False


def spoken_length(text: str) -> int:
    """The characters of ``text`` once runs of white space are collapsed to one space.

    This is the length that proportional timing and reading speeds count: spaces and
    punctuation included, as the Netflix Timed Text Style Guide counts characters
    (https://partnerhelp.netflixstudios.com/hc/en-us/articles/217350977).

    >>> spoken_length("  two\\n  words ")
    9

    It is the length of :func:`castline.text.one_line`, which hands a text that is one line
    already back without splitting it.
    """
    return len(one_line(text))


def _longest_non_decreasing(values: Sequence[int]) -> set[int]:
    """Positions (into ``values``) of a longest non-decreasing subsequence.

    Patience sorting with ``bisect_right``; among runs of equal length the one ending in the
    smallest values wins, so a typo that jumps ahead (``2666`` among ``2092``) is the one dropped.

    >>> sorted(_longest_non_decreasing([2092, 2666, 2092, 2100]))
    [0, 2, 3]
    >>> sorted(_longest_non_decreasing([]))
    []
    """
    tails: list[int] = []  # tails[k]: smallest last value of a run of length k + 1
    tail_pos: list[int] = []  # position of that last value
    previous: list[int] = [-1] * len(values)
    for pos, value in enumerate(values):
        k = bisect.bisect_right(tails, value)
        previous[pos] = tail_pos[k - 1] if k else -1
        if k == len(tails):
            tails.append(value)
            tail_pos.append(pos)
        else:
            tails[k] = value
            tail_pos[k] = pos
    kept: set[int] = set()
    pos = tail_pos[-1] if tail_pos else -1
    while pos >= 0:
        kept.add(pos)
        pos = previous[pos]
    return kept


@dataclass(frozen=True, slots=True)
class _Block:
    """Lines ``[first, stop)`` sharing the planned span ``[start_ms, end_ms)``."""

    first: int
    stop: int
    start_ms: int
    end_ms: int
    #: Index of the anchor line whose stamp ends the span, or ``None`` (an estimate).
    end_anchor: int | None


def time_transcript(
    utterances: Sequence[Utterance], *, duration_ms: int | None
) -> tuple[tuple[TimedLine, ...], tuple[Diagnostic, ...]]:
    """Give every utterance a span; warn about every stamp repaired or suspect.

    Anchors (longest non-decreasing run of stamps kept; others re-timed as untimed, one warning
    per repaired line at its path:line naming both values), stamps making an impossible span
    (more than :data:`IMPOSSIBLE_CPS` even with each stamp 0.5 s off) re-timed with a warning,
    lines sharing a second and untimed lines share the span to the next anchor in proportion to
    characters, boundaries moved up to :data:`STAMP_PRECISION_MS` toward the slower neighbour
    where a span is faster than :data:`TARGET_CPS`, suspect spans (>~22 cps planned) reported,
    the last line ends at a ~15 cps estimate. Lines before the first stamp start at 0.
    ``duration_ms`` never moves a stamp: when kept stamps reach it, one warning says by how much.

    Guarantees: one :class:`TimedLine` per utterance, in order; ``start_ms`` of the first is
    ``>= 0``; each line ends where the next starts; ``end_ms > start_ms``; a kept stamp's line
    starts within :data:`STAMP_PRECISION_MS` of it (unless lines before it need a millisecond
    each); negative stamps are re-timed with a warning.

    >>> from castline.model import SourceRef
    >>> lines = [Utterance("Hello there.", "A", 0, SourceRef("e.md", 3)),
    ...          Utterance("Hi!", "B", 4000, SourceRef("e.md", 4))]
    >>> timed, warnings = time_transcript(lines, duration_ms=5_000)
    >>> [(t.start_ms, t.end_ms) for t in timed], warnings
    ([(0, 4000), (4000, 5000)], ())
    """
    if not utterances:
        return (), ()
    lengths = [spoken_length(u.text) for u in utterances]
    weights = [max(1, length) for length in lengths]
    anchors = _anchors(utterances)
    anchors, impossible = _repair_impossible(utterances, anchors, weights)
    planned = _blocks(utterances, anchors, weights)
    planned = _toward_slower(planned, weights)
    starts, final_end = _place(planned, weights)
    heads = {block.first for block in planned if block.first in anchors.kept_set}
    timed = tuple(
        TimedLine(u, starts[i], starts[i + 1] if i + 1 < len(utterances) else final_end, i in heads)
        for i, u in enumerate(utterances)
    )
    # Warnings, in line order: the duration, repaired stamps, then suspect spans.
    diagnostics = _duration_warning(utterances, anchors, duration_ms)
    diagnostics.extend(_repair_warnings(utterances, anchors, starts, impossible))
    diagnostics.extend(_suspect_warnings(utterances, anchors, planned, lengths))
    return timed, tuple(diagnostics)


@dataclass(frozen=True, slots=True)
class _Anchors:
    """Which stamps are kept (rule 1)."""

    #: Lines with a stamp, in order.
    stamped: list[int]
    #: Lines whose stamp is kept, in order.
    kept: list[int]
    kept_set: frozenset[int]


def _anchors(utterances: Sequence[Utterance]) -> _Anchors:
    """The longest non-decreasing run of the stamps that are not negative."""
    stamped = [i for i, u in enumerate(utterances) if u.start_ms is not None]
    usable = [i for i in stamped if _stamp(utterances[i]) >= 0]
    kept_positions = _longest_non_decreasing([_stamp(utterances[i]) for i in usable])
    kept = [i for pos, i in enumerate(usable) if pos in kept_positions]
    return _Anchors(stamped, kept, frozenset(kept))


def _duration_warning(
    utterances: Sequence[Utterance], anchors: _Anchors, duration_ms: int | None
) -> list[Diagnostic]:
    """One warning when kept stamps reach the declared duration, at the first that does."""
    kept = anchors.kept
    if duration_ms is None or not kept or _stamp(utterances[kept[-1]]) < duration_ms:
        return []
    past = next(i for i in kept if _stamp(utterances[i]) >= duration_ms)
    last = _stamp(utterances[kept[-1]])
    return [
        STAMPS_PAST_DURATION.warning(
            utterances[past].source,
            f"the stamps run to {format_ms(last)}, {format_ms(last - duration_ms)} past the "
            f"episode's duration {format_ms(duration_ms)}: the duration is only "
            "itunes:duration, the stamps keep their times",
        )
    ]


def _heads(utterances: Sequence[Utterance], anchors: _Anchors) -> list[int]:
    """The anchors that start a block: each larger than the previous kept stamp."""
    heads: list[int] = []
    for i in anchors.kept:
        if not heads or _stamp(utterances[i]) > _stamp(utterances[heads[-1]]):
            heads.append(i)
    return heads


def _impossible(chars: int, span_ms: int) -> bool:
    """Whether ``chars`` cannot be spoken in ``span_ms`` even with both stamps 0.5 s off."""
    return chars * 1000 > IMPOSSIBLE_CPS * (span_ms + 2 * STAMP_PRECISION_MS)


def _repair_impossible(
    utterances: Sequence[Utterance], anchors: _Anchors, weights: list[int]
) -> tuple[_Anchors, dict[int, str]]:
    """Anchors without the stamps that make an impossible span, and why each was dropped.

    Of the two stamps around such a span, the one whose removal leaves the slower merged span
    goes (with every line sharing its second); repeated until no span is impossible."""
    why: dict[int, str] = {}
    while True:
        heads = _heads(utterances, anchors)
        cumulative = [0, *itertools.accumulate(weights)]
        times = [_stamp(utterances[h]) for h in heads]
        found = next(
            (
                k
                for k in range(len(heads) - 1)
                if _impossible(
                    cumulative[heads[k + 1]] - cumulative[heads[k]], times[k + 1] - times[k]
                )
            ),
            None,
        )
        if found is None:
            return anchors, why
        chars = cumulative[heads[found + 1]] - cumulative[heads[found]]
        span = times[found + 1] - times[found]
        drop = _worse_stamp(heads, times, cumulative, found)
        why[heads[drop]] = (
            f"{chars} characters between stamps {format_ms(times[found])} and "
            f"{format_ms(times[found + 1])} ({_rate(chars, max(span, 1))} characters per second)"
        )
        value = times[drop]
        kept = [i for i in anchors.kept if _stamp(utterances[i]) != value]
        anchors = _Anchors(anchors.stamped, kept, frozenset(kept))


def _worse_stamp(heads: list[int], times: list[int], cumulative: list[int], k: int) -> int:
    """Of heads ``k`` and ``k + 1`` (an impossible span), the one to drop: the one whose
    removal leaves the merged span slower; the later when both are as good."""

    def rate(first: int, last: int) -> float:  # heads[first] .. heads[last], by stamps
        chars = cumulative[heads[last]] - cumulative[heads[first]]
        return chars / max(1, times[last] - times[first])

    if k == 0 or k + 2 >= len(heads):
        return k + 1
    return k if rate(k - 1, k + 1) < rate(k, k + 2) else k + 1


def _blocks(utterances: Sequence[Utterance], anchors: _Anchors, weights: list[int]) -> list[_Block]:
    """The blocks of rule 2: a block starts at each anchor whose stamp is larger than the
    previous anchor's (and at line 0 before the first); the last ends at an
    :data:`ESTIMATE_CPS` estimate."""
    n = len(utterances)
    heads = _heads(utterances, anchors)
    firsts = ([0] if not heads or heads[0] > 0 else []) + heads
    planned: list[_Block] = []
    for k, first in enumerate(firsts):
        stop = firsts[k + 1] if k + 1 < len(firsts) else n
        start = _stamp(utterances[first]) if first in anchors.kept_set else 0
        if stop < n:
            planned.append(_Block(first, stop, start, _stamp(utterances[stop]), stop))
        else:
            estimate = max(
                -(-sum(weights[first:stop]) * 1000 // ESTIMATE_CPS),
                (stop - first) * ESTIMATE_MIN_LINE_MS,
            )
            planned.append(_Block(first, stop, start, start + estimate, None))
    return planned


def _toward_slower(planned: list[_Block], weights: list[int]) -> list[_Block]:
    """Each boundary between two blocks moved up to :data:`STAMP_PRECISION_MS` toward the
    slower block when one of them is faster than :data:`TARGET_CPS` (whole-second stamps are
    that imprecise): as far as equal reading speeds, within both blocks."""
    blocks = list(planned)
    for k in range(1, len(blocks)):
        before, after = blocks[k - 1], blocks[k]
        left = sum(weights[before.first : before.stop])
        right = sum(weights[after.first : after.stop])
        boundary = after.start_ms
        fast = left * 1000 > TARGET_CPS * (boundary - before.start_ms) or (
            right * 1000 > TARGET_CPS * (after.end_ms - boundary)
        )
        if not fast:
            continue
        even = before.start_ms + (after.end_ms - before.start_ms) * left // (left + right)
        moved = min(max(even, boundary - STAMP_PRECISION_MS), boundary + STAMP_PRECISION_MS)
        moved = min(max(moved, before.start_ms + 1), after.end_ms - 1)
        blocks[k - 1] = replace(before, end_ms=moved)
        # An estimated end moves with its start: it is a length, not a point.
        end = after.end_ms if after.end_anchor is not None else after.end_ms + moved - boundary
        blocks[k] = replace(after, start_ms=moved, end_ms=end)
    return blocks


def _place(planned: list[_Block], weights: list[int]) -> tuple[list[int], int]:
    """Each line's start, in proportion to characters inside its block, at least 1 ms after
    the previous one (pushed forward, then pulled back before the end), and the last end."""
    n = planned[-1].stop
    starts = [0] * n
    for block in planned:
        span = block.end_ms - block.start_ms
        total = sum(weights[block.first : block.stop])
        cumulative = 0
        for i in range(block.first, block.stop):
            starts[i] = block.start_ms + span * cumulative // total
            cumulative += weights[i]
    for i in range(1, n):
        starts[i] = max(starts[i], starts[i - 1] + 1)
    final_end = max(planned[-1].end_ms, starts[-1] + 1)
    limit = final_end
    for i in range(n - 1, -1, -1):
        starts[i] = min(starts[i], limit - 1)
        limit = starts[i]
    return starts, final_end


def _repair_warnings(
    utterances: Sequence[Utterance],
    anchors: _Anchors,
    starts: list[int],
    impossible: dict[int, str],
) -> list[Diagnostic]:
    """One warning per stamp not kept, naming it and where its line was re-timed."""
    kept = anchors.kept
    dropped_values = {_stamp(utterances[i]): why for i, why in impossible.items()}
    diagnostics: list[Diagnostic] = []
    previous_anchor: int | None = None
    next_anchor_at = 0
    for i in anchors.stamped:
        while next_anchor_at < len(kept) and kept[next_anchor_at] < i:
            previous_anchor = kept[next_anchor_at]
            next_anchor_at += 1
        if i in anchors.kept_set:
            continue
        stamp = _stamp(utterances[i])
        retimed = f"re-timed to {format_ms(starts[i])}"
        if stamp < 0:
            message = f"negative stamp {format_ms(stamp)}: {retimed}"
        elif previous_anchor is not None and stamp < _stamp(utterances[previous_anchor]):
            message = (
                f"out-of-order stamp {format_ms(stamp)} (previous kept stamp "
                f"{format_ms(_stamp(utterances[previous_anchor]))}): {retimed}"
            )
        elif stamp in dropped_values:
            message = (
                f"stamp {format_ms(stamp)} makes an impossible span: "
                f"{dropped_values[stamp]}: {retimed}"
            )
        else:
            following = kept[next_anchor_at] if next_anchor_at < len(kept) else None
            other = (
                f"next kept stamp {format_ms(_stamp(utterances[following]))}"
                if following is not None
                else "no kept stamp after it"
            )
            message = f"out-of-order stamp {format_ms(stamp)} ({other}): {retimed}"
        diagnostics.append(OUT_OF_ORDER_STAMP.warning(utterances[i].source, message))
    return diagnostics


def _suspect_warnings(
    utterances: Sequence[Utterance], anchors: _Anchors, planned: list[_Block], lengths: list[int]
) -> list[Diagnostic]:
    """One warning per block planned faster than :data:`SUSPECT_CPS` or with less than 1 ms
    per line (rule 3); an estimated span is long enough by construction."""
    diagnostics: list[Diagnostic] = []
    for block in planned:
        span = block.end_ms - block.start_ms
        chars = sum(lengths[block.first : block.stop])
        count = block.stop - block.first
        if block.end_anchor is None:
            continue
        if chars * 1000 <= SUSPECT_CPS * span and count <= span:
            continue
        rate = f"{_rate(chars, span)} characters per second" if span > 0 else "no time at all"
        text = f"{plural(count, 'line')} of {chars} characters"
        anchored = block.first in anchors.kept_set
        since = (
            f"{format_ms(block.start_ms)} (line {utterances[block.first].source.line})"
            if anchored
            else "the start"
        )
        where = utterances[block.end_anchor].source
        subject = f"suspect stamp {format_ms(block.end_ms)}: {text} since {since}"
        diagnostics.append(
            FAST_SPEECH.warning(where, f"{subject} leave {rate} (more than {SUSPECT_CPS})")
        )
    return diagnostics


def _rate(chars: int, span_ms: int) -> str:
    """Characters per second, whole unless that would read as the limit itself.

    >>> _rate(75, 1000), _rate(224, 10_000)
    ('75', '22.4')
    """
    whole = chars * 1000 // span_ms
    return str(whole) if whole > SUSPECT_CPS else f"{chars * 1000 / span_ms:.1f}"


@per_object
def episode_timing(episode: Episode) -> tuple[tuple[TimedLine, ...], tuple[Diagnostic, ...]]:
    """:func:`time_transcript` of an episode's lines and duration, computed once per episode:
    the caption, chapter and plain-text exporters all read it, one after the other."""
    return time_transcript(episode.utterances, duration_ms=episode.duration_ms)


def _stamp(utterance: Utterance) -> int:
    """The stamp of an utterance known to have one."""
    assert utterance.start_ms is not None
    return utterance.start_ms
