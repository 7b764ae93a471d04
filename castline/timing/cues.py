"""Caption cues: timed transcript lines cut into readable, well-timed subtitles.

:func:`build_cues` takes the spans of :func:`castline.timing.spans.time_transcript` and returns the
cues every caption format writes (SRT, WebVTT). Each line is cut into cues by
:func:`castline.timing.segment.cut_line` (where to cut: :mod:`castline.timing.boundaries`);
this module labels the cues and settles their times. The rules follow the Netflix Timed Text
Style Guide (https://partnerhelp.netflixstudios.com/hc/en-us/articles/217350977) and the BBC
Subtitle Guidelines (https://www.bbc.co.uk/accessibility/forproducts/guides/subtitles/):

* **Segmentation.** Each line is cut at sentence ends first, then at clause boundaries (after
  a comma, semicolon, colon or dash; before a conjunction), then before a preposition, and
  only then between other words; never after an article, a possessive, a preposition, a
  subject pronoun or an auxiliary when a better place exists. A cue holds at most
  ``max_lines`` lines of ``max_chars_per_line`` characters; a single word longer than a line
  is the only exception. The cut is chosen over the whole line, not greedily.
* **Line breaks.** A cue is one line when it fits, else the fewest lines, broken where the
  same rules prefer and balanced in length.
* **Timing.** A cue's share of its line's span is proportional to its characters.
  Cues last at most ``max_cue_ms`` and, where a neighbour has time to spare, at least
  ``min_cue_ms``; a cue that starts a line on its own stamp never moves. Consecutive cues are
  ``min_gap_ms`` apart (2 frames) where the earlier one can spare it above ``min_cue_ms``.
  Cues are sorted, never overlap, last at least 1 ms and use integer milliseconds.
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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from castline.diagnostics import Diagnostic, rule
from castline.memo import per_object
from castline.model import Episode, SourceRef
from castline.text import plural
from castline.timecode import format_ms, format_seconds
from castline.timing import engine as engines
from castline.timing.boundaries import classify, word_classes
from castline.timing.segment import NATIVE_MODEL, CutRules, Segment, cut_line
from castline.timing.spans import TimedLine, episode_timing

if TYPE_CHECKING:
    from castline.timing._cue_engine import Lines

#: The kinds of problem making caption cues.
SPEAKER_NOT_A_NAME = rule(
    "T101", "speaker-not-a-name", "a 'who' is too long to be a name; shown as an unknown speaker"
)
SHORT_CUE = rule("T102", "short-cue", "the stamps around a line leave a cue too short to read")
CUE_CLIPPED_AT_ZERO = rule(
    "T103", "cue-clipped-at-zero", "a caption offset moves a cue before 0:00; clipped"
)
CUE_DROPPED_BEFORE_ZERO = rule(
    "T104", "cue-dropped-before-zero", "a caption offset moves whole cues before 0:00; dropped"
)

__all__ = [
    "SPEAKER_LABELS",
    "Cue",
    "CuePolicy",
    "build_cues",
    "check_offset_ms",
    "episode_cues",
    "is_name",
    "speaker_name",
    "speaker_warnings",
]

#: Values of :attr:`CuePolicy.speaker_labels`.
SPEAKER_LABELS = ("change", "every", "none")


@dataclass(frozen=True, slots=True)
class CuePolicy:
    """How cues are cut and timed. Defaults: the Netflix Timed Text Style Guide for English
    (https://partnerhelp.netflixstudios.com/hc/en-us/articles/217350977): 42 characters a
    line, two lines, 5/6 s to 7 s, 20 characters per second at most, 2 frames between cues.

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


#: A ``who`` longer than this, in characters or in words, is not a name (text and speaker
#: swapped in the source): it is reported and shown as an unknown speaker.
NAME_MAX_CHARS = 40
NAME_MAX_WORDS = 5
#: The marker of a change to an unknown speaker: YouTube's own convention in its SRT example
#: (https://support.google.com/youtube/answer/2734698).
UNKNOWN_CHANGE = ">> "
_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr"})


def speaker_name(speaker: str | None) -> str | None:
    """The name to show for a speaker: trimmed, without a trailing colon; ``None`` if blank or
    not a name (:func:`is_name`).

    >>> speaker_name(" Theo: "), speaker_name(":"), speaker_name(None)
    ('Theo', None, None)
    >>> speaker_name("So we started, and then it grew. A lot.") is None
    True
    """
    if speaker is None:
        return None
    name = " ".join(speaker.split()).rstrip(":").rstrip()
    return name if name and is_name(name) else None


def is_name(name: str) -> bool:
    """Whether a trimmed ``who`` reads as a name: at most :data:`NAME_MAX_CHARS` characters and
    :data:`NAME_MAX_WORDS` words, with no sentence end and no comma followed by more words.

    >>> is_name("Dr. Ann O'Neil"), is_name("Ann, Bob"), is_name("Yes. I think so")
    (True, False, False)
    """
    words = name.split()
    if len(name) > NAME_MAX_CHARS or len(words) > NAME_MAX_WORDS:
        return False
    if name.endswith(("?", "!", "\u2026")):
        return False
    for word in words[:-1]:
        if word.endswith(","):
            return False
        stem = word.rstrip(".!?\u2026")
        # "Dr. Ann" and "J. Smith" are names; "Yes. I" is not.
        if stem != word and len(stem) > 1 and stem.lower() not in _HONORIFICS:
            return False
    return True


@per_object
def speaker_warnings(episode: Episode) -> tuple[Diagnostic, ...]:
    """One warning per transcript line whose ``who`` is not a name (it is not shown).
    Remembered for the last episode (:func:`castline.memo.per_object`: each caption policy's
    cues report them), each speaker's text judged once."""
    warnings = []
    not_names: dict[str, str | None] = {}  # each who: its trimmed text when it is no name
    for utterance in episode.utterances:
        who = utterance.speaker
        if who is None:
            continue
        if who in not_names:
            trimmed = not_names[who]
        else:
            trimmed = " ".join(who.split()).rstrip(":").rstrip()
            trimmed = not_names[who] = trimmed if trimmed and not is_name(trimmed) else None
        if trimmed is not None:
            warnings.append(
                SPEAKER_NOT_A_NAME.warning(
                    utterance.source,
                    f"'who' is not a name ({plural(len(trimmed), 'character')}: "
                    f"'{trimmed[:30]}...'): shown as an unknown speaker",
                )
            )
    return tuple(warnings)


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
    mode = policy.speaker_labels
    every = mode == "every"
    rules = CutRules(
        policy.max_chars_per_line, policy.max_lines, policy.min_cue_ms, policy.max_cue_ms
    )
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
        if name is None and previous_name is not None:
            label = UNKNOWN_CHANGE
        segments = cut_line(
            utterance.text,
            timed.start_ms,
            timed.end_ms,
            rules,
            reserve=len(label),
            reserve_every=every,
        )
        if not segments:
            continue
        locked = timed.stamped
        for number, segment in enumerate(_label_timed(segments, len(label), every)):
            run_label = label if number == 0 or (every and label != UNKNOWN_CHANGE) else ""
            rows.append(
                (
                    index,
                    segment.lines,
                    run_label,
                    segment.start_ms,
                    segment.end_ms,
                    segment.chars + len(run_label),
                    number == 0 and locked,
                )
            )
        previous_name = name
        first_cue = False
    if not rows:
        return _Pieces([], [], [], [], [], [], [])
    return _Pieces(*(list(column) for column in zip(*rows, strict=True)))


def _label_timed(segments: Sequence[Segment], label: int, every: bool) -> Sequence[Segment]:
    """The segments re-timed so that each shown label's characters get their share of the
    line's span, as the words' characters do (a label is read too)."""
    if not label:
        return segments
    weights = [seg.chars + (label if every or n == 0 else 0) for n, seg in enumerate(segments)]
    start, end = segments[0].start_ms, segments[-1].end_ms
    total = sum(weights)
    bounds = [start + (end - start) * done // total for done in itertools.accumulate(weights)]
    starts = [start, *bounds[:-1]]
    return [
        Segment(seg.lines, begin, finish)
        for seg, begin, finish in zip(segments, starts, [*bounds[:-1], end], strict=True)
    ]


def build_cues(
    timed_lines: Sequence[TimedLine], policy: CuePolicy, *, offset_ms: int = 0
) -> tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]:
    """Cut timed lines into cues (see the module docstring for the rules).

    Returns the cues, sorted and non-overlapping, and the offset's clip and drop warnings.
    Lines without words give no cue. Given spans from :func:`castline.timing.spans.time_transcript`,
    all times stay within the first line's start and the last line's end (before the offset),
    except that the last cue lasts at least ``min_cue_ms`` (that end is an estimate). A line
    with a cue shorter than ``min_cue_ms`` is reported (its stamps left no room).

    >>> from castline.model import Utterance
    >>> line = Utterance("Hello and welcome. Today we talk about captions.", "Ann", 0,
    ...                  SourceRef("e.md", 4))
    >>> cues, _ = build_cues([TimedLine(line, 0, 3000)], CuePolicy())
    >>> [(c.start_ms, c.end_ms, c.lines) for c in cues]
    [(0, 1104, ('Hello and welcome.',)), (1187, 3000, ('Today we talk about captions.',))]
    """
    made = _native_cues(timed_lines, policy, offset_ms)
    cues, shortest = made if made is not None else _python_cues(timed_lines, policy, offset_ms)
    short = tuple(
        SHORT_CUE.warning(
            timed_lines[line].utterance.source,
            f"short cue of {duration} ms (less than {policy.min_cue_ms}): the stamps around "
            "this line leave no room",
        )
        for line, duration in shortest
    )
    if offset_ms >= 0:
        return cues, short
    kept, warnings = _apply_negative_offset(cues, offset_ms)
    return kept, (*short, *warnings)


#: :attr:`CuePolicy.speaker_labels` as the native engine reads it.
_NATIVE_LABELS = {"none": 0, "change": 1, "every": 2}


def _native_cues(
    timed_lines: Sequence[TimedLine], policy: CuePolicy, offset_ms: int
) -> tuple[tuple[Cue, ...], list[tuple[int, int]]] | None:
    """:func:`_python_cues` by the native engine in one call on the lines as
    :func:`_native_lines` prepares them; ``None`` where it is not built, not chosen
    (:mod:`castline.timing.engine`) or a value leaves 64 bits (an OverflowError): then the
    Python engine builds the whole episode."""
    if NATIVE_MODEL is None or engines.default_engine() != "native":
        return None
    values = (
        policy.max_chars_per_line, policy.max_lines, policy.min_cue_ms, policy.max_cue_ms,
        policy.target_cps, policy.max_cps, policy.min_gap_ms, offset_ms,
    )  # fmt: skip
    try:
        # A tuple of frozen lines cannot change: the episode's caption formats share its lines.
        lines = _shared_lines if isinstance(timed_lines, tuple) else _native_lines
        return NATIVE_MODEL.cues(
            lines(timed_lines), values, _NATIVE_LABELS[policy.speaker_labels], UNKNOWN_CHANGE, Cue
        )
    except OverflowError:
        return None  # the Python engine's integers have no bound


def _native_lines(timed_lines: Sequence[TimedLine]) -> Lines:
    """The lines as the native engine cuts them under any policy: each speaker's name by
    :func:`speaker_name`, each line split and its words' kinds from
    :mod:`castline.timing.boundaries`' cache (OverflowError when a value leaves 64 bits)."""
    assert NATIVE_MODEL is not None  # only _native_cues calls it
    return NATIVE_MODEL.lines(timed_lines, speaker_name, word_classes(), classify)


#: :func:`_native_lines` of the last tuple of lines: the SRT and WebVTT cues of an episode
#: split and classify its lines once.
_shared_lines = per_object(_native_lines)


def _python_cues(
    timed_lines: Sequence[TimedLine], policy: CuePolicy, offset_ms: int
) -> tuple[tuple[Cue, ...], list[tuple[int, int]]]:
    """The cues, settled and offset (before a negative offset's clipping), and each line that
    :func:`_short_lines` reports with its shortest cue: the reference the native engine's
    ``cues`` reproduces."""
    pieces = _pieces(timed_lines, policy)
    if not pieces.line:
        return (), []
    final_end = max(pieces.end_ms[-1], max(t.end_ms for t in timed_lines))
    final_end = _separate(pieces, final_end, policy)
    _lengthen(pieces, final_end, policy)
    _make_gaps(pieces, policy)
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
            pieces.start_ms, pieces.end_ms, pieces.line, pieces.lines, pieces.label, strict=True
        )
    ]
    return tuple(cues), _short_lines(pieces, timed_lines, policy)


