"""The podcast feed (``rss``): ``out/feed.xml`` for Apple Podcasts, Spotify and the Podcast Index.

RSS 2.0 (https://www.rssboard.org/rss-specification) with Apple's ``itunes:`` tags
(https://help.apple.com/itc/podcasts_connect/#/itcb54353390), the Podcasting 2.0 ``podcast:``
namespace (https://podcastindex.org/namespace/1.0), Podlove Simple Chapters (``psc:``,
https://podlove.org/simple-chapters/) and ``content:encoded``. Written with feedgen
(https://feedgen.kiesow.be/) and its podcast (iTunes) extension, plus the extensions of
:mod:`castline.feed.ext`, which also close feedgen's traps for ``itunes:explicit`` and
``itunes:image``. Two more are closed here:

* ``itunes_category('A', 'B')`` wipes earlier categories; the categories are set once, as a
  list, after checking each against Apple's 2019 list (:mod:`castline.feed.rules`).
* ``lastBuildDate`` defaults to now; it is set to the newest episode's date, so a rebuild is
  byte-identical (a feed without episodes has none). ``<docs>`` is left out; ``<generator>``
  is ``castline <version>``. The channel ``<link>`` is the *last* ``fg.link()`` given, so the
  ``atom:link rel="self"`` is set first and the show's website after it.

The two steps (:mod:`castline.exporter`): :meth:`RssExporter.export_episode` reports what is
wrong with one episode and renders its ``<item>``, whose text goes into the episode's record
(below) with the few fields the show step reads; :meth:`RssExporter.export_show` runs the
show-level checks, orders the records and writes the channel around their items' text.

The items are spliced in as text, and the feed is byte for byte what one feedgen document with
every item would give: lxml's indented output writes each child of ``<channel>`` on lines of its
own, from that child's subtree, its depth and the namespace prefixes in scope alone, and the
items are the channel's last children. So an item rendered as the only item of a feed made by
the same :func:`castline.feed.ext.feed_generator` (same root namespace declarations, same
depth) has the text it has in any feed, and a feed is its channel without items with the items'
text inserted before ``</channel>`` (:func:`_render_item`, :func:`_insert_items`).

Rules the feed follows:

* **URLs** are absolute: output files (transcripts, JSON chapters) and enclosures given as
  paths are joined to ``base_url``; episode ``image``, profile ``picture`` and chapter images
  to ``assets_url`` (default ``base_url``). The feed's own URL is ``<base_url>/feed.xml``.
* **Item guid**: the episode's ``guid`` field, else its slug (the file name without extension),
  with ``isPermaLink="false"``. The slug is stable across hosts and base URLs; renaming an
  episode file changes it, so give the episode a ``guid:`` before renaming a published one.
* **podcast:guid**: show.yaml's ``guid``, else :func:`castline.feed.rules.podcast_guid` of the
  feed URL (https://podcastindex.org/namespace/1.0#guid). Once published, copy it into
  show.yaml so a move of the feed keeps it.
* **Items** are newest first (then by slug); ``pubDate`` is RFC 2822 in the show's time zone.
* **podcast:transcript** links the per-episode file of each exporter of the build that declares
  ``feed_link = "transcript"`` (:meth:`castline.exporter.BuildContext.linked`, in its order),
  with that exporter's ``media_type`` as ``type`` and its ``rel``, when the episode has a
  transcript; except files shifted by an ``offset_ms`` (``castline build --offset``: made for a
  video, their times do not match the audio; a warning says so). **podcast:chapters** links the
  file of the exporter declaring ``feed_link = "chapters"`` (its ``media_type`` as ``type``)
  when the episode has chapters. **psc:chapters** is always inline when it has chapters.
* **podcast:person**: the hosts at channel level; on an episode with guests, the hosts again
  (item persons replace channel persons) and each guest, with ``img`` from the profile's
  ``picture`` and ``href`` from its first https link (web, linkedin, twitter, github, ...).
  A guest id with no profile (the loader warns about it) is left out: its bare id is not a
  name to publish. An episode whose guests all lack a profile is treated as one without
  guests (no item persons; the channel's hosts apply).
* **Static tags** (:mod:`castline.load.tags`, checked there by the namespace's rules):
  show.yaml's ``podcast:txt``, ``license``, ``location``, ``image``, ``socialInteract``,
  ``trailer``, ``updateFrequency``, ``podroll``, ``block`` and ``publisher``, ``itunes:title``,
  ``block``, ``complete`` and ``new-feed-url``, ``credits`` as ``podcast:person`` with their
  taxonomy role and group, and the raw ``feed_tags``; front matter's ``txt``, ``license``,
  ``location``, ``image``, ``socialInteract``, ``alternateEnclosure``, ``season name``,
  ``episode display``, ``itunes:title``/``block``, credits and raw tags
  (:func:`static_tags`; relative ``images`` joined to ``assets_url``, ``trailers`` to
  ``base_url``, an error and the tag left out when that is not https).
* **Item link**: the episode's page, when an exporter of the build declares
  ``feed_link = "page"`` (``episodes/<slug>`` and its ``suffix``); none otherwise.
* **content:encoded** is the Markdown body as HTML, sanitised to what a podcast description
  may hold (:func:`castline.feed.notes.safe_notes_html`); an HTML ``intro`` used as the
  description is sanitised alike. A warning names what was removed.
* **Text** the feed cannot hold (lone surrogates, characters XML 1.0 forbids) is repaired in
  every field, with a warning at the field's line (:mod:`castline.feed.clean`).
* **Artwork** given as a path is published from the content folder (:meth:`RssExporter.
  published_files`); one outside it (``..``, absolute, a link leading out) is an error and
  ``itunes:image`` is left out, never pointed at a file that is not published.
* **Media** the loader read (:mod:`castline.feed.media`): its duration is ``itunes:duration``
  when the front matter gives none; a declared one more than 2 s off is a warning; an enclosure
  ``type`` or extension that does not name the real container is an error, and the real type is
  written. **Artwork** the loader read (:mod:`castline.feed.artwork`) is checked as Apple
  checks it; a remote cover is reported as unchecked.
* **Soundbites**: the clips of 15 to 120 s (:mod:`castline.feed.soundbites`), or all, or none.
* **Big feeds**: ``max_items`` and RFC 5005 pages (:mod:`castline.feed.paging`): each page is
  an artifact of :meth:`RssExporter.export_show`.
* Every URL in a ``podcast:`` tag must be https (:func:`castline.feed.rules.is_https`); one
  that is not is left out: an error for show.yaml's URLs, a warning for a profile link (the
  next https link of the profile is used instead).

Severity: an **error** is what a directory rejects (and, where castline can only write it
wrong, the tag or item left out); a **warning** is a repair or a recommendation missed. An
episode with no enclosure or no date is left out of the feed with an error naming the field;
the rest of the feed is still written. The feed itself is not written without a ``title``,
``description`` or usable ``base_url``; a content folder whose show.yaml (if any) gives none
of the three is a folder of transcripts, and gets no feed and no message.

Item record, all values JSON types::

    {"lines": {"guid": 3, "audio": 20}, "guid": str, "enclosure_url": str,
     "published": "2026-03-02T00:00:00+01:00", "item": "    <item>...</item>\\n"}

``guid`` and ``enclosure_url`` serve the duplicate checks (``lines`` places their messages),
``published`` (in the show's time zone) the order and ``lastBuildDate``; ``item`` is the item's
text as it stands in the feed, indented for its place, with its line end.

The record's shape is versioned by :attr:`RssExporter.cache_version`, which the build folds into
the exporter's settings hash: a record cached in another shape is rebuilt, never read.

A record depends on the episode file, show.yaml and the set of exporters in the build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import functools
import os
import uuid
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any, ClassVar

from castline import __version__
from castline.clean import clean_episode, clean_show
from castline.diagnostics import Diagnostic, Rule, rule
from castline.exporter import (
    EPISODES_DIR,
    Artifact,
    BuildContext,
    EpisodeExport,
    EpisodeRecord,
    ShowExport,
    episode_path,
)
from castline.feed.artwork import check_artwork, unchecked
from castline.feed.directories import MISSING_AUTHOR
from castline.feed.ext import (
    ContentEntryExtension,
    ItunesEntryExtension,
    ItunesExtension,
    PodcastIndexEntryExtension,
    PodcastIndexExtension,
    PscEntryExtension,
    StaticTagsExtension,
    feed_generator,
)
from castline.feed.media import check_duration, check_enclosure
from castline.feed.notes import load_renderers, removal_message, safe_notes_html, sanitise_html
from castline.feed.paging import FeedOptions, PagingExtension, page_links, page_path, pages
from castline.feed.rules import (
    DESCRIPTION_MAX_BYTES,
    ENCLOSURE_SUFFIXES,
    EPISODE_TYPES,
    MEDIUMS,
    PODCAST_TEXT_MAX,
    SHOW_TYPES,
    base_url_problem,
    category_problem,
    is_artwork_file,
    is_https,
    language_problem,
    non_ascii_name,
    podcast_guid,
)
from castline.feed.soundbites import select_soundbites
from castline.load.people import PROFILE_LINKS, profile_url
from castline.memo import per_object
from castline.model import Credit, Episode, Person, Show, SourceRef, Tags
from castline.paths import asset_url, media_url, public_url, url_name, url_suffix
from castline.text import clean_text
from castline.timing.chapters import resolve_chapters

#: The kinds of problem with the feed (Apple Podcasts: https://podcasters.apple.com/support/823-podcast-requirements).
MISSING_ENCLOSURE = rule(
    "F001",
    "missing-enclosure",
    "an episode has no 'audio': no enclosure, so it is left out of the feed",
)
MISSING_DATE = rule("F002", "missing-date", "an episode has no 'date': it is left out of the feed")
NON_ASCII_FILE_NAME = rule(
    "F003",
    "non-ascii-file-name",
    "a file name in a feed URL is not ASCII, which Apple Podcasts requires",
)
MISSING_REQUIRED_FIELD = rule(
    "F004", "missing-required-field", "show.yaml lacks a field the feed or Apple Podcasts requires"
)
INVALID_BASE_URL = rule("F005", "invalid-base-url", "'base_url' is not an absolute http(s) URL")
CAPTIONS_NOT_LINKED = rule(
    "F006",
    "captions-not-linked",
    "shifted captions do not match the audio, so the feed does not link them",
)
HTML_REMOVED = rule(
    "F007", "html-removed", "show notes or an intro hold HTML a feed must not carry; removed"
)
BLANK_TITLE = rule("F008", "blank-title", "a title is blank once what XML cannot hold is removed")
UNLISTED_ENCLOSURE_FORMAT = rule(
    "F009", "unlisted-enclosure-format", "the enclosure is not a format Apple Podcasts lists"
)
MISSING_DESCRIPTION = rule(
    "F010", "missing-description", "an episode has no 'description' or 'intro'"
)
DESCRIPTION_TOO_LONG = rule(
    "F011", "description-too-long", "a description is longer than Apple Podcasts shows"
)
INVALID_ARTWORK = rule("F012", "invalid-artwork", "artwork is not a JPEG or PNG file")
UNPUBLISHED_ARTWORK = rule(
    "F013", "unpublished-artwork", "artwork lies outside what is published; left out"
)
INVALID_EPISODE_NUMBER = rule(
    "F016", "invalid-episode-number", "an 'episode' or 'season' number is not above 0"
)
MISSING_EPISODE_NUMBER = rule(
    "F017", "missing-episode-number", "a serial show has an episode without an 'episode' number"
)
NOT_HTTPS = rule("F019", "not-https", "a URL a podcast: tag needs as https is not")
INVALID_LANGUAGE = rule("F020", "invalid-language", "'language' is not an ISO 639 code")
MISSING_OWNER_EMAIL = rule("F021", "missing-owner-email", "show.yaml has no 'owner.email'")
INVALID_SHOW_TYPE = rule("F022", "invalid-show-type", "'type' is not episodic or serial")
UNSUPPORTED_CATEGORY = rule(
    "F023", "unsupported-category", "a category is not one Apple Podcasts lists"
)
UNKNOWN_MEDIUM = rule("F024", "unknown-medium", "'medium' is not a podcast:medium value")
INVALID_GUID = rule("F025", "invalid-guid", "'guid' is not a UUID")
GUID_NOT_V5 = rule("F026", "guid-not-v5", "'guid' is a UUID of another version than 5")
DUPLICATE_GUID = rule(
    "F027", "duplicate-guid", "two episodes have the same guid; the later is left out"
)
DUPLICATE_ENCLOSURE = rule(
    "F028", "duplicate-enclosure", "two episodes have the same enclosure URL; the later is left out"
)
TEXT_TOO_LONG = rule(
    "F029", "text-too-long", "a text is longer than the podcast: namespace allows; cut"
)

#: The feed's path in the output folder.
FEED_PATH = PurePosixPath("feed.xml")
#: How a serialised feed ends; the items are the last lines before it.
_CHANNEL_END = "  </channel>\n</rss>\n"
#: Apple's declaration, in double quotes (lxml writes single ones).
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


class RssExporter:
    """The podcast RSS feed, ``out/feed.xml``.

    Options (:class:`castline.feed.paging.FeedOptions`): ``soundbites`` (``recommended``: the
    clips of 15 to 120 s; ``all``; ``none``), ``max_items`` (keep the newest N items) and
    ``page_size`` (N items per page, RFC 5005 paged feed: ``feed.xml``, ``feed-page-2.xml``...).
    """

    #: The shape of the item record (:func:`_record`): bumped when it changes, so that the
    #: build rebuilds records cached in another shape instead of handing them to the show step;
    #: bumped too when the same episode gives another record (4: sanitised show notes; 7: the
    #: media's duration and real type, soundbites of 15 to 120 s; 8: the item's static tags
    #: and page link).
    cache_version: ClassVar[int] = 8
    name: ClassVar[str] = "rss"
    media_type: ClassVar[str] = "application/rss+xml"
    suffix: ClassVar[str] = ""

    def __init__(
        self, *, soundbites: str = "recommended", max_items: int = 0, page_size: int = 0
    ) -> None:
        self.options = FeedOptions(soundbites, max_items, page_size)

    def published_files(self, show: Show) -> tuple[PurePosixPath, ...]:
        """The show's artwork when show.yaml's ``image`` is a relative path inside the content
        folder: the feed's ``itunes:image`` points at its copy (``base_url`` + the path).
        Never a path outside the content folder (:func:`artwork_file`)."""
        relative, _ = artwork_file(show)
        return () if relative is None else (relative,)

    def warm_up(self, show: Show) -> None:
        """Load what the episode step loads on first use: the cleaned show (its artwork read),
        the notes' renderers, feedgen and lxml (:class:`castline.exporter.Exporter`)."""
        _feed_show(show)
        load_renderers()
        feed_generator()

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        """The episode's item record (its ``<item>`` rendered), or none and an error when it
        cannot make a valid item.

        Nothing (no record, no message) when show.yaml gives no usable ``base_url``: the feed
        is not written then, and :meth:`export_show` says so once.
        """
        show, found = _feed_show(context.show)
        if base_url_problem(show.base_url) is not None:
            return EpisodeExport()
        assert show.base_url is not None
        context = dataclasses.replace(context, show=show)
        diagnostics: list[Diagnostic] = list(found)
        episode = _clean_episode(episode, diagnostics)
        missing = False
        if episode.audio is None:
            diagnostics.append(_missing_enclosure(show, episode))
            missing = True
        if episode.published is None:
            diagnostics.append(
                MISSING_DATE.error(
                    episode.where("date"),
                    "missing 'date' (or 'dateadded'): no publication date, so the episode is "
                    "left out of the feed",
                )
            )
            missing = True
        if missing:
            return EpisodeExport(diagnostics=tuple(diagnostics))
        assert episode.audio is not None and episode.published is not None
        data = _ItemBuilder(context, episode, diagnostics, self.options).data()
        if not episode.slug.isascii() and (data["transcripts"] or data["chapters_link"]):
            diagnostics.append(
                NON_ASCII_FILE_NAME.error(
                    episode.source,
                    f"file name '{episode.slug}' is not ASCII, so neither are the URLs of its "
                    "transcript and chapter files; Apple Podcasts requires ASCII file names",
                )
            )
        lines = {"guid": episode.where("guid").line, "audio": episode.where("audio").line}
        return EpisodeExport(record=_record(data, lines), diagnostics=tuple(diagnostics))

    def export_show(self, context: BuildContext, records: Sequence[EpisodeRecord]) -> ShowExport:
        """``feed.xml`` from the item records, and the show-level checks."""
        show, found = _feed_show(context.show)
        if not (show.title or show.description or show.base_url):
            return ShowExport()  # a folder of transcripts, not a show: no feed, no complaint
        context = dataclasses.replace(context, show=show)
        diagnostics: list[Diagnostic] = list(found)
        fatal = False
        for key, value in (("title", show.title), ("description", show.description)):
            if not value:
                diagnostics.append(
                    MISSING_REQUIRED_FIELD.error(
                        show.where(key), f"missing '{key}': the feed needs one and is not written"
                    )
                )
                fatal = True
        base_problem = base_url_problem(show.base_url)
        if base_problem is not None:
            diagnostics.append(INVALID_BASE_URL.error(show.where("base_url"), base_problem))
            fatal = True
        if fatal:
            return ShowExport(diagnostics=tuple(diagnostics))
        shifted = [
            f"{info.name} by {info.offset_ms / 1000:g} s"
            for info in context.linked("transcript")
            if info.offset_ms
        ]
        if shifted:
            diagnostics.append(
                CAPTIONS_NOT_LINKED.warning(
                    show.source,
                    f"captions shifted ({', '.join(shifted)}) do not match the audio: the feed "
                    "does not link them as podcast:transcript",
                )
            )
        artifacts = _FeedBuilder(context, diagnostics, self.options).build(records)
        return ShowExport(artifacts=tuple(artifacts), diagnostics=tuple(diagnostics))


