"""Chapters (``chapters``): three files per episode with chapters, for every kind of player.

* ``episodes/<slug>.chapters.json``: Podcasting 2.0 JSON chapters, version 1.2.0
  (podcast-namespace, docs/examples/chapters/jsonChapters.md,
  https://github.com/Podcastindex-org/podcast-namespace), served as
  ``application/json+chapters`` and linked from the feed's ``podcast:chapters``. Its JSON Schema
  ships as ``castline/data/chapters.schema.json`` (the namespace publishes none)::

      {
        "version": "1.2.0",
        "title": "Episode title",
        "podcastName": "Show title",
        "chapters": [
          {"startTime": 92, "title": "About Anna and METRO"},
          {"startTime": 2112.25, "title": "...", "url": "https://...", "img": "https://..."}
        ]
      }

* ``episodes/<slug>.chapters.vtt``: a WebVTT chapters track
  (https://www.w3.org/TR/webvtt1/#introduction-chapters, a ``<track kind="chapters">`` for web
  players): one cue per chapter, from its start to the next
  chapter's start (the last to the episode's duration), the title as cue text.
* ``episodes/<slug>.youtube.txt``: the description chapter list YouTube accepts, one
  ``M:SS Title`` (``H:MM:SS`` past an hour) line per chapter. Where the chapters break
  YouTube's rules (first at 0:00, at least 3, ascending, each at least 10 s) no file is written
  and a warning says why (:func:`castline.timing.chapters.youtube_chapters`).

The chapters are the episode's ``chapters:`` list, else its transcript headers
(:func:`castline.timing.chapters.resolve_chapters`). An episode without chapters gets no files.
Chapter ``url`` and ``image`` paths that are not absolute are joined to show.yaml's
``assets_url`` (else ``base_url``). Times are written from integer milliseconds, never through
floats.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from castline.clean import clean_episode, clean_show
from castline.diagnostics import Diagnostic, rule
from castline.exporter import (
    Artifact,
    BuildContext,
    EpisodeExport,
    EpisodeRecord,
    ShowExport,
    episode_path,
)
from castline.memo import per_object
from castline.model import Chapter, Episode, Show
from castline.paths import asset_url
from castline.text import utf8_text, vtt_escape
from castline.timecode import format_clock, format_vtt_timecode
from castline.timing.chapters import ChapterList, resolve_chapters, youtube_chapters

NO_CHAPTERS_TRACK = rule(
    "T206", "no-chapters-track", "no WebVTT chapters track: the last chapter has no end"
)
RELATIVE_CHAPTER_LINK = rule(
    "T207",
    "relative-chapter-link",
    "a chapter's image or URL is relative and show.yaml has no base URL",
)

#: The version of the JSON chapters format written.
JSON_CHAPTERS_VERSION = "1.2.0"
#: Suffix of the WebVTT chapters track.
VTT_SUFFIX = ".chapters.vtt"
#: Suffix of the YouTube description list.
YOUTUBE_SUFFIX = ".youtube.txt"


class ChaptersExporter:
    """JSON chapters, a WebVTT chapters track and a YouTube chapter list per episode."""

    name: ClassVar[str] = "chapters"
    media_type: ClassVar[str] = "application/json+chapters"
    suffix: ClassVar[str] = ".chapters.json"
    feed_link: ClassVar[str | None] = "chapters"

    def warm_up(self, show: Show) -> None:
        """Clean the show now (its artwork read), as the episode step does on first use
        (:class:`castline.exporter.Exporter`)."""
        _chapters_show(show)

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        """The episode's chapter files (none without chapters), and why any is missing.

        Text UTF-8 cannot encode is repaired first, with a warning
        (:func:`castline.feed.clean.clean_episode`).
        """
        show, repaired_show = _chapters_show(context.show)
        episode, repaired = clean_episode(episode, xml=False)
        chapters, found = resolve_chapters(episode)
        diagnostics = [*repaired_show, *repaired, *found]
        if not chapters.chapters:
            return EpisodeExport(diagnostics=tuple(diagnostics))
        links = [_links(show, chapter, diagnostics) for chapter in chapters.chapters]
        artifacts = [
            Artifact(
                episode_path(episode.slug, self.suffix),
                render_json(show, episode, chapters, links),
            )
        ]
        if chapters.end_ms is None:
            diagnostics.append(
                NO_CHAPTERS_TRACK.warning(
                    episode.where("duration"),
                    "no WebVTT chapters track: without a 'duration' or a transcript the last "
                    "chapter has no end",
                )
            )
        else:
            artifacts.append(Artifact(episode_path(episode.slug, VTT_SUFFIX), render_vtt(chapters)))
        listed, reasons = youtube_chapters(episode, chapters)
        diagnostics.extend(reasons)
        if listed:
            artifacts.append(
                Artifact(episode_path(episode.slug, YOUTUBE_SUFFIX), render_youtube(listed))
            )
        artifacts = [Artifact(a.path, utf8_text(a.text)) for a in artifacts]
        return EpisodeExport(artifacts=tuple(artifacts), diagnostics=tuple(diagnostics))

    def export_show(self, context: BuildContext, records: Sequence[EpisodeRecord]) -> ShowExport:
        """Nothing at show level."""
        return ShowExport()


@per_object
def _chapters_show(show: Show) -> tuple[Show, tuple[Diagnostic, ...]]:
    """show.yaml's fields with what UTF-8 cannot encode repaired, and the warnings
    (:func:`castline.clean.clean_show`): computed once for the show of a build, which every
    episode's files read."""
    return clean_show(show, xml=False)