def _short_lines(
    pieces: _Pieces, timed_lines: Sequence[TimedLine], policy: CuePolicy
) -> list[tuple[int, int]]:
    """Each line with a cue shorter than ``min_cue_ms`` and its shortest, in order: its
    neighbours had no time to lend, so the stamps around it leave no room (a warning)."""
    shortest: dict[int, int] = {}
    # Lines after the last stamp end on an estimate, which nothing bounds.
    bounded = max((i for i, t in enumerate(timed_lines) if t.stamped), default=0)
    for line, start, end in zip(pieces.line, pieces.start_ms, pieces.end_ms, strict=True):
        if line < bounded and end - start < policy.min_cue_ms:
            shortest[line] = min(shortest.get(line, end - start), end - start)
    return list(shortest.items())


def _separate(pieces: _Pieces, final_end: int, policy: CuePolicy) -> int:
    """Steps 1 and 2 of the timing: at least 1 ms each (strictly increasing starts, which
    only degenerate spans need), within the transcript's end unless it has fewer
    milliseconds than there are cues; each ending by the next start and lasting at most
    ``max_cue_ms``. Returns the end, so extended."""
    starts, ends = pieces.start_ms, pieces.end_ms
    count = len(starts)
    for k in range(1, count):
        if starts[k] <= starts[k - 1]:
            starts[k] = starts[k - 1] + 1
    final_end = max(final_end, count)
    limit = final_end
    for k in range(count - 1, -1, -1):
        if starts[k] >= limit:
            starts[k] = limit - 1
        limit = starts[k]
    for k in range(count):
        following = starts[k + 1] if k + 1 < count else final_end
        end = max(starts[k] + 1, min(ends[k], following))
        ends[k] = min(end, starts[k] + policy.max_cue_ms)
    return final_end


