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

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from castline.timecode import format_seconds, format_vtt_timecode

if TYPE_CHECKING:
    from lxml import etree

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PSC_NS = "http://podlove.org/simple-chapters"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
ATOM_NS = "http://www.w3.org/2005/Atom"
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
    fg.register_extension("statictags", StaticTagsExtension, StaticTagsEntryExtension, atom=False)
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
        #: ``podcast:season name`` and ``podcast:episode display``.
        self.season_name: str | None = None
        self.episode_display: str | None = None
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
            _sub(entry, tag + "season", str(self.season), name=self.season_name)
        if self.episode is not None:
            _sub(entry, tag + "episode", str(self.episode), display=self.episode_display)
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
            group=person.get("group"),
            img=person["img"],
            href=person["href"],
        )


# --- the static tags: podcast: and itunes: from show.yaml and front matter -------------------


class StaticTagsExtension(_Extension):
    """The channel's static tags (https://github.com/Podcastindex-org/podcast-namespace,
    docs/tags/): ``podcast:txt``, ``license``, ``location``, ``image``, ``socialInteract``,
    ``trailer``, ``updateFrequency``, ``podroll``, ``block``, ``publisher``; ``itunes:title``,
    ``itunes:block``, ``itunes:complete`` (``Yes`` only: Apple reads no other value,
    https://help.apple.com/itc/podcasts_connect/#/itcb54353390) and ``itunes:new-feed-url``;
    then the raw ``feed_tags``. :attr:`data` is the JSON form the feed exporter makes."""

    def __init__(self) -> None:
        self.data: Mapping[str, Any] = {}

    def extend_rss(self, feed: Any) -> Any:
        _static_tags(feed[0], self.data)
        return feed


class StaticTagsEntryExtension(StaticTagsExtension):
    """The item's static tags: those the channel has too, and ``podcast:alternateEnclosure``."""

    def extend_rss(self, entry: Any) -> Any:
        _static_tags(entry, self.data)
        return entry


def _static_tags(parent: Any, data: Mapping[str, Any]) -> None:
    itunes, tag = f"{{{ITUNES_NS}}}", f"{{{PODCAST_NS}}}"
    if data.get("itunes_title"):
        _sub(parent, itunes + "title", data["itunes_title"])
    for name in ("block", "complete"):
        if data.get(f"itunes_{name}"):
            _sub(parent, itunes + name, "Yes")
    if data.get("new_feed_url"):
        _sub(parent, itunes + "new-feed-url", data["new_feed_url"])
    for txt in data.get("txt", ()):
        _sub(parent, tag + "txt", txt["text"], purpose=txt["purpose"])
    if data.get("license"):
        _sub(parent, tag + "license", data["license"]["name"], url=data["license"]["url"])
    for place in data.get("locations", ()):
        attributes = {key: place[key] for key in ("rel", "geo", "osm", "country")}
        _sub(parent, tag + "location", place["name"], **attributes)
    for image in data.get("images", ()):
        _sub(parent, tag + "image", **{key: _text(value) for key, value in image.items()})
    for social in data.get("social", ()):
        _sub(parent, tag + "socialInteract", **{k: _text(v) for k, v in social.items()})
    _channel_tags(parent, data)
    for alternate in data.get("alternate_enclosures", ()):
        _alternate_enclosure(parent, alternate)
    for text in data.get("raw", ()):
        parsed = parse_raw_tags(text)
        if isinstance(parsed, str):  # the loader checked it: a programming error
            raise ValueError(f"unchecked feed_tags entry: {parsed}")
        parent.extend(parsed)


def _channel_tags(parent: Any, data: Mapping[str, Any]) -> None:
    tag = f"{{{PODCAST_NS}}}"
    for trailer in data.get("trailers", ()):
        attributes = {k: _text(v) for k, v in trailer.items() if k != "title"}
        _sub(parent, tag + "trailer", trailer["title"], **attributes)
    frequency = data.get("update_frequency")
    if frequency:
        attributes = {k: _text(v) for k, v in frequency.items() if k != "text"}
        _sub(parent, tag + "updateFrequency", frequency["text"], **attributes)
    if data.get("podroll"):
        podroll = _sub(parent, tag + "podroll")
        for item in data["podroll"]:
            _sub(podroll, tag + "remoteItem", **item)
    for block in data.get("blocks", ()):
        _sub(parent, tag + "block", "yes" if block["blocked"] else "no", id=block["service"])
    if data.get("publisher"):
        publisher = _sub(parent, tag + "publisher")
        _sub(publisher, tag + "remoteItem", **data["publisher"])


