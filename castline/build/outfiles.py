"""Files in the output folder: atomic writes, path checks, removals.

Every file castline writes is written atomically (:func:`write_atomic`, or a batch of outputs
through :func:`writing`): readers see the old file or the new one, never part of it, and an
interrupted write leaves no temporary file behind (a worker killed outright leaves one, which
:func:`remove_stray_temporaries` sweeps).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import random
import re
import signal
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from castline.build.statefiles import STATE_DIR as STATE_DIR
from castline.diagnostics import Diagnostic, rule
from castline.errors import ConfigError
from castline.exporter import Artifact
from castline.source import SourceRef

NOT_REMOVED = rule(
    "B002", "not-removed", "an output castline wrote before cannot be removed, or changed since"
)


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
            raise _link_error(out.joinpath(*parts[:depth]))


def _link_error(link: Path) -> ConfigError:
    """The error of a symbolic link on the way to a file in the output folder."""
    return ConfigError(f"{link}: is a symbolic link; castline writes no file through it")


def path_parts(relative: str | PurePosixPath) -> tuple[str, ...]:
    """The components of a path as :class:`PurePosixPath` gives them; a relative one given as
    text split by hand (empty and ``.`` segments dropped), which is several times faster.

    >>> path_parts("a//b/./c/"), path_parts(PurePosixPath("a/../b")), path_parts("/a")
    (('a', 'b', 'c'), ('a', '..', 'b'), ('/', 'a'))
    """
    if isinstance(relative, PurePosixPath):  # its own parts, not those of a copy
        return relative.parts
    if not relative.startswith("/"):
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
        info = os.fstat(handle)
        return _read_to_end(handle, info.st_size) if stat.S_ISREG(info.st_mode) else None
    except OSError:
        return None
    finally:
        os.close(handle)


def _read_to_end(handle: int, size: int) -> bytes:
    """The bytes of the open file ``handle`` of ``size`` bytes, read to its end (should it
    have grown)."""
    chunks = [os.read(handle, size + 1)]
    while chunks[-1]:
        chunks.append(os.read(handle, 1 << 16))
    return b"".join(chunks)


def put(
    out: Path, relative: str | PurePosixPath, data: bytes, *, dry_run: bool
) -> Literal["created", "changed", "unchanged"]:
    """Write ``data`` to ``out/relative`` (atomically) unless it already holds those bytes: a
    batch of one file (:meth:`OutputWriter.put`).

    Raises:
        ConfigError: a component of the path is a symbolic link (:func:`check_no_symlink`).
        OSError: the write failed (a full disk, a read-only folder); its ``filename`` is
            ``out/relative``.
    """
    with writing(out, dry_run=dry_run) as writer:
        return writer.put(relative, data)


def encoded(artifacts: Iterable[Artifact]) -> list[tuple[PurePosixPath, bytes]]:
    """The artifacts' paths and bytes (their text in UTF-8), encoded once for hashing,
    measuring and writing."""
    return [(artifact.path, artifact.text.encode("utf-8")) for artifact in artifacts]


def write_artifacts(
    writer: OutputWriter, files: Sequence[tuple[PurePosixPath, bytes]]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Write the files (artifacts' paths and bytes, :func:`encoded`) whose bytes differ, in
    path order; return the (created, changed, unchanged) paths.

    Raises:
        ConfigError: two files have the same path.
    """
    seen: set[PurePosixPath] = set()
    done: dict[str, list[str]] = {"created": [], "changed": [], "unchanged": []}
    for path, data in sorted(files, key=lambda file: file[0]):
        if path in seen:
            raise ConfigError(f"two exporters write the same file: {path}")
        seen.add(path)
        done[writer.put(path, data)].append(str(path))
    return tuple(done["created"]), tuple(done["changed"]), tuple(done["unchanged"])


