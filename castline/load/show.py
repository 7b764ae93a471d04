"""show.yaml: the show's identity, owner and hosts, media, categories, funding and exporter options.

Keys follow the RSS elements they become (Apple Podcasts,
https://podcasters.apple.com/support/823-podcast-requirements, and the Podcasting 2.0
namespace, https://github.com/Podcastindex-org/podcast-namespace); a problem is reported at
its key's line and the value is ignored, so the rest of the show still loads.
"""

from __future__ import annotations

import dataclasses
import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from castline.diagnostics import rule
from castline.errors import ContentError
from castline.feed.artwork import read_artwork
from castline.load.fields import INVALID_ENTRY, OUT_OF_RANGE, WRONG_TYPE, FieldReader
from castline.load.files import OUTSIDE_CONTENT, inside, read_bounded
from castline.load.frontmatter import (
    NOT_A_MAPPING,
    KeyPath,
    RepeatedKey,
    decode,
    key_lines,
    kind_of,
    parse_yaml,
)
from castline.load.tags import SHOW_TAG_KEYS, read_show_tags
from castline.model import ArtworkInfo, Category, Funding, Limits, Person, Show, SourceRef
from castline.text import did_you_mean

#: The kinds of problem particular to show.yaml.
INVALID_IMAGE = rule(
    "L210",
    "invalid-image",
    "'image' is empty, or neither a URL nor a path inside the content folder",
)
INVALID_CATEGORY = rule("L211", "invalid-category", "a category is not 'Name' or 'Name > Sub'")
UNKNOWN_HOST = rule("L212", "unknown-host", "a host id names no profile in the people folder")
UNKNOWN_TIME_ZONE = rule("L213", "unknown-time-zone", "'timezone' is not an IANA time zone")
INVALID_MEDIA_URL = rule("L214", "invalid-media-url", "'media.url' does not contain '{slug}'")
UNKNOWN_KEY = rule("L215", "unknown-key", "show.yaml has a key castline does not know")
UNKNOWN_LIMIT = rule("L216", "unknown-limit", "'limits' names a limit castline does not know")

SHOW_FILE = "show.yaml"
#: The show.yaml keys castline knows; any other key is reported and kept in ``Show.extra``.
SHOW_KEYS = frozenset(
    [
        "title",
        "description",
        "language",
        "base_url",
        "assets_url",
        "link",
        "author",
        "owner",
        "image",
        "categories",
        "explicit",
        "copyright",
        "type",
        "guid",
        "locked",
        "funding",
        "hosts",
        "medium",
        "timezone",
        "episodes",
        "people",
        "media",
        "exporters",
        "youtube",
        "diagnostics",
        "limits",
        # The static Podcasting 2.0 and iTunes tags (castline.load.tags).
        *SHOW_TAG_KEYS,
    ]
)


@dataclass(frozen=True, slots=True)
class ShowFile:
    """show.yaml as parsed: its keys, the line of each place in it, and how messages name it."""

    data: Mapping[str, Any]
    lines: Mapping[KeyPath, int]
    display: str
    #: Each key given again in a mapping of it (:attr:`castline.load.frontmatter.Parsed.repeated`).
    repeated: tuple[RepeatedKey, ...] = ()


def read_show_file(path: Path, display: str) -> ShowFile:
    """Parse show.yaml (within the default :class:`~castline.model.Limits`); a missing file is
    an empty show.

    Raises:
        ContentError: not a regular file, too big, not UTF-8, not YAML, or not a mapping.
    """
    if not os.path.lexists(path):
        return ShowFile({}, {}, display)
    limits = Limits()
    text = decode(read_bounded(path, display, limits.file_bytes), display)
    parsed = parse_yaml(text, display, max_nodes=limits.yaml_nodes)
    data = {} if parsed.data is None else parsed.data
    if not isinstance(data, dict):
        raise ContentError(
            NOT_A_MAPPING,
            SourceRef(display, 1),
            f"show.yaml must be a mapping, not {kind_of(data)}",
        )
    data = {str(key): value for key, value in data.items()}
    return ShowFile(data, parsed.lines, display, parsed.repeated)


@dataclass(frozen=True, slots=True)
class Folders:
    """Where a content folder keeps its parts."""

    root: Path
    episodes_dir: str
    people_dir: str | None
    limits: Limits = dataclasses.field(default_factory=Limits)