def _missing_enclosure(show: Show, episode: Episode) -> Diagnostic:
    """Why the episode has no enclosure: no ``audio`` (nor a media file of the show's
    pattern), or an ``audio`` the loader could not use (it said why, at the same line)."""
    if "audio" in episode.key_lines:
        why = "'audio' cannot be used (its own error says why)"
    else:
        why = "missing 'audio'"
        if show.media_url and show.media_dir:
            name = url_name(media_url(show, episode.slug) or "")
            why += f", and no media file '{name}' in '{show.media_dir}'"
    return MISSING_ENCLOSURE.error(
        episode.where("audio"), f"{why}: no enclosure, so the episode is left out of the feed"
    )


@per_object
def _feed_show(show: Show) -> tuple[Show, tuple[Diagnostic, ...]]:
    """show.yaml's fields with what XML cannot hold repaired, and the warnings
    (:func:`castline.clean.clean_show`): computed once for the show of a build, which every
    item and the channel read."""
    return clean_show(show, xml=True)


def artwork_file(show: Show) -> tuple[PurePosixPath | None, str | None]:
    """show.yaml's ``image`` as a file of the content folder to publish, or why it cannot be
    one (a message fragment); ``(None, None)`` when ``image`` is a URL or absent.

    A path that is absolute, holds ``..`` or a backslash, or leads (through a symbolic link)
    out of the content folder is not published: the build copies only files inside it. The
    links are followed on disk (the one look-up this exporter makes).

    >>> from castline.model import SourceRef
    >>> artwork_file(Show(SourceRef("show.yaml", 1), "content", image="images/../../x.jpg"))
    (None, "artwork 'images/../../x.jpg' is outside the content folder")
    """
    image = show.image
    if not image or "://" in image:
        return None, None
    relative = PurePosixPath(image)
    if relative.is_absolute() or ".." in relative.parts or "\\" in image:
        return None, f"artwork '{image}' is outside the content folder"
    root = os.path.realpath(show.root)
    target = os.path.realpath(os.path.join(root, *relative.parts))
    if os.path.commonpath([root, target]) != root:
        return None, f"artwork '{image}' links to a file outside the content folder"
    return relative, None


