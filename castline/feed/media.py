"""What a local media file really is: its container, codec, duration and bitrate, read from
its headers with mutagen (https://mutagen.readthedocs.io/), never from its name.

The container is told from the file's first bytes (ID3 or an MPEG audio frame sync, an MP4
``ftyp`` box, ``OggS``, ``fLaC``, ``RIFF``/``WAVE``, an ADTS header), then read by mutagen's
class for it; the file name is ignored, so that a ``.m4a`` holding MP3 frames is caught.
Each kind lists the enclosure types and file extensions that name it (IANA media types:
https://www.iana.org/assignments/media-types/; RFC 3003 ``audio/mpeg``, RFC 4337
``audio/mp4``/``video/mp4``; Apple's ``audio/x-m4a``, ``video/x-m4v``, ``video/quicktime``:
https://help.apple.com/itc/podcasts_connect/#/itcb54353390).

A media file is untrusted input: whatever mutagen raises on it (a truncated box, a hostile
length) becomes a message, never an exception.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from castline.diagnostics import Diagnostic, rule
from castline.model import MediaInfo, SourceRef

if TYPE_CHECKING:
    import mutagen

UNREADABLE_MEDIA = rule(
    "F101", "unreadable-media", "a local media file cannot be read as audio or video"
)
LENGTH_MISMATCH = rule(
    "F102", "length-mismatch", "'audio.length' is not the local media file's size; the size is used"
)


@dataclass(frozen=True, slots=True)
class MediaKind:
    """A container as the feed names it: a label, its media types and file extensions."""

    label: str
    types: tuple[str, ...]
    suffixes: tuple[str, ...]


#: The containers castline recognises, by :attr:`castline.model.MediaInfo.container`.
KINDS: dict[str, MediaKind] = {
    "mp3": MediaKind("MP3", ("audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg"), (".mp3",)),
    "mp4": MediaKind(
        "MP4",
        ("audio/x-m4a", "audio/mp4", "audio/m4a", "video/mp4", "video/x-m4v", "video/quicktime"),
        (".m4a", ".mp4", ".m4v", ".m4b", ".mov"),
    ),
    "ogg": MediaKind("Ogg", ("audio/ogg", "audio/opus", "audio/vorbis"), (".ogg", ".oga", ".opus")),
    "flac": MediaKind("FLAC", ("audio/flac", "audio/x-flac"), (".flac",)),
    "wav": MediaKind(
        "WAV", ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"), (".wav",)
    ),
    "aac": MediaKind("AAC", ("audio/aac", "audio/aacp", "audio/x-aac"), (".aac",)),
}
#: What each container is typed as when an enclosure must be retyped.
CANONICAL_TYPES = {
    "mp3": "audio/mpeg",
    "mp4": "audio/x-m4a",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "aac": "audio/aac",
}
#: Bytes read to tell the container.
_HEAD = 64


def sniff(head: bytes) -> list[str]:
    """The containers the first bytes of a file may be, most likely first (none: unknown).

    >>> sniff(b"ID3\\x04\\x00"), sniff(b"\\x00\\x00\\x00\\x20ftypM4A "), sniff(b"\\xff\\xf1")
    (['mp3', 'aac'], ['mp4'], ['aac'])
    """
    if head.startswith(b"ID3"):
        return ["mp3", "aac"]
    if head[4:8] == b"ftyp":
        return ["mp4"]
    if head.startswith(b"OggS"):
        return ["ogg"]
    if head.startswith(b"fLaC"):
        return ["flac"]
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return ["wav"]
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        layer = (head[1] >> 1) & 0x03
        return ["aac"] if layer == 0 else ["mp3"]
    return []


def probe_media(path: Path, shown: str) -> MediaInfo | str:
    """The media file at ``path`` (``shown`` as messages name it), or why it cannot be read:
    a message fragment such as ``"not an audio or video file castline knows (MP3, MP4, ...)"``.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
        size = path.stat().st_size
    except OSError as error:
        return f"cannot read: {error.strerror}"
    kinds = sniff(head)
    if not kinds:
        labels = ", ".join(kind.label for kind in KINDS.values())
        return f"not an audio or video file castline knows ({labels})"
    problem = ""
    for container in kinds:
        found = _read(path, container)
        if isinstance(found, str):
            problem = problem or found
            continue
        duration_s, bitrate, codec = found
        return MediaInfo(shown, container, codec, round(duration_s * 1000), bitrate, size)
    return f"not a valid {KINDS[kinds[0]].label} file ({problem})"


def load_readers() -> None:
    """Import now the mutagen modules :func:`probe_media` imports on first use: for a build
    about to fork worker processes (:func:`castline.load.warm_up`)."""
    _readers()


@functools.cache
def _readers() -> dict[str, tuple[type[mutagen.FileType], ...]]:
    """mutagen's readers of each container, imported on first use: a build that reads no
    media file does not load mutagen."""
    import mutagen.aac
    import mutagen.flac
    import mutagen.mp3
    import mutagen.mp4
    import mutagen.oggopus
    import mutagen.oggvorbis
    import mutagen.wave

    return {
        "mp3": (mutagen.mp3.MP3,),
        "mp4": (mutagen.mp4.MP4,),
        "ogg": (mutagen.oggopus.OggOpus, mutagen.oggvorbis.OggVorbis),
        "flac": (mutagen.flac.FLAC,),
        "wav": (mutagen.wave.WAVE,),
        "aac": (mutagen.aac.AAC,),
    }