def read_show(
    reader: FieldReader, raw: Mapping[str, Any], folders: Folders, people: Mapping[str, Person]
) -> Show:
    """The show from show.yaml's keys ``raw``; hosts are looked up in ``people``.

    Problems are reported in a fixed order: the grouped keys first, then the plain ones.
    """
    owner_name, owner_email = _owner(reader, raw)
    categories = _categories(reader, raw)
    funding = _funding(reader, raw)
    hosts = _hosts(reader, raw, folders.people_dir, people)
    timezone = _timezone(reader, raw)
    media_url, media_dir = _media(reader, raw)
    options = _exporter_options(reader, raw)
    image = _image(reader, raw)
    _report_unknown_keys(reader, raw)
    return Show(
        source=SourceRef(reader.path, 1),
        root=str(folders.root),
        episodes_dir=folders.episodes_dir,
        people_dir=folders.people_dir,
        title=reader.text(raw, "title"),
        description=reader.text(raw, "description"),
        language=reader.text(raw, "language"),
        base_url=reader.text(raw, "base_url"),
        assets_url=reader.text(raw, "assets_url"),
        link=reader.text(raw, "link"),
        author=reader.text(raw, "author"),
        owner_name=owner_name,
        owner_email=owner_email,
        image=image,
        image_file=_image_file(folders.root, image),
        tags=read_show_tags(reader, raw, people, zoneinfo.ZoneInfo(timezone)),
        categories=categories,
        explicit=reader.boolean(raw, "explicit", error=True),
        copyright=reader.text(raw, "copyright"),
        show_type=reader.text(raw, "type") or "episodic",
        guid=reader.text(raw, "guid"),
        locked=reader.boolean(raw, "locked"),
        funding=funding,
        hosts=hosts,
        medium=reader.text(raw, "medium"),
        timezone=timezone,
        media_url=media_url,
        media_dir=media_dir,
        exporter_options=options,
        limits=folders.limits,
        diagnostics_ignore=_selectors(reader, raw, "ignore"),
        diagnostics_error=_selectors(reader, raw, "error"),
        extra={key: value for key, value in raw.items() if key not in SHOW_KEYS},
        key_lines=key_lines(reader.lines, depth=2),
    )


def _image(reader: FieldReader, raw: Mapping[str, Any]) -> str | None:
    """``image``: a URL or a path inside the content folder. RSS: ``itunes:image``."""
    image = reader.text(raw, "image")
    if image is None and "image" in raw and not isinstance(raw["image"], bool | list | dict):
        reader.error(INVALID_IMAGE, "image", "'image' is empty: give the artwork's path or URL")
    if image is not None and "://" not in image and not inside(image):
        reader.error(
            INVALID_IMAGE,
            "image",
            f"'image' must be a URL or a path inside the content folder, not '{image}'",
        )
        image = None
    return image


