"""The feedgen extensions the feed is written with, one per namespace (feed and item level).

feedgen 1.0 (https://feedgen.kiesow.be/) has no ``podcast:`` or ``psc:`` namespace, and its
iTunes extension writes some of Apple's tags in ways Apple refuses. An extension is what
feedgen's ``BaseExtension`` asks for
(https://github.com/lkiesow/python-feedgen/blob/master/feedgen/ext/base.py): ``extend_ns()``
declares the prefix on ``<rss>``, ``extend_rss(<rss>)`` runs after the core channel elements,
and each item's ``extend_rss(<item>)`` after the core item elements.

* :class:`ItunesExtension`: channel and item ``itunes:image`` and ``itunes:explicit``
  (https://help.apple.com/itc/podcasts_connect/#/itcb54353390). feedgen writes explicit only
  as ``yes``/``no``/``clean`` where Apple wants ``true``/``false``, silently drops a channel
  image whose URL ends in ``.jpeg`` (or has a query) and refuses such an item image.
* :class:`PodcastIndexExtension`: the Podcasting 2.0 namespace,
  https://podcastindex.org/namespace/1.0. Registered as ``podcastindex``, since feedgen's
  iTunes extension owns the attribute ``podcast``; its XML prefix is ``podcast``.
* :class:`PscExtension`: Podlove Simple Chapters, https://podlove.org/simple-chapters/.
* :class:`ContentExtension`: ``content:encoded`` in CDATA
  (https://www.rssboard.org/rss-profile#namespace-elements-content-encoded), written whatever
  the description (feedgen moves its own CDATA into ``description`` when there is none).
* :class:`BuildDateExtension`: drops ``lastBuildDate`` (feedgen's default is "now").

Extensions are configured by setting their attributes (``fe.psc.chapters = [...]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from castline.timecode import format_seconds, format_vtt_timecode

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PSC_NS = "http://podlove.org/simple-chapters"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
#: ``psc:chapters`` version written (Podlove Simple Chapters 1.2).
PSC_VERSION = "1.2"


def feed_generator() -> Any:
    """A FeedGenerator with feedgen's iTunes extension and ours, always registered alike, so
    every feed it makes has the same namespace declarations (on ``<rss>``, feedgen's nsmap).

    feedgen and lxml are imported here, when a feed is made: a build that writes no feed (a
    no-change rebuild) does not load them."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("itunesfix", ItunesExtension, ItunesEntryExtension, atom=False)
    fg.register_extension(
        "podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension, atom=False
    )
    fg.register_extension("psc", PscExtension, PscEntryExtension, atom=False)
    fg.register_extension("htmlcontent", ContentExtension, ContentEntryExtension, atom=False)
    fg.register_extension("builddate", BuildDateExtension, atom=False)
    return fg


def _cdata(text: str) -> Any:
    """``text`` as a CDATA section; a ``]]>`` inside is written ``]]&gt;`` (same HTML)."""
    from lxml import etree

    return etree.CDATA(text.replace("]]>", "]]&gt;"))


def _sub(parent: Any, tag: str, text: str | None = None, **attributes: str | None) -> Any:
    """Append ``<tag>`` to ``parent`` with the attributes that are not ``None``."""
    from lxml import etree

    present = {name: value for name, value in attributes.items() if value is not None}
    element = etree.SubElement(parent, tag, present)
    if text is not None:
        element.text = text
    return element


class _Extension:
    """What feedgen asks of an extension, doing nothing: subclasses override what they add."""

    #: Prefix to namespace URI, declared on ``<rss>``.
    namespaces: ClassVar[dict[str, str]] = {}

    def extend_ns(self) -> dict[str, str]:
        return dict(self.namespaces)

    def extend_rss(self, element: Any) -> Any:
        return element

    def extend_atom(self, element: Any) -> Any:
        return element


# --- itunes: ---------------------------------------------------------------------------------


class ItunesExtension(_Extension):
    """Channel ``itunes:image`` (any JPEG/PNG name) and ``itunes:explicit`` ``true``/``false``."""

    namespaces: ClassVar[dict[str, str]] = {"itunes": ITUNES_NS}

    def __init__(self) -> None:
        self.image: str | None = None
        self.explicit: bool | None = None

    def extend_rss(self, feed: Any) -> Any:
        _itunes(feed[0], self.image, self.explicit)
        return feed


class ItunesEntryExtension(ItunesExtension):
    """Item ``itunes:image`` and ``itunes:explicit`` (left out: the show's value applies)."""

    def extend_rss(self, feed: Any) -> Any:
        _itunes(feed, self.image, self.explicit)
        return feed


def _itunes(parent: Any, image: str | None, explicit: bool | None) -> None:
    if image is not None:
        _sub(parent, f"{{{ITUNES_NS}}}image", href=image)
    if explicit is not None:
        _sub(parent, f"{{{ITUNES_NS}}}explicit", "true" if explicit else "false")


# --- podcast: --------------------------------------------------------------------------------


class PodcastIndexExtension(_Extension):
    """Channel ``podcast:guid``, ``locked``, ``funding``, ``person`` and ``medium``
    (https://podcastindex.org/namespace/1.0#guid and the sections of the other tags)."""

    namespaces: ClassVar[dict[str, str]] = {"podcast": PODCAST_NS}

    def __init__(self) -> None:
        self.guid: str | None = None
        #: ``("yes" | "no", owner e-mail or None)``.
        self.locked: tuple[str, str | None] | None = None
        #: ``(url, label)`` pairs.
        self.funding: list[tuple[str, str]] = []
        #: ``{"name", "role", "img", "href"}`` each (``None``: attribute left out).
        self.persons: list[Mapping[str, Any]] = []
        self.medium: str | None = None

    def extend_rss(self, feed: Any) -> Any:
        channel = feed[0]
        tag = f"{{{PODCAST_NS}}}"
        if self.guid is not None:
            _sub(channel, tag + "guid", self.guid)
        if self.locked is not None:
            value, owner = self.locked
            _sub(channel, tag + "locked", value, owner=owner)
        for url, label in self.funding:
            _sub(channel, tag + "funding", label, url=url)
        _persons(channel, self.persons)
        if self.medium is not None:
            _sub(channel, tag + "medium", self.medium)
        return feed


class PodcastIndexEntryExtension(_Extension):
    """Item ``podcast:season``, ``episode``, ``transcript``, ``chapters``, ``person`` and
    ``soundbite`` (https://podcastindex.org/namespace/1.0#transcript and the sections of the
    other tags)."""

    namespaces: ClassVar[dict[str, str]] = {"podcast": PODCAST_NS}

    def __init__(self) -> None:
        self.season: int | None = None
        self.episode: int | None = None
        #: ``(url, type, rel)`` triples.
        #: (url, type, rel, language) of each ``podcast:transcript``.
        self.transcripts: list[tuple[str, str, str | None, str | None]] = []
        #: ``(url, type)`` of the chapters file.
        self.chapters: tuple[str, str] | None = None
        self.persons: list[Mapping[str, Any]] = []
        #: ``(start ms, duration ms, title)`` triples.
        self.soundbites: list[tuple[int, int, str]] = []

    def extend_rss(self, entry: Any) -> Any:
        tag = f"{{{PODCAST_NS}}}"
        if self.season is not None:
            _sub(entry, tag + "season", str(self.season))
        if self.episode is not None:
            _sub(entry, tag + "episode", str(self.episode))
        for url, media_type, rel, language in self.transcripts:
            _sub(entry, tag + "transcript", url=url, type=media_type, language=language, rel=rel)
        if self.chapters is not None:
            url, media_type = self.chapters
            _sub(entry, tag + "chapters", url=url, type=media_type)
        _persons(entry, self.persons)
        for start_ms, duration_ms, title in self.soundbites:
            _sub(
                entry,
                tag + "soundbite",
                title or None,
                startTime=format_seconds(start_ms),
                duration=format_seconds(duration_ms),
            )
        return entry


def _persons(parent: Any, persons: Sequence[Mapping[str, Any]]) -> None:
    for person in persons:
        _sub(
            parent,
            f"{{{PODCAST_NS}}}person",
            person["name"],
            role=person["role"],
            img=person["img"],
            href=person["href"],
        )


# --- psc: ------------------------------------------------------------------------------------


class PscExtension(_Extension):
    """Declares the Podlove Simple Chapters namespace."""

    namespaces: ClassVar[dict[str, str]] = {"psc": PSC_NS}


class PscEntryExtension(PscExtension):
    """``<psc:chapters version="1.2">`` with one ``<psc:chapter start title href? image?>`` each
    (``start`` as ``HH:MM:SS.mmm``, a normal play time the specification accepts)."""

    def __init__(self) -> None:
        #: ``{"start_ms", "title", "href", "image"}`` each (``None``: attribute left out).
        self.chapters: list[Mapping[str, Any]] = []

    def extend_rss(self, entry: Any) -> Any:
        if self.chapters:
            chapters = _sub(entry, f"{{{PSC_NS}}}chapters", version=PSC_VERSION)
            for chapter in self.chapters:
                _sub(
                    chapters,
                    f"{{{PSC_NS}}}chapter",
                    start=format_vtt_timecode(chapter["start_ms"]),
                    title=chapter["title"],
                    href=chapter["href"],
                    image=chapter["image"],
                )
        return entry


# --- content: --------------------------------------------------------------------------------


class ContentExtension(_Extension):
    """Feed level of :class:`ContentEntryExtension` (feedgen declares ``content:`` itself)."""


class ContentEntryExtension(ContentExtension):
    """``content:encoded`` (the show notes as HTML) in CDATA; an HTML description in CDATA too."""

    def __init__(self) -> None:
        self.html: str | None = None
        self.description_html = False

    def extend_rss(self, entry: Any) -> Any:
        if self.description_html:
            description = entry.find("description")
            if description is not None and description.text:
                description.text = _cdata(description.text)
        if self.html:
            _sub(entry, f"{{{CONTENT_NS}}}encoded").text = _cdata(self.html)
        return entry


# --- lastBuildDate ---------------------------------------------------------------------------


class BuildDateExtension(_Extension):
    """Removes ``lastBuildDate`` when :attr:`drop` is set (feedgen writes "now" otherwise)."""

    def __init__(self) -> None:
        self.drop = False

    def extend_rss(self, feed: Any) -> Any:
        if self.drop:
            for element in feed[0].findall("lastBuildDate"):
                feed[0].remove(element)
        return feed