def _lengthen(pieces: _Pieces, final_end: int, policy: CuePolicy) -> None:
    """Step 3: each cue lasts at least ``min_cue_ms`` where there is time: free time after
    it first, then a neighbour's spare (:func:`_borrow`)."""
    starts, ends = pieces.start_ms, pieces.end_ms
    count = len(starts)
    for k in range(count):
        short = policy.min_cue_ms - (ends[k] - starts[k])
        if short <= 0:
            continue
        # The transcript's end is an estimate: the last cue may outlast it.
        following = starts[k + 1] if k + 1 < count else max(final_end, ends[k] + short)
        grow = min(short, following - ends[k], starts[k] + policy.max_cue_ms - ends[k])
        if grow > 0:
            ends[k] += grow
            short -= grow
        # Lenders first keep the target reading speed, then only the maximum.
        for cps in (policy.target_cps, policy.max_cps):
            short = _borrow(pieces, k, short, cps, policy)


def _borrow(pieces: _Pieces, k: int, short: int, cps: int, policy: CuePolicy) -> int:
    """Cue ``k`` takes up to ``short`` ms from the next cue's start, then from the previous
    cue's end, where they touch and the lender keeps its need at ``cps`` (a locked cue's
    start never moves). Returns what is still short."""
    starts, ends, chars, locked = pieces.start_ms, pieces.end_ms, pieces.chars, pieces.locked
    lender = k + 1
    if short > 0 and lender < len(starts) and ends[k] == starts[lender]:
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
    return short


