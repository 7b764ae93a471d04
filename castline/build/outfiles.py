"""Files in the output folder: atomic writes, path checks, removals.

Every file castline writes goes through :func:`write_atomic`: readers see the old file or the
new one, never part of it, and an interrupted write leaves no temporary file behind (a worker
killed outright leaves one, which :func:`remove_stray_temporaries` sweeps).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import signal
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from castline.diagnostics import Diagnostic, rule
from castline.errors import ConfigError
from castline.exporter import Artifact
from castline.model import SourceRef

NOT_REMOVED = rule(
    "B002", "not-removed", "an output castline wrote before cannot be removed, or changed since"
)

#: The folder, inside the output folder, that holds castline's own files (no exporter writes
#: there).
STATE_DIR = ".castline"


@dataclass(slots=True)
class Changes:
    """Output files created, changed or removed (relative to the output folder), and the
    warnings of files not removed."""

    created: list[PurePosixPath] = field(default_factory=list)
    changed: list[PurePosixPath] = field(default_factory=list)
    removed: list[PurePosixPath] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def check_no_symlink(out: Path, relative: str | PurePosixPath) -> None:
    """Make sure no component of ``relative`` below ``out`` is a symbolic link (``lstat`` on
    each), so that nothing is written, read or removed through one: a link in the output
    folder may point anywhere. ``out`` itself may be one (the user named it).

    Raises:
        ConfigError: naming the first component that is a symbolic link.
    """
    parts = path_parts(relative)
    current = os.fspath(out)  # joined as text: a Path a component cost most of the check
    for depth, part in enumerate(parts, 1):
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except OSError:  # missing (created as a folder), or not below a folder: no link
            return
        if stat.S_ISLNK(mode):
            link = out.joinpath(*parts[:depth])
            raise ConfigError(f"{link}: is a symbolic link; castline writes no file through it")


def path_parts(relative: str | PurePosixPath) -> tuple[str, ...]:
    """The components of a path as :class:`PurePosixPath` gives them; a relative one given as
    text split by hand (empty and ``.`` segments dropped), which is several times faster.

    >>> path_parts("a//b/./c/"), path_parts(PurePosixPath("a/../b")), path_parts("/a")
    (('a', 'b', 'c'), ('a', '..', 'b'), ('/', 'a'))
    """
    if isinstance(relative, str) and not relative.startswith("/"):
        return tuple(part for part in relative.split("/") if part and part != ".")
    return PurePosixPath(relative).parts


def read_output(out: Path, relative: str | PurePosixPath) -> bytes | None:
    """An output file's bytes; ``None`` when it is missing, unreadable, or reached through a
    symbolic link (see :func:`check_no_symlink`)."""
    try:
        check_no_symlink(out, relative)
    except ConfigError:
        return None
    return read_or_none(out / relative)


def check_path(path: PurePosixPath) -> None:
    """Make sure an exporter's path stays in the output folder and out of :data:`STATE_DIR`.

    Raises:
        ConfigError: the path is absolute, climbs with ``..`` or is in :data:`STATE_DIR`.
    """
    if path.is_absolute() or ".." in path.parts or (path.parts and path.parts[0] == STATE_DIR):
        raise ConfigError(f"an exporter tried to write outside its place: {path}")


def is_output_file(out: Path, relative: str | PurePosixPath) -> bool:
    """True when ``out/relative`` is a regular file reached through no symbolic link."""
    try:
        check_no_symlink(out, relative)
        return stat.S_ISREG(os.lstat(out / relative).st_mode)
    except (ConfigError, OSError):
        return False


def read_or_none(path: Path) -> bytes | None:
    """The file's bytes, or ``None`` when it is not a regular file or cannot be read (opened
    without blocking: a pipe is not waited for)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read()
    except OSError:
        return None
    finally:
        os.close(handle)


def put(
    out: Path, relative: str | PurePosixPath, data: bytes, *, dry_run: bool
) -> Literal["created", "changed", "unchanged"]:
    """Write ``data`` to ``out/relative`` (atomically) unless it already holds those bytes.

    Raises:
        ConfigError: a component of the path is a symbolic link (:func:`check_no_symlink`).
        OSError: the write failed (a full disk, a read-only folder); its ``filename`` is
            ``out/relative``.
    """
    check_no_symlink(out, relative)
    target = out / relative
    existing = read_or_none(target)
    if existing == data:
        return "unchanged"
    if not dry_run:
        try:  # a new file loses no previous output: flushed with the others (flush_all)
            write_atomic(target, data, durable=existing is not None)
        except OSError as error:  # named after the file, not its temporary file (or nothing)
            raise OSError(error.errno, error.strerror or str(error), str(target)) from error
    return "created" if existing is None else "changed"