@contextlib.contextmanager
def writing(out: Path, *, dry_run: bool) -> Iterator[OutputWriter]:
    """A batch of writes into ``out`` (one episode's files, a show step's), for as long as the
    block runs; a dry run writes nothing and only compares.

    Ctrl-C and SIGTERM wait until the block ends (POSIX): no signal handler runs while a
    temporary file of the batch exists, so none is left behind however the build is stopped
    (the block then ends with every file of the batch complete, or removed when a write
    failed). The batch's folders are opened once each and closed when it ends: a folder
    replaced by a symbolic link is refused by the next batch, and until then the files go to
    the folder that was checked, never through the link.
    """
    writer = OutputWriter(out, dry_run=dry_run)
    deferred = None if dry_run or not _BY_DESCRIPTOR else _defer_signals()
    try:
        yield writer
    finally:
        try:
            writer.close()
        finally:
            _restore_signals(deferred)


def reading(out: Path) -> contextlib.AbstractContextManager[OutputWriter]:
    """A batch that only reads outputs (:meth:`OutputWriter.read`): a dry run's writer."""
    return writing(out, dry_run=True)


class _ByPath(Exception):
    """A folder the batch cannot open (not a symbolic link: unreadable, not a folder): the file
    is written by path instead (:func:`_put_by_path`), as on a system without ``openat``."""