def _read(path: Path, container: str) -> tuple[float, int, str] | str:
    """Duration (s), bitrate (bit/s, 0 unknown) and codec of ``path`` read as ``container``,
    or what mutagen found wrong."""
    problem = "no stream found"
    for reader in _readers()[container]:
        try:
            info: Any = reader(path).info
            length = float(info.length)
        except Exception as error:  # a hostile file makes the parser raise anything
            problem = str(error) or type(error).__name__
            continue
        if not length > 0 or length != length or length > 1e7:
            return f"duration {length:g} s"
        return length, int(getattr(info, "bitrate", 0) or 0), _codec(container, info)
    return problem


def _codec(container: str, info: object) -> str:
    """The codec as people name it: ``MPEG-1 Layer 3``, ``mp4a.40.2``, ``opus``..."""
    if container == "mp3":
        version = getattr(info, "version", 1)
        return f"MPEG-{version:g} Layer {getattr(info, 'layer', 3)}"
    codec = getattr(info, "codec", None)
    if isinstance(codec, str) and codec:
        return codec
    return {"ogg": "vorbis", "flac": "flac", "wav": "pcm", "aac": "aac"}.get(container, container)


def type_matches(container: str, media_type: str) -> bool:
    """Whether an enclosure ``type`` names ``container`` (parameters and case ignored).

    >>> type_matches("mp3", "audio/mpeg"), type_matches("mp3", "audio/mp4")
    (True, False)
    """
    base = media_type.split(";", 1)[0].strip().lower()
    return base in KINDS[container].types


def suffix_matches(container: str, suffix: str) -> bool:
    """Whether a file extension (``.m4a``) names ``container``; an unknown extension matches
    nothing.

    >>> suffix_matches("mp4", ".m4a"), suffix_matches("mp3", ".m4a")
    (True, False)
    """
    return suffix.lower() in KINDS[container].suffixes


TYPE_MISMATCH = rule(
    "F103", "enclosure-type-mismatch", "the enclosure 'type' does not name the media file's format"
)
EXTENSION_MISMATCH = rule(
    "F104",
    "enclosure-extension-mismatch",
    "the enclosure's file extension does not name the media file's format",
)
DURATION_MISMATCH = rule(
    "F105", "duration-mismatch", "the declared 'duration' differs from the media file's"
)
#: How far a declared duration may be from the media's before a warning: 2 s. A duration is
#: written to the whole second (``itunes:duration``), and an MP3 without a Xing/VBRI header
#: has its length estimated from its size and first frame's bitrate, which is off by a frame
#: or two (26 ms each) plus the ID3 tag's share; 2 s covers both, and is far below the minutes
#: a wrong file or a talk-length duration is off by.
DURATION_TOLERANCE_MS = 2000


def check_enclosure(
    media: MediaInfo, media_type: str, suffix: str, name: str, where: SourceRef
) -> tuple[str, list[Diagnostic]]:
    """The enclosure type to publish for ``media`` and what is wrong with the declared one.

    ``media_type`` and ``suffix`` are the enclosure's declared type and its URL's extension,
    ``name`` its file name, ``where`` the episode's ``audio`` line. A type that does not name
    the real format is an error and is replaced by the format's type (what a directory that
    reads the file would find); an extension that does not name it is an error.
    """
    kind = KINDS[media.container]
    found: list[Diagnostic] = []
    if not type_matches(media.container, media_type):
        real = CANONICAL_TYPES[media.container]
        found.append(
            TYPE_MISMATCH.error(
                where,
                f"enclosure type '{media_type}' does not match the media file '{media.path}', "
                f"which is {kind.label} ({media.codec}); the feed gives type '{real}'",
            )
        )
        media_type = real
    if not suffix_matches(media.container, suffix):
        found.append(
            EXTENSION_MISMATCH.error(
                where,
                f"enclosure '{name}' is named as another format than its media file "
                f"'{media.path}', which is {kind.label} ({media.codec}); name it "
                f"{' or '.join(kind.suffixes)}",
            )
        )
    return media_type, found


def check_duration(
    media: MediaInfo, declared_ms: int | None, where: SourceRef
) -> tuple[int, list[Diagnostic]]:
    """The duration to publish (the declared one, else the media's) and a warning when the
    declared one is more than :data:`DURATION_TOLERANCE_MS` from the media's."""
    if declared_ms is None:
        return media.duration_ms, []
    gap = abs(declared_ms - media.duration_ms)
    if gap <= DURATION_TOLERANCE_MS:
        return declared_ms, []
    message = (
        f"'duration' is {_clock(declared_ms)}, but the media file '{media.path}' lasts "
        f"{_clock(media.duration_ms)}; itunes:duration keeps the declared one"
    )
    return declared_ms, [DURATION_MISMATCH.warning(where, message)]


def _clock(ms: int) -> str:
    """``ms`` as ``H:MM:SS`` (whole seconds, rounded).

    >>> _clock(3_723_400), _clock(2_016)
    ('1:02:03', '0:00:02')
    """
    seconds = (ms + 500) // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