def _need(chars: int, cps: int, policy: CuePolicy) -> int:
    """The time a cue keeps before lending any: the minimum, and ``cps`` reading speed."""
    return max(policy.min_cue_ms, -(-chars * 1000 // cps))


def _make_gaps(pieces: _Pieces, policy: CuePolicy) -> None:
    """Step 4: a gap of ``min_gap_ms`` between cues, taken from the earlier cue's end, never
    below ``min_cue_ms`` nor above ``max_cps`` for its characters (label included). Only ends
    move: a cue on its stamp keeps its start."""
    starts, ends, chars = pieces.start_ms, pieces.end_ms, pieces.chars
    for k in range(len(starts) - 1):
        if starts[k + 1] - ends[k] < policy.min_gap_ms:
            floor = max(_need(chars[k], policy.max_cps, policy), 1)
            keep = min(ends[k], starts[k] + floor)
            ends[k] = max(keep, starts[k + 1] - policy.min_gap_ms)


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
                CUE_CLIPPED_AT_ZERO.warning(
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
        CUE_DROPPED_BEFORE_ZERO.warning(
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

    This is what each caption exporter (SRT, WebVTT) writes, so they cut cues alike. Exporters
    that ask for the same episode under the same policy and offset (SRT and the JSON transcript
    and pages, by default) share one result: it is remembered for the last episode.
    """
    known = _known_cues(episode)
    key = (policy, offset_ms)
    if key not in known:
        timed, timing_warnings = episode_timing(episode)
        cues, cue_warnings = build_cues(timed, policy, offset_ms=offset_ms)
        known[key] = cues, (*timing_warnings, *speaker_warnings(episode), *cue_warnings)
    return known[key]


@per_object
def _known_cues(
    episode: Episode,
) -> dict[tuple[CuePolicy, int], tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]]:
    """The cues :func:`episode_cues` made of ``episode``, by policy and offset."""
    return {}


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
