"""Reading content files safely: only regular files, only up to a size, only inside the folder.

A name in a content folder may be a dangling symbolic link, a link loop, a directory, a named
pipe (which would block a reader forever) or a device (``/dev/zero`` never ends). Such a file is
described (:func:`not_regular`) and never opened; a regular file is read only after a stat says
it is within :attr:`castline.model.Limits.file_bytes`, and opened with ``O_NONBLOCK`` so that a
file swapped for a pipe in between cannot block the read (POSIX ``open``,
https://pubs.opengroup.org/onlinepubs/9699919799/functions/open.html).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from castline.diagnostics import rule
from castline.errors import ContentError
from castline.model import SourceRef

#: The kinds of problem reading a file.
UNREADABLE_FILE = rule("L001", "unreadable-file", "a file cannot be read, or is not a regular file")
FILE_TOO_BIG = rule("L002", "file-too-big", "a file is larger than ``limits`` allow")
MISSING_FOLDER = rule(
    "L003", "missing-folder", "the content folder or the episodes folder does not exist"
)
OUTSIDE_CONTENT = rule(
    "L004", "outside-content", "a path in the content leads outside the content folder"
)
SKIPPED_FILE = rule(
    "L005",
    "skipped-file",
    "an episode or profile file is a link, not a regular file or not named in UTF-8; skipped",
)

#: What a file that is not a regular file is, by its ``st_mode`` type.
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def inside(relative: str) -> bool:
    """Whether the path ``relative`` (to the content folder) stays inside that folder (``.``
    counts), by its text: an absolute path, ``..`` above the folder or a NUL byte is outside.
    Symbolic links inside the folder are the user's own and are followed.

    >>> inside("media/a.mp3"), inside("."), inside("a/../../x.png"), inside("/etc/passwd")
    (True, True, False, False)
    """
    if not relative or "\0" in relative or os.path.isabs(relative):
        return False
    normal = os.path.normpath(relative)
    return normal != os.pardir and not normal.startswith(os.pardir + os.sep)


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; ``False`` where asking fails (a name too long for the
    file system, a symbolic link loop, no permission), so that such a name is reported as a
    missing folder instead of stopping castline."""
    try:
        return path.is_dir()
    except OSError:
        return False


def not_regular(path: Path) -> str | None:
    """``None`` for a regular file (or a link to one); else what it is, for a message:
    ``a dangling symbolic link``, ``a symbolic link loop``, ``a directory`` ..."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a dangling symbolic link" if os.path.islink(path) else "missing"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link loop"
        return f"unreadable ({error.strerror})"
    except ValueError:  # a NUL byte in the name
        return "not a valid file name"
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"a symbolic link to {kind}" if os.path.islink(path) else kind


def undecodable_name(name: str) -> str | None:
    """``None`` for a file name that is UTF-8 text; else the name with each byte UTF-8 cannot
    read written ``\\xNN``, for a message. Python lists such a byte as a lone surrogate
    (PEP 383, https://peps.python.org/pep-0383/), which no UTF-8 file (an output, the
    manifest) and no message can hold.

    >>> undecodable_name("0001-pilot.md") is None, undecodable_name("0002-\\udcff.md")
    (True, '0002-\\\\xff.md')
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return None


def read_bounded(path: Path, display: str, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    Raises:
        ContentError: not a regular file, larger than ``max_bytes`` (``limits.file_bytes``), or
            unreadable; at line 1 of ``display``.
    """
    where = SourceRef(display, 1)
    kind = not_regular(path)
    if kind is not None:
        raise ContentError(UNREADABLE_FILE, where, f"the file is {kind}; not read")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ContentError(UNREADABLE_FILE, where, f"cannot read: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        size = os.fstat(descriptor)
        if not stat.S_ISREG(size.st_mode):  # swapped since the check
            raise ContentError(UNREADABLE_FILE, where, "the file is not a regular file; not read")
        if size.st_size > max_bytes:
            raise ContentError(FILE_TOO_BIG, where, _too_big(size.st_size, max_bytes))
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew since the stat
        raise ContentError(FILE_TOO_BIG, where, _too_big(len(data), max_bytes))
    return data


def check_size(data: bytes, display: str, max_bytes: int) -> None:
    """The size rule of :func:`read_bounded`, for bytes a caller has read already.

    Raises:
        ContentError: ``data`` is larger than ``max_bytes``.
    """
    if len(data) > max_bytes:
        raise ContentError(FILE_TOO_BIG, SourceRef(display, 1), _too_big(len(data), max_bytes))


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"the file is {size:,} bytes, more than limits.file_bytes ({max_bytes:,}) allows; not read"
    )