class OutputWriter:
    """Writes into the output folder for one batch (see :func:`writing`, which makes one).

    Every folder below ``out`` is opened relative to its parent's descriptor without following
    a symbolic link (``O_NOFOLLOW``, ``openat``:
    https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html), once per batch,
    and every file relative to its folder's descriptor: no path under ``out`` is resolved again,
    so nothing is reached through a link, even one swapped in during the batch.
    """

    def __init__(self, out: Path, *, dry_run: bool) -> None:
        self.out = out
        self.dry_run = dry_run
        self._folders: dict[tuple[str, ...], int] = {}
        #: Folders found missing by this batch, those it made (empty when made: a file in one
        #: is new without looking, unless the batch wrote it), and the files it wrote.
        self._missing: set[tuple[str, ...]] = set()
        self._made: set[tuple[str, ...]] = set()
        self._written: set[tuple[str, ...]] = set()

    def close(self) -> None:
        """Close the folders this batch opened."""
        folders, self._folders = list(self._folders.values()), {}
        for handle in folders:
            with contextlib.suppress(OSError):
                os.close(handle)

    def put(
        self, relative: str | PurePosixPath, data: bytes
    ) -> Literal["created", "changed", "unchanged"]:
        """Write ``data`` to ``out/relative`` (atomically) unless it already holds those bytes.

        A new file is not flushed to the disk (:func:`flush_all` flushes them all before the
        manifest names them); one that replaces a file is, and so is its folder after the
        rename (see :func:`write_atomic`).

        Raises:
            ConfigError: a component of the path is a symbolic link (:func:`check_no_symlink`).
            OSError: the write failed (a full disk, a read-only folder); its ``filename`` is
                ``out/relative``.
        """
        parts = path_parts(relative)
        if not _BY_DESCRIPTOR or not parts or parts[0] == "/" or ".." in parts:
            return _put_by_path(self.out, relative, data, dry_run=self.dry_run)
        try:
            folder = self._folder(parts[:-1], create=False)
            existing = None
            if folder is not None and (parts[:-1] not in self._made or parts in self._written):
                existing = self._holds(folder, parts, data)
            if existing is True:
                return "unchanged"
            if not self.dry_run:
                self._replace(folder, parts, data, durable=existing is not None)
                self._written.add(parts)
        except _ByPath:
            return _put_by_path(self.out, relative, data, dry_run=self.dry_run)
        return "created" if existing is None else "changed"

    def read(self, relative: str | PurePosixPath) -> bytes | None:
        """An output file's bytes; ``None`` when it is missing, not a regular file or
        unreadable (as :func:`read_or_none`).

        Raises:
            ConfigError: it is reached through a symbolic link (:func:`check_no_symlink`).
        """
        parts = path_parts(relative)
        if _BY_DESCRIPTOR and parts and parts[0] != "/" and ".." not in parts:
            try:
                folder = self._folder(parts[:-1], create=False)
                return None if folder is None else self._read_in(folder, parts)
            except _ByPath:
                pass
        check_no_symlink(self.out, relative)
        return read_or_none(self.out / relative)

    def _read_in(self, folder: int, parts: tuple[str, ...]) -> bytes | None:
        """The bytes of the file ``parts[-1]`` in ``folder`` (see :meth:`read`)."""
        opened = self._open_file(folder, parts)
        if opened is None:
            return None
        try:
            return _read_to_end(*opened)
        except OSError:
            return None
        finally:
            os.close(opened[0])

    def _open_file(self, folder: int, parts: tuple[str, ...]) -> tuple[int, int] | None:
        """The regular file ``parts[-1]`` in ``folder``, opened (without blocking: a pipe is
        not waited for), and its size; ``None`` when it is missing, not a regular file or
        cannot be opened.

        Raises:
            ConfigError: it is a symbolic link.
        """
        try:
            handle = os.open(parts[-1], os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW, dir_fd=folder)
        except FileNotFoundError:
            return None
        except OSError:
            self._refuse_link(folder, parts)
            return None
        try:
            info = os.fstat(handle)
        except OSError:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode):
            os.close(handle)
            return None
        return handle, info.st_size

    def _folder(self, parts: tuple[str, ...], *, create: bool) -> int | None:
        """The descriptor of the folder ``out/parts``, opened through no symbolic link (and
        made, with its parents, when missing and ``create``); ``None`` when missing.

        Raises:
            ConfigError: a component is a symbolic link.
            _ByPath: a component cannot be opened as a folder.
        """
        handle = self._folders.get(parts)
        if handle is not None:
            return handle
        if not parts:
            handle = _open_out(self.out, create=create)
        else:
            parent = self._folder(parts[:-1], create=create)
            if parent is None:
                return None
            handle = self._open_below(parent, parts, create=create)
        if handle is not None:
            self._folders[parts] = handle
        return handle

    def _open_below(self, parent: int, parts: tuple[str, ...], *, create: bool) -> int | None:
        """Open the folder ``parts[-1]`` in the folder ``parent`` (see :meth:`_folder`)."""
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
        if parts in self._missing:
            if not create:
                return None
        else:
            try:
                return os.open(parts[-1], flags, dir_fd=parent)
            except FileNotFoundError:
                if not create:
                    self._missing.add(parts)
                    return None
            except OSError:
                self._refuse_link(parent, parts)
                raise _ByPath from None
        try:
            os.mkdir(parts[-1], 0o777, dir_fd=parent)
            self._made.add(parts)
        except FileExistsError:  # made meanwhile: opened (and checked) below
            pass
        try:
            return os.open(parts[-1], flags, dir_fd=parent)
        except OSError:
            self._refuse_link(parent, parts)
            raise _ByPath from None

    def _refuse_link(self, folder: int, parts: tuple[str, ...]) -> None:
        """Raise the error of :func:`check_no_symlink` when ``parts[-1]`` is a symbolic link in
        ``folder`` (after opening it failed)."""
        try:
            is_link = stat.S_ISLNK(os.lstat(parts[-1], dir_fd=folder).st_mode)
        except OSError:
            return
        if is_link:
            raise _link_error(self.out.joinpath(*parts))

    def _holds(self, folder: int, parts: tuple[str, ...], data: bytes) -> bool | None:
        """Whether the file ``parts[-1]`` in ``folder`` holds ``data``; ``None`` when it is
        missing, not a regular file or unreadable (as :func:`read_or_none`).

        Raises:
            ConfigError: the file is a symbolic link.
        """
        opened = self._open_file(folder, parts)
        if opened is None:
            return None
        handle, size = opened
        try:
            # One read of a byte more than expected: a longer file reads differently, and a
            # regular file reads short only at its end (a read cut short otherwise, as by a
            # signal, only makes the file written again).
            return size == len(data) and os.read(handle, size + 1) == data
        except OSError:
            return None
        finally:
            os.close(handle)

    def _replace(
        self, folder: int | None, parts: tuple[str, ...], data: bytes, *, durable: bool
    ) -> None:
        """Write ``data`` to a temporary file in the folder and rename it over ``parts[-1]``
        (made first when ``folder`` is ``None``); flushed to the disk, and the folder after the
        rename, when ``durable``. Signals are deferred by the batch (:func:`writing`).

        Raises:
            OSError: named after ``out/relative``.
        """
        name = parts[-1]
        try:
            if folder is None:
                folder = self._folder(parts[:-1], create=True)
                assert folder is not None  # made
            temporary, registered, handle = _create_temporary_in(folder, self.out, parts)
            try:
                _fill(handle, data, durable=durable)
                os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=folder)
                raise
            finally:
                _TEMPORARIES.discard(registered)
            if durable:
                _sync_folder_handle(folder)
        except OSError as error:  # named after the file, not its temporary file (or nothing)
            where = str(self.out.joinpath(*parts))
            raise OSError(error.errno, error.strerror or str(error), where) from error


