"""The no-change fast path: a build that would change nothing answers from the last build's
report, without parsing anything.

After a build that ended without an error, ``.castline/replay.json`` holds what the next build
would report if nothing changed (every episode unchanged, the same diagnostics), with a
snapshot of everything that report depends on:

- the **content folder**: every file and folder below it (the output folder left out), by
  name, type, size, modification and change times and inode;
- the **output folder** the same way, the replay file and the lock left out;
- the **build**: castline's version, the Python running it, the folder it runs in, the
  content and output folders as given, the selected exporters and the overrides, the
  ``CASTLINE_*`` environment variables and those that say where time zones are read, every
  folder of the import path and of the time zone path (installing or removing a
  distribution changes its folder), and every installed distribution's
  ``entry_points.txt`` (where exporters are declared);
- the **code**: the size and modification time of every module file the build had loaded
  (castline, the exporters, the libraries), checked one by one.

The next build compares them all, holding the build lock; when every one matches, the report
is the answer. Anything else (a difference, a symbolic link anywhere below either folder, an
unreadable replay file) takes the normal path, which removes the replay file before it writes
anything. This is how version control systems trust a file's stat instead of its bytes
(Git's index, https://git-scm.com/docs/racy-git): a time is only trusted when it is older
than the build by more than the file system's time step, so an edit made in the same step as
the build cannot look unchanged.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from castline import __version__
from castline.build.options import BuildOptions, BuildReport
from castline.build.statefiles import LOCK_FILE, REPLAY_FILE, STATE_DIR
from castline.diagnostics import (
    RULES,
    Diagnostic,
    Severity,
    diagnostics_from_json,
    diagnostics_to_json,
    provisional_rule,
    rule,
    sort_key,
)
from castline.source import SourceRef

try:  # what hashlib.blake2b is, without loading OpenSSL as importing hashlib does
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

#: Bumped when the replay file's layout changes (an older file is then of no use).
FORMAT = 1
#: How much older than the build a file's times must be to be trusted, on a file system
#: with sub-second times (Linux stamps a file with a clock that ticks every 1 to 10 ms) and
#: on one with whole seconds (ext3, HFS+; FAT counts two).
FINE_STEP_NS = 50_000_000
COARSE_STEP_NS = 2_500_000_000
#: The largest replay file read (a 10,000-episode show writes about 1 MB).
MAX_BYTES = 64 * 1024 * 1024

UNUSABLE_REPLAY = rule(
    "B009",
    "unusable-replay",
    "the no-change replay file cannot be read, or written; a build runs in full",
)


@dataclass(frozen=True, slots=True)
class Baseline:
    """The build's surroundings (:func:`build_key`) and the content folder (its digest) as
    they were before the build read anything; whether its times are old enough to trust."""

    key: str
    content: str
    trusted: bool


@dataclass(frozen=True, slots=True)
class Start:
    """What the normal path is handed: the baseline to save a replay against (``None``: none
    is saved), and why the replay file could not be used (``None`` when it was simply out of
    date or absent)."""

    baseline: Baseline | None
    problem: Diagnostic | None = None


class _Unusable(Exception):
    """A folder the fast path cannot vouch for: it holds a symbolic link or cannot be read."""


def replayed(
    content: Path, out: Path, options: BuildOptions, taken: Baseline | None = None
) -> tuple[BuildReport | None, Diagnostic | None]:
    """The report of a build that would change nothing, or ``None`` (and why, when the replay
    file is broken) when the build must run: the replay file's against the :func:`take_baseline`
    ``taken`` of the content (taken now when not given), then the output folder's stats.
    Reads only stats and that file."""
    if options.dry_run or options.force:
        return None, None
    baseline = taken if taken is not None else take_baseline(content, out, options)
    if baseline is None:
        return None, None
    path = out / STATE_DIR / REPLAY_FILE
    data, problem = _read_json(path)
    if data is None:
        return None, None if problem is None else _unusable(path, problem)
    if isinstance(data, dict) and type(data.get("format")) is int and data["format"] != FORMAT:
        return None, None  # another castline's file, as good as out of date: replaced
    try:
        saved = _saved(data)
    except (KeyError, TypeError, ValueError) as error:
        return None, _unusable(path, f"{type(error).__name__}: {error}")
    if (saved.key, saved.content) != (baseline.key, baseline.content):
        return None, None
    if not _modules_unchanged(saved.modules):
        return None, None
    with _try_lock(out) as held:
        if not held:
            return None, None
        try:
            unchanged = _out_digest(out) == saved.out
        except _Unusable:
            return None, None
    return (saved.report if unchanged and _known(saved.rules) else None), None


def _known(rules: list[tuple[str, str, str]]) -> bool:
    """Make the rules the replayed diagnostics name known, their modules not being loaded
    (:func:`castline.diagnostics.provisional_rule`: the module's own definition, should it
    be loaded later, takes the place of one); ``False`` when one clashes with a known rule."""
    try:
        for code, name, summary in rules:
            provisional_rule(code, name, summary)
    except ValueError:
        return False
    return True


def _unusable(path: Path, problem: str) -> Diagnostic:
    message = f"the no-change replay file cannot be used ({problem}); every step runs"
    return UNUSABLE_REPLAY.warning(SourceRef(str(path), 1), message)


def take_baseline(content: Path, out: Path, options: BuildOptions) -> Baseline | None:
    """The build's surroundings and the content folder's digest before the build reads it;
    ``None`` when no replay is used or saved (a dry run, a symbolic link below the content
    folder, a working folder that is gone). It is not ``trusted`` when a time in it is too
    recent: an edit in the same time step would not show."""
    if options.dry_run:
        return None
    started = time.time_ns()
    try:
        digest, newest, coarse = _content_digest(content, out)
    except _Unusable:
        return None
    key = build_key(content, out, options)
    if key is None:
        return None
    trusted = newest <= started - (COARSE_STEP_NS if coarse else FINE_STEP_NS)
    return Baseline(key, digest, trusted)


def save_replay(
    baseline: Baseline, content: Path, out: Path, options: BuildOptions, report: BuildReport
) -> None:
    """Write the replay file for the next build (holding the build lock, after the manifest).

    Nothing is written when the report is not what an unchanged rebuild would repeat (an
    error, a failed episode, a build-state warning such as an unreadable manifest) or when
    the content folder or the build's surroundings (:func:`build_key`) changed while it ran.
    """
    from castline.build.outfiles import write_atomic

    if report.errors or report.episodes_failed:
        return
    if any(d.code.startswith("B") for d in report.diagnostics):
        return  # about this build's state, not the content: the next build may not repeat it
    if not baseline.trusted or build_key(content, out, options) != baseline.key:
        return
    try:
        if _content_digest(content, out)[0] != baseline.content:
            return
        out_digest = _out_digest(out)
    except _Unusable:
        return
    document = {
        "format": FORMAT,
        "key": baseline.key,
        "content": baseline.content,
        "out": out_digest,
        "modules": _module_stats(),
        "report": _report_json(report),
    }
    text = json.dumps(document, separators=(",", ":"), sort_keys=True)  # ASCII: any file name
    path = out / STATE_DIR / REPLAY_FILE
    try:
        write_atomic(path, text.encode("ascii"))  # flushed: a power cut leaves it whole
    except OSError as error:  # the outputs are complete: only the next build's shortcut is lost
        problem = f"cannot save the no-change replay file: {error.strerror or error}"
        report.diagnostics.append(UNUSABLE_REPLAY.warning(SourceRef(str(path), 1), problem))
        report.diagnostics.sort(key=sort_key)


def forget_replay(out: Path) -> None:
    """Remove the replay file: the build about to write may change what it answered for. One
    that cannot be removed (a folder of that name) stays: the build's writes change the output
    folder, so it no longer matches."""
    with contextlib.suppress(OSError):
        os.unlink(out / STATE_DIR / REPLAY_FILE)


def build_key(content: Path, out: Path, options: BuildOptions) -> str | None:
    """What a build's report depends on besides the two folders and the code (see the
    module's documentation), as JSON text; ``None`` when it cannot be told (the working
    folder is gone)."""
    try:
        here = os.getcwd()
    except OSError:
        return None
    parts = [
        FORMAT,
        __version__,
        sys.executable,
        sys.version,
        here,
        os.fspath(content),
        os.fspath(out),
        list(options.only),
        sorted([str(name), repr(value)] for name, value in options.overrides.items()),
        sorted(
            [k, v] for k, v in os.environ.items() if k in _ENVIRONMENT or k.startswith("CASTLINE_")
        ),
        [_folder_stat(folder) for folder in sys.path],
        _installed(),
        [_folder_stat(folder) for folder in _time_zone_path()],
    ]
    return json.dumps(parts, separators=(",", ":"))


#: Environment variables a build's report depends on, besides ``CASTLINE_*``: where time
#: zones are looked up (``show.yaml``'s ``timezone``, https://peps.python.org/pep-0615/).
_ENVIRONMENT = frozenset({"PYTHONTZPATH", "TZ"})


def _folder_stat(folder: str) -> list[Any]:
    """A folder's times and inode (adding or removing an entry changes its times), or
    ``None`` for them when it cannot be looked at."""
    try:
        info = os.stat(folder or os.curdir)
    except OSError:
        return [folder, None]
    return [folder, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _installed() -> list[Any]:
    """The size and times of every installed distribution's ``entry_points.txt`` on the
    import path: where exporters are declared (the ``castline.exporters`` group), which an
    installation may rewrite in place."""
    rows: list[Any] = []
    for folder in sys.path:
        try:
            with os.scandir(folder or os.curdir) as listing:
                names = sorted(e.name for e in listing if e.name.endswith(_METADATA_FOLDERS))
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name, "entry_points.txt")
            try:
                info = os.stat(path)
            except OSError:
                rows.append([path, None])
                continue
            rows.append([path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino])
    return rows


_METADATA_FOLDERS = (".dist-info", ".egg-info")


def _time_zone_path() -> tuple[str, ...]:
    """The folders time zones are read from (:data:`zoneinfo.TZPATH`)."""
    import zoneinfo

    return tuple(zoneinfo.TZPATH)


def _content_digest(content: Path, out: Path) -> tuple[str, int, bool]:
    """The digest of every entry below the content folder (the output folder and what it
    holds left out, when it is inside): its path, type, size, modification and change times
    and inode; the newest time seen; whether every time is a whole second (a file system
    with coarse times).

    Raises:
        _Unusable: a symbolic link below it, or a folder that cannot be listed.
    """
    relative = os.path.relpath(os.path.abspath(out), os.path.abspath(content))
    inside = not (relative == os.curdir or relative.startswith(os.pardir))
    skipped = frozenset({relative.replace(os.sep, "/")} if inside else ())
    digest = blake2b(digest_size=32)
    newest, coarse = 0, True
    for path, info in _entries(os.fspath(content), skipped):
        digest.update(_stat_line(path, info))
        newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
        coarse = coarse and info.st_mtime_ns % 1_000_000_000 == 0
    return digest.hexdigest(), newest, coarse


def _out_digest(out: Path) -> str:
    """The digest of every entry below the output folder (as :func:`_content_digest`): the
    replay file and the lock left out, and the state folder's own stat (writing the replay
    file changes its times; what it holds counts).

    Raises:
        _Unusable: a symbolic link below it, or a folder that cannot be listed.
    """
    digest = blake2b(digest_size=32)
    for path, info in _entries(os.fspath(out), _OWN_FILES):
        if path != STATE_DIR:
            digest.update(_stat_line(path, info))
    return digest.hexdigest()


#: The replay file itself and the lock: left out of the output folder's snapshot.
_OWN_FILES = frozenset({f"{STATE_DIR}/{REPLAY_FILE}", f"{STATE_DIR}/{LOCK_FILE}"})


def _stat_line(path: str, info: os.stat_result) -> bytes:
    line = (
        f"{path}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}"
        f"\0{info.st_ino}\n"
    )
    return line.encode("utf-8", "surrogateescape")  # any file name


def _entries(root: str, skipped: frozenset[str]) -> Iterator[tuple[str, os.stat_result]]:
    """Every entry below ``root`` but the ``skipped`` ones and what they hold: its
    ``/``-separated path and ``lstat``, folder by folder in listing order (an unchanged folder
    lists the same way; a different order only means that the normal path runs).

    Raises:
        _Unusable: a symbolic link; an entry that vanished or cannot be looked at; a folder
            that cannot be listed.
    """
    folders = [""]
    while folders:
        folder = folders.pop()
        prefix = f"{folder}/" if folder else ""
        try:
            with os.scandir(os.path.join(root, folder) if folder else root) as listing:
                found = [
                    (prefix + entry.name, entry.stat(follow_symlinks=False)) for entry in listing
                ]
        except OSError as error:
            raise _Unusable(folder) from error
        for path, info in found:
            if path in skipped:
                continue
            if stat.S_ISLNK(info.st_mode):
                raise _Unusable(path)
            if stat.S_ISDIR(info.st_mode):
                folders.append(path)
            yield path, info


def _module_stats() -> list[list[Any]]:
    """``[file, size, modification time]`` of every module file loaded now, sorted."""
    rows = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            with contextlib.suppress(OSError):
                info = os.stat(path)
                rows.add((path, info.st_size, info.st_mtime_ns))
    return [list(row) for row in sorted(rows)]


def _modules_unchanged(rows: list[tuple[str, int, int]]) -> bool:
    for path, size, mtime_ns in rows:
        try:
            info = os.stat(path)
        except OSError:
            return False
        if info.st_size != size or info.st_mtime_ns != mtime_ns:
            return False
    return True


def _report_json(report: BuildReport) -> dict[str, Any]:
    """What an unchanged rebuild reports: every episode unchanged, nothing written, the same
    diagnostics (with the rules they name, so their summaries read the same)."""
    codes = sorted({d.code for d in report.diagnostics if d.code in RULES})
    return {
        "diagnostics": diagnostics_to_json(report.diagnostics),
        "rules": [[code, RULES[code].name, RULES[code].summary] for code in codes],
        "drafts": report.drafts,
        "episodes": report.episodes,
        "unchanged_episodes": report.episodes_skipped + report.episodes_built,
        "show_output_bytes": report.show_output_bytes,
        "show_exporter_bytes": report.show_exporter_bytes,
    }


@dataclass(frozen=True, slots=True)
class _Saved:
    """A replay file's contents, checked for shape."""

    key: str
    content: str
    out: str
    modules: list[tuple[str, int, int]]
    report: BuildReport
    rules: list[tuple[str, str, str]]


