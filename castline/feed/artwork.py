"""Artwork checked as the directories check it, from the file's header read with Pillow
(https://pillow.readthedocs.io/), never from its name.

Apple Podcasts (https://podcasters.apple.com/support/896-artwork-requirements and
https://podcasters.apple.com/support/823-podcast-requirements): a JPEG or PNG with the matching
extension, in the RGB colour space, square, 1400 x 1400 to 3000 x 3000 pixels, without an
alpha channel for the show cover. Hosts advise at most 512 KB
(https://help.captivate.fm/en/articles/3315645-podcast-artwork-specifications), which loads
fast on a phone. Only the header is read (``Image.open`` decodes no pixels), and a file whose
pixel count passes Pillow's decompression-bomb limit is refused.

Show artwork is a file castline publishes, so a missing one is an error. Episode artwork is
checked when its file is in the content folder; it is published with the show's assets, so its
absence is not castline's to judge. A remote URL is not fetched: it is reported as unchecked.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from castline.diagnostics import Diagnostic, rule
from castline.feed.rules import artwork_size_problem
from castline.model import ArtworkInfo, SourceRef

MISSING_ARTWORK = rule(
    "F110", "missing-artwork", "local artwork names no file of the content folder"
)
ARTWORK_FORMAT_MISMATCH = rule(
    "F111", "artwork-format-mismatch", "artwork's extension does not name its real format"
)
ARTWORK_NOT_RGB = rule("F112", "artwork-not-rgb", "artwork is not in the RGB colour space")
ARTWORK_FILE_LARGE = rule(
    "F113", "artwork-file-large", "artwork is larger than the 512 KB hosts advise"
)
ARTWORK_UNCHECKED = rule(
    "F114", "artwork-unchecked", "artwork is a remote URL, so its file is not checked"
)
ARTWORK_ALPHA = rule("F115", "artwork-alpha", "show artwork has an alpha channel")
UNREADABLE_ARTWORK = rule(
    "F014", "artwork-size-unknown", "the size of local artwork cannot be read"
)
INVALID_ARTWORK_SIZE = rule(
    "F015", "invalid-artwork-size", "artwork is not square or not 1400 to 3000 pixels"
)

#: The advised largest artwork file.
MAX_ARTWORK_BYTES = 512 * 1024
#: The formats the directories take, and the extensions that name each.
SUFFIXES = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
#: Pillow modes in the RGB colour space (palette images index RGB colours).
RGB_MODES = frozenset({"RGB", "RGBA", "RGBX", "RGBa", "P", "PA"})
#: Pillow modes with an alpha channel.
ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})


def read_artwork(path: Path, shown: str) -> ArtworkInfo:
    """What the artwork file at ``path`` is (``shown`` as messages name it); never raises.

    The file is read when one of its facts (anything but ``path``) is first asked for, not
    before: a build whose feed is up to date never asks, and so never loads Pillow.
    """
    return _ArtworkOnDemand(path, shown)


class _ArtworkOnDemand(ArtworkInfo):
    """An :class:`ArtworkInfo` whose fields are filled from the file on first use: an unset
    field's slot raises ``AttributeError``, which calls :meth:`__getattr__`, which fills them
    all (after that, reading a field is a plain slot read). Printed and pickled as the values
    it holds, once read, and equal to another read on demand that holds the same; a copy by
    :func:`dataclasses.replace` is a plain :class:`ArtworkInfo`."""

    __slots__ = ("_file",)
    _file: Path

    def __new__(cls, path: Path | str | None = None, shown: str | None = None, **facts: Any) -> Any:
        """Made by :func:`read_artwork` (``path`` the file, ``shown`` its name), or by pickle
        (no arguments); as :func:`dataclasses.replace` calls it, from every field by name
        (``path`` the name), it is the plain :class:`ArtworkInfo` of those values, read
        already."""
        if path is not None and shown is None:
            return ArtworkInfo(str(path), **facts)
        return super().__new__(cls)

    def __init__(self, path: Path, shown: str) -> None:  # the fields are filled on first use
        object.__setattr__(self, "path", shown)
        object.__setattr__(self, "_file", path)

    def __getattr__(self, name: str) -> object:
        if name == "_file" or name not in _FACTS:
            raise AttributeError(name)
        info = _read(self._file, self.path)
        for fact in _FACTS:
            object.__setattr__(self, fact, getattr(info, fact))
        return getattr(info, name)


#: The fields of :class:`ArtworkInfo` read from the file.
_FACTS = ("format", "mode", "width", "height", "size_bytes", "problem", "missing")


def _read(path: Path, shown: str) -> ArtworkInfo:
    """What the artwork file at ``path`` is, read now with Pillow; never raises."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return ArtworkInfo(shown, problem="no such file", missing=True)
    except OSError as error:
        return ArtworkInfo(shown, problem=f"cannot read: {error.strerror}")
    if not path.is_file():
        return ArtworkInfo(shown, problem="not a file", missing=True)
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                mode = image.mode
                if image.format == "PNG" and "transparency" in image.info:
                    mode += "A" if not mode.endswith("A") else ""
                return ArtworkInfo(
                    shown, str(image.format or ""), mode, image.width, image.height, size
                )
    except UnidentifiedImageError:
        return ArtworkInfo(shown, size_bytes=size, problem="not an image Pillow reads")
    except Exception as error:  # a hostile file makes the decoder raise anything
        reason = str(error).split("\n", 1)[0] or type(error).__name__
        return ArtworkInfo(shown, size_bytes=size, problem=f"not an image Pillow reads ({reason})")