def _open_out(out: Path, *, create: bool) -> int | None:
    """Open the output folder (through a link if it is one: the user named it), made with
    its parents when missing and ``create``; ``None`` when missing.

    Raises:
        _ByPath: it cannot be opened as a folder.
    """
    flags = os.O_RDONLY | os.O_DIRECTORY
    try:
        return os.open(out, flags)
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        raise _ByPath from None
    try:
        out.mkdir(parents=True, exist_ok=True)
        return os.open(out, flags)
    except OSError:
        raise _ByPath from None


def _put_by_path(
    out: Path, relative: str | PurePosixPath, data: bytes, *, dry_run: bool
) -> Literal["created", "changed", "unchanged"]:
    """:meth:`OutputWriter.put` by path: every component checked (:func:`check_no_symlink`)
    and the file written by :func:`write_atomic`."""
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


def _fill(handle: int, data: bytes | Iterable[bytes], *, durable: bool) -> None:
    """Write ``data`` to the new temporary file ``handle``, flushed to the disk when
    ``durable``, give it mode 0o644 (where the system sets a mode on a descriptor; elsewhere
    the caller sets it by name) and close it (closed whatever happens).

    The mode is set after creating the file: one given to ``open`` is narrowed by the umask
    and, where the folder has a default ACL, by that ACL
    (https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html).
    """
    try:
        if isinstance(data, bytes):
            _write_all(handle, data)
        else:  # many small chunks (the manifest's lines): buffered
            with os.fdopen(handle, "wb", closefd=False) as stream:
                stream.writelines(data)
        if durable:
            os.fsync(handle)
        if hasattr(os, "fchmod"):
            os.fchmod(handle, 0o644)
    finally:
        os.close(handle)


def _write_all(handle: int, data: bytes) -> None:
    """Write all of ``data`` to ``handle`` (a write may take only part)."""
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


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
        _fill(handle, data, durable=durable)
        if not hasattr(os, "fchmod"):  # Windows: only the read-only flag, set by name
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


#: Seconds between two flushes ahead (:class:`FlushingAhead`): an idle ``sync`` costs well under
#: a millisecond; four a second keep the dirty pages of a build to a few megabytes.
FLUSH_AHEAD_INTERVAL = 0.25


