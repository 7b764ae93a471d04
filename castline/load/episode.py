"""One episode file: front matter fields into an :class:`~castline.model.Episode`.

Field names follow the RSS elements they become (Apple Podcasts,
https://podcasters.apple.com/support/823-podcast-requirements); dates without a zone take the
show's ``timezone``; durations are ISO 8601 (``PT1H2M3S``), ``H:MM:SS`` or seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import mimetypes
import os
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from castline.diagnostics import Diagnostic, rule
from castline.feed.artwork import read_artwork
from castline.feed.media import LENGTH_MISMATCH, UNREADABLE_MEDIA, probe_media
from castline.load.fields import (
    INVALID_ENTRY,
    MISSING_TITLE,
    WRONG_TYPE,
    BadNumber,
    FieldReader,
    bounded_ms,
    seconds_ms,
    time_ms,
    yaml_number,
)
from castline.load.files import OUTSIDE_CONTENT, inside, not_regular
from castline.load.frontmatter import Document, kind_of
from castline.load.tags import EPISODE_TAG_KEYS, read_episode_tags
from castline.load.transcript import read_transcript
from castline.model import (
    ArtworkInfo,
    Chapter,
    Enclosure,
    Episode,
    Person,
    Show,
    Soundbite,
    SourceRef,
)
from castline.paths import media_file_path, media_url, url_suffix
from castline.text import did_you_mean, xml_text
from castline.timecode import parse_duration

#: The kinds of problem particular to an episode's front matter.
INVALID_GUEST_ID = rule("L220", "invalid-guest-id", "a guest id is not a plain profile name")
UNKNOWN_GUEST = rule(
    "L221", "unknown-guest", "a guest id names no readable profile in the people folder"
)
INVALID_DURATION = rule(
    "L222", "invalid-duration", "'duration' is not ISO 8601, H:MM:SS or seconds"
)
INVALID_EPISODE_TYPE = rule(
    "L223", "invalid-episode-type", "'episodeType' is not full, trailer or bonus"
)
INVALID_DATE = rule("L224", "invalid-date", "a date is not YYYY-MM-DD[ HH:MM[:SS]]")
INVALID_ENCLOSURE = rule("L225", "invalid-enclosure", "'audio' lacks a usable length or media type")

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
        # The static Podcasting 2.0 and iTunes tags (castline.load.tags).
        *EPISODE_TAG_KEYS,
    ]
)
#: Media types by file extension for enclosures (the formats Apple Podcasts accepts,
#: https://podcasters.apple.com/support/823-podcast-requirements).
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


def read_episode(
    show: Show,
    people: Mapping[str, Person],
    path: Path,
    display: str,
    document: Document,
    sink: list[Diagnostic],
) -> Episode:
    """The episode in ``document`` (read from ``path``, named ``display`` in messages).

    Raises:
        ContentError: the transcript is malformed (the episode cannot be built).
    """
    data = document.data
    reader = FieldReader(display, document.lines, sink, escapes=document.escapes)
    transcript = read_transcript(reader, data.get("transcript"), show.limits)
    title = _title(reader, data, path.stem)
    guests = _guests(reader, data, show, people)
    duration_ms = _duration_ms(reader, data.get("duration"))
    episode_type = _episode_type(reader, data)
    image = reader.text(data, "image")
    return Episode(
        slug=path.stem,
        source=SourceRef(display, 1),
        title=title,
        short=reader.text(data, "short"),
        season=reader.integer(data, "season"),
        number=reader.integer(data, "episode"),
        episode_type=episode_type,
        guests=guests,
        image=image,
        image_file=_image_file(show, image),
        links=reader.pairs(data, "links"),
        ids=reader.pairs(data, "ids"),
        description=reader.text(data, "description"),
        intro=reader.text(data, "intro"),
        topics=reader.strings(data, "topics"),
        published=_published(reader, data, show.timezone),
        duration_ms=duration_ms,
        soundbites=_soundbites(reader, data.get("quotableClips")),
        chapters=_chapters(reader, data.get("chapters")),
        transcript=transcript,
        audio=_audio(reader, data.get("audio"), show, path.stem),
        guid=reader.text(data, "guid"),
        explicit=reader.boolean(data, "explicit"),
        notes_markdown=_body(reader, document),
        tags=read_episode_tags(reader, data, people),
        extra={key: value for key, value in data.items() if key not in EPISODE_KEYS},
        key_lines=document.key_lines,
    )


def _title(reader: FieldReader, data: Mapping[str, Any], slug: str) -> str:
    """``title``, else ``short``, else the slug (a warning)."""
    title = reader.text(data, "title")
    if title is None:
        title = reader.text(data, "short") or slug
        reader.warn(MISSING_TITLE, "title", f"no 'title'; using '{title}'")
    return title


def _guests(
    reader: FieldReader, data: Mapping[str, Any], show: Show, people: Mapping[str, Person]
) -> tuple[Person, ...]:
    """``guests``: profile ids; a guest without a readable profile is named by the id, and an
    id that is no plain file name (it names ``people/<id>.md``) is left out."""
    guests: list[Person] = []
    for guest in reader.strings(data, "guests", clean=False):
        if not is_plain_name(guest):
            reader.warn(
                INVALID_GUEST_ID,
                "guests",
                f"guest {guest[:60]!r} is not a plain profile name (no '/', '..' or control "
                "characters); left out",
            )
            continue
        person = people.get(guest)
        if person is None:
            profile = f"{show.people_dir or 'people'}/{guest}.md"
            if os.path.lexists(Path(show.root) / profile):
                reader.warn(
                    UNKNOWN_GUEST, "guests", f"guest '{guest}': profile {profile} could not be read"
                )
            else:
                hint = did_you_mean(guest, people)
                reader.warn(
                    UNKNOWN_GUEST, "guests", f"unknown guest '{guest}': no profile {profile}{hint}"
                )
            person = Person(id=guest, name=guest)
        guests.append(person)
    return tuple(guests)


def is_plain_name(name: str) -> bool:
    """Whether ``name`` can name a file in a folder: not empty, not ``.`` or ``..``, without
    path separators and without characters XML cannot carry (NUL, controls).

    >>> is_plain_name("ada-lovelace"), is_plain_name("../x"), is_plain_name("a\\x00b")
    (True, False, False)
    """
    return (
        bool(name.strip())
        and name not in (".", "..")
        and not any(separator in name for separator in ("/", "\\"))
        and xml_text(name) == name
        and "\x7f" not in name
    )


def _body(reader: FieldReader, document: Document) -> str:
    """The Markdown body, without the characters XML cannot carry (a warning at the line of the
    first one)."""
    body = document.body.strip("\n")
    if xml_text(body) == body:
        return body
    first = next(index for index, character in enumerate(document.body) if not xml_text(character))
    line = document.body_line + document.body.count("\n", 0, first)
    return reader.clean(body, SourceRef(reader.path, line), "body")


def _duration_ms(reader: FieldReader, raw: object) -> int | None:
    """``duration``: seconds, or text in ISO 8601 (``PT1H2M3S``) or ``H:MM:SS``, finite and at
    most 100 hours."""
    try:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return seconds_ms(raw)
        if isinstance(raw, str):
            return bounded_ms(parse_duration(raw))
    except BadNumber as error:
        reader.warn(INVALID_DURATION, "duration", f"'duration' {error}; ignored")
    except (ValueError, OverflowError):
        reader.warn(
            INVALID_DURATION,
            "duration",
            f"'duration' {raw!r} is not ISO 8601 (PT1H2M3S), H:MM:SS or seconds; ignored",
        )
    else:
        if raw is not None:
            reader.warn(
                WRONG_TYPE, "duration", f"'duration' must be text or seconds, not {kind_of(raw)}"
            )
    return None


def _episode_type(reader: FieldReader, data: Mapping[str, Any]) -> str | None:
    """``episodeType`` (or ``episode_type``): full, trailer or bonus.

    RSS: ``itunes:episodeType``.
    """
    episode_type = reader.text(data, "episodeType") or reader.text(data, "episode_type")
    if episode_type is not None and episode_type not in ("full", "trailer", "bonus"):
        reader.warn(
            INVALID_EPISODE_TYPE,
            "episodeType",
            f"'episodeType' must be full, trailer or bonus, not '{episode_type}'; ignored",
        )
        return None
    return episode_type


def _published(reader: FieldReader, data: Mapping[str, Any], timezone: str) -> dt.datetime | None:
    """``date`` (else ``dateadded``) as an aware datetime; a naive one takes ``timezone``."""
    for key in ("date", "dateadded"):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                reader.warn(
                    INVALID_DATE,
                    key,
                    f"'{key}' {value!r} is not a date (YYYY-MM-DD[ HH:MM[:SS]]); ignored",
                )
                continue
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
            return value
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(), tzinfo=zoneinfo.ZoneInfo(timezone))
        reader.warn(WRONG_TYPE, key, f"'{key}' must be a date, not {kind_of(value)}; ignored")
    return None


def _soundbites(reader: FieldReader, raw: object) -> tuple[Soundbite, ...]:
    """``quotableClips``: ``{startOffset, endOffset, name, url}``. RSS: ``podcast:soundbite``."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.warn(WRONG_TYPE, "quotableClips", "'quotableClips' must be a list; ignored")
        return ()
    clips: list[Soundbite] = []
    for index, source, item in reader.items("quotableClips", raw):
        if not isinstance(item, dict):
            reader.sink.append(
                INVALID_ENTRY.warning(source, f"clip {index + 1} is not a mapping; ignored")
            )
            continue
        clip = _clip(reader, index + 1, source, item)
        if clip is not None:
            clips.append(clip)
    return tuple(clips)