def _clean_episode(episode: Episode, diagnostics: list[Diagnostic]) -> Episode:
    """``episode`` with what XML cannot hold repaired (:func:`castline.feed.clean.clean_episode`,
    its file name too: it is the default guid and names the linked files), and its show notes
    and HTML ``intro`` sanitised, each repair reported in ``diagnostics``.

    The cleaned episode itself when neither changes: the same object the other exporters get,
    so the chapters and the timing they share (:mod:`castline.memo`) are computed once."""
    cleaned, found = clean_episode(episode, xml=True)
    diagnostics.extend(found)
    slug = clean_text(episode.slug, episode.source, "the file name", diagnostics, xml=True)
    intro = cleaned.intro
    if intro and not cleaned.description:
        intro, removed = sanitise_html(intro)
        if removed:
            diagnostics.append(
                HTML_REMOVED.warning(cleaned.where("intro"), f"'intro': {removal_message(removed)}")
            )
    if slug == cleaned.slug and intro == cleaned.intro:
        return cleaned
    return dataclasses.replace(cleaned, slug=slug, intro=intro)


# --- the item record -------------------------------------------------------------------------


def _record(data: Mapping[str, Any], lines: Mapping[str, int]) -> dict[str, Any]:
    """The item record of an item's data: its ``<item>`` rendered, and the fields the show
    step reads. ``lines``: the episode file's lines of ``guid`` and ``audio``."""
    return {
        "lines": {"guid": lines["guid"], "audio": lines["audio"]},
        "guid": data["guid"],
        "enclosure_url": data["enclosure"]["url"],
        "published": data["published"],
        "item": _render_item(data),
    }