def write_artifacts(
    out: Path, artifacts: Sequence[Artifact], *, dry_run: bool
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Write the artifacts whose bytes differ; return the (created, changed, unchanged) paths.

    Raises:
        ConfigError: two artifacts have the same path.
    """
    seen: set[PurePosixPath] = set()
    done: dict[str, list[str]] = {"created": [], "changed": [], "unchanged": []}
    for artifact in sorted(artifacts, key=lambda a: a.path):
        if artifact.path in seen:
            raise ConfigError(f"two exporters write the same file: {artifact.path}")
        seen.add(artifact.path)
        what = put(out, artifact.path, artifact.text.encode("utf-8"), dry_run=dry_run)
        done[what].append(str(artifact.path))
    return tuple(done["created"]), tuple(done["changed"]), tuple(done["unchanged"])


def remove_output(
    out: Path, relative: str, digest: str, changes: Changes, *, dry_run: bool
) -> None:
    """Remove a file castline wrote (as the manifest says) and no longer makes, if it still
    holds the bytes castline wrote (hashing to ``digest``): a file changed since, or reached
    through a symbolic link, is kept, with a warning."""
    target = out / relative
    try:
        check_no_symlink(out, relative)
    except ConfigError as error:
        changes.diagnostics.append(
            NOT_REMOVED.warning(SourceRef(str(target), 1), f"not removed: {error}")
        )
        return
    data = read_or_none(target)
    if data is None:
        return
    if hashlib.sha256(data).hexdigest() != digest:
        changes.diagnostics.append(
            NOT_REMOVED.warning(
                SourceRef(str(target), 1), "not removed: it changed since castline wrote it"
            )
        )
        return
    changes.removed.append(PurePosixPath(relative))
    if not dry_run:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        sync_folder(target.parent)


def write_atomic(path: Path, data: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Write ``data`` (bytes, or chunks of bytes) to ``path`` so that readers see the old file
    or the new one, never part.

    The bytes go to a temporary file in the same folder, which is renamed over ``path``. When
    ``durable``, the file is flushed to the disk (``fsync``) before the rename and the folder
    after it, so that after a power cut ``path`` holds the old bytes or the new ones, never
    none (https://pubs.opengroup.org/onlinepubs/9799919799/functions/fsync.html). A file
    written otherwise replaced nothing: the build flushes all of them at once
    (:func:`flush_all`) before its manifest records them. If anything fails (or the process
    is interrupted), the temporary file is removed; a worker stopped by SIGTERM removes it
    too (:func:`remove_temporaries`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # Ctrl-C and SIGTERM wait until the file is created and this function's clean-up is in
    # place: an exception raised by a signal handler in between would leave the file behind.
    deferred = _defer_signals()
    try:
        temporary, handle = _create_temporary(path)
    except BaseException:
        _restore_signals(deferred)
        raise
    try:
        _restore_signals(deferred)
        with os.fdopen(handle, "wb") as stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:
                stream.writelines(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    finally:
        _TEMPORARIES.discard(temporary)
    if durable:
        sync_folder(path.parent)


def flush_all() -> None:
    """Flush every file written so far to the disk, in one call where the system has it
    (``sync``, https://pubs.opengroup.org/onlinepubs/9799919799/functions/sync.html): one wait
    for the disk instead of one per new file. (POSIX lets ``sync`` return before the writes
    are done; Linux waits for them.)"""
    if hasattr(os, "sync"):
        os.sync()


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename, a removal) to the disk, where the system can."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # Windows opens no folder; the rename is then as durable as it gets
        return
    try:
        os.fsync(handle)
    except OSError as error:  # a file system that cannot flush folders
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(handle)


_TEMPORARIES: set[str] = set()
"""Temporary files this process is writing. A name is added before its file exists and
dropped after the rename, so a signal handler that removes them all never misses one."""

_DEFERRED_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def temporaries() -> frozenset[str]:
    """The temporary files :func:`write_atomic` is writing in this process now."""
    return frozenset(_TEMPORARIES)


def remove_temporaries() -> None:
    """Remove the temporary files this process is writing (from a signal handler)."""
    for temporary in list(_TEMPORARIES):
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _defer_signals() -> set[int | signal.Signals] | None:
    """Block Ctrl-C and SIGTERM in this thread (POSIX); the previous mask, to restore."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED_SIGNALS)


def _restore_signals(previous: set[int | signal.Signals] | None) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _create_temporary(path: Path) -> tuple[str, int]:
    """Create ``.NAME.RANDOM.tmp`` beside ``path``; return its name and an open descriptor."""
    while True:
        temporary = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        _TEMPORARIES.add(temporary)
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # somebody else's file: not ours to remove
            _TEMPORARIES.discard(temporary)
            continue
        except BaseException:
            _TEMPORARIES.discard(temporary)
            raise


#: The name :func:`_create_temporary` gives a temporary file.
_STRAY_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")


def remove_stray_temporaries(out: Path) -> None:
    """Remove the temporary files of :func:`write_atomic` left in the output folder.

    For use once a worker died: a worker killed outright (SIGKILL, the out-of-memory killer)
    cannot remove the file it was writing. Workers only write while a build runs, so once the
    pool is gone every file named like theirs is a leftover.
    """
    for folder, _, names in os.walk(out):
        for name in names:
            if _STRAY_TEMPORARY.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))