def check_artwork(
    info: ArtworkInfo, image: str, suffix: str, where: SourceRef, *, show: bool
) -> tuple[bool, list[Diagnostic]]:
    """Whether the feed may point at the artwork ``image`` (as written, with extension
    ``suffix``) described by ``info``, and what is wrong with it; ``show`` for the show's
    cover, whose faults directories reject (errors; an episode's are warnings, its
    ``itunes:image`` left out and the show's cover shown instead)."""
    found: list[Diagnostic] = []
    if info.missing:
        message = f"artwork '{image}': {info.problem}; {_LEFT}"
        found.append(
            MISSING_ARTWORK.error(where, message)
            if show
            else MISSING_ARTWORK.warning(where, message)
        )
        return False, found
    if info.problem is not None:
        message = f"artwork '{image}' is {info.problem}; {_LEFT}"
        found.append(
            UNREADABLE_ARTWORK.error(where, message)
            if show
            else UNREADABLE_ARTWORK.warning(where, message)
        )
        return False, found
    names = SUFFIXES.get(info.format)
    if names is None or suffix not in names:
        message = (
            f"artwork '{image}' is a {info.format} file, which its name does not say; "
            f"directories take a JPEG named .jpg or .jpeg, or a PNG named .png; {_LEFT}"
        )
        found.append(
            ARTWORK_FORMAT_MISMATCH.error(where, message)
            if show
            else ARTWORK_FORMAT_MISMATCH.warning(where, message)
        )
        return False, found
    if info.mode not in RGB_MODES:
        message = f"artwork '{image}' is {info.mode}, not in the RGB colour space; {_LEFT}"
        found.append(
            ARTWORK_NOT_RGB.error(where, message)
            if show
            else ARTWORK_NOT_RGB.warning(where, message)
        )
        return False, found
    problem = artwork_size_problem((info.width, info.height))
    if problem is not None:
        message = f"artwork '{image}' {problem}"
        found.append(
            INVALID_ARTWORK_SIZE.error(where, message)
            if show
            else INVALID_ARTWORK_SIZE.warning(where, message)
        )
    found.extend(_advice(info, image, where, show=show))
    return True, found


def _advice(info: ArtworkInfo, image: str, where: SourceRef, *, show: bool) -> list[Diagnostic]:
    """What the directories advise against: a large file, an alpha channel on the cover."""
    found: list[Diagnostic] = []
    if info.size_bytes > MAX_ARTWORK_BYTES:
        message = (
            f"artwork '{image}' is {info.size_bytes // 1024} KB; hosts advise at most "
            f"{MAX_ARTWORK_BYTES // 1024} KB"
        )
        found.append(ARTWORK_FILE_LARGE.warning(where, message))
    if show and info.mode in ALPHA_MODES:
        message = f"artwork '{image}' has an alpha channel, which Apple's show cover must not"
        found.append(ARTWORK_ALPHA.warning(where, message))
    return found


#: What a fault does to the feed.
_LEFT = "itunes:image left out"


def unchecked(image: str, where: SourceRef) -> Diagnostic:
    """The warning that remote show artwork ``image`` was not checked."""
    return ARTWORK_UNCHECKED.warning(
        where,
        f"artwork '{image}' is a remote URL, so castline cannot check that it is a square RGB "
        "JPEG or PNG of 1400 to 3000 pixels",
    )
