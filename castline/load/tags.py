"""The static Podcasting 2.0 and iTunes tags of show.yaml and front matter, checked by the
namespace's rules (:mod:`castline.feed.namespace`; https://github.com/Podcastindex-org/
podcast-namespace/blob/main/docs/1.0.md and the per-tag documents in docs/tags/).

Each key takes one entry or a list of them; an entry is a mapping (or, where it says so, a
text). A problem is reported at the line of the field (else of its entry) and the tag, or the
field when it is optional, is left out: an error for what the namespace forbids, a warning when
a display text is cut to the namespace's length.

show.yaml: ``txt``, ``license``, ``location``, ``images``, ``social_interact``, ``credits``,
``itunes`` (``title``, ``block``, ``complete``, ``new_feed_url``), ``feed_tags``, ``trailers``,
``update_frequency``, ``podroll``, ``block``, ``publisher``. Front matter: ``txt``, ``license``,
``location``, ``images``, ``social_interact``, ``credits``, ``itunes`` (``title``, ``block``),
``feed_tags``, ``alternate_enclosures``, ``season_name``, ``episode_display``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree

from castline.diagnostics import Rule, rule
from castline.feed import namespace as ns
from castline.feed.rules import MEDIUMS, PODCAST_TEXT_MAX, is_https
from castline.load.fields import WRONG_TYPE, FieldReader
from castline.load.frontmatter import KeyPath, kind_of
from castline.model import (
    AlternateEnclosure,
    Block,
    Credit,
    Image,
    License,
    Location,
    MediaSource,
    Person,
    RawTag,
    RemoteItem,
    SocialInteract,
    SourceRef,
    Tags,
    Trailer,
    Txt,
    UpdateFrequency,
)
from castline.text import did_you_mean

MISSING_TAG_FIELD = rule(
    "L250", "missing-tag-field", "a podcast: or itunes: tag lacks a field it requires; left out"
)
UNKNOWN_TAG_VALUE = rule(
    "L251",
    "unknown-tag-value",
    "a value is not on the namespace's list (service, protocol, role, group, medium, rel); "
    "left out",
)
MALFORMED_TAG_VALUE = rule(
    "L252",
    "malformed-tag-value",
    "a value is not of the form its tag needs (geo URI, OSM id, country, media type, UUID, "
    "recurrence rule, date, number); left out",
)
TAG_TEXT_TOO_LONG = rule(
    "L253",
    "tag-text-too-long",
    "a text is longer than the namespace allows: a display text is cut, any other left out",
)
TAG_URL_NOT_HTTPS = rule(
    "L254", "tag-url-not-https", "a URL of a podcast: tag is not https, as the namespace requires"
)
INVALID_RAW_TAG = rule(
    "L255",
    "invalid-raw-tag",
    "a 'feed_tags' entry is not well-formed XML of namespaced elements; left out",
)
UNKNOWN_TAG_FIELD = rule(
    "L256", "unknown-tag-field", "a tag's entry has a field castline does not know; ignored"
)

#: The tag keys of show.yaml and of front matter.
SHOW_TAG_KEYS = (
    *("txt", "license", "location", "images", "social_interact", "credits", "itunes"),
    *("feed_tags", "trailers", "update_frequency", "podroll", "block", "publisher"),
)
EPISODE_TAG_KEYS = (
    *("txt", "license", "location", "images", "social_interact", "credits", "itunes"),
    *("feed_tags", "alternate_enclosures", "season_name", "episode_display"),
)
#: How messages name the one-text form of an entry, by the field it fills.
_SHORT = {
    "text": "a text",
    "name": "a name",
    "href": "a URL",
    "protocol": "a protocol",
    "xml": "an XML text",
}
_ITUNES_FIELDS = {
    "show": ("title", "block", "complete", "new_feed_url"),
    "episode": ("title", "block"),
}


class _Entry:
    """One entry of a tag key: its fields, where it is, and typed reads that report problems
    at the field's line."""

    def __init__(
        self, reader: FieldReader, path: KeyPath, data: Mapping[str, Any], label: str
    ) -> None:
        self.reader, self.path, self.data, self.label = reader, path, data, label
        self.source = reader.at(path, reader.where(str(path[0])))

    def at(self, name: str) -> SourceRef:
        return self.reader.at((*self.path, name), self.source)

    def error(self, kind: Rule, name: str | None, message: str) -> None:
        """Report an error of ``kind`` at field ``name`` (``None``: the entry)."""
        where = self.source if name is None else self.at(name)
        self.reader.sink.append(kind.error(where, self.labelled(message)))

    def warn(self, kind: Rule, name: str | None, message: str) -> None:
        """Report a warning of ``kind`` at field ``name`` (``None``: the entry)."""
        where = self.source if name is None else self.at(name)
        self.reader.sink.append(kind.warning(where, self.labelled(message)))

    def labelled(self, message: str) -> str:
        return f"{self.label}: {message}" if self.label else message

    def known(self, fields: tuple[str, ...]) -> None:
        for name in self.data:
            if str(name) not in fields:
                hint = did_you_mean(str(name), fields)
                message = f"unknown field '{name}'{hint}; ignored"
                self.warn(UNKNOWN_TAG_FIELD, str(name), message)

    def text(self, name: str, *, limit: int | None = None, cut: bool = True) -> str | None:
        """A text field; longer than ``limit``: cut (a warning) or, without ``cut``, left out."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool | list | dict):
            self.error(WRONG_TYPE, name, f"'{name}' must be text, not {kind_of(value)}; left out")
            return None
        text = self.reader.clean(str(value), self.at(name), name).strip()
        if limit is None or len(text) <= limit:
            return text or None
        if not cut:
            self.error(
                TAG_TEXT_TOO_LONG,
                name,
                f"'{name}' is {len(text)} characters, more than the {limit} the namespace "
                "allows; left out",
            )
            return None
        self.warn(
            TAG_TEXT_TOO_LONG,
            name,
            f"'{name}' is {len(text)} characters; cut to the namespace's {limit}",
        )
        return text[: limit - 1].rstrip() + "…"

    def required(self, name: str, **options: Any) -> str | None:
        value = self.text(name, **options)
        if value is None and name not in self.data:
            self.error(MISSING_TAG_FIELD, None, f"missing '{name}'; left out")
        return value

    def checked(self, name: str, problem: Any) -> str | None:
        """A text field that ``problem`` (a check of :mod:`castline.feed.namespace`) accepts."""
        value = self.text(name)
        found = None if value is None else problem(value)
        if found is not None:
            self.error(_kind(found), name, f"'{name}' {found}; left out")
            return None
        return value

    def url(self, name: str, *, https: bool = True) -> str | None:
        """A URL field: absolute ones must be https (relative ones are joined to an https base
        by the feed)."""
        value = self.text(name)
        if value is not None and https and "://" in value and not is_https(value):
            self.error(
                TAG_URL_NOT_HTTPS,
                name,
                f"'{name}' {value} is not https, which the podcast namespace requires; left out",
            )
            return None
        return value

    def number(self, name: str, *, whole: bool = True, positive: bool = False) -> Any:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 20:
            value = int(value)
        good = isinstance(value, int) if whole else isinstance(value, int | float)
        if isinstance(value, bool) or not good or not math.isfinite(value) or value < positive:
            what = "a whole number" if whole else "a number"
            floor = "above 0" if positive else "from 0"
            self.error(
                MALFORMED_TAG_VALUE,
                name,
                f"'{name}' must be {what} {floor}, not {value!r}; left out",
            )
            return None
        return value

    def boolean(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None or isinstance(value, bool):
            return value
        self.error(WRONG_TYPE, name, f"'{name}' must be true or false, not {value!r}; left out")
        return None

    def choice(self, name: str, known: tuple[str, ...], what: str) -> str | None:
        return self.checked(name, lambda value: ns.choice_problem(value, known, what))


def _kind(problem: str) -> Rule:
    return (
        UNKNOWN_TAG_VALUE
        if "namespace's list" in problem or "taxonomy" in problem
        else (MALFORMED_TAG_VALUE)
    )


def _entries(
    reader: FieldReader, raw: Mapping[str, Any], key: str, *, shorthand: str | None = None
) -> Iterator[_Entry]:
    """Each entry of ``raw[key]`` (one, or a list); a text is ``{shorthand: text}``."""
    value = raw.get(key)
    if value is None:
        return
    many = isinstance(value, list)
    for index, item in enumerate(value if many else [value]):
        path: KeyPath = (key, index) if many else (key,)
        label = f"'{key}' entry {index + 1}" if many else f"'{key}'"
        if (
            shorthand is not None
            and isinstance(item, str | int | float)
            and not isinstance(item, bool)
        ):
            item = {shorthand: str(item)}
        if not isinstance(item, dict):
            shape = "a mapping" if shorthand is None else f"a mapping or {_SHORT[shorthand]}"
            where = reader.at(path, reader.where(key))
            message = f"{label} must be {shape}, not {kind_of(item)}; left out"
            reader.sink.append(WRONG_TYPE.error(where, message))
            continue
        yield _Entry(reader, path, {str(k): v for k, v in item.items()}, label)


# --- the tags --------------------------------------------------------------------------------


def _txt(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[Txt, ...]:
    """``txt``: ``{text, purpose}`` or a text. RSS: ``podcast:txt``."""
    found: list[Txt] = []
    for entry in _entries(reader, raw, "txt", shorthand="text"):
        entry.known(("text", "purpose"))
        purpose = entry.text("purpose", limit=ns.PURPOSE_MAX, cut=False)
        if purpose is None and entry.data.get("purpose") is not None:
            continue
        text = entry.required("text", limit=ns.TXT_MAX, cut=False)
        if text is not None:
            found.append(Txt(text, purpose, entry.source))
    return tuple(found)


def _license(reader: FieldReader, raw: Mapping[str, Any]) -> License | None:
    """``license``: a slug of the namespace's list, or ``{name, url}``. RSS: ``podcast:license``."""
    for entry in _entries(reader, raw, "license", shorthand="name"):
        entry.known(("name", "url"))
        name = entry.required("name", limit=PODCAST_TEXT_MAX, cut=False)
        url = entry.url("url")
        if name is None or (url is None and entry.data.get("url") is not None):
            return None
        known = ns.known_license(name)
        if known is None and url is None:
            slugs = ", ".join(ns.LICENSES)
            entry.error(
                MISSING_TAG_FIELD,
                "name",
                f"'{name}' is not on the namespace's license list ({slugs}), so it needs a "
                "'url' to the license's text; left out",
            )
            return None
        return License(known or name, url, entry.source)
    return None


