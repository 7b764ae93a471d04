"""Duplicate headers and paragraphs: which transcript items every output publishes.

Real transcripts repeat themselves: a section header with nothing under it before the next one
(the lead-in's "Podcast Introduction" right above the guest's first section), a header written
twice, a paragraph pasted twice. :func:`published_transcript` decides once per episode what
every output does about it, so the plain text, HTML transcript, site pages and chapters agree,
and each fault is reported once (the build drops a diagnostic several exporters return):

1. **An empty section.** A header without a stamp of its own directly followed by another
   header (no spoken line between) heads nothing, and its chapter would start at the same time
   as the next one's: it is left out, the last header of the run is kept. A header with its
   own stamp marks a time and is kept.
2. **A repeated header.** A header whose title (white space folded, case ignored) is the title
   of the previous published header is published once: it is left out and its lines join the
   previous section.
3. **A repeated paragraph.** A line whose text (white space folded) is the previous line's,
   by the same speaker, is reported as a likely duplicate and kept: every word of every line
   reaches every transcript output.

Pure: no file I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from castline.diagnostics import Diagnostic, rule
from castline.memo import per_object
from castline.model import Episode, Header, TranscriptItem, Utterance
from castline.text import one_line
from castline.timing.cues import speaker_name

__all__ = [
    "EMPTY_SECTION",
    "REPEATED_HEADER",
    "REPEATED_LINE",
    "PublishedTranscript",
    "published_transcript",
]

EMPTY_SECTION = rule(
    "T901",
    "empty-section",
    "a header directly followed by another header is left out; the last of the run is kept",
)
REPEATED_HEADER = rule(
    "T902",
    "repeated-header",
    "a header with the title of the previous header is published once",
)
REPEATED_LINE = rule(
    "T903",
    "repeated-line",
    "a line identical to the previous line by the same speaker: a likely duplicate, kept",
)


@dataclass(frozen=True, slots=True)
class PublishedTranscript:
    """An episode's transcript as every output publishes it, and why items were left out.

    Guarantees: ``items`` holds every utterance of the transcript, in order, and its headers
    but those left out; no two headers are adjacent unless the earlier has its own stamp; no
    two published headers in a row have the same title.
    """

    items: tuple[TranscriptItem, ...]
    #: One warning per header left out (rules 1 and 2).
    header_diagnostics: tuple[Diagnostic, ...]
    #: One warning per likely duplicate paragraph (rule 3).
    line_diagnostics: tuple[Diagnostic, ...]

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every warning, headers' then lines'."""
        return (*self.header_diagnostics, *self.line_diagnostics)


def _title_key(title: str) -> str:
    """A title as compared: white space folded, case ignored."""
    return " ".join(title.split()).casefold()


@per_object
def published_transcript(episode: Episode) -> PublishedTranscript:
    """The episode's transcript without empty sections and repeated headers, and a warning
    for each header left out and each likely duplicate paragraph (see the module's rules).

    >>> from castline.model import SourceRef
    >>> at = lambda line: SourceRef("e.md", line)
    >>> published = published_transcript(Episode("e", at(1), "E", transcript=(
    ...     Header("Intro", at(5)), Header("Topic", at(6)), Utterance("Hi.", "A", 1_000, at(7)),
    ...     Header("topic", at(8)), Utterance("So.", "A", 9_000, at(9)))))
    >>> [getattr(item, "title", None) for item in published.items]
    ['Topic', None, None]
    >>> [d.message for d in published.diagnostics]  # doctest: +NORMALIZE_WHITESPACE
    ["header 'Intro' has no line before the next header 'Topic' (line 6): an empty section,
      left out", "header 'topic' repeats the previous header 'Topic' (line 6): published once"]
    """
    items = episode.transcript
    kept: list[TranscriptItem] = []
    dropped: list[Diagnostic] = []
    previous: Header | None = None  # the last header published
    for index, item in enumerate(items):
        if isinstance(item, Utterance):
            kept.append(item)
            continue
        following = items[index + 1] if index + 1 < len(items) else None
        fault = _header_fault(item, following, previous)
        if fault is not None:
            dropped.append(fault)
            continue
        kept.append(item)
        previous = item
    return PublishedTranscript(tuple(kept), tuple(dropped), tuple(_repeated_lines(items)))


def _header_fault(
    header: Header, following: TranscriptItem | None, previous: Header | None
) -> Diagnostic | None:
    """Why ``header`` is left out (an empty section, a repeated title), or ``None``."""
    title = one_line(header.title)
    if isinstance(following, Header) and header.start_ms is None:
        line = following.source.line
        if _title_key(following.title) == _title_key(header.title):
            return REPEATED_HEADER.warning(
                header.source,
                f"header '{title}' is repeated at line {line} with no line between: published once",
            )
        return EMPTY_SECTION.warning(
            header.source,
            f"header '{title}' has no line before the next header "
            f"'{one_line(following.title)}' (line {line}): an empty section, left out",
        )
    if previous is not None and _title_key(previous.title) == _title_key(header.title):
        return REPEATED_HEADER.warning(
            header.source,
            f"header '{title}' repeats the previous header '{one_line(previous.title)}' "
            f"(line {previous.source.line}): published once",
        )
    return None


def _repeated_lines(items: Sequence[TranscriptItem]) -> list[Diagnostic]:
    """A warning for each line whose text is the previous line's, by the same speaker.

    Texts are compared with white space folded (``" ".join(text.split())``), which is
    comparing their words; a line's words are only split out when its first word is the
    previous line's first word (most lines differ there, and a transcript has thousands)."""
    diagnostics: list[Diagnostic] = []
    previous: Utterance | None = None
    previous_head: list[str] = []  # the previous line's first word and the rest
    for item in items:
        if not isinstance(item, Utterance):
            continue
        head = item.text.split(None, 1)
        if (
            previous is not None
            and head
            and previous_head
            and head[0] == previous_head[0]
            and item.text.split() == previous.text.split()
            and speaker_name(item.speaker) == speaker_name(previous.speaker)
        ):
            diagnostics.append(
                REPEATED_LINE.warning(
                    item.source,
                    f"line repeats line {previous.source.line} by the same speaker word for "
                    "word: a likely duplicate, kept",
                )
            )
        previous, previous_head = item, head
    return diagnostics