def _owner(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``owner: {name, email}``. RSS: ``itunes:owner``."""
    owner = raw.get("owner")
    if isinstance(owner, dict):
        name = reader.text(owner, "name", label="owner.name")
        return name, reader.text(owner, "email", label="owner.email")
    if owner is not None:
        reader.warn(
            WRONG_TYPE, "owner", "'owner' must be a mapping with 'name' and 'email'; ignored"
        )
    return None, None


def _categories(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[Category, ...]:
    """``categories`` (or ``category``): ``Name``, ``Name > Sub`` or ``{name, subcategory}``."""
    categories: list[Category] = []
    entries = raw.get("categories", raw.get("category"))
    if isinstance(entries, str | dict):
        entries = [entries]
    if isinstance(entries, list):
        for entry in entries:
            category = _category(entry)
            if category is None:
                reader.error(
                    INVALID_CATEGORY,
                    "categories",
                    f"category {entry!r} is not 'Name' or 'Name > Sub'",
                )
            else:
                categories.append(category)
    elif entries is not None:
        reader.error(
            WRONG_TYPE, "categories", "'categories' must be a list of 'Name' or 'Name > Sub'"
        )
    return tuple(categories)


def _category(entry: object) -> Category | None:
    if isinstance(entry, str) and entry.strip():
        name, _, sub = (part.strip() for part in entry.partition(">"))
        return Category(name, sub or None)
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        subcategory = entry.get("subcategory")
        return Category(entry["name"].strip(), str(subcategory).strip() if subcategory else None)
    return None


def _funding(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[Funding, ...]:
    """``funding``: one or a list of ``{url, label}``. RSS: ``podcast:funding``."""
    funding: list[Funding] = []
    entries = raw.get("funding")
    if isinstance(entries, dict):
        entries = [entries]
    if entries is not None and not isinstance(entries, list):
        reader.warn(
            WRONG_TYPE,
            "funding",
            f"'funding' must be a list of {{url, label}}, not {kind_of(entries)}; ignored",
        )
        return ()
    for entry in entries or ():
        if isinstance(entry, dict) and entry.get("url"):
            funding.append(Funding(str(entry["url"]), str(entry.get("label") or "Support us")))
        else:
            reader.warn(
                INVALID_ENTRY,
                "funding",
                "each 'funding' entry needs a 'url' (and a 'label'); ignored",
            )
    return tuple(funding)


def _hosts(
    reader: FieldReader,
    raw: Mapping[str, Any],
    people_dir: str | None,
    people: Mapping[str, Person],
) -> tuple[Person, ...]:
    """``hosts``: profile ids; a host without a profile is named by the id."""
    hosts: list[Person] = []
    for host in reader.strings(raw, "hosts"):
        if host in people:
            hosts.append(people[host])
        else:
            reader.warn(
                UNKNOWN_HOST, "hosts", f"host '{host}' has no profile in {people_dir or 'people'}/"
            )
            hosts.append(Person(id=host, name=host))
    return tuple(hosts)


def _timezone(reader: FieldReader, raw: Mapping[str, Any]) -> str:
    """``timezone``: an IANA zone name, UTC when absent or unknown."""
    timezone = reader.text(raw, "timezone") or "UTC"
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        reader.error(UNKNOWN_TIME_ZONE, "timezone", f"unknown time zone '{timezone}'; using UTC")
        timezone = "UTC"
    return timezone


def _media(reader: FieldReader, raw: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``media: {url, folder}``: the enclosure URL pattern (with ``{slug}``) and local folder."""
    media = raw.get("media")
    if isinstance(media, dict):
        url = reader.text(media, "url", label="media.url")
        folder = reader.text(media, "folder", label="media.folder")
        if folder is not None and not inside(folder):
            reader.error(
                OUTSIDE_CONTENT,
                "media.folder",
                f"media folder '{folder}' is outside the content folder",
            )
            folder = None
        if url and "{slug}" not in url:
            reader.error(INVALID_MEDIA_URL, "media.url", "'media.url' must contain '{slug}'")
            url = None
        return url, folder
    if media is not None:
        reader.warn(
            WRONG_TYPE, "media", "'media' must be a mapping with 'url' and 'folder'; ignored"
        )
    return None, None


def _exporter_options(reader: FieldReader, raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``exporters``: each exporter's options, by exporter name."""
    options: dict[str, dict[str, Any]] = {}
    raw_options = raw.get("exporters")
    if isinstance(raw_options, dict):
        for name, value in raw_options.items():
            if value is None:
                value = {}
            if not isinstance(value, dict):
                reader.error(
                    WRONG_TYPE,
                    f"exporters.{name}",
                    f"options of exporter '{name}' must be a mapping",
                )
                continue
            options[str(name)] = {str(k): v for k, v in value.items()}
    elif raw_options is not None:
        reader.error(
            WRONG_TYPE, "exporters", "'exporters' must map exporter names to their options"
        )
    return options


def _image_file(root: Path, image: str | None) -> ArtworkInfo | None:
    """What the local ``image`` file is (read once per build, here), ``None`` for a URL."""
    if not image or "://" in image:
        return None
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(root / image)]) != real_root:
        return None  # a link out of the content folder: not published, not read (rss says so)
    return read_artwork(root / image, os.path.join(str(root), image))


def _selectors(reader: FieldReader, raw: Mapping[str, Any], which: str) -> tuple[str, ...]:
    """``diagnostics.ignore`` or ``diagnostics.error``: rule codes or names (checked against
    the rules by the build, which knows every exporter's)."""
    section = raw.get("diagnostics")
    if section is None:
        return ()
    if not isinstance(section, dict):
        if which == "ignore":
            reader.warn(
                WRONG_TYPE,
                "diagnostics",
                "'diagnostics' must be a mapping with 'ignore' and 'error'",
            )
        return ()
    return reader.strings(section, which)


def _report_unknown_keys(reader: FieldReader, raw: Mapping[str, Any]) -> None:
    for key in raw:
        if key not in SHOW_KEYS:
            hint = did_you_mean(str(key), SHOW_KEYS)
            reader.warn(UNKNOWN_KEY, key, f"unknown show.yaml key '{key}' (kept, unused){hint}")


def read_limits(reader: FieldReader, raw: Mapping[str, Any]) -> Limits:
    """``limits``: bounds on the files read, each a positive whole number (else an error, and
    the default is kept). See :class:`castline.model.Limits`."""
    given = raw.get("limits")
    if given is None:
        return Limits()
    if not isinstance(given, dict):
        reader.error(
            WRONG_TYPE, "limits", "'limits' must be a mapping of limit names to numbers; ignored"
        )
        return Limits()
    defaults = Limits()
    values: dict[str, int] = {}
    for name, value in given.items():
        key = f"limits.{name}"
        if not hasattr(defaults, str(name)):
            known = ", ".join(field.name for field in dataclasses.fields(Limits))
            reader.error(UNKNOWN_LIMIT, key, f"unknown limit '{name}' (known: {known}); ignored")
        elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            default = getattr(defaults, str(name))
            reader.error(
                OUT_OF_RANGE,
                key,
                f"'{key}' must be a positive whole number, not {value!r}; using {default:,}",
            )
        else:
            values[str(name)] = value
    return dataclasses.replace(defaults, **values)
