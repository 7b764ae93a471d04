"""The loader: a content folder in, the :mod:`castline.model` out, with every problem reported.

Content layout (``show.yaml`` is optional; a bare folder of episodes builds transcripts)::

    content/
      show.yaml          the show; names the episode and people folders
      episodes/*.md      (else _podcast/*.md, as Jekyll sites have it; else the folder itself)
      people/*.md        (else _people/*.md) guest and host profiles

Files whose names start with ``_`` are drafts or templates (the Jekyll convention) and are
skipped. An episode with an error is skipped and reported; every other episode still loads.
Suspicious data that has a sound repair is repaired and reported as a warning.

Transcript grammar (the DataTalks.Club ``_podcast`` style)::

    transcript:
    - header: Section title          # optional sec/time: the section's own start
    - line: Paragraph text           # required, non-empty
      who: Speaker name              # optional
      sec: 92                        # optional, seconds (preferred)
      time: '1:32'                   # optional, M:SS / MM:SS / H:MM:SS
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from castline.diagnostics import Diagnostic
from castline.errors import ContentError
from castline.feed.imagesize import read_image_size
from castline.load.frontmatter import Document, decode, kind_of, parse_document, parse_yaml
from castline.model import (
    Category,
    Chapter,
    Enclosure,
    Episode,
    Funding,
    Header,
    Person,
    Show,
    Soundbite,
    SourceRef,
    TranscriptItem,
    Utterance,
)
from castline.paths import display_path, media_file_path, media_url, url_suffix
from castline.timecode import parse_clock, parse_duration

SHOW_FILE = "show.yaml"
#: Episode file suffixes.
EPISODE_SUFFIXES = (".md", ".markdown")
#: Episode folders tried in order when show.yaml names none.
DEFAULT_EPISODE_DIRS = ("episodes", "_podcast")
#: People folders tried in order when show.yaml names none.
DEFAULT_PEOPLE_DIRS = ("people", "_people")
#: Front matter keys the model knows; any other key is kept in ``Episode.extra``.
EPISODE_KEYS = frozenset(
    [
        "title",
        "short",
        "season",
        "episode",
        "episodeType",
        "episode_type",
        "guests",
        "image",
        "links",
        "ids",
        "description",
        "intro",
        "topics",
        "dateadded",
        "date",
        "duration",
        "quotableClips",
        "chapters",
        "transcript",
        "audio",
        "guid",
        "explicit",
    ]
)

#: Profile link kinds in the order ``podcast:person href`` takes them, and their URL forms.
PROFILE_LINKS = {
    "web": "{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "twitter": "https://x.com/{}",
    "github": "https://github.com/{}",
    "mastodon": "{}",
    "youtube": "https://www.youtube.com/@{}",
}
#: Profile keys that are links, in the order they are listed.
PROFILE_LINK_KEYS = tuple(PROFILE_LINKS)
_SHOW_KEYS = frozenset(
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
    ]
)
#: Media types by file extension for enclosures (Apple's list, feeds.md §1.3).
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".pdf": "application/pdf",
    ".ogg": "audio/ogg",
    ".opus": "audio/opus",
    ".wav": "audio/wav",
    ".aac": "audio/aac",
}


@dataclass(frozen=True, slots=True)
class Project:
    """A content folder after reading show.yaml and the people profiles, before the episodes."""

    show: Show
    people: Mapping[str, Person]
    #: Episode files to read, sorted by name.
    episode_files: tuple[Path, ...]
    #: Files skipped as drafts or templates (names starting with ``_``).
    drafts: tuple[Path, ...]
    #: Problems found in show.yaml and the profiles.
    diagnostics: tuple[Diagnostic, ...]
    #: The content folder as given, and how paths are shown in messages.
    root: Path = field(default_factory=Path)

    def display(self, path: Path) -> str:
        """The path as messages show it: below the content folder as the user named it."""
        return display_path(self.root, path)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A whole content folder: the show, the episodes that loaded, and every problem."""

    project: Project
    episodes: tuple[Episode, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def show(self) -> Show:
        """The show."""
        return self.project.show


def load_content(root: Path) -> LoadResult:
    """Load a whole content folder: show, people and every episode.

    Raises:
        ContentError: show.yaml is unreadable (nothing can be built without it).
    """
    project = open_content(root)
    episodes: list[Episode] = []
    diagnostics = list(project.diagnostics)
    for path in project.episode_files:
        episode, found = load_episode(project, path)
        diagnostics.extend(found)
        if episode is not None:
            episodes.append(episode)
    return LoadResult(project, tuple(episodes), tuple(diagnostics))


def open_content(root: Path) -> Project:
    """Read show.yaml and the people profiles and list the episode files.

    Raises:
        ContentError: the folder does not exist, or show.yaml is unreadable.
    """
    if not root.is_dir():
        raise ContentError(SourceRef(str(root), 1), "no such content folder")
    diagnostics: list[Diagnostic] = []
    show_path = root / SHOW_FILE
    raw_show: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    show_display = display_path(root, show_path)
    if show_path.is_file():
        text = decode(show_path.read_bytes(), show_display)
        parsed = parse_yaml(text, show_display)
        if parsed is None:
            parsed = {}
        if not isinstance(parsed, dict):
            raise ContentError(
                SourceRef(show_display, 1), f"show.yaml must be a mapping, not {kind_of(parsed)}"
            )
        raw_show = {str(key): value for key, value in parsed.items()}
        key_lines = _yaml_key_lines(text)

    episodes_dir = _choose_dir(root, raw_show.get("episodes"), DEFAULT_EPISODE_DIRS) or "."
    people_dir = _choose_dir(root, raw_show.get("people"), DEFAULT_PEOPLE_DIRS, fallback=None)
    if "episodes" in raw_show and not (root / str(raw_show["episodes"])).is_dir():
        raise ContentError(
            SourceRef(show_display, key_lines.get("episodes", 1)),
            f"episodes folder '{raw_show['episodes']}' does not exist",
        )

    people: dict[str, Person] = {}
    if people_dir is not None:
        for path in sorted((root / people_dir).glob("*.md")):
            if path.name.startswith("_"):
                continue
            person, found = load_person(path, display_path(root, path))
            diagnostics.extend(found)
            if person is not None:
                people[person.id] = person

    reader = _Reader(show_display, key_lines, diagnostics)
    show = _read_show(reader, raw_show, root, episodes_dir, people_dir, people)

    files: list[Path] = []
    drafts: list[Path] = []
    folder = root / episodes_dir
    with os.scandir(folder) as entries:  # no stat per file: 10,000 episodes list in ~10 ms
        names = sorted(e.name for e in entries if _is_episode_name(e.name) and is_file(e))
    for name in names:
        (drafts if name.startswith("_") else files).append(folder / name)
    return Project(show, people, tuple(files), tuple(drafts), tuple(diagnostics), root)


def _is_episode_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in EPISODE_SUFFIXES


def is_file(entry: os.DirEntry[str]) -> bool:
    """``entry.is_file()``, False where that raises (a symlink loop, a dangling link through
    a file), as ``Path.is_file`` answers."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _choose_dir(
    root: Path, named: object, defaults: tuple[str, ...], *, fallback: str | None = "."
) -> str | None:
    if isinstance(named, str) and named:
        return named
    for candidate in defaults:
        if (root / candidate).is_dir():
            return candidate
    return fallback


def _yaml_key_lines(text: str) -> dict[str, int]:
    """Lines of top-level keys and of ``parent.child`` keys one level down."""
    lines: dict[str, int] = {}
    parent: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = re.match(r"^([ \t]*)([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)", line)
        if not match:
            continue
        indent, key = match.groups()
        if not indent:
            parent = key
            lines.setdefault(key, number)
        elif parent is not None:
            lines.setdefault(f"{parent}.{key}", number)
    return lines


class _Reader:
    """Typed access to a parsed mapping that reports type problems as diagnostics."""

    def __init__(self, path: str, key_lines: Mapping[str, int], sink: list[Diagnostic]) -> None:
        self.path = path
        self.key_lines = key_lines
        self.sink = sink

    def where(self, key: str) -> SourceRef:
        line = self.key_lines.get(key) or self.key_lines.get(key.split(".")[0], 1)
        return SourceRef(self.path, line)

    def warn(self, key: str, message: str) -> None:
        self.sink.append(Diagnostic.warning(self.where(key), message))

    def error(self, key: str, message: str) -> None:
        self.sink.append(Diagnostic.error(self.where(key), message))

    def text(self, data: Mapping[str, Any], key: str, *, label: str | None = None) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool | list | dict):
            self.warn(label or key, f"'{label or key}' must be text, not {kind_of(value)}; ignored")
            return None
        text = str(value).strip()
        return text or None

    def integer(self, data: Mapping[str, Any], key: str, *, label: str | None = None) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.warn(
                label or key, f"'{label or key}' must be a whole number, not {value!r}; ignored"
            )
            return None
        return value

    def boolean(self, data: Mapping[str, Any], key: str, *, error: bool = False) -> bool | None:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        message = f"'{key}' must be true or false, not {value!r}"
        if error:
            self.error(key, message)
        else:
            self.warn(key, message + "; ignored")
        return None

    def strings(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            self.warn(key, f"'{key}' must be a list, not {kind_of(value)}; ignored")
            return ()
        return tuple(str(item) for item in value if item is not None)

    def pairs(self, data: Mapping[str, Any], key: str) -> tuple[tuple[str, str], ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.warn(key, f"'{key}' must be a mapping, not {kind_of(value)}; ignored")
            return ()
        return tuple((str(k), str(v)) for k, v in value.items() if v is not None)


def _read_show(
    reader: _Reader,
    raw: Mapping[str, Any],
    root: Path,
    episodes_dir: str,
    people_dir: str | None,
    people: Mapping[str, Person],
) -> Show:
    owner = raw.get("owner")
    owner_name = owner_email = None
    if isinstance(owner, dict):
        owner_name = reader.text(owner, "name", label="owner.name")
        owner_email = reader.text(owner, "email", label="owner.email")
    elif owner is not None:
        reader.warn("owner", "'owner' must be a mapping with 'name' and 'email'; ignored")

    categories: list[Category] = []
    raw_categories = raw.get("categories", raw.get("category"))
    if isinstance(raw_categories, str | dict):
        raw_categories = [raw_categories]
    if isinstance(raw_categories, list):
        for entry in raw_categories:
            category = _category(entry)
            if category is None:
                reader.error("categories", f"category {entry!r} is not 'Name' or 'Name > Sub'")
            else:
                categories.append(category)
    elif raw_categories is not None:
        reader.error("categories", "'categories' must be a list of 'Name' or 'Name > Sub'")

    funding: list[Funding] = []
    raw_funding = raw.get("funding")
    if isinstance(raw_funding, dict):
        raw_funding = [raw_funding]
    for entry in raw_funding or ():
        if isinstance(entry, dict) and entry.get("url"):
            funding.append(Funding(str(entry["url"]), str(entry.get("label") or "Support us")))
        else:
            reader.warn("funding", "each 'funding' entry needs a 'url' (and a 'label'); ignored")

    hosts: list[Person] = []
    for host in reader.strings(raw, "hosts"):
        if host in people:
            hosts.append(people[host])
        else:
            reader.warn("hosts", f"host '{host}' has no profile in {people_dir or 'people'}/")
            hosts.append(Person(id=host, name=host))

    timezone = reader.text(raw, "timezone") or "UTC"
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        reader.error("timezone", f"unknown time zone '{timezone}'; using UTC")
        timezone = "UTC"

    media = raw.get("media")
    media_url = media_dir = None
    if isinstance(media, dict):
        media_url = reader.text(media, "url", label="media.url")
        media_dir = reader.text(media, "folder", label="media.folder")
        if media_url and "{slug}" not in media_url:
            reader.error("media.url", "'media.url' must contain '{slug}'")
            media_url = None
    elif media is not None:
        reader.warn("media", "'media' must be a mapping with 'url' and 'folder'; ignored")

    options: dict[str, dict[str, Any]] = {}
    raw_options = raw.get("exporters")
    if isinstance(raw_options, dict):
        for name, value in raw_options.items():
            if value is None:
                value = {}
            if not isinstance(value, dict):
                reader.error(f"exporters.{name}", f"options of exporter '{name}' must be a mapping")
                continue
            options[str(name)] = {str(k): v for k, v in value.items()}
    elif raw_options is not None:
        reader.error("exporters", "'exporters' must map exporter names to their options")

    image = reader.text(raw, "image")
    image_pixels = None
    if image and "://" not in image:
        image_pixels = read_image_size(root / image)

    for key in raw:
        if key not in _SHOW_KEYS:
            reader.warn(key, f"unknown show.yaml key '{key}' (kept, unused)")

    return Show(
        source=SourceRef(reader.path, 1),
        root=str(root),
        episodes_dir=episodes_dir,
        people_dir=people_dir,
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
        image_pixels=image_pixels,
        categories=tuple(categories),
        explicit=reader.boolean(raw, "explicit", error=True),
        copyright=reader.text(raw, "copyright"),
        show_type=reader.text(raw, "type") or "episodic",
        guid=reader.text(raw, "guid"),
        locked=reader.boolean(raw, "locked"),
        funding=tuple(funding),
        hosts=tuple(hosts),
        medium=reader.text(raw, "medium"),
        timezone=timezone,
        media_url=media_url,
        media_dir=media_dir,
        exporter_options=options,
        extra={key: value for key, value in raw.items() if key not in _SHOW_KEYS},
        key_lines=reader.key_lines,
    )


def _category(entry: object) -> Category | None:
    if isinstance(entry, str) and entry.strip():
        name, _, sub = (part.strip() for part in entry.partition(">"))
        return Category(name, sub or None)
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        subcategory = entry.get("subcategory")
        return Category(entry["name"].strip(), str(subcategory).strip() if subcategory else None)
    return None


def load_person(path: Path, display: str) -> tuple[Person | None, list[Diagnostic]]:
    """Read one people profile: ``title`` is the name; ``picture`` and link keys are kept."""
    diagnostics: list[Diagnostic] = []
    try:
        document = parse_document(decode(path.read_bytes(), display), display)
    except ContentError as error:
        return None, [error.diagnostic]
    reader = _Reader(display, document.key_lines, diagnostics)
    name = reader.text(document.data, "title") or reader.text(document.data, "name")
    if name is None:
        reader.warn("title", f"profile has no 'title' (the person's name); using '{path.stem}'")
        name = path.stem
    links = tuple(
        (key, text)
        for key in PROFILE_LINK_KEYS
        if (text := reader.text(document.data, key)) is not None
    )
    person = Person(
        id=path.stem,
        name=name,
        source=SourceRef(display, 1),
        picture=reader.text(document.data, "picture"),
        links=links,
        bio_markdown=document.body.strip(),
    )
    return person, diagnostics


def load_episode(
    project: Project, path: Path, raw: bytes | None = None
) -> tuple[Episode | None, list[Diagnostic]]:
    """Read one episode file (or its bytes, when the caller has read them already).

    Returns ``None`` (and the error) when it cannot be built.
    """
    display = project.display(path)
    diagnostics: list[Diagnostic] = []
    try:
        data = path.read_bytes() if raw is None else raw
        document = parse_document(decode(data, display), display)
        episode = _read_episode(project, path, display, document, diagnostics)
    except ContentError as error:
        diagnostics.append(error.diagnostic)
        return None, diagnostics
    except OSError as error:
        diagnostics.append(
            Diagnostic.error(SourceRef(display, 1), f"cannot read: {error.strerror}")
        )
        return None, diagnostics
    return episode, diagnostics


def _read_episode(
    project: Project, path: Path, display: str, document: Document, sink: list[Diagnostic]
) -> Episode:
    data = document.data
    reader = _Reader(display, document.key_lines, sink)
    show = project.show
    transcript = _read_transcript(reader, data.get("transcript"), document)

    title = reader.text(data, "title")
    if title is None:
        title = reader.text(data, "short") or path.stem
        reader.warn("title", f"no 'title'; using '{title}'")

    guests: list[Person] = []
    for guest in reader.strings(data, "guests"):
        person = project.people.get(guest)
        if person is None:
            profile = f"{show.people_dir or 'people'}/{guest}.md"
            if (Path(show.root) / profile).is_file():
                reader.warn("guests", f"guest '{guest}': profile {profile} could not be read")
            else:
                reader.warn("guests", f"unknown guest '{guest}': no profile {profile}")
            person = Person(id=guest, name=guest)
        guests.append(person)

    duration_ms = None
    raw_duration = data.get("duration")
    if isinstance(raw_duration, int | float) and not isinstance(raw_duration, bool):
        duration_ms = round(raw_duration * 1000)
    elif isinstance(raw_duration, str):
        try:
            duration_ms = parse_duration(raw_duration)
        except ValueError:
            reader.warn(
                "duration",
                f"'duration' {raw_duration!r} is not ISO 8601 (PT1H2M3S), "
                "H:MM:SS or seconds; ignored",
            )
    elif raw_duration is not None:
        reader.warn("duration", f"'duration' must be text or seconds, not {kind_of(raw_duration)}")

    episode_type = reader.text(data, "episodeType") or reader.text(data, "episode_type")
    if episode_type is not None and episode_type not in ("full", "trailer", "bonus"):
        reader.warn(
            "episodeType",
            f"'episodeType' must be full, trailer or bonus, not '{episode_type}'; ignored",
        )
        episode_type = None

    return Episode(
        slug=path.stem,
        source=SourceRef(display, 1),
        title=title,
        short=reader.text(data, "short"),
        season=reader.integer(data, "season"),
        number=reader.integer(data, "episode"),
        episode_type=episode_type,
        guests=tuple(guests),
        image=reader.text(data, "image"),
        links=reader.pairs(data, "links"),
        ids=reader.pairs(data, "ids"),
        description=reader.text(data, "description"),
        intro=reader.text(data, "intro"),
        topics=reader.strings(data, "topics"),
        published=_published(reader, data, show.timezone),
        duration_ms=duration_ms,
        soundbites=_soundbites(reader, data.get("quotableClips"), document),
        chapters=_chapters(reader, data.get("chapters"), document),
        transcript=transcript,
        audio=_audio(reader, data.get("audio"), project, path.stem),
        guid=reader.text(data, "guid"),
        explicit=reader.boolean(data, "explicit"),
        notes_markdown=document.body.strip("\n"),
        extra={key: value for key, value in data.items() if key not in EPISODE_KEYS},
        key_lines=document.key_lines,
    )


def _items(
    reader: _Reader, key: str, raw: object, document: Document
) -> Iterator[tuple[int, SourceRef, object]]:
    """Index, place and value of each item of a top-level list."""
    lines = document.item_lines.get(key, ())
    assert isinstance(raw, list)
    for index, item in enumerate(raw):
        line = lines[index] if index < len(lines) else reader.where(key).line
        yield index, SourceRef(reader.path, line), item


def _read_transcript(
    reader: _Reader, raw: object, document: Document
) -> tuple[TranscriptItem, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContentError(
            reader.where("transcript"), f"'transcript' must be a list, not {kind_of(raw)}"
        )
    items: list[TranscriptItem] = []
    for index, source, item in _items(reader, "transcript", raw, document):
        number = index + 1
        if not isinstance(item, dict):
            raise ContentError(
                source,
                f"transcript item {number} must be a 'line' or a 'header' mapping, "
                f"not {kind_of(item)}",
            )
        if "line" in item:
            text = item["line"]
            if text is None or isinstance(text, list | dict | bool) or not str(text).strip():
                raise ContentError(source, f"transcript item {number} has no text in 'line'")
            who = item.get("who")
            speaker = str(who).strip() if who is not None and str(who).strip() else None
            if speaker is None:
                reader.sink.append(
                    Diagnostic.warning(
                        source, f"transcript item {number} has no 'who'; unknown speaker"
                    )
                )
            stamp = _stamp(reader, item, source, document)
            items.append(Utterance(str(text).strip(), speaker, stamp, source))
        elif "header" in item:
            title = item["header"]
            if title is None or isinstance(title, list | dict) or not str(title).strip():
                raise ContentError(source, f"transcript item {number} has an empty 'header'")
            stamp = _stamp(reader, item, source, document)
            items.append(Header(str(title).strip(), source, stamp))
        else:
            keys = ", ".join(sorted(str(key) for key in item)) or "none"
            raise ContentError(
                source, f"transcript item {number} has neither 'line' nor 'header' (keys: {keys})"
            )
    return tuple(items)


def _stamp(
    reader: _Reader, item: Mapping[str, Any], item_source: SourceRef, document: Document
) -> int | None:
    """The item's start in ms: ``sec`` preferred, ``time`` parsed tolerantly.

    A disagreement between the two is reported at the ``time`` line.
    """

    def at(key: str) -> SourceRef:
        return SourceRef(item_source.path, document.line_of(key, item_source.line))

    sec = item.get("sec")
    sec_ms: int | None = None
    if sec is not None:
        if isinstance(sec, bool) or not isinstance(sec, int | float):
            raise ContentError(at("sec"), f"'sec' must be a number of seconds, not {sec!r}")
        if sec < 0:
            raise ContentError(at("sec"), f"'sec' must not be negative, not {sec!r}")
        sec_ms = round(sec * 1000)
    time = item.get("time")
    time_ms: int | None = None
    if time is not None:
        if isinstance(time, int) and not isinstance(time, bool):
            # YAML 1.1 reads an unquoted 1:32 as the sexagesimal number 92.
            time_ms = time * 1000
        else:
            try:
                time_ms = parse_clock(str(time))
            except ValueError:
                what = "ignored" if sec_ms is not None else "line left untimed"
                reader.sink.append(
                    Diagnostic.warning(
                        at("time"), f"'time' {str(time)!r} is not M:SS or H:MM:SS; {what}"
                    )
                )
    if sec_ms is not None and time_ms is not None and abs(sec_ms - time_ms) >= 1000:
        reader.sink.append(
            Diagnostic.warning(
                at("time"), f"'sec' {sec} and 'time' {str(time)!r} disagree; using 'sec'"
            )
        )
    return sec_ms if sec_ms is not None else time_ms


def _published(reader: _Reader, data: Mapping[str, Any], timezone: str) -> dt.datetime | None:
    for key in ("date", "dateadded"):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                reader.warn(
                    key, f"'{key}' {value!r} is not a date (YYYY-MM-DD[ HH:MM[:SS]]); ignored"
                )
                continue
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
            return value
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(), tzinfo=zoneinfo.ZoneInfo(timezone))
        reader.warn(key, f"'{key}' must be a date, not {kind_of(value)}; ignored")
    return None


def _seconds_ms(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return round(value * 1000) if value >= 0 else None
    if isinstance(value, str):
        try:
            return parse_clock(value)
        except ValueError:
            return None
    return None


def _soundbites(reader: _Reader, raw: object, document: Document) -> tuple[Soundbite, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.warn("quotableClips", "'quotableClips' must be a list; ignored")
        return ()
    clips: list[Soundbite] = []
    for index, source, item in _items(reader, "quotableClips", raw, document):
        if not isinstance(item, dict):
            reader.sink.append(
                Diagnostic.warning(source, f"clip {index + 1} is not a mapping; ignored")
            )
            continue
        start = _seconds_ms(item.get("startOffset"))
        end = _seconds_ms(item.get("endOffset"))
        if start is None or end is None or end <= start:
            reader.sink.append(
                Diagnostic.warning(
                    source,
                    f"clip {index + 1} needs 'startOffset' < 'endOffset' in seconds; ignored",
                )
            )
            continue
        title = str(item.get("name") or "").strip()
        url = item.get("url")
        clips.append(Soundbite(start, end - start, title, source, str(url) if url else None))
    return tuple(clips)


def _chapters(reader: _Reader, raw: object, document: Document) -> tuple[Chapter, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.warn("chapters", "'chapters' must be a list; ignored (headers are used instead)")
        return ()
    chapters: list[Chapter] = []
    for index, source, item in _items(reader, "chapters", raw, document):
        if not isinstance(item, dict):
            reader.sink.append(
                Diagnostic.warning(source, f"chapter {index + 1} is not a mapping; ignored")
            )
            continue
        start = None
        for key in ("start", "startTime", "sec", "time"):
            if key in item:
                start = _seconds_ms(item[key])
                break
        title = str(item.get("title") or "").strip()
        if start is None or not title:
            reader.sink.append(
                Diagnostic.warning(
                    source,
                    f"chapter {index + 1} needs 'start' (seconds or M:SS) and 'title'; ignored",
                )
            )
            continue
        url, image = item.get("url"), item.get("image") or item.get("img")
        chapters.append(
            Chapter(start, title, source, str(url) if url else None, str(image) if image else None)
        )
    return tuple(sorted(chapters, key=lambda chapter: chapter.start_ms))


def _audio(reader: _Reader, raw: object, project: Project, slug: str) -> Enclosure | None:
    show = project.show
    if isinstance(raw, str):
        raw = {"url": raw}
    if isinstance(raw, dict) and raw.get("url"):
        url = str(raw["url"]).strip()
        length = raw.get("length")
        if isinstance(length, bool) or not isinstance(length, int) or length <= 0:
            local = _media_file(project, url)
            if local is None:
                reader.error(
                    "audio", "'audio.length' must be the file size in bytes (a positive number)"
                )
                return None
            length = local.stat().st_size
        media_type = str(raw.get("type") or _media_type(url) or "")
        if not media_type:
            reader.error("audio", f"'audio.type' is missing and cannot be told from '{url}'")
            return None
        return Enclosure(url, length, media_type)
    if raw is not None:
        reader.warn("audio", "'audio' must be a mapping with 'url', 'length' and 'type'; ignored")
    pattern_url = media_url(show, slug)
    if pattern_url:
        media_file = _media_file(project, pattern_url)
        guessed = _media_type(pattern_url)
        if media_file is not None and guessed:
            return Enclosure(pattern_url, media_file.stat().st_size, guessed)
    return None


def _media_file(project: Project, url: str) -> Path | None:
    """The local copy of a media URL in show.yaml's media folder, if there is one."""
    candidate = media_file_path(project.show, url)
    return candidate if candidate is not None and candidate.is_file() else None


def _media_type(url: str) -> str | None:
    suffix = url_suffix(url)
    return MEDIA_TYPES.get(suffix) or mimetypes.types_map.get(suffix)