def _alternate_enclosure(parent: Any, alternate: Mapping[str, Any]) -> None:
    tag = f"{{{PODCAST_NS}}}"
    skip = ("sources", "integrity")
    attributes = {k: _text(v) for k, v in alternate.items() if k not in skip}
    element = _sub(parent, tag + "alternateEnclosure", **attributes)
    for source in alternate["sources"]:
        _sub(element, tag + "source", uri=source["uri"], contentType=source["content_type"])
    if alternate.get("integrity"):
        kind, value = alternate["integrity"]
        _sub(element, tag + "integrity", type=kind, value=value)


def _text(value: Any) -> str | None:
    """An attribute value as the namespace writes it: booleans ``true``/``false``, numbers
    as digits (``96000``, ``160707.74``)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: The prefixes a ``feed_tags`` fragment may use without declaring them: the feed's own.
RAW_PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "itunes": ITUNES_NS,
        "podcast": PODCAST_NS,
        "psc": PSC_NS,
        "content": CONTENT_NS,
        "atom": ATOM_NS,
    }
)


def parse_raw_tags(text: str) -> list[Any] | str:
    """The elements of a ``feed_tags`` fragment, or why it cannot go into the feed.

    The fragment is well-formed XML of one or more elements (whitespace and comments between
    them), each element and every element inside it in a namespace: one of the feed's prefixes
    (:data:`RAW_PREFIXES`) or one it declares itself (``xmlns:x="..."``). An element in no
    namespace would be RSS's own, which castline writes. Entities are not expanded, no DTD is
    read and nothing is fetched.

    >>> [e.tag for e in parse_raw_tags('<podcast:podping usesPodping="true"/>')]
    ['{https://podcastindex.org/namespace/1.0}podping']
    >>> parse_raw_tags("<title>x</title>")
    "<title> is in no namespace (the RSS elements are castline's to write): give it a prefix"
    >>> parse_raw_tags("<podcast:txt>a</podcast:tx>")
    'not well-formed XML: Opening and ending tag mismatch: txt line 1 and tx (line 1, column 28)'
    """
    from lxml import etree

    declarations = " ".join(f'xmlns:{p}="{uri}"' for p, uri in RAW_PREFIXES.items())
    wrapped = f"<castline-raw {declarations}>{text}</castline-raw>"
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(wrapped.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        return f"not well-formed XML: {_syntax_message(error, len(declarations) + 15)}"
    if (root.text or "").strip() or any((child.tail or "").strip() for child in root):
        return "has text outside an element: give only elements"
    for inner in root.iterdescendants():
        if not isinstance(inner.tag, str):
            if not isinstance(inner, etree._Comment):
                return "holds a processing instruction, which a feed tag must not"
        elif etree.QName(inner).namespace is None:
            name = etree.QName(inner).localname
            return (
                f"<{name}> is in no namespace (the RSS elements are castline's to write): "
                "give it a prefix"
            )
    elements = [child for child in root if isinstance(child.tag, str)]
    return elements or "holds no element"


def _syntax_message(error: etree.XMLSyntaxError, shift: int) -> str:
    """lxml's message for a fragment, its column counted in the fragment, not the wrapper."""
    message = str(error.msg).strip()
    unclosed = re.match(
        r"Opening and ending tag mismatch: (\S+) line \d+ and castline-raw", message
    )
    if unclosed:
        return f"<{unclosed.group(1)}> is not closed"
    line, column = error.position
    if line == 1:
        column -= shift
    message = re.sub(r", line 1, column \d+$", "", message)
    return f"{message.split(', line ')[0]} (line {line}, column {max(column, 1)})"


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