def render_json(
    show: Show,
    episode: Episode,
    chapters: ChapterList,
    links: Sequence[tuple[str | None, str | None]],
) -> str:
    """The JSON chapters file: 2-space indent, keys in a fixed order, UTF-8, ``\\n`` end.

    ``startTime`` is an integer when the start is a whole second, else a decimal with at most
    three places (``2112.25``): Python prints the shortest decimal that reads back to the same
    float, and every millisecond value has one of at most three places.
    """
    document: dict[str, Any] = {"version": JSON_CHAPTERS_VERSION, "title": episode.title}
    if show.title:
        document["podcastName"] = show.title
    if show.author:
        document["author"] = show.author
    entries: list[dict[str, Any]] = []
    for chapter, (url, image) in zip(chapters.chapters, links, strict=True):
        entry: dict[str, Any] = {"startTime": _seconds(chapter.start_ms), "title": chapter.title}
        if url:
            entry["url"] = url
        if image:
            entry["img"] = image
        entries.append(entry)
    document["chapters"] = entries
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_vtt(chapters: ChapterList) -> str:
    """The WebVTT chapters track: ``WEBVTT``, then one numbered cue per chapter.

    The caller makes sure :attr:`ChapterList.end_ms` is known; chapter starts are strictly
    increasing, so every cue ends after it starts.
    """
    blocks = ["WEBVTT"]
    for index, chapter in enumerate(chapters.chapters):
        end = chapters.end_of(index)
        assert end is not None and end > chapter.start_ms
        timing = f"{format_vtt_timecode(chapter.start_ms)} --> {format_vtt_timecode(end)}"
        blocks.append(f"{index + 1}\n{timing}\n{vtt_escape(chapter.title)}")
    return "\n\n".join(blocks) + "\n"


def render_youtube(chapters: Sequence[Chapter]) -> str:
    """One ``M:SS Title`` line per chapter (``H:MM:SS`` past an hour), as YouTube reads them.

    >>> from castline.model import SourceRef
    >>> print(render_youtube([Chapter(0, "Intro", SourceRef("e.md", 1)),
    ...                       Chapter(3_725_000, "Late", SourceRef("e.md", 2))]), end="")
    0:00 Intro
    1:02:05 Late
    """
    return "".join(f"{format_clock(chapter.start_ms)} {chapter.title}\n" for chapter in chapters)


def _seconds(ms: int) -> int | float:
    """Milliseconds as JSON seconds: ``92000`` gives ``92``, ``2112250`` gives ``2112.25``.

    >>> _seconds(92_000), _seconds(2_112_250), _seconds(1)
    (92, 2112.25, 0.001)
    """
    seconds, millis = divmod(ms, 1000)
    return seconds if not millis else ms / 1000


def _links(
    show: Show, chapter: Chapter, diagnostics: list[Diagnostic]
) -> tuple[str | None, str | None]:
    """The chapter's ``url`` and ``img`` as absolute URLs (a relative one needs a base URL)."""
    resolved: list[str | None] = []
    for kind, value in (("url", chapter.url), ("image", chapter.image)):
        url = None if value is None else asset_url(show, value)
        resolved.append(url)
        if value is not None and url is None:
            diagnostics.append(
                RELATIVE_CHAPTER_LINK.warning(
                    chapter.source,
                    f"chapter {kind} '{value}' is a relative path and show.yaml has no "
                    "'assets_url' or 'base_url'; left out",
                )
            )
    return resolved[0], resolved[1]