class _ItemBuilder:
    """Builds one episode's item data and collects the problems found on the way."""

    def __init__(
        self,
        context: BuildContext,
        episode: Episode,
        diagnostics: list[Diagnostic],
        options: FeedOptions,
    ) -> None:
        self.options = options
        self.context = context
        self.show = context.show
        self.episode = episode
        self.diagnostics = diagnostics
        assert self.show.base_url is not None
        self.base_url: str = self.show.base_url
        self.assets_url: str = self.show.assets_url or self.base_url

    def warn(self, kind: Rule, key: str, message: str) -> None:
        self.diagnostics.append(kind.warning(self.episode.where(key), message))

    def data(self) -> dict[str, Any]:
        """What the episode's ``<item>`` is made of (:func:`_add_item`).

        All values are JSON types::

            {"title": str, "guid": str, "enclosure": {"url": str, "length": int, "type": str},
             "published": "2026-03-02T00:00:00+01:00",
             "description": str | null, "description_html": bool, "content_html": str | null,
             "duration_s": int | null, "image": str | null, "explicit": bool | null,
             "season": int | null, "episode": int | null, "episode_type": str | null,
             "transcripts": [{"url": str, "type": str, "rel": str | null,
                              "language": str | null}],
             "chapters_link": {"url": str, "type": str} | null,
             "chapters": [{"start_ms": int, "title": str, "href": str | null,
                           "image": str | null}],
             "persons": [{"name": str, "role": str, "group": str | null,
                          "img": str | null, "href": str | null}],
             "soundbites": [{"start_ms": int, "duration_ms": int, "title": str}],
             "link": str | null, "tags": {...}}

        ``tags`` is :func:`static_tags`' JSON form of the item's static tags.
        """
        episode = self.episode
        assert episode.audio is not None and episode.published is not None
        zone = zoneinfo.ZoneInfo(self.show.timezone)
        return {
            "title": self.title(),
            "guid": episode.guid or episode.slug,
            "enclosure": self.enclosure(),
            "published": episode.published.astimezone(zone).isoformat(),
            **self.description(),
            "content_html": self.notes(),
            "duration_s": self.duration_s(),
            "image": self.image(),
            "explicit": episode.explicit,
            **self.numbers(),
            "transcripts": self.transcripts(),
            **self.chapters(),
            "persons": self.persons(),
            "soundbites": self.soundbites(),
            **self.static_tags(),
        }

    def title(self) -> str:
        """The title; the file name when nothing is left of it (feedgen needs one)."""
        title = self.episode.title
        if not title.strip():
            title = self.episode.slug
            self.warn(
                BLANK_TITLE,
                "title",
                f"'title' is blank once what XML cannot hold is removed; using '{title}'",
            )
        return title

    def notes(self) -> str | None:
        """The show notes as sanitised HTML; what the sanitiser removed is reported."""
        html, removed = safe_notes_html(self.episode.notes_markdown)
        if removed:
            self.diagnostics.append(
                HTML_REMOVED.warning(self.episode.source, f"show notes: {removal_message(removed)}")
            )
        return html

    def enclosure(self) -> dict[str, Any]:
        audio = self.episode.audio
        assert audio is not None
        url = public_url(self.base_url, audio.url)
        name = non_ascii_name(url)
        if name is not None:
            self.diagnostics.append(
                NON_ASCII_FILE_NAME.error(
                    self.episode.where("audio"),
                    f"enclosure file name '{name}' is not ASCII; Apple Podcasts requires "
                    "ASCII file names",
                )
            )
        if url_suffix(url) not in ENCLOSURE_SUFFIXES:
            self.warn(
                UNLISTED_ENCLOSURE_FORMAT,
                "audio",
                f"enclosure '{url_name(url)}' is not a format Apple "
                f"Podcasts lists ({', '.join(ENCLOSURE_SUFFIXES)})",
            )
        media_type = audio.media_type
        if audio.media is not None:
            media_type, found = check_enclosure(
                audio.media, media_type, url_suffix(url), url_name(url), self.episode.where("audio")
            )
            self.diagnostics.extend(found)
        return {"url": url, "length": audio.length_bytes, "type": media_type}

    def duration_s(self) -> int | None:
        """``itunes:duration`` in whole seconds: the declared ``duration``, else the local
        media file's; a declared one far from the media's is reported."""
        duration_ms = self.episode.duration_ms
        media = self.episode.audio.media if self.episode.audio else None
        if media is not None:
            where = self.episode.where("duration" if duration_ms is not None else "audio")
            duration_ms, found = check_duration(media, duration_ms, where)
            self.diagnostics.extend(found)
        return None if duration_ms is None else (duration_ms + 500) // 1000

    def description(self) -> dict[str, Any]:
        episode = self.episode
        text, html, key = episode.description, False, "description"
        if not text and episode.intro:
            text, html, key = episode.intro, True, "intro"
        if not text:
            self.warn(
                MISSING_DESCRIPTION,
                "description",
                "no 'description' or 'intro': the item has no description",
            )
            return {"description": None, "description_html": False}
        size = len(text.encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            self.warn(
                DESCRIPTION_TOO_LONG,
                key,
                f"'{key}' is {size} bytes; Apple Podcasts shows at most {DESCRIPTION_MAX_BYTES}",
            )
        return {"description": text, "description_html": html}

    def image(self) -> str | None:
        image = self.episode.image
        if image is None:
            return None
        url = public_url(self.assets_url, image)
        if not is_artwork_file(url):
            self.warn(
                INVALID_ARTWORK,
                "image",
                f"episode artwork '{image}' must be a .jpg, .jpeg or .png file; "
                "itunes:image left out",
            )
            return None
        name = non_ascii_name(url)
        if name is not None:
            self.warn(NON_ASCII_FILE_NAME, "image", f"artwork file name '{name}' is not ASCII")
        if self.episode.image_file is not None:
            where = self.episode.where("image")
            ok, found = check_artwork(
                self.episode.image_file, image, url_suffix(url), where, show=False
            )
            self.diagnostics.extend(found)
            return url if ok else None
        return url

    def numbers(self) -> dict[str, Any]:
        episode = self.episode
        numbers: dict[str, Any] = {}
        for key, field, value in (
            ("season", "season", episode.season),
            ("episode", "episode", episode.number),
        ):
            if value is not None and value <= 0:
                self.warn(
                    INVALID_EPISODE_NUMBER,
                    key,
                    f"'{key}' must be a number above 0, not {value}; left out",
                )
                value = None
            numbers[field] = value
        if self.show.show_type == "serial" and numbers["episode"] is None:
            self.warn(
                MISSING_EPISODE_NUMBER,
                "episode",
                "the show is serial ('type: serial'), so Apple Podcasts needs an 'episode' "
                "number on every episode",
            )
        episode_type = episode.episode_type
        numbers["episode_type"] = episode_type if episode_type in EPISODE_TYPES else None
        return numbers

    def transcripts(self) -> list[dict[str, Any]]:
        if not self.episode.has_transcript or not is_https(self.base_url):
            return []
        links: list[dict[str, Any]] = []
        for info in self.context.linked("transcript"):
            if info.offset_ms:  # shifted for a video: not the audio's times
                continue
            url = public_url(self.base_url, episode_path(self.episode.slug, info.suffix))
            language = self.show.language
            links.append(
                {"url": url, "type": info.media_type, "rel": info.rel, "language": language}
            )
        return links

    def chapters(self) -> dict[str, Any]:
        chapter_list, found = resolve_chapters(self.episode)
        self.diagnostics.extend(found)
        entries: list[dict[str, Any]] = []
        for chapter in chapter_list.chapters:
            href = asset_url(self.show, chapter.url) if chapter.url else None
            image = asset_url(self.show, chapter.image) if chapter.image else None
            entries.append(
                {
                    "start_ms": chapter.start_ms,
                    "title": chapter.title,
                    "href": href,
                    "image": image,
                }
            )
        link = None
        linked = self.context.linked("chapters")
        if entries and linked and is_https(self.base_url):
            url = public_url(self.base_url, episode_path(self.episode.slug, linked[0].suffix))
            link = {"url": url, "type": linked[0].media_type}
        return {"chapters_link": link, "chapters": entries}

    def persons(self) -> list[dict[str, Any]]:
        """The hosts, the show's credits, the guests that have a profile and the episode's
        credits; none when the episode has neither such guests nor credits of its own."""
        guests = [guest for guest in self.episode.guests if guest.has_profile]
        credits = self.episode.tags.credits
        if not guests and not credits:
            return []
        persons = _channel_persons(self.show, self.diagnostics)
        persons.extend(_person(self.show, guest, "guest", self.diagnostics) for guest in guests)
        persons.extend(_credit(self.show, credit, self.diagnostics) for credit in credits)
        return persons

    def static_tags(self) -> dict[str, Any]:
        """The item's ``<link>`` (the episode's page, when an exporter of the build declares
        ``feed_link = "page"``) and its static tags (:func:`static_tags`)."""
        pages = self.context.linked("page")
        link = None
        if pages:
            link = public_url(self.base_url, f"{EPISODES_DIR}/{self.episode.slug}{pages[0].suffix}")
        tags = static_tags(self.episode.tags, self.show, self.diagnostics)
        return {"link": link, "tags": tags}

    def soundbites(self) -> list[dict[str, Any]]:
        """``quotableClips`` as soundbites, on the stamps' timeline: the declared duration is
        the talk's length, not the media's end, so it never cuts or drops a soundbite. Which
        clips are written is the ``soundbites`` option's (:mod:`castline.feed.soundbites`)."""
        diagnostics = self.diagnostics
        clips, found = select_soundbites(
            self.episode.soundbites, self.options.soundbites, self.episode.where("quotableClips")
        )
        diagnostics.extend(found)
        return [
            {
                "start_ms": clip.start_ms,
                "duration_ms": clip.duration_ms,
                "title": _limit(clip.title, clip.source, "soundbite title", diagnostics),
            }
            for clip in clips
        ]


def _person(show: Show, person: Person, role: str, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """A ``podcast:person`` entry: name, role, https ``img`` and ``href`` where there are some."""
    assets = show.assets_url or show.base_url
    img = None
    if person.picture and assets:
        url = public_url(assets, person.picture)
        img = url if is_https(url) else None
    href = None
    where = person.source or show.where("hosts")
    for kind, value in _ranked_links(person.links):
        url = profile_url(kind, value)
        if is_https(url):
            href = url
            break
        diagnostics.append(
            NOT_HTTPS.warning(
                where,
                f"{kind} link '{url}' is not https, which podcast:person needs; "
                f"not used for {person.name}",
            )
        )
    name = _limit(person.name, where, "podcast:person name", diagnostics)
    return {"name": name, "role": role, "img": img, "href": href, "group": None}


def _ranked_links(links: Sequence[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Profile links in :data:`PROFILE_LINKS` order, unknown kinds left out."""
    for kind in PROFILE_LINKS:
        for link_kind, value in links:
            if link_kind == kind:
                yield kind, value


# --- the feed --------------------------------------------------------------------------------


class _FeedBuilder:
    """Assembles the feed from the show and the item records; collects show-level problems."""

    def __init__(
        self, context: BuildContext, diagnostics: list[Diagnostic], options: FeedOptions
    ) -> None:
        self.options = options
        self.context = context
        self.show = context.show
        self.diagnostics = diagnostics
        assert self.show.base_url is not None
        self.base_url: str = self.show.base_url
        self.feed_url = public_url(self.base_url, FEED_PATH)

    def error(self, kind: Rule, key: str, message: str) -> None:
        self.diagnostics.append(kind.error(self.show.where(key), message))

    def warn(self, kind: Rule, key: str, message: str) -> None:
        self.diagnostics.append(kind.warning(self.show.where(key), message))

    def build(self, records: Sequence[EpisodeRecord]) -> list[Artifact]:
        show = self.show
        assert show.title is not None and show.description is not None
        fg = feed_generator()
        fg.title(show.title)
        fg.description(show.description)
        size = len(show.description.encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            self.warn(
                DESCRIPTION_TOO_LONG,
                "description",
                f"'description' is {size} bytes; Apple Podcasts shows at most "
                f"{DESCRIPTION_MAX_BYTES}",
            )
        fg.docs("")
        fg.generator(f"castline {__version__}")
        if show.copyright:
            fg.copyright(show.copyright)
        self.language(fg)
        self.itunes(fg)
        self.podcastindex(fg)

        items = self.items(records)
        if items:
            fg.lastBuildDate(dt.datetime.fromisoformat(items[0].data["published"]))
        else:
            fg.builddate.drop = True  # no episode, no date: never feedgen's "now"
        return self.pages(fg, items)

    def pages(self, fg: Any, items: Sequence[EpisodeRecord]) -> list[Artifact]:
        """The feed, or its pages (:mod:`castline.feed.paging`): each page is the channel with
        its own ``rel="self"``, its RFC 5005 links and its items."""
        fg.register_extension("paging", PagingExtension, atom=False)
        paging: PagingExtension = fg.paging
        split = pages(items, self.options)
        artifacts = []
        for number, page in enumerate(split, 1):
            path = page_path(number)
            # feedgen writes the *last* link given as <link> (its comment says the first).
            fg.link(
                [
                    {
                        "href": public_url(self.base_url, path),
                        "rel": "self",
                        "type": "application/rss+xml",
                    },
                    {"href": self.show.link or self.base_url},
                ],
                replace=True,
            )
            paging.links = [
                (rel, public_url(self.base_url, target))
                for rel, target in page_links(number, len(split))
            ]
            text = _insert_items(_serialise(fg), [r.data["item"] for r in page])
            artifacts.append(Artifact(path, _XML_DECLARATION + text))
        return artifacts

    # channel -----------------------------------------------------------------------------

    def language(self, fg: Any) -> None:
        language = self.show.language
        if language is None:
            self.error(
                MISSING_REQUIRED_FIELD,
                "language",
                "missing 'language': Apple Podcasts requires an ISO 639 code such as 'en'",
            )
            return
        problem = language_problem(language)
        if problem is not None:
            self.error(INVALID_LANGUAGE, "language", f"{problem}; <language> left out")
            return
        fg.language(language)

    def itunes(self, fg: Any) -> None:
        show = self.show
        itunes = fg.podcast
        fix: ItunesExtension = fg.itunesfix
        if show.author:
            itunes.itunes_author(show.author)
        else:
            self.error(
                MISSING_AUTHOR,
                "author",
                "missing 'author': Spotify requires itunes:author (the show's creator), and "
                "Apple Podcasts shows it under the title",
            )
        if show.owner_email:
            owner = show.owner_name or show.author or show.title
            itunes.itunes_owner(name=owner or "", email=show.owner_email)
        else:
            self.warn(
                MISSING_OWNER_EMAIL,
                "owner.email" if "owner.email" in show.key_lines else "owner",
                "missing 'owner.email': directories use the owner's e-mail to verify the show",
            )
        if show.show_type in SHOW_TYPES:
            itunes.itunes_type(show.show_type)
        else:
            self.error(
                INVALID_SHOW_TYPE,
                "type",
                f"'type' must be episodic or serial, not '{show.show_type}'; left out",
            )

        categories = []
        for category in show.categories:
            problem = category_problem(category)
            if problem is not None:
                self.error(UNSUPPORTED_CATEGORY, "categories", f"{problem}; left out")
                continue
            entry = {"cat": category.name}
            if category.subcategory:
                entry["sub"] = category.subcategory
            categories.append(entry)
        if categories:
            # A list with replace=True: the two-argument form wipes earlier categories.
            itunes.itunes_category(categories, replace=True)
        elif not show.categories:
            self.error(
                MISSING_REQUIRED_FIELD,
                "categories",
                "missing 'categories': Apple Podcasts requires one",
            )

        if show.explicit is None:
            if "explicit" not in show.key_lines:
                self.error(
                    MISSING_REQUIRED_FIELD,
                    "explicit",
                    "missing 'explicit' (true or false): Apple Podcasts requires itunes:explicit",
                )
        else:
            fix.explicit = show.explicit
        fix.image = self.artwork()

    def artwork(self) -> str | None:
        image = self.show.image
        if image is None and "image" in self.show.key_lines:
            return None  # given, but refused by the loader, which said why
        if image is None:
            self.error(
                MISSING_REQUIRED_FIELD,
                "image",
                "missing 'image': Apple Podcasts requires square artwork of 1400x1400 to "
                "3000x3000 pixels",
            )
            return None
        _, outside = artwork_file(self.show)
        if outside is not None:
            self.error(
                UNPUBLISHED_ARTWORK,
                "image",
                f"{outside}, so it is not published; itunes:image left out",
            )
            return None
        url = public_url(self.base_url, image)
        if not is_artwork_file(url):
            self.error(
                INVALID_ARTWORK,
                "image",
                f"artwork '{image}' must be a JPEG or PNG file (.jpg, .jpeg or .png); "
                "itunes:image left out",
            )
            return None
        name = non_ascii_name(url)
        if name is not None:
            self.error(
                NON_ASCII_FILE_NAME,
                "image",
                f"artwork file name '{name}' is not ASCII; Apple Podcasts requires ASCII names",
            )
        where = self.show.where("image")
        if self.show.image_file is None:
            self.diagnostics.append(unchecked(image, where))
            return url
        ok, found = check_artwork(self.show.image_file, image, url_suffix(url), where, show=True)
        self.diagnostics.extend(found)
        return url if ok else None

    def podcastindex(self, fg: Any) -> None:
        show = self.show
        ext: PodcastIndexExtension = fg.podcastindex
        ext.guid = self.podcast_guid()
        if show.locked is not None:
            ext.locked = ("yes" if show.locked else "no", show.owner_email)
        for funding in show.funding:
            if is_https(funding.url):
                label = _limit(
                    funding.label, show.where("funding"), "funding label", self.diagnostics
                )
                ext.funding.append((funding.url, label))
            else:
                self.error(
                    NOT_HTTPS,
                    "funding",
                    f"funding URL '{funding.url}' is not https, which podcast:funding needs; "
                    "left out",
                )
        ext.persons = [*_channel_persons(show, self.diagnostics)]
        static: StaticTagsExtension = fg.statictags
        static.data = static_tags(show.tags, show, self.diagnostics)
        if show.medium is not None:
            if show.medium in MEDIUMS:
                ext.medium = show.medium
            else:
                self.error(
                    UNKNOWN_MEDIUM,
                    "medium",
                    f"unknown 'medium' '{show.medium}' (podcast:medium is one of "
                    f"{', '.join(MEDIUMS)}); left out",
                )
        assets = show.assets_url or self.base_url
        if not is_https(self.base_url):
            tags = "podcast:transcript and podcast:chapters are"
            if not show.assets_url:
                tags = "podcast:transcript, podcast:chapters and podcast:person img are"
            self.error(
                NOT_HTTPS,
                "base_url",
                f"'base_url' {self.base_url} is not https, which podcast: tags need; "
                f"{tags} left out",
            )
        if show.assets_url and not is_https(assets):
            self.error(
                NOT_HTTPS,
                "assets_url",
                f"'assets_url' {assets} is not https, which podcast: tags need; "
                "podcast:person img is left out",
            )

    def podcast_guid(self) -> str | None:
        """show.yaml's ``guid`` (checked), else :func:`~castline.feed.rules.podcast_guid` of the
        feed URL."""
        if self.show.guid is None:
            return podcast_guid(self.feed_url)
        try:
            value = uuid.UUID(self.show.guid)
        except ValueError:
            self.error(
                INVALID_GUID,
                "guid",
                f"'guid' {self.show.guid} is not a UUID; podcast:guid left out",
            )
            return None
        if value.version != 5:
            self.warn(
                GUID_NOT_V5,
                "guid",
                f"'guid' is a version {value.version} UUID; podcast:guid should be version 5",
            )
        return str(value)

    # items -------------------------------------------------------------------------------

    def items(self, records: Sequence[EpisodeRecord]) -> list[EpisodeRecord]:
        """Records to list, newest first; later duplicates of a guid or enclosure left out."""
        kept: list[EpisodeRecord] = []
        guids: dict[str, str] = {}
        enclosures: dict[str, str] = {}
        for record in sorted(records, key=lambda r: (r.path, r.slug)):
            data = record.data
            guid, url = data["guid"], data["enclosure_url"]
            lines: Mapping[str, int] = data["lines"]
            if guid in guids:
                self.diagnostics.append(
                    DUPLICATE_GUID.error(
                        SourceRef(record.path, lines["guid"]),
                        f"guid '{guid}' is also the guid of {guids[guid]}; "
                        "the episode is left out of the feed",
                    )
                )
                continue
            if url in enclosures:
                self.diagnostics.append(
                    DUPLICATE_ENCLOSURE.error(
                        SourceRef(record.path, lines["audio"]),
                        f"enclosure URL '{url}' is also the enclosure of {enclosures[url]}; "
                        "the episode is left out of the feed",
                    )
                )
                continue
            guids[guid] = enclosures[url] = record.path
            kept.append(record)
        kept.sort(key=lambda r: r.slug)
        kept.sort(key=lambda r: dt.datetime.fromisoformat(r.data["published"]), reverse=True)
        return kept


def _add_item(fg: Any, data: Mapping[str, Any]) -> None:
    """Add the item of ``data`` (:meth:`_ItemBuilder.data`) to the feed ``fg``."""
    fe = fg.add_entry(order="append")
    fe.title(data["title"])
    if data["link"]:
        fe.link(href=data["link"])
    fe.guid(data["guid"], permalink=False)
    enclosure = data["enclosure"]
    fe.enclosure(enclosure["url"], str(enclosure["length"]), enclosure["type"])
    fe.pubDate(dt.datetime.fromisoformat(data["published"]))
    if data["description"]:
        fe.description(data["description"])
    if data["duration_s"] is not None:
        fe.podcast.itunes_duration(data["duration_s"])
    if data["season"] is not None:
        fe.podcast.itunes_season(data["season"])
    if data["episode"] is not None:
        fe.podcast.itunes_episode(data["episode"])
    if data["episode_type"] is not None:
        fe.podcast.itunes_episode_type(data["episode_type"])

    fix: ItunesEntryExtension = fe.itunesfix
    fix.image = data["image"]
    fix.explicit = data["explicit"]
    ext: PodcastIndexEntryExtension = fe.podcastindex
    ext.season = data["season"]
    ext.episode = data["episode"]
    ext.season_name = data["tags"]["season_name"]
    ext.episode_display = data["tags"]["episode_display"]
    ext.transcripts = [(t["url"], t["type"], t["rel"], t["language"]) for t in data["transcripts"]]
    if data["chapters_link"] is not None:
        ext.chapters = (data["chapters_link"]["url"], data["chapters_link"]["type"])
    ext.persons = list(data["persons"])
    ext.soundbites = [(s["start_ms"], s["duration_ms"], s["title"]) for s in data["soundbites"]]
    psc: PscEntryExtension = fe.psc
    psc.chapters = list(data["chapters"])
    content: ContentEntryExtension = fe.htmlcontent
    content.html = data["content_html"]
    content.description_html = bool(data["description_html"])
    static: StaticTagsExtension = fe.statictags
    static.data = data["tags"]


def _serialise(fg: Any) -> str:
    """The feed as lxml writes it: indented, without declaration, ending in a line end."""
    body: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=False)
    return body.decode("utf-8")


def _insert_items(feed: str, items: Sequence[str]) -> str:
    """``feed`` (a serialised feed) with the item texts ``items`` after its channel's last
    child, as lxml writes a channel that has those items last."""
    if not feed.endswith(_CHANNEL_END):
        raise ValueError("not a feed as _serialise writes it")
    return feed[: -len(_CHANNEL_END)] + "".join(items) + _CHANNEL_END


def _render_item(data: Mapping[str, Any]) -> str:
    """The ``<item>`` of ``data`` (:meth:`_ItemBuilder.data`) as it stands in any feed: cut from
    a feed of :func:`~castline.feed.ext.feed_generator` whose only item it is, checked to be
    that feed's channel plus the item by :func:`_insert_items` (the module docstring says why
    that holds)."""
    fg = _bare_feed()
    channel = _bare_channel()
    _add_item(fg, data)
    feed = _serialise(fg)
    item = feed[len(channel) - len(_CHANNEL_END) : len(feed) - len(_CHANNEL_END)]
    if _insert_items(channel, [item]) != feed:
        raise RuntimeError("lxml did not write the item as the last lines of the channel")
    return item


def _bare_feed() -> Any:
    """A feed of :func:`~castline.feed.ext.feed_generator` with a channel and no item (the
    channel's required elements as placeholders, no build date)."""
    fg = feed_generator()
    fg.title("-")
    fg.link(href="https://example.invalid/")
    fg.description("-")
    fg.builddate.drop = True
    return fg


@functools.cache
def _bare_channel() -> str:
    """:func:`_bare_feed` serialised: the same text each time (nothing in it varies), so made
    once; :func:`_render_item` checks every item's feed against it."""
    return _serialise(_bare_feed())


def _limit(text: str, where: SourceRef, what: str, diagnostics: list[Diagnostic]) -> str:
    """``text`` cut to the namespace's 128 characters (``…`` last), with a warning if cut."""
    if len(text) <= PODCAST_TEXT_MAX:
        return text
    diagnostics.append(
        TEXT_TOO_LONG.warning(
            where,
            f"{what} '{text[:40]}…' is {len(text)} characters; cut to {PODCAST_TEXT_MAX}, "
            "the podcast: namespace's limit",
        )
    )
    return text[: PODCAST_TEXT_MAX - 1].rstrip() + "…"


# --- the static tags (show.yaml and front matter) --------------------------------------------


def _channel_persons(show: Show, diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    """The channel's ``podcast:person`` entries: the hosts, then show.yaml's ``credits``."""
    persons = [_person(show, host, "host", diagnostics) for host in show.hosts]
    persons.extend(_credit(show, credit, diagnostics) for credit in show.tags.credits)
    return persons


def _credit(show: Show, credit: Credit, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """A ``credits`` entry as ``podcast:person``, with its taxonomy role and group."""
    return {**_person(show, credit.person, credit.role, diagnostics), "group": credit.group}


def static_tags(tags: Tags, show: Show, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The JSON form of the static tags :class:`castline.feed.ext.StaticTagsExtension`
    writes: relative ``images`` joined to ``assets_url`` and ``trailers`` to ``base_url``;
    one whose URL is then not https is left out with an error (the namespace's rule)."""
    assets = show.assets_url or show.base_url or ""
    images = []
    for image in tags.images:
        href = _https_url(assets, image.href, image.source, "podcast:image", diagnostics)
        if href is not None:
            images.append(
                {
                    "href": href,
                    "alt": image.alt,
                    "aspect-ratio": image.aspect_ratio,
                    "width": image.width,
                    "height": image.height,
                    "type": image.media_type,
                    "purpose": image.purpose,
                }
            )
    frequency = tags.update_frequency
    return {
        "txt": [{"text": txt.text, "purpose": txt.purpose} for txt in tags.txt],
        "license": ({"name": tags.license.name, "url": tags.license.url} if tags.license else None),
        "locations": [
            {"name": p.name, "rel": p.rel, "geo": p.geo, "osm": p.osm, "country": p.country}
            for p in tags.locations
        ],
        "images": images,
        "social": [_social(social) for social in tags.social],
        "itunes_title": tags.itunes_title,
        "itunes_block": tags.itunes_block,
        "itunes_complete": tags.itunes_complete,
        "new_feed_url": tags.new_feed_url,
        "raw": [raw.xml for raw in tags.raw],
        "trailers": _trailers(tags, show, diagnostics),
        "update_frequency": (
            {
                "text": frequency.text,
                "rrule": frequency.rrule,
                "complete": frequency.complete,
                "dtstart": frequency.dtstart,
            }
            if frequency
            else None
        ),
        "podroll": [_remote_item(item) for item in tags.podroll],
        "blocks": [{"service": b.service, "blocked": b.blocked} for b in tags.blocks],
        "publisher": _remote_item(tags.publisher) if tags.publisher else None,
        "alternate_enclosures": [_alternate(a) for a in tags.alternate_enclosures],
        "season_name": tags.season_name,
        "episode_display": tags.episode_display,
    }


def _https_url(
    base: str, url: str, where: SourceRef, tag: str, diagnostics: list[Diagnostic]
) -> str | None:
    """``url`` joined to ``base`` if relative; ``None`` and an error when it is not https."""
    joined = public_url(base, url)
    if is_https(joined):
        return joined
    diagnostics.append(
        NOT_HTTPS.error(
            where, f"{tag} URL '{joined}' is not https, which the namespace needs; left out"
        )
    )
    return None


def _trailers(tags: Tags, show: Show, diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    """``podcast:trailer`` entries, ``pubdate`` in RFC 2822 in the show's time zone."""
    zone = zoneinfo.ZoneInfo(show.timezone)
    found = []
    for trailer in tags.trailers:
        url = _https_url(
            show.base_url or "", trailer.url, trailer.source, "podcast:trailer", diagnostics
        )
        if url is not None:
            found.append(
                {
                    "title": trailer.title,
                    "url": url,
                    "pubdate": email.utils.format_datetime(trailer.published.astimezone(zone)),
                    "length": trailer.length,
                    "type": trailer.media_type,
                    "season": trailer.season,
                }
            )
    return found


def _social(social: Any) -> dict[str, Any]:
    return {
        "protocol": social.protocol,
        "uri": social.uri,
        "accountId": social.account_id,
        "accountUrl": social.account_url,
        "priority": social.priority,
    }


def _remote_item(item: Any) -> dict[str, Any]:
    return {
        "feedGuid": item.feed_guid,
        "feedUrl": item.feed_url,
        "itemGuid": item.item_guid,
        "medium": item.medium,
        "title": item.title,
    }


def _alternate(alternate: Any) -> dict[str, Any]:
    return {
        "type": alternate.media_type,
        "length": alternate.length,
        "bitrate": alternate.bitrate,
        "height": alternate.height,
        "lang": alternate.lang,
        "title": alternate.title,
        "rel": alternate.rel,
        "codecs": alternate.codecs,
        "default": alternate.default,
        "sources": [{"uri": s.uri, "content_type": s.content_type} for s in alternate.sources],
        "integrity": list(alternate.integrity) if alternate.integrity else None,
    }
