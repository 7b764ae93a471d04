"""Podcasting 2.0 HTML transcripts (``html``): ``out/episodes/<slug>.html``.

The namespace's HTML transcript format (podcast-namespace, docs/examples/transcripts/
transcripts.md, "HTML", https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/
examples/transcripts/transcripts.md): for each spoken paragraph a ``<cite>`` with the speaker's
name and a colon, a ``<time>`` with its start (``M:SS``, ``H:MM:SS`` past an hour) and a ``<p>``
with its text, served as ``text/html`` and linked from the feed's ``podcast:transcript``::

    <h2>Introduction</h2>
    <cite>Maya:</cite>
    <time datetime="PT4S">0:04</time>
    <p>Welcome to Harbour Lights.</p>

They stand in a small HTML5 document (``<!DOCTYPE html>``, ``lang`` from show.yaml's
``language``, the episode title as ``<title>`` and ``<h1>``); each transcript header is an
``<h2>``, as :func:`castline.timing.sections.published_transcript` publishes them (an
empty section or a repeated title left out, with a warning). The ``datetime`` attribute
makes each ``<time>`` a valid HTML duration (WHATWG HTML,
https://html.spec.whatwg.org/multipage/text-level-semantics.html#the-time-element); a line
without ``who`` has no ``<cite>``. Times are the starts of the lines' spans on the stamp
timeline the captions use (:func:`castline.timing.spans.episode_timing`, repaired stamps shown
repaired), truncated to the second; its warnings are reported. All text is escaped. Every word
of every line is kept, in order. UTF-8, ``\\n`` line ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import ClassVar

from castline.diagnostics import Diagnostic
from castline.exporter import BuildContext, PerEpisodeExporter
from castline.model import Episode, Header
from castline.text import one_line
from castline.timecode import format_clock
from castline.timing.cues import speaker_name
from castline.timing.sections import published_transcript
from castline.timing.spans import episode_timing


class HtmlTranscriptExporter(PerEpisodeExporter):
    """Podcasting 2.0 HTML transcripts: speaker, start and paragraph per line, headers as h2."""

    name: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"
    suffix: ClassVar[str] = ".html"
    feed_link: ClassVar[str | None] = "transcript"
    feed_order: ClassVar[int] = 5

    def render(self, context: BuildContext, episode: Episode) -> tuple[str, Sequence[Diagnostic]]:
        """The HTML document and the timing engine's warnings."""
        timed, diagnostics = episode_timing(episode)
        starts = iter(line.start_ms for line in timed)
        title = escape(one_line(episode.title))
        language = context.show.language
        lines = [
            "<!DOCTYPE html>",
            f'<html lang="{escape(language)}">' if language else "<html>",
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{title}</title>",
            "</head>",
            "<body>",
            f"<h1>{title}</h1>",
        ]
        cites: dict[str | None, str] = {}  # each speaker's <cite> line, "" for none
        published = published_transcript(episode)
        texts = escaped_lines(
            [
                one_line(item.title if isinstance(item, Header) else item.text)
                for item in published.items
            ]
        )
        for item, text in zip(published.items, texts, strict=True):
            if isinstance(item, Header):
                lines.append(f"<h2>{text}</h2>")
                continue
            cite = cites.get(item.speaker)
            if cite is None:
                name = speaker_name(item.speaker)
                cite = cites[item.speaker] = "" if name is None else f"<cite>{escape(name)}:</cite>"
            if cite:
                lines.append(cite)
            lines.append(time_element(next(starts)))
            lines.append(f"<p>{text}</p>")
        lines += ["</body>", "</html>"]
        return "\n".join(lines) + "\n", (*diagnostics, *published.diagnostics)


def escaped_lines(texts: list[str]) -> list[str]:
    """``html.escape`` of each text, texts without line breaks: one call for them all, none
    when no text holds a character it replaces.

    >>> escaped_lines(["Q&A", "<b>", "plain"])
    ['Q&amp;A', '&lt;b&gt;', 'plain']
    """
    joined = "\n".join(texts)
    if not any(character in joined for character in _ESCAPED):
        return texts
    escaped = escape(joined).split("\n")
    if len(escaped) != len(texts):  # a text held a line break after all
        return [escape(text) for text in texts]
    return escaped


#: The characters ``html.escape`` replaces (with ``quote=True``, its default).
_ESCAPED = "&<>\"'"


def time_element(ms: int) -> str:
    """A ``<time>`` of a start, shown as ``M:SS`` with an HTML duration as ``datetime``.

    >>> time_element(3_725_900)
    '<time datetime="PT3725S">1:02:05</time>'
    """
    return f'<time datetime="PT{ms // 1000}S">{format_clock(ms)}</time>'