class FlushingAhead:
    """While it runs, a background thread flushes the files written so far every
    :data:`FLUSH_AHEAD_INTERVAL` seconds (:func:`flush_all`; the call waits in the kernel,
    not holding Python's lock), so that the disk works while the build computes and the
    build's final :func:`flush_all` finds little left to write. It changes no guarantee: that
    final flush, made after the last file is written, is the one the manifest waits for.

    A process that forks must not start it: a child forked while the thread runs gets a copy
    of its state, not the thread. Used as a context manager, it runs for the block.
    """

    def __init__(self) -> None:
        import threading  # only builds that write import it

        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._flush_until_done, name="castline-flush", daemon=True
        )

    def start(self) -> None:
        """Start flushing (where the system has ``sync``); a daemon thread, it ends with the
        process if :meth:`stop` is never called."""
        if hasattr(os, "sync"):
            self._thread.start()

    def stop(self) -> None:
        """Stop flushing and wait for a flush under way."""
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def __enter__(self) -> FlushingAhead:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _flush_until_done(self) -> None:
        while not self._done.wait(FLUSH_AHEAD_INTERVAL):
            flush_all()


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename, a removal) to the disk, where the system can."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # Windows opens no folder; the rename is then as durable as it gets
        return
    try:
        _sync_folder_handle(handle)
    finally:
        os.close(handle)


def _sync_folder_handle(handle: int) -> None:
    """Flush an open folder's entries to the disk, where the file system can."""
    try:
        os.fsync(handle)
    except OSError as error:  # a file system that cannot flush folders
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise


_TEMPORARIES: set[str] = set()
"""Temporary files this process is writing. A name is added before its file exists and
dropped after the rename, so a signal handler that removes them all never misses one."""

_DEFERRED_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})

#: Whether files can be opened, made, renamed and removed relative to a folder's descriptor
#: without following a link (POSIX ``openat`` and its kin), as :class:`OutputWriter` does;
#: elsewhere (Windows) every output is written by path (:func:`_put_by_path`).
_BY_DESCRIPTOR = (
    {os.open, os.mkdir, os.rename, os.unlink, os.stat} <= os.supports_dir_fd
    and hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and hasattr(os, "fchmod")
)


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
    _, temporary, handle = _create_exclusive(path.name, lambda name: str(path.parent / name))
    return temporary, handle


def _create_temporary_in(folder: int, out: Path, parts: tuple[str, ...]) -> tuple[str, str, int]:
    """:func:`_create_temporary` in the open ``folder`` of the file ``out/parts``: the
    temporary file's name in the folder, the path it is registered by, and an open
    descriptor."""
    return _create_exclusive(
        parts[-1], lambda name: os.path.join(out, *parts[:-1], name), folder=folder
    )


def _create_exclusive(
    of: str, registered: Callable[[str], str], *, folder: int | None = None
) -> tuple[str, str, int]:
    """Create a temporary file for the file named ``of`` (by its name in the open ``folder``,
    or by the path it is ``registered`` by when there is none), under a name nobody has; its
    name, that path and an open descriptor. The path is registered (:func:`temporaries`)
    before the file exists."""
    while True:
        name = temporary_name(of)
        temporary = registered(name)
        _TEMPORARIES.add(temporary)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
            opened = name if folder is not None else temporary
            return name, temporary, os.open(opened, flags, 0o600, dir_fd=folder)
        except FileExistsError:  # somebody else's file: not ours to remove
            _TEMPORARIES.discard(temporary)
            continue
        except BaseException:
            _TEMPORARIES.discard(temporary)
            raise


def temporary_name(name: str) -> str:
    """A name for a temporary file of the file ``name``: ``.NAME.RANDOM.tmp``.

    The random part only keeps apart the temporary files of several processes: it need not be
    unpredictable (no system call per file), since the file is created exclusively
    (``O_EXCL``, which follows no link and opens no existing file) and a taken name is skipped.
    ``random`` is seeded again in a forked child, so worker processes draw different names.
    """
    return f".{name}.{random.getrandbits(32):08x}.tmp"


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
