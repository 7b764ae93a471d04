"""What was uploaded to YouTube: ``out/.castline/youtube.json``.

Per episode (by slug): the caption track castline owns (video, language, name, track id, the
SHA-256 of the bytes uploaded) and the chapter block last written (video, SHA-256 of the
block). The file is rewritten atomically (:func:`castline.build.outfiles.write_atomic`) after
each call that changed something on YouTube, so an interrupted push leaves a true record of
what was done, and nothing half-recorded. Deterministic: keys sorted, no times.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from castline.build.outfiles import STATE_DIR, write_atomic
from castline.errors import ConfigError

#: The state file, in :data:`castline.build.outfiles.STATE_DIR`.
STATE_FILE = "youtube.json"
#: Bumped whenever the file's shape changes.
STATE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class CaptionRecord:
    """The caption track castline uploaded to a video."""

    video: str
    language: str
    name: str
    track: str
    sha256: str


@dataclass(frozen=True, slots=True)
class ChaptersRecord:
    """The chapter block castline wrote in a video's description."""

    video: str
    sha256: str


@dataclass(frozen=True, slots=True)
class UploadState:
    """Everything uploaded, by episode slug."""

    captions: Mapping[str, CaptionRecord] = field(default_factory=dict)
    chapters: Mapping[str, ChaptersRecord] = field(default_factory=dict)

    def with_captions(self, slug: str, record: CaptionRecord) -> UploadState:
        """This state with ``slug``'s caption record replaced."""
        return replace(self, captions={**self.captions, slug: record})

    def with_chapters(self, slug: str, record: ChaptersRecord) -> UploadState:
        """This state with ``slug``'s chapter record replaced."""
        return replace(self, chapters={**self.chapters, slug: record})

    def to_json(self) -> dict[str, Any]:
        """The file's JSON value."""
        slugs = sorted(set(self.captions) | set(self.chapters))
        episodes: dict[str, Any] = {}
        for slug in slugs:
            entry: dict[str, Any] = {}
            if slug in self.captions:
                entry["captions"] = _fields(self.captions[slug])
            if slug in self.chapters:
                entry["chapters"] = _fields(self.chapters[slug])
            episodes[slug] = entry
        return {"format": STATE_FORMAT, "episodes": episodes}


def _fields(record: CaptionRecord | ChaptersRecord) -> dict[str, str]:
    return {name: getattr(record, name) for name in record.__slots__}


def state_path(out: Path) -> Path:
    """Where the state of the output folder ``out`` is kept."""
    return out / STATE_DIR / STATE_FILE


def load_state(out: Path) -> UploadState:
    """The state recorded in ``out`` (empty when there is none).

    Raises:
        ConfigError: the file exists but cannot be read or is not castline's: a push that
            trusted nothing would upload everything again.
    """
    path = state_path(out)
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return UploadState()
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: unreadable ({error}); remove it to start over") from None
    try:
        if data["format"] != STATE_FORMAT:
            raise ValueError(f"format {data['format']!r}, not {STATE_FORMAT}")
        captions: dict[str, CaptionRecord] = {}
        chapters: dict[str, ChaptersRecord] = {}
        for slug, entry in data["episodes"].items():
            caption_fields, chapter_fields = entry.get("captions"), entry.get("chapters")
            if caption_fields is not None:
                captions[str(slug)] = CaptionRecord(**_texts(caption_fields))
            if chapter_fields is not None:
                chapters[str(slug)] = ChaptersRecord(**_texts(chapter_fields))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ConfigError(f"{path}: not a castline YouTube state ({error})") from None
    return UploadState(captions, chapters)


def _texts(value: Mapping[str, Any]) -> dict[str, str]:
    if not all(isinstance(item, str) for item in value.values()):
        raise TypeError("every value must be text")
    return dict(value)


def save_state(out: Path, state: UploadState) -> None:
    """Write ``state`` to ``out`` atomically (2-space JSON, keys sorted, ``\\n`` end)."""
    text = json.dumps(state.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(state_path(out), text.encode("utf-8"))