def _locations(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[Location, ...]:
    """``location``: ``{name, rel, geo, osm, country}``. RSS: ``podcast:location``."""
    found: list[Location] = []
    for entry in _entries(reader, raw, "location", shorthand="name"):
        entry.known(("name", "rel", "geo", "osm", "country"))
        name = entry.required("name", limit=PODCAST_TEXT_MAX)
        country = entry.text("country")
        fields = {
            "rel": entry.choice("rel", ns.LOCATION_RELS, "location rel"),
            "geo": entry.checked("geo", ns.geo_problem),
            "osm": entry.checked("osm", ns.osm_problem),
            "country": None if country is None else entry.checked("country", _country),
        }
        if name is not None:
            upper = fields["country"].upper() if fields["country"] else None
            found.append(Location(name, entry.source, **{**fields, "country": upper}))
    return tuple(found)


def _country(value: str) -> str | None:
    return ns.country_problem(value.upper())


def _images(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[Image, ...]:
    """``images``: ``{href, alt, aspect_ratio, width, height, type, purpose}`` or an href.
    RSS: ``podcast:image``."""
    found: list[Image] = []
    for entry in _entries(reader, raw, "images", shorthand="href"):
        entry.known(("href", "alt", "aspect_ratio", "width", "height", "type", "purpose"))
        href = entry.url("href")
        if href is None:
            if "href" not in entry.data:
                entry.error(MISSING_TAG_FIELD, None, "missing 'href'; left out")
            continue
        purpose = entry.text("purpose", limit=ns.PURPOSE_MAX, cut=False)
        found.append(
            Image(
                href,
                entry.source,
                alt=entry.text("alt"),
                aspect_ratio=entry.checked("aspect_ratio", ns.ratio_problem),
                width=entry.number("width", positive=True),
                height=entry.number("height", positive=True),
                media_type=entry.checked("type", ns.media_type_problem),
                purpose=" ".join(purpose.split()) if purpose else None,
            )
        )
    return tuple(found)


def _social(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[SocialInteract, ...]:
    """``social_interact``: ``{protocol, uri, account_id, account_url, priority}``.
    RSS: ``podcast:socialInteract`` (``protocol: disabled`` alone: no comments wanted)."""
    found: list[SocialInteract] = []
    for entry in _entries(reader, raw, "social_interact", shorthand="protocol"):
        entry.known(("protocol", "uri", "account_id", "account_url", "priority"))
        protocol = entry.choice("protocol", ns.SOCIAL_PROTOCOLS, "social protocol")
        if protocol is None:
            if "protocol" not in entry.data:
                entry.error(MISSING_TAG_FIELD, None, "missing 'protocol'; left out")
            continue
        uri = entry.checked("uri", ns.uri_problem)
        if uri is None and protocol != "disabled":
            if "uri" not in entry.data:
                entry.error(MISSING_TAG_FIELD, None, "missing 'uri' (the root post); left out")
            continue
        found.append(
            SocialInteract(
                protocol,
                entry.source,
                uri,
                entry.text("account_id"),
                entry.url("account_url"),
                entry.number("priority"),
            )
        )
    return tuple(found)


def _credits(
    reader: FieldReader, raw: Mapping[str, Any], people: Mapping[str, Person]
) -> tuple[Credit, ...]:
    """``credits``: ``{person, role, group}`` (a profile id) or ``{name, role, group}``.
    RSS: ``podcast:person`` with a role and group of the podcast taxonomy."""
    found: list[Credit] = []
    for entry in _entries(reader, raw, "credits"):
        entry.known(("person", "name", "role", "group"))
        person_id, name = entry.text("person"), entry.text("name", limit=PODCAST_TEXT_MAX)
        person = people.get(person_id) if person_id else None
        if person_id and person is None:
            hint = did_you_mean(person_id, people)
            entry.error(UNKNOWN_TAG_VALUE, "person", f"no profile '{person_id}'{hint}; left out")
            continue
        if person is None and name is None:
            entry.error(MISSING_TAG_FIELD, None, "missing 'person' (a profile id) or 'name'")
            continue
        role, group = entry.text("role"), entry.text("group")
        if role is None:
            entry.error(MISSING_TAG_FIELD, None, "missing 'role' (one of the podcast taxonomy)")
            continue
        taxonomy = ns.person_role(role, group)
        if isinstance(taxonomy, str):
            field = "group" if taxonomy.startswith("group") else "role"
            entry.error(UNKNOWN_TAG_VALUE, field, taxonomy)
            continue
        person = person or Person(id="", name=name or "", source=entry.source)
        found.append(Credit(person, taxonomy[0], taxonomy[1], entry.source))
    return tuple(found)


def _itunes(reader: FieldReader, raw: Mapping[str, Any], which: str) -> dict[str, Any]:
    """``itunes``: ``{title, block}`` (and, in show.yaml, ``complete``, ``new_feed_url``)."""
    values: dict[str, Any] = {}
    for entry in _entries(reader, raw, "itunes"):
        entry.known(_ITUNES_FIELDS[which])
        values["itunes_title"] = entry.text("title")
        values["itunes_block"] = bool(entry.boolean("block"))
        if which == "show":
            values["itunes_complete"] = bool(entry.boolean("complete"))
            new_feed = entry.checked("new_feed_url", ns.uri_problem)
            if new_feed is not None and not new_feed.startswith(("https://", "http://")):
                entry.error(MALFORMED_TAG_VALUE, "new_feed_url", f"'{new_feed}' is not a URL")
                new_feed = None
            values["new_feed_url"] = new_feed
    return values


def _raw_tags(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[RawTag, ...]:
    """``feed_tags``: XML texts written into the channel or item as given, once checked."""
    found: list[RawTag] = []
    for entry in _entries(reader, raw, "feed_tags", shorthand="xml"):
        entry.known(("xml",))
        text = entry.required("xml")
        if text is None:
            continue
        parsed = ns.parse_raw_tags(text)
        if isinstance(parsed, str):
            entry.error(INVALID_RAW_TAG, None, f"{parsed}; left out")
            continue
        written = [e for e in parsed if etree.QName(e).text in ns.WRITTEN_ONCE]
        if written:
            name = f"{written[0].prefix}:{etree.QName(written[0]).localname}"
            message = (
                f"<{name}> is a tag castline writes itself, and the namespace allows it once: "
                "give it by its own key; left out"
            )
            entry.error(INVALID_RAW_TAG, None, message)
            continue
        found.append(RawTag(text, entry.source))
    return tuple(found)


# --- channel only ----------------------------------------------------------------------------


def _trailers(reader: FieldReader, raw: Mapping[str, Any], zone: dt.tzinfo) -> tuple[Trailer, ...]:
    """``trailers``: ``{title, url, date, length, type, season}``. RSS: ``podcast:trailer``."""
    found: list[Trailer] = []
    for entry in _entries(reader, raw, "trailers"):
        entry.known(("title", "url", "date", "length", "type", "season"))
        title = entry.required("title", limit=PODCAST_TEXT_MAX)
        url = entry.url("url")
        if url is None and "url" not in entry.data:
            entry.error(MISSING_TAG_FIELD, None, "missing 'url'; left out")
        published = _date(entry, "date", zone)
        if published is None and "date" not in entry.data:
            entry.error(MISSING_TAG_FIELD, None, "missing 'date' (its pubdate); left out")
        if title is None or url is None or published is None:
            continue
        length, season = entry.number("length"), entry.number("season", positive=True)
        media_type = entry.checked("type", ns.media_type_problem)
        found.append(Trailer(title, url, published, entry.source, length, media_type, season))
    return tuple(found)


def _date(entry: _Entry, name: str, zone: dt.tzinfo) -> dt.datetime | None:
    """A date or date and time (YAML's, or ISO 8601 text); a bare one takes the show's zone."""
    value = entry.data.get(name)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.datetime.fromisoformat(value.strip())
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=zone)
    if value is not None:
        entry.error(
            MALFORMED_TAG_VALUE,
            name,
            f"'{name}' {value!r} is not a date (YYYY-MM-DD[ HH:MM]); left out",
        )
    return None


def _update_frequency(
    reader: FieldReader, raw: Mapping[str, Any], zone: dt.tzinfo
) -> UpdateFrequency | None:
    """``update_frequency``: ``{text, rrule, complete, dtstart}``.
    RSS: ``podcast:updateFrequency``."""
    for entry in _entries(reader, raw, "update_frequency", shorthand="text"):
        entry.known(("text", "rrule", "complete", "dtstart"))
        text = entry.required("text", limit=PODCAST_TEXT_MAX)
        start = _date(entry, "dtstart", zone)
        dtstart = None if start is None else start.isoformat()
        if start is None and entry.data.get("dtstart") is not None:
            return None
        rrule = entry.checked("rrule", functools.partial(_rrule_problem, dtstart=dtstart))
        if text is None or (rrule is None and entry.data.get("rrule") is not None):
            return None
        return UpdateFrequency(text, entry.source, rrule, entry.boolean("complete"), dtstart)
    return None


def _rrule_problem(value: str, dtstart: str | None) -> str | None:
    return ns.rrule_problem(value, dtstart)


def _remote_item(entry: _Entry, *, medium: str | None = None) -> RemoteItem | None:
    """A ``podcast:remoteItem``: ``{guid, url, item_guid, medium, title}``."""
    entry.known(("guid", "url", "item_guid", "medium", "title"))
    guid = entry.checked("guid", ns.feed_guid_problem)
    if guid is None:
        if "guid" not in entry.data:
            entry.error(MISSING_TAG_FIELD, None, "missing 'guid' (the feed's podcast:guid)")
        return None
    return RemoteItem(
        guid,
        entry.source,
        feed_url=entry.url("url"),
        item_guid=entry.text("item_guid"),
        medium=medium or entry.choice("medium", MEDIUMS, "medium"),
        title=entry.text("title", limit=PODCAST_TEXT_MAX),
    )


def _podroll(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[RemoteItem, ...]:
    """``podroll``: shows recommended, each ``{guid, url, title, medium}``.
    RSS: ``podcast:podroll`` of ``podcast:remoteItem``."""
    items = (_remote_item(entry) for entry in _entries(reader, raw, "podroll"))
    return tuple(item for item in items if item is not None)


def _publisher(reader: FieldReader, raw: Mapping[str, Any]) -> RemoteItem | None:
    """``publisher``: the publisher feed ``{guid, url}``. RSS: ``podcast:publisher``."""
    for entry in _entries(reader, raw, "publisher"):
        if "medium" in entry.data:
            message = "a publisher's medium is always 'publisher'"
            entry.warn(UNKNOWN_TAG_FIELD, "medium", message)
        return _remote_item(entry, medium="publisher")
    return None


def _blocks(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[Block, ...]:
    """``block``: ``true``/``false`` (every platform), a list of service slugs (blocked), or a
    mapping of slugs (``all`` for every platform) to ``true``/``false``. RSS: ``podcast:block``."""
    value = raw.get("block")
    where = reader.where("block")
    if value is None:
        return ()
    if isinstance(value, bool):
        return (Block(None, value, where),)
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        value = (
            {item: True for item in value if isinstance(item, str)}
            if all(isinstance(item, str) for item in value)
            else None
        )
    if not isinstance(value, dict):
        reader.error(
            WRONG_TYPE,
            "block",
            "'block' must be true, false, a list of services or a mapping of "
            "services to true or false; left out",
        )
        return ()
    return tuple(_block_entries(reader, value))


def _block_entries(reader: FieldReader, value: Mapping[Any, Any]) -> Iterator[Block]:
    for service, blocked in value.items():
        where = reader.at(("block", str(service)), reader.where("block"))
        slug = str(service)
        problem = None if slug == "all" else ns.choice_problem(slug, ns.SERVICE_SLUGS, "service")
        if problem is not None:
            reader.sink.append(UNKNOWN_TAG_VALUE.error(where, f"'block': {problem}; left out"))
        elif not isinstance(blocked, bool):
            message = f"'block': '{slug}' must be true or false, not {blocked!r}; left out"
            reader.sink.append(WRONG_TYPE.error(where, message))
        else:
            yield Block(None if slug == "all" else slug, blocked, where)


# --- item only -------------------------------------------------------------------------------


def _alternate_enclosures(
    reader: FieldReader, raw: Mapping[str, Any]
) -> tuple[AlternateEnclosure, ...]:
    """``alternate_enclosures``: ``{type, length, bitrate, height, lang, title, rel, codecs,
    default, sources, integrity}``. RSS: ``podcast:alternateEnclosure``."""
    found: list[AlternateEnclosure] = []
    fields = ("type", "length", "bitrate", "height", "lang", "title", "rel", "codecs", "default")
    for entry in _entries(reader, raw, "alternate_enclosures"):
        entry.known((*fields, "sources", "integrity"))
        media_type = entry.checked("type", ns.media_type_problem)
        if media_type is None and "type" not in entry.data:
            entry.error(MISSING_TAG_FIELD, None, "missing 'type' (a media type); left out")
        sources = _sources(entry)
        if media_type is None or not sources:
            continue
        found.append(
            AlternateEnclosure(
                media_type,
                sources,
                entry.source,
                length=entry.number("length"),
                bitrate=entry.number("bitrate", whole=False, positive=True),
                height=entry.number("height", positive=True),
                lang=entry.checked("lang", ns.language_tag_problem),
                title=entry.text("title", limit=ns.SHORT_TEXT_MAX),
                rel=entry.text("rel", limit=ns.SHORT_TEXT_MAX),
                codecs=entry.text("codecs"),
                default=entry.boolean("default"),
                integrity=_integrity(entry),
            )
        )
    return tuple(found)


def _sources(entry: _Entry) -> tuple[MediaSource, ...]:
    """``sources``: URIs, or ``{uri, type}``; at least one (the namespace requires it)."""
    value = entry.data.get("sources")
    items = value if isinstance(value, list) else [] if value is None else [value]
    found: list[MediaSource] = []
    for item in items:
        data = {"uri": item} if isinstance(item, str) else item
        uri = str(data.get("uri") or "") if isinstance(data, dict) else ""
        problem = ns.uri_problem(uri) if uri else "has no 'uri'"
        content_type = data.get("type") if isinstance(data, dict) else None
        if problem is None and content_type is not None:
            problem = ns.media_type_problem(str(content_type))
        if problem is None and uri.startswith("http://"):
            problem = f"'{uri}' is not https, which the podcast namespace requires"
        if problem is not None:
            entry.error(MALFORMED_TAG_VALUE, "sources", f"a source {problem}; left out")
            continue
        found.append(MediaSource(uri, None if content_type is None else str(content_type)))
    if not found and not items:
        entry.error(MISSING_TAG_FIELD, None, "missing 'sources' (at least one URI); left out")
    return tuple(found)


def _integrity(entry: _Entry) -> tuple[str, str] | None:
    value = entry.data.get("integrity")
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    text = value.get("value") if isinstance(value, dict) else None
    if kind not in ns.INTEGRITY_TYPES or not isinstance(text, str) or not text.strip():
        entry.error(
            MALFORMED_TAG_VALUE,
            "integrity",
            "'integrity' must be {type: sri or pgp-signature, value: ...}; left out",
        )
        return None
    return str(kind), text.strip()


# --- the two readers -------------------------------------------------------------------------


def read_show_tags(
    reader: FieldReader, raw: Mapping[str, Any], people: Mapping[str, Person], zone: dt.tzinfo
) -> Tags:
    """The channel's static tags from show.yaml."""
    return Tags(
        **_common(reader, raw, people),
        **_itunes(reader, raw, "show"),
        trailers=_trailers(reader, raw, zone),
        update_frequency=_update_frequency(reader, raw, zone),
        podroll=_podroll(reader, raw),
        blocks=_blocks(reader, raw),
        publisher=_publisher(reader, raw),
    )


def read_episode_tags(
    reader: FieldReader, raw: Mapping[str, Any], people: Mapping[str, Person]
) -> Tags:
    """The item's static tags from front matter."""
    season_name = _numbered(reader, raw, "season_name", "season", PODCAST_TEXT_MAX)
    display = _numbered(reader, raw, "episode_display", "episode", ns.SHORT_TEXT_MAX)
    return Tags(
        **_common(reader, raw, people),
        **_itunes(reader, raw, "episode"),
        alternate_enclosures=_alternate_enclosures(reader, raw),
        season_name=season_name,
        episode_display=display,
    )


def _numbered(
    reader: FieldReader, raw: Mapping[str, Any], key: str, number: str, limit: int
) -> str | None:
    """``season_name`` or ``episode_display``: the name of the ``season`` or ``episode``
    number, which ``podcast:season``/``podcast:episode`` carry (none without the number)."""
    entry = _Entry(reader, (key,), {key: raw.get(key)}, "")
    text = entry.text(key, limit=limit)
    if text is not None and raw.get(number) is None:
        entry.warn(
            MISSING_TAG_FIELD,
            key,
            f"'{key}' names the '{number}' number, which is missing; ignored",
        )
        return None
    return text


def _common(
    reader: FieldReader, raw: Mapping[str, Any], people: Mapping[str, Person]
) -> dict[str, Any]:
    return {
        "txt": _txt(reader, raw),
        "license": _license(reader, raw),
        "locations": _locations(reader, raw),
        "images": _images(reader, raw),
        "social": _social(reader, raw),
        "credits": _credits(reader, raw, people),
        "raw": _raw_tags(reader, raw),
    }
