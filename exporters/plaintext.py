"""Plain-text transcripts (``txt``): ``out/episodes/<slug>.txt``.

Layout (after W3C WAI "Transcripts", https://www.w3.org/WAI/media/av/transcripts/)::

    Episode title
    =============

    Section header
    --------------

    Name [HH:MM:SS]
    First paragraph of the turn, wrapped at 80 columns.

    Continuation paragraph of the same speaker, unlabelled.

A turn opens at each change of speaker and after each section header. Its label is the
speaker's name as the caption exporters show it (:func:`castline.timing.cues.speaker_name`: trimmed,
without a trailing colon, so ``Theo:`` and ``Theo`` are one speaker; a line without ``who`` is
labelled ``Unknown speaker``) and the turn's start time, ``[HH:MM:SS]``.

The time is the start of the line's span from the timing engine
(:func:`castline.timing.spans.time_transcript`, as the captions are timed, without their offset),
rounded down to the second: a stamp the engine repairs (one that runs backwards, say) is shown
repaired, so the times never go backwards, and the engine's warnings are reported. A turn
whose first line has no stamp in the source gets no time (``[HH:MM:SS]`` is left out): its
span is only an estimate. Headers are those every transcript output publishes
(:func:`castline.timing.sections.published_transcript`: a header heading an empty section or
repeating the previous title is left out, with a warning; a likely duplicate paragraph is
reported and kept). Every word of every line is kept, in order. UTF-8, ``\\n`` line
ends, no trailing spaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from castline.clean import clean_episode
from castline.diagnostics import Diagnostic
from castline.exporter import BuildContext, PerEpisodeExporter
from castline.model import Episode, Header
from castline.text import one_line, utf8_text
from castline.timecode import format_hms
from castline.timing.cues import speaker_name
from castline.timing.sections import published_transcript
from castline.timing.spans import episode_timing

#: Label of a turn whose line has no ``who``.
UNKNOWN_SPEAKER = "Unknown speaker"


class PlaintextExporter(PerEpisodeExporter):
    """Readable plain-text transcripts with speaker turns and section headings.

    Args:
        width: wrap paragraphs at this many columns; ``0`` writes one paragraph per line.
        timestamps: write ``[HH:MM:SS]`` after each turn's speaker name (and report the
            timing engine's warnings).
    """

    name: ClassVar[str] = "txt"
    media_type: ClassVar[str] = "text/plain"
    suffix: ClassVar[str] = ".txt"
    feed_link: ClassVar[str | None] = "transcript"
    feed_order: ClassVar[int] = 3

    def __init__(self, *, width: int = 80, timestamps: bool = True) -> None:
        if isinstance(width, bool) or not isinstance(width, int) or width < 0:
            raise ValueError(f"'width' must be 0 (no wrap) or a number of columns, not {width!r}")
        self.width = width
        self.timestamps = timestamps

    def render(self, context: BuildContext, episode: Episode) -> tuple[str, Sequence[Diagnostic]]:
        """The transcript as text, and the timing engine's warnings when times are written
        (and the warnings of :func:`castline.feed.clean.clean_episode`, which repairs text
        UTF-8 cannot encode)."""
        episode, repaired = clean_episode(episode, xml=False)
        starts: list[int] = []
        warnings: Sequence[Diagnostic] = ()
        if self.timestamps:
            timed, warnings = episode_timing(episode)
            starts = [line.start_ms for line in timed]
        blocks: list[str] = [_heading(episode.title, "=")]
        speaker: str | None = None
        turn_open = False
        index = -1  # of the utterance, into ``starts``
        labels: dict[str | None, str] = {}  # each speaker's label, worked out once
        published = published_transcript(episode)
        for item in published.items:
            if isinstance(item, Header):
                blocks.append(_heading(item.title, "-"))
                turn_open = False
                continue
            index += 1
            label = labels.get(item.speaker)
            if label is None:
                label = labels[item.speaker] = speaker_name(item.speaker) or UNKNOWN_SPEAKER
            paragraph = self._wrap(item.text)
            if not turn_open or label != speaker:
                stamp = ""
                if self.timestamps and item.start_ms is not None:
                    stamp = f" [{format_hms(starts[index])}]"
                paragraph = f"{label}{stamp}\n{paragraph}"
                speaker, turn_open = label, True
            blocks.append(paragraph)
        text = utf8_text("\n\n".join(blocks) + "\n")
        return text, (*repaired, *warnings, *published.diagnostics)

    def _wrap(self, text: str) -> str:
        spaced = one_line(text)
        if not self.width:
            return spaced
        return "\n".join(wrap_words(spaced, self.width))


def wrap_words(text: str, width: int) -> list[str]:
    """Greedy line filling of ``text`` (words one space apart, ends trimmed): as many words as
    fit in ``width`` columns; a longer word alone.

    The same lines as ``textwrap.wrap`` with ``break_long_words=False`` and
    ``break_on_hyphens=False``, several times faster: each line is cut at the last space within
    ``width`` columns of its start, a search per line rather than a sum per word.

    >>> wrap_words("a bb ccc dddddd e", 6)
    ['a bb', 'ccc', 'dddddd', 'e']
    """
    lines: list[str] = []
    start, size = 0, len(text)
    while size - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut < 0:  # the first word is longer than a line: alone, up to the next space
            cut = text.find(" ", start)
            if cut < 0:
                break
        lines.append(text[start:cut])
        start = cut + 1
    if start < size:
        lines.append(text[start:])
    return lines


def _heading(title: str, underline: str) -> str:
    """A setext heading: the title and a rule as long as the title."""
    title = one_line(title)
    return f"{title}\n{underline * max(len(title), 3)}"
