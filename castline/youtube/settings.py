"""The YouTube settings of a show and of each episode, read from the model's unmodelled keys.

show.yaml (every key optional)::

    youtube:
      offset: 12.5          # seconds the video runs ahead of the transcript stamps (default 0)
      language: en          # the caption track's language (default: show.yaml's language)
      caption_name: castline  # the caption track's name, shown to viewers beside the language

An episode's front matter may override ``offset`` and ``language`` and name the video::

    youtube:
      video: 0Gqx1LtqRZU    # or a watch / youtu.be URL
      offset: -3

``youtube: 0Gqx1LtqRZU`` (a bare id or URL) names the video alone. Without it the video is
``ids.youtube``, else the video of the watch URL in ``links.youtube``.

The offset is added to every caption and chapter time on upload: ``12.5`` when the video starts
12.5 s before the audio the stamps were taken on (an intro). The files in ``out/`` stay on the
stamps' timeline.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from castline.diagnostics import Diagnostic, rule
from castline.model import Episode, Show, SourceRef
from castline.paths import split_url

#: The kinds of problem with an episode's YouTube settings.
NOT_A_VIDEO = rule("Y001", "not-a-video", "a YouTube URL or id names no video")
VIDEO_MISMATCH = rule("Y002", "video-mismatch", "two fields name different YouTube videos")
INVALID_YOUTUBE_SETTING = rule(
    "Y003", "invalid-youtube-setting", "a 'youtube' setting has the wrong type or is out of range"
)
UNKNOWN_YOUTUBE_KEY = rule(
    "Y004", "unknown-youtube-key", "'youtube' has a key castline does not know"
)

#: The key, in show.yaml and in front matter, that holds the YouTube settings.
KEY = "youtube"
#: The caption track's name when show.yaml gives none.
DEFAULT_CAPTION_NAME = "castline"
#: An offset beyond a week is a typo, not a video.
MAX_OFFSET_SECONDS = 7 * 24 * 3600
#: A YouTube video id: 11 characters of the URL-safe base64 alphabet.
VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
#: Hosts whose ``/watch?v=ID`` (and ``/live/ID``, ``/shorts/ID``, ``/embed/ID``) name a video.
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
#: The show-level keys, and the keys an episode may set.
SHOW_SETTING_KEYS = ("offset", "language", "caption_name")
EPISODE_SETTING_KEYS = ("video", "offset", "language")


@dataclass(frozen=True, slots=True)
class Settings:
    """The YouTube settings that apply to one episode (or, as a show default, to all)."""

    offset_ms: int = 0
    language: str | None = None
    caption_name: str = DEFAULT_CAPTION_NAME


def video_id_of(value: object) -> str | None:
    """The video id that ``value`` gives: a bare id, a watch URL or a youtu.be URL.

    >>> video_id_of("https://www.youtube.com/watch?v=NfAJAr7FvyY&t")
    'NfAJAr7FvyY'
    >>> video_id_of("https://youtu.be/0Gqx1LtqRZU?t=3"), video_id_of("NfAJAr7FvyY&t")
    ('0Gqx1LtqRZU', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if VIDEO_ID.fullmatch(text):
        return text
    parts = split_url(text)
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    candidate = ""
    if host == "youtu.be" and segments:
        candidate = segments[0]
    elif host in YOUTUBE_HOSTS and parts.path == "/watch":
        candidate = parse_qs(parts.query).get("v", [""])[0]
    elif (
        host in YOUTUBE_HOSTS and len(segments) == 2 and segments[0] in ("live", "shorts", "embed")
    ):
        candidate = segments[1]
    return candidate if VIDEO_ID.fullmatch(candidate) else None


def show_settings(show: Show) -> tuple[Settings, list[Diagnostic]]:
    """The show's defaults (show.yaml ``youtube:``), and what is wrong with them."""
    found: list[Diagnostic] = []
    raw = _mapping(show.extra.get(KEY), show.where(KEY), SHOW_SETTING_KEYS, found)
    where = show.where(KEY)
    offset = _offset_ms(raw.get("offset"), where, found)
    language = _text(raw.get("language"), "language", where, found) or show.language
    name = _text(raw.get("caption_name"), "caption_name", where, found)
    return Settings(offset or 0, language, name or DEFAULT_CAPTION_NAME), found


def episode_settings(episode: Episode, default: Settings) -> tuple[Settings, list[Diagnostic]]:
    """The settings that apply to ``episode``: its ``youtube:`` keys over the show's."""
    found: list[Diagnostic] = []
    value = episode.extra.get(KEY)
    if isinstance(value, str) or value is None:
        return default, found
    where = episode.where(KEY)
    raw = _mapping(value, where, EPISODE_SETTING_KEYS, found)
    offset = _offset_ms(raw.get("offset"), where, found)
    language = _text(raw.get("language"), "language", where, found)
    return (
        Settings(
            default.offset_ms if offset is None else offset,
            language or default.language,
            default.caption_name,
        ),
        found,
    )


def episode_video(episode: Episode) -> tuple[str | None, list[Diagnostic]]:
    """The episode's video id: ``youtube:`` (or ``youtube: {video: ...}``), else ``ids.youtube``,
    else ``links.youtube``; a value that names no video, or names another video than the one
    used, is reported."""
    named = episode.extra.get(KEY)
    own = named.get("video") if isinstance(named, Mapping) else named
    candidates = [
        (f"'{KEY}'", own, episode.where(KEY)),
        ("'ids.youtube'", dict(episode.ids).get(KEY), episode.where("ids")),
        ("'links.youtube'", dict(episode.links).get(KEY), episode.where("links")),
    ]
    chosen: str | None = None
    chosen_from = ""
    found: list[Diagnostic] = []
    for label, value, where in candidates:
        if value is None:
            continue
        video = video_id_of(value)
        if video is None:
            found.append(NOT_A_VIDEO.warning(where, f"{label} '{value}' names no YouTube video"))
        elif chosen is None:
            chosen, chosen_from = video, label
        elif video != chosen:
            found.append(
                VIDEO_MISMATCH.warning(
                    where,
                    f"{label} names video {video}, {chosen_from} names {chosen}; using {chosen}",
                )
            )
    return chosen, found


def _mapping(
    value: object, where: SourceRef, allowed: tuple[str, ...], found: list[Diagnostic]
) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        found.append(INVALID_YOUTUBE_SETTING.warning(where, f"'{KEY}' must be a mapping; ignored"))
        return {}
    for key in value:
        if key not in allowed:
            found.append(
                UNKNOWN_YOUTUBE_KEY.warning(
                    where,
                    f"unknown key '{KEY}.{key}' (known: {', '.join(allowed)}); ignored",
                )
            )
    return value


def _offset_ms(value: object, where: SourceRef, found: list[Diagnostic]) -> int | None:
    """``offset`` in seconds as whole milliseconds, or ``None`` when absent or unusable."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or abs(value) > MAX_OFFSET_SECONDS
    ):
        found.append(
            INVALID_YOUTUBE_SETTING.warning(
                where,
                f"'{KEY}.offset' must be a number of seconds between -{MAX_OFFSET_SECONDS} "
                f"and {MAX_OFFSET_SECONDS}, not {value!r}; ignored",
            )
        )
        return None
    return round(value * 1000)


def _text(value: object, key: str, where: SourceRef, found: list[Diagnostic]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        found.append(INVALID_YOUTUBE_SETTING.warning(where, f"'{KEY}.{key}' must be text; ignored"))
        return None
    return value.strip()