def _saved(data: Any) -> _Saved:
    """The replay file's contents.

    Raises:
        KeyError, TypeError, ValueError: a field is missing or of the wrong type.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a replay file of this castline")
    report = _mapping(data["report"])
    rules = [(_text(c), _text(n), _text(s)) for c, n, s in map(_list, _list(report["rules"]))]
    modules = [(_text(p), _count(s), _count(m)) for p, s, m in map(_list, _list(data["modules"]))]
    return _Saved(
        key=_text(data["key"]),
        content=_text(data["content"]),
        out=_text(data["out"]),
        modules=modules,
        report=_report(report),
        rules=rules,
    )


def _report(data: Mapping[str, Any]) -> BuildReport:
    rows = _list(data["diagnostics"])
    for row in rows:
        path, line, severity, message, code = _list(row)
        _text(path), _count(line), Severity(severity), _text(message), _text(code)
    return BuildReport(
        diagnostics=list(diagnostics_from_json(rows)),
        drafts=[_text(draft) for draft in _list(data["drafts"])],
        episodes={_text(k): _text(v) for k, v in _mapping(data["episodes"]).items()},
        episodes_skipped=_count(data["unchanged_episodes"]),
        show_output_bytes=_counts(data["show_output_bytes"]),
        show_exporter_bytes=_counts(data["show_exporter_bytes"]),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"expected a count, found {value!r:.40}")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def _counts(value: Any) -> dict[str, int]:
    return {_text(k): _count(v) for k, v in _mapping(value).items()}


def _read_json(path: Path) -> tuple[Any, str | None]:
    """The replay file parsed, or ``None`` and why it is of no use (``None`` for absent); never
    read through a symbolic link.
    """
    try:
        if not stat.S_ISDIR(os.lstat(path.parent).st_mode):
            return None, None  # the normal path reports a state folder that is a link
        flags = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # a FIFO: no wait
        handle = os.open(path, os.O_RDONLY | flags)
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, error.strerror or str(error)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None, f"not a regular file of at most {MAX_BYTES:,} bytes"
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return json.loads(stream.read(MAX_BYTES + 1)), None
    except (OSError, ValueError, RecursionError) as error:
        return None, f"{type(error).__name__}: {error}"
    finally:
        os.close(handle)


@contextlib.contextmanager
def _try_lock(out: Path) -> Iterator[bool]:
    """Hold the build lock (:func:`castline.build.manifest.locked`) if it is free at once:
    the folders are compared while no build writes them."""
    if sys.platform == "win32":
        yield True
        return
    import fcntl

    try:
        handle = os.open(out / STATE_DIR / LOCK_FILE, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            yield False
            return
        yield True
    finally:
        os.close(handle)
