"""The stamp timeline: a time span for every transcript line, from start stamps that may lie.

Real transcripts give one start second per paragraph at best: several paragraphs often share a
second, continuation paragraphs have none, and typos run backwards (a ``2666`` among ``2092``\\ s).
:func:`time_transcript` turns such a transcript into one :class:`TimedLine` per utterance, and
reports every repair it makes as a :class:`~castline.diagnostics.Diagnostic` warning. Each rule
below is one step of it:

1. **Anchors.** A stamp is an anchor if it lies in the longest non-decreasing run of stamps
   (ties broken towards the smaller stamps). Every other stamp is re-timed as if the line had
   none, with one warning at that line. So is a negative stamp, and a stamp more than
   :data:`DURATION_SLACK_PERCENT` past the episode's duration (a typo).
2. **Sharing a span.** An anchor's *block* is the anchor line and every following line up to the
   next anchor with a larger stamp: continuation lines, re-timed lines and lines sharing the
   same second. The block's span, from its stamp to the next larger stamp, is shared among its
   lines in proportion to their characters. Lines before the first anchor form a block that
   starts at 0.
3. **Suspect spans.** A block whose planned reading speed is above :data:`SUSPECT_CPS`
   characters per second (or whose span cannot give each line a millisecond) is reported as
   a suspect stamp; its lines still get a span (at least 1 ms each, taken from the neighbours).
4. **The end.** The last line ends at the duration when known, else after
   :data:`ESTIMATE_CPS` characters per second of speech from the last anchor. When kept
   stamps run past the duration (in real feeds the stamps often follow a video a minute or
   two longer than the audio), the duration does not describe the transcript's timeline: it
   is not used, with one warning, rather than squeezing the last minutes into nothing.

All times are integer milliseconds. The result is sorted, contiguous (each line ends where the
next begins), every span has ``end_ms > start_ms``, and no line is ever dropped.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from castline.diagnostics import Diagnostic
from castline.memo import per_object
from castline.model import Episode, Utterance
from castline.text import plural
from castline.timecode import format_ms

__all__ = [
    "DURATION_SLACK_PERCENT",
    "ESTIMATE_CPS",
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
#: Stamps up to this share past the duration are kept (and the duration is not used); stamps
#: further past it are typos and re-timed.
DURATION_SLACK_PERCENT = 10
#: Speech rate used to estimate the end of the last block when the duration is unknown.
ESTIMATE_CPS = 15


@dataclass(frozen=True, slots=True)
class TimedLine:
    """One utterance and the span ``[start_ms, end_ms)`` the engine gives it."""

    utterance: Utterance
    start_ms: int
    end_ms: int


def spoken_length(text: str) -> int:
    """The characters of ``text`` once runs of white space are collapsed to one space.

    This is the length that proportional timing and reading speeds count: spaces and
    punctuation included, as the Netflix Timed Text Style Guide counts characters
    (https://partnerhelp.netflixstudios.com/hc/en-us/articles/217350977).

    >>> spoken_length("  two\\n  words ")
    9
    """
    return len(" ".join(text.split()))


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
    #: Index of the anchor line whose stamp ends the span, or ``None`` (duration or estimate).
    end_anchor: int | None
    #: True when the span ends at a known duration.
    ends_at_duration: bool


def time_transcript(
    utterances: Sequence[Utterance], *, duration_ms: int | None
) -> tuple[tuple[TimedLine, ...], tuple[Diagnostic, ...]]:
    """Give every utterance a span; warn about every stamp repaired or suspect.

    Anchors (longest non-decreasing run of stamps kept; others re-timed as untimed, one warning
    per repaired line at its path:line naming both values), lines sharing a second and untimed
    lines share the span to the next anchor in proportion to characters, suspect spans
    (>~22 cps planned) reported, last line ends at duration or a ~15 cps estimate. Lines before
    the first stamp start at 0.

    Guarantees: one :class:`TimedLine` per utterance, in order; ``start_ms`` of the first is
    ``>= 0``; each line ends where the next starts; ``end_ms > start_ms``; with a usable
    ``duration_ms`` the last line ends exactly there. The duration is not used, with a
    warning, when it cannot give each line 1 ms or when kept stamps run past it; negative
    stamps and stamps far past the duration are re-timed with a warning.

    >>> from castline.model import SourceRef
    >>> lines = [Utterance("Hello there.", "A", 0, SourceRef("e.md", 3)),
    ...          Utterance("Hi!", "B", None, SourceRef("e.md", 4))]
    >>> timed, warnings = time_transcript(lines, duration_ms=5_000)
    >>> [(t.start_ms, t.end_ms) for t in timed], warnings
    ([(0, 4000), (4000, 5000)], ())
    """
    if not utterances:
        return (), ()
    diagnostics: list[Diagnostic] = []
    end_ms = _usable_duration(utterances, duration_ms, diagnostics)
    anchors = _anchors(utterances, end_ms)
    if end_ms is not None:
        end_ms = _duration_after_anchors(utterances, anchors, end_ms, diagnostics)
    lengths = [spoken_length(u.text) for u in utterances]
    weights = [max(1, length) for length in lengths]
    planned = _blocks(utterances, anchors, weights, end_ms)
    starts, final_end = _place(planned, weights, known_end=end_ms is not None)
    timed = tuple(
        TimedLine(u, starts[i], starts[i + 1] if i + 1 < len(utterances) else final_end)
        for i, u in enumerate(utterances)
    )
    # Warnings, in line order: repaired stamps, then suspect spans.
    diagnostics.extend(_repair_warnings(utterances, anchors, starts, duration_ms))
    diagnostics.extend(_suspect_warnings(utterances, anchors, planned, lengths))
    return timed, tuple(diagnostics)


def _usable_duration(
    utterances: Sequence[Utterance], duration_ms: int | None, diagnostics: list[Diagnostic]
) -> int | None:
    """The duration, unless it leaves less than 1 ms per line (then ``None``, with a warning)."""
    n = len(utterances)
    if duration_ms is None or duration_ms >= n:
        return duration_ms
    diagnostics.append(
        Diagnostic.warning(
            utterances[0].source,
            f"duration {format_ms(duration_ms)} leaves less than 1 ms for each of the {n} "
            "transcript lines: ignored, the end is estimated",
        )
    )
    return None


@dataclass(frozen=True, slots=True)
class _Anchors:
    """Which stamps are kept (rule 1)."""

    #: Lines with a stamp, in order.
    stamped: list[int]
    #: Lines whose stamp is kept, in order.
    kept: list[int]
    kept_set: frozenset[int]
    #: Stamps at or past this are typos (``None`` without a usable duration).
    far_ms: int | None


def _anchors(utterances: Sequence[Utterance], end_ms: int | None) -> _Anchors:
    """The longest non-decreasing run of the stamps that are neither negative nor far past
    the duration (stamps a little past it mean it belongs to another cut of the recording)."""
    far_ms = None if end_ms is None else end_ms + end_ms * DURATION_SLACK_PERCENT // 100
    stamped = [i for i, u in enumerate(utterances) if u.start_ms is not None]
    usable = [
        i
        for i in stamped
        if _stamp(utterances[i]) >= 0 and (far_ms is None or _stamp(utterances[i]) < far_ms)
    ]
    kept_positions = _longest_non_decreasing([_stamp(utterances[i]) for i in usable])
    kept = [i for pos, i in enumerate(usable) if pos in kept_positions]
    return _Anchors(stamped, kept, frozenset(kept), far_ms)


def _duration_after_anchors(
    utterances: Sequence[Utterance], anchors: _Anchors, end_ms: int, diagnostics: list[Diagnostic]
) -> int | None:
    """The duration, unless a kept stamp is at or past it (then ``None``, with a warning)."""
    kept = anchors.kept
    if not kept or _stamp(utterances[kept[-1]]) < end_ms:
        return end_ms
    past = next(i for i in kept if _stamp(utterances[i]) >= end_ms)
    stamp = _stamp(utterances[past])
    diagnostics.append(
        Diagnostic.warning(
            utterances[past].source,
            f"stamp {format_ms(stamp)} is {'at' if stamp == end_ms else 'past'} the "
            f"episode's duration {format_ms(end_ms)}: the duration is not used for timing, "
            "the last line ends at an estimate",
        )
    )
    return None


def _blocks(
    utterances: Sequence[Utterance], anchors: _Anchors, weights: list[int], end_ms: int | None
) -> list[_Block]:
    """The blocks of rule 2: a block starts at each anchor whose stamp is larger than the
    previous anchor's (and at line 0 before the first); the last ends at ``end_ms`` or at
    an :data:`ESTIMATE_CPS` estimate."""
    n = len(utterances)
    heads: list[int] = []
    for i in anchors.kept:
        if not heads or _stamp(utterances[i]) > _stamp(utterances[heads[-1]]):
            heads.append(i)
    firsts = ([0] if not heads or heads[0] > 0 else []) + heads
    planned: list[_Block] = []
    for k, first in enumerate(firsts):
        stop = firsts[k + 1] if k + 1 < len(firsts) else n
        start = _stamp(utterances[first]) if first in anchors.kept_set else 0
        if stop < n:
            planned.append(_Block(first, stop, start, _stamp(utterances[stop]), stop, False))
        elif end_ms is not None:
            planned.append(_Block(first, stop, start, end_ms, None, True))
        else:
            estimate = -(-sum(weights[first:stop]) * 1000 // ESTIMATE_CPS)
            planned.append(_Block(first, stop, start, start + estimate, None, False))
    return planned


def _place(planned: list[_Block], weights: list[int], *, known_end: bool) -> tuple[list[int], int]:
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
    final_end = planned[-1].end_ms
    if not known_end:
        final_end = max(final_end, starts[-1] + 1)
    limit = final_end
    for i in range(n - 1, -1, -1):
        starts[i] = min(starts[i], limit - 1)
        limit = starts[i]
    return starts, final_end


def _repair_warnings(
    utterances: Sequence[Utterance],
    anchors: _Anchors,
    starts: list[int],
    duration_ms: int | None,
) -> list[Diagnostic]:
    """One warning per stamp not kept, naming it and where its line was re-timed."""
    kept = anchors.kept
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
        elif anchors.far_ms is not None and duration_ms is not None and stamp >= anchors.far_ms:
            message = (
                f"stamp {format_ms(stamp)} is far past the episode's duration "
                f"{format_ms(duration_ms)}: {retimed}"
            )
        elif previous_anchor is not None and stamp < _stamp(utterances[previous_anchor]):
            message = (
                f"out-of-order stamp {format_ms(stamp)} (previous kept stamp "
                f"{format_ms(_stamp(utterances[previous_anchor]))}): {retimed}"
            )
        else:
            following = kept[next_anchor_at] if next_anchor_at < len(kept) else None
            other = (
                f"next kept stamp {format_ms(_stamp(utterances[following]))}"
                if following is not None
                else "no kept stamp after it"
            )
            message = f"out-of-order stamp {format_ms(stamp)} ({other}): {retimed}"
        diagnostics.append(Diagnostic.warning(utterances[i].source, message))
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
        if block.end_anchor is None and not block.ends_at_duration:
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
        if block.end_anchor is not None:
            where = utterances[block.end_anchor].source
            subject = f"suspect stamp {format_ms(block.end_ms)}: {text} since {since}"
        elif anchored:
            where = utterances[block.first].source
            subject = (
                f"suspect stamp {format_ms(block.start_ms)}: {text} before the episode's "
                f"duration {format_ms(block.end_ms)}"
            )
        else:
            where = utterances[block.first].source
            subject = f"suspect duration {format_ms(block.end_ms)}: {text} and no stamp"
        diagnostics.append(
            Diagnostic.warning(where, f"{subject} leave {rate} (more than {SUSPECT_CPS})")
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