def _clip(
    reader: FieldReader, number: int, source: SourceRef, item: Mapping[str, Any]
) -> Soundbite | None:
    """One clip; a bad offset is a warning and the clip is left out."""
    offsets: list[int | None] = []
    for key in ("startOffset", "endOffset"):
        value = item.get(key)
        try:
            offsets.append(None if value is None else time_ms(value))
        except BadNumber as error:
            message = f"clip {number}: '{key}' {error}; the clip is left out"
            reader.sink.append(INVALID_ENTRY.warning(source, message))
            return None
    start, end = offsets
    if start is None or end is None or end <= start:
        reader.sink.append(
            INVALID_ENTRY.warning(
                source, f"clip {number} needs 'startOffset' < 'endOffset' in seconds; ignored"
            )
        )
        return None
    title = reader.clean(str(item.get("name") or ""), source, "name").strip()
    url = item.get("url")
    return Soundbite(start, end - start, title, source, str(url) if url else None)


def _chapters(reader: FieldReader, raw: object) -> tuple[Chapter, ...]:
    """``chapters``: ``{start, title, url, image}``, sorted by start."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.warn(
            WRONG_TYPE, "chapters", "'chapters' must be a list; ignored (headers are used instead)"
        )
        return ()
    chapters: list[Chapter] = []
    for index, source, item in reader.items("chapters", raw):
        if not isinstance(item, dict):
            reader.sink.append(
                INVALID_ENTRY.warning(source, f"chapter {index + 1} is not a mapping; ignored")
            )
            continue
        start, problem = None, ""
        for key in ("start", "startTime", "sec", "time"):
            if key in item:
                try:
                    start = time_ms(item[key])
                except BadNumber as error:
                    problem = f"'{key}' {error}; "
                break
        title = reader.clean(str(item.get("title") or ""), source, "title").strip()
        if problem:
            message = f"chapter {index + 1}: {problem}ignored"
            reader.sink.append(INVALID_ENTRY.warning(source, message))
            continue
        if start is None or not title:
            reader.sink.append(
                INVALID_ENTRY.warning(
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


#: The largest ``audio.length`` castline takes: 1 TB (a feed's enclosure length in bytes).
MAX_MEDIA_BYTES = 10**12


def _audio(reader: FieldReader, raw: object, show: Show, slug: str) -> Enclosure | None:
    """``audio`` (a URL or ``{url, length, type}``), else the show's media pattern if its file
    is there. RSS: ``enclosure``; a local media file gives the length."""
    if isinstance(raw, str):
        raw = {"url": raw}
    if isinstance(raw, dict) and raw.get("url"):
        return _enclosure(reader, raw, show)
    if raw is not None:
        reader.warn(
            WRONG_TYPE,
            "audio",
            "'audio' must be a mapping with 'url', 'length' and 'type'; ignored",
        )
    pattern_url = media_url(show, slug)
    if pattern_url:
        media_file = _media_file(reader, show, pattern_url)
        guessed = _media_type(pattern_url)
        if media_file is not None and guessed:
            return _probed(reader, Enclosure(pattern_url, media_file.stat().st_size, guessed), show)
    return None


def _enclosure(reader: FieldReader, raw: Mapping[str, Any], show: Show) -> Enclosure | None:
    """An ``audio`` mapping; length and type may come from the local file and the URL."""
    url = reader.clean(str(raw["url"]), reader.where("audio"), "audio.url").strip()
    length = raw.get("length")
    if isinstance(length, int) and not isinstance(length, bool) and length > MAX_MEDIA_BYTES:
        reader.error(
            INVALID_ENCLOSURE,
            "audio",
            f"'audio.length' must be at most {MAX_MEDIA_BYTES:,} bytes (1 TB), "
            f"not {yaml_number(length)}",
        )
        return None
    if isinstance(length, bool) or not isinstance(length, int) or length <= 0:
        local = _media_file(reader, show, url)
        if local is None:
            reader.error(
                INVALID_ENCLOSURE,
                "audio",
                "'audio.length' must be the file size in bytes (a positive number)",
            )
            return None
        length = local.stat().st_size
    media_type = str(raw.get("type") or _media_type(url) or "")
    media_type = reader.clean(media_type, reader.where("audio"), "audio.type")
    if not media_type:
        reader.error(
            INVALID_ENCLOSURE, "audio", f"'audio.type' is missing and cannot be told from '{url}'"
        )
        return None
    return _probed(reader, Enclosure(url, length, media_type), show)


def _probed(reader: FieldReader, enclosure: Enclosure, show: Show) -> Enclosure:
    """``enclosure`` with what its local media file really is (read once, here), and that
    file's size as its length; a file mutagen cannot read is reported at its own path."""
    local = _media_file(reader, show, enclosure.url) if show.media_dir else None
    if local is None:
        return enclosure
    found = probe_media(local, str(local))
    if isinstance(found, str):
        reader.sink.append(UNREADABLE_MEDIA.warning(SourceRef(str(local), 1), found))
        return enclosure
    if found.size_bytes != enclosure.length_bytes:
        reader.warn(
            LENGTH_MISMATCH,
            "audio",
            f"'audio.length' is {enclosure.length_bytes} bytes, but the media file "
            f"'{local}' is {found.size_bytes}; the enclosure length is the file's size",
        )
    return dataclasses.replace(enclosure, length_bytes=found.size_bytes, media=found)


def _media_file(reader: FieldReader, show: Show, url: str) -> Path | None:
    """The local copy of a media URL in show.yaml's media folder, if there is one (a regular
    file inside the content folder; a name that leaves it is an error)."""
    candidate = media_file_path(show, url)
    if candidate is None:
        return None
    if not inside(os.path.relpath(candidate, show.root)):
        reader.error(
            OUTSIDE_CONTENT,
            "audio",
            f"the media file of '{url}' would be outside the content folder",
        )
        return None
    return candidate if not_regular(candidate) is None else None


def _image_file(show: Show, image: str | None) -> ArtworkInfo | None:
    """What the episode's artwork file is, when ``image`` is a file of the content folder (it
    is published with the show's assets, so one that is not there is not looked at)."""
    if not image or "://" in image or not inside(image):
        return None
    path = Path(show.root) / image
    return read_artwork(path, str(path)) if not_regular(path) is None else None


def _media_type(url: str) -> str | None:
    suffix = url_suffix(url)
    return MEDIA_TYPES.get(suffix) or mimetypes.types_map.get(suffix)
