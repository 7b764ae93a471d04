"""The build manifest: what castline wrote, from which inputs, so a rebuild can skip work.

In ``<out>/.castline/``:

``manifest.json``
    Deterministic (no times): per episode file, the hash of its bytes and the fingerprints of
    the files it depends on (the guest profiles it names, its local media file); per
    exporter, the hash of that exporter's settings, the files it wrote with their hashes, the
    hash of its record for the show step and its warnings; and the show-level files. Safe to
    commit with ``out/``.
``records/<sha256>.json``
    The records themselves (the JSON an exporter hands its show step, such as a whole page's
    data), one file each, named after the SHA-256 of its bytes (content-addressed: episodes
    whose record did not change keep their file). The manifest names each by that hash
    only, so a build that skips every episode reads none of them; the show step reads them
    when it runs, and a file that is missing, unreadable, not JSON or not hashing to its name
    gets its episode rebuilt (:data:`UNUSABLE_RECORD`). Written before the manifest that
    names them; once it is saved, files of that name pattern it does not name are removed.
    Committed with the manifest.
``stat-cache.json``
    Size and modification time per episode file, so an untouched file is not even read. It
    changes on every checkout, so ``.castline/.gitignore`` keeps it out of git.
``lock``
    Empty; held by the build running (see :func:`locked`), also kept out of git.

A missing, unreadable or older-format manifest means "nothing is known": everything is built.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.platform != "win32":
    import fcntl

from castline.build.outfiles import STATE_DIR as STATE_DIR
from castline.build.outfiles import (
    OutputWriter,
    check_no_symlink,
    flush_all,
    read_or_none,
    write_atomic,
)
from castline.build.statefiles import LOCK_FILE as LOCK_FILE
from castline.build.statefiles import REPLAY_FILE
from castline.diagnostics import Diagnostic, Severity, rule
from castline.diagnostics import diagnostics_from_json as diagnostics_from_json
from castline.diagnostics import diagnostics_to_json as diagnostics_to_json
from castline.errors import ConfigError
from castline.source import SourceRef

UNREADABLE_MANIFEST = rule(
    "B001", "unreadable-manifest", "the build manifest cannot be used; every episode is rebuilt"
)

UNUSABLE_RECORD = rule(
    "B008",
    "unusable-record",
    "an exporter's record in the build folder cannot be used; its episode is rebuilt",
)

MANIFEST_FILE = "manifest.json"
#: The folder of record files, in :data:`STATE_DIR`.
RECORDS_DIR = "records"
STAT_CACHE_FILE = "stat-cache.json"
#: ``.castline/.gitignore``: what changes on every checkout or build stays out of git.
GITIGNORE = f"{STAT_CACHE_FILE}\n{LOCK_FILE}\n{REPLAY_FILE}\n".encode()
#: Bumped whenever the manifest's shape changes; an older manifest is ignored.
MANIFEST_FORMAT = 4
#: What the manifest may name a record by: a SHA-256 in lowercase hex.
_RECORD_HASH = re.compile(r"[0-9a-f]{64}")
#: The name of a record file (what removing unnamed records may remove; nothing else).
RECORD_FILE = re.compile(r"[0-9a-f]{64}\.json")


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``.

    >>> sha256(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def json_hash(value: object) -> str:
    """A stable hash of a JSON-serialisable value (keys sorted)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sha256(text.encode("utf-8"))


def record_text(record: Mapping[str, Any]) -> str:
    """A record as its file holds it: compact JSON text, keys sorted (its hash names it)."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint(path: Path) -> str:
    """What tells a dependency changed: the hash of a profile's or an artwork's bytes; a
    media file's size (reading a whole media file on every build would cost more than the build:
    a file re-encoded to the very same size is not read again until ``--force``); ``absent``
    when missing or unreadable; ``not-a-file``
    for a folder, a pipe or a device (opened without blocking, and never read: a pipe would
    wait forever, ``/dev/zero`` never ends)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        return "not-a-file"
    except OSError:
        return "absent"
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            return "not-a-file"
        if path.suffix.lower() not in (".md", ".markdown", ".png", ".jpg", ".jpeg"):
            return f"size:{status.st_size}"
        return sha256(_read_all(handle, status.st_size))
    except OSError:
        return "absent"
    finally:
        os.close(handle)


def _read_all(handle: int, size: int) -> bytes:
    """The bytes left in an open file, ``size`` (its size when opened) read at once."""
    chunks = [os.read(handle, size + 1)]
    while chunks[-1]:  # the file may have grown since
        chunks.append(os.read(handle, max(size, 1 << 16)))
    return b"".join(chunks)


@dataclass(slots=True)
class ExporterState:
    """What one exporter made of one episode."""

    #: Hash of the exporter's settings when it ran.
    settings: str
    #: Output path (relative to the output folder) to the hash of its bytes.
    outputs: dict[str, str] = field(default_factory=dict)
    #: SHA-256 of the exporter's record for the show step, which names its file in
    #: ``records/`` (see :func:`read_record`); empty when it gave none.
    record_hash: str = ""
    diagnostics: list[Any] = field(default_factory=list)
    #: The record's text when this build made it and wrote no file (a dry run); never saved.
    record: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "outputs": dict(sorted(self.outputs.items())),
            "record_hash": self.record_hash,
            "diagnostics": self.diagnostics,
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> ExporterState:
        """Read and check one exporter's state (``where`` names it in the reason). The record
        file is not read (see :func:`read_record`).

        Raises:
            ManifestError: a field of the wrong type, an output path outside its place, a
                record hash that is not 64 lowercase hex digits.
        """
        fields = _mapping(data, where)
        outputs = _mapping(fields.get("outputs"), where, "outputs")
        record_hash = _text(fields.get("record_hash", ""), where, "record_hash")
        if record_hash and not _RECORD_HASH.fullmatch(record_hash):
            raise ManifestError(
                f"{where}: the record hash {record_hash!r} is not 64 lowercase hex digits"
            )
        return cls(
            settings=_text(fields.get("settings"), where, "settings"),
            outputs=_paths_to_text(outputs, where, output_path, "hash"),
            record_hash=record_hash,
            diagnostics=_diagnostic_rows(fields.get("diagnostics", []), where, "diagnostics"),
        )


@dataclass(slots=True)
class EpisodeState:
    """What castline knows of one episode file (keyed by its path below the content folder)."""

    slug: str
    #: Hash of the file's bytes when it was last read.
    file_hash: str
    #: Path (below the content folder) of each file the episode depends on (guest profiles, the
    #: local media file) to its fingerprint (see :func:`fingerprint`).
    dependencies: dict[str, str] = field(default_factory=dict)
    #: The loader's diagnostics for that version of the file.
    load_diagnostics: list[Any] = field(default_factory=list)
    #: True when that version failed to load; ``exporters`` then holds the last good outputs.
    failed: bool = False
    exporters: dict[str, ExporterState] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "file_hash": self.file_hash,
            "dependencies": dict(sorted(self.dependencies.items())),
            "load_diagnostics": self.load_diagnostics,
            "failed": self.failed,
            "exporters": {k: v.to_json() for k, v in sorted(self.exporters.items())},
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> EpisodeState:
        """Read and check one episode's state (``where`` is its key).

        Raises:
            ManifestError: see :meth:`ExporterState.from_json`; a dependency path that is
                not a plain relative path.
        """
        fields = _mapping(data, where)
        dependencies = _mapping(fields.get("dependencies"), where, "dependencies")
        exporters = _mapping(fields.get("exporters"), where, "exporters")
        failed = fields.get("failed", False)
        if not isinstance(failed, bool):
            raise ManifestError(f"{where}: failed is not true or false")
        return cls(
            slug=_text(fields.get("slug"), where, "slug"),
            file_hash=_text(fields.get("file_hash"), where, "file_hash"),
            dependencies=_paths_to_text(dependencies, where, dependency_path, "fingerprint"),
            load_diagnostics=_diagnostic_rows(
                fields.get("load_diagnostics", []), where, "load_diagnostics"
            ),
            failed=failed,
            exporters={
                key: ExporterState.from_json(value, f"{where}: {key}")
                for key, value in exporters.items()
            },
        )

    def all_outputs(self) -> dict[str, str]:
        """Every file this episode's exporters wrote."""
        outputs: dict[str, str] = {}
        for state in self.exporters.values():
            outputs.update(state.outputs)
        return outputs


@dataclass(slots=True)
class ProfileState:
    """What parsing one people profile found, so that an unchanged profile is not parsed again."""

    #: Hash of the profile's bytes and of what else its parse depends on (see
    #: :meth:`castline.build.planner.Planner.profile_diagnostics`).
    key: str
    diagnostics: list[Any] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "diagnostics": self.diagnostics}

    @classmethod
    def from_json(cls, data: object, where: str) -> ProfileState:
        """Read and check one profile's state.

        Raises:
            ManifestError: a field of the wrong type.
        """
        fields = _mapping(data, where)
        return cls(
            key=_text(fields.get("key"), where, "key"),
            diagnostics=_diagnostic_rows(fields.get("diagnostics"), where, "diagnostics"),
        )


#: Prefix of the :attr:`Manifest.show_outputs` key under which an exporter's published files
#: are kept (``castline:published:rss``); a colon keeps it apart from exporter names.
PUBLISHED_PREFIX = "castline:published:"


@dataclass(slots=True)
class Manifest:
    """The whole manifest."""

    castline_version: str = ""
    episodes: dict[str, EpisodeState] = field(default_factory=dict)
    #: Per exporter: the hash of the show step's inputs and the files it wrote; under
    #: :data:`PUBLISHED_PREFIX` and its name, the content files the build published for it.
    show_outputs: dict[str, ExporterState] = field(default_factory=dict)
    #: Per people profile (its path below the content folder): what parsing it found.
    profiles: dict[str, ProfileState] = field(default_factory=dict)
    #: Set when anything above changed since it was read (not saved): an unchanged manifest
    #: is not written again.
    changed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "castline": self.castline_version,
            "episodes": {k: v.to_json() for k, v in sorted(self.episodes.items())},
            "profiles": {k: v.to_json() for k, v in sorted(self.profiles.items())},
            "show": {k: v.to_json() for k, v in sorted(self.show_outputs.items())},
        }

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        """Read and check a whole manifest; an older format gives an empty one.

        Raises:
            ManifestError: anything of the wrong shape (see :meth:`EpisodeState.from_json`).
        """
        fields = _mapping(data, "the manifest")
        if fields.get("format") != MANIFEST_FORMAT:
            return cls()
        episodes = _mapping(fields.get("episodes"), "episodes")
        show = _mapping(fields.get("show"), "show")
        # Absent in a manifest written before profiles were recorded: they are parsed.
        profiles = _mapping(fields.get("profiles", {}), "profiles")
        return cls(
            castline_version=_text(fields.get("castline", ""), "castline"),
            episodes={
                episode_path(key): EpisodeState.from_json(value, key)
                for key, value in episodes.items()
            },
            show_outputs={
                key: ExporterState.from_json(value, f"show: {key}") for key, value in show.items()
            },
            profiles={
                episode_path(key): ProfileState.from_json(value, key)
                for key, value in profiles.items()
            },
        )


class ManifestError(ValueError):
    """The manifest is not what castline writes: the reason, naming the entry."""


# The checks below name what they check as ``where`` and ``field`` (``episodes/a.md: slug``),
# joined only when the check fails: a manifest holds some ten values an episode, and building
# each one's name beforehand took a tenth of reading it.


def _named(where: str, field: str) -> str:
    """``where: field``, or either alone when the other is empty."""
    return f"{where}: {field}" if where and field else where or field


def _mapping(value: object, where: str, field: str = "") -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ManifestError(f"{_named(where, field)} is not a JSON object")
    return value


def _text(value: object, where: str, field: str = "") -> str:
    if not isinstance(value, str):
        raise ManifestError(f"{_named(where, field)} is not text")
    return value


def _paths_to_text(
    values: Mapping[str, Any], where: str, path: Callable[[object, str], str], noun: str
) -> dict[str, str]:
    """``values`` with each key checked by ``path`` and each value text (its ``noun``, such as
    ``the hash of 'a.txt'``, named when it is not)."""
    checked: dict[str, str] = {}
    for key, value in values.items():
        checked_key = path(key, where)
        if not isinstance(value, str):
            raise ManifestError(f"{where}: the {noun} of {key!r} is not text")
        checked[checked_key] = value
    return checked


#: The severities a diagnostic row may have.
_SEVERITIES = frozenset(severity.value for severity in Severity)


def _diagnostic_rows(value: object, where: str, field: str) -> list[Any]:
    """Rows ``[path, line, severity, message, code]`` (see :func:`diagnostics_to_json`); the
    rows of an older manifest, without the code, are not valid (so it is rebuilt in full)."""
    if not isinstance(value, list) or not all(
        isinstance(row, list)
        and len(row) == 5
        and isinstance(row[0], str)
        and type(row[1]) is int
        and row[1] >= 0
        and row[2] in _SEVERITIES
        and isinstance(row[3], str)
        and isinstance(row[4], str)
        for row in value
    ):
        raise ManifestError(
            f"{_named(where, field)} are not [path, line, severity, message, code] rows"
        )
    return value


def _relative_path(value: object, where: str, noun: str, *, climbs: bool) -> str:
    """``value`` if it is a normalised relative POSIX path: segments neither empty nor ``.``
    (so not absolute, no ``//``, no final ``/``), ``..`` only leading and only when ``climbs``,
    and not only ``..`` (``noun`` and ``where`` name it in the reason). Checked on the text:
    a manifest holds some ten paths an episode, and parsing each with ``pathlib`` took 7% of
    a no-change rebuild (tests/build/test_manifest.py holds this to splitting at ``/``)."""
    text = _text(value, where, noun)
    rest = text
    if climbs:
        while rest.startswith("../"):
            rest = rest[3:]
    # Between slashes, an empty, ``.`` or ``..`` segment shows as ``//``, ``/./`` or ``/../``.
    framed = f"/{rest}/"
    if "\\" in text or "\0" in text or "//" in framed or "/./" in framed or "/../" in framed:
        raise ManifestError(f"{_named(where, noun)} {text!r} is not a plain relative path")
    return text


def output_path(value: object, where: str = "") -> str:
    """``value`` if it may name a file castline wrote: a plain relative path (no ``..``, not
    absolute, normalised), not in :data:`STATE_DIR`; ``where`` names its entry in the reason.

    >>> output_path("episodes/a.txt")
    'episodes/a.txt'
    >>> output_path("a/../../x")
    Traceback (most recent call last):
    ...
    castline.build.manifest.ManifestError: the output 'a/../../x' is not a plain relative path
    """
    text = _relative_path(value, where, "the output", climbs=False)
    if text.partition("/")[0] == STATE_DIR:  # its first segment: the path is plain
        raise ManifestError(f"{_named(where, 'the output')} {text!r} is in {STATE_DIR}/")
    return text


def episode_path(value: object) -> str:
    """``value`` if it may name an episode file below the content folder."""
    return _relative_path(value, "", "the episode", climbs=False)


def dependency_path(value: object, where: str = "") -> str:
    """``value`` if it may name a dependency: a plain relative path below the content folder,
    or beside it (leading ``..``: show.yaml's media folder may be elsewhere). Only
    :func:`fingerprint` reads it, which reads regular files only."""
    return _relative_path(value, where, "the dependency", climbs=True)


def read_manifest(out: Path) -> Manifest:
    """The manifest in ``out``, or an empty one when it is missing or unreadable."""
    return load_manifest(out)[0]


def load_manifest(out: Path) -> tuple[Manifest, Diagnostic | None]:
    """The manifest in ``out`` and, when it is there but unreadable, the warning that says so.

    The manifest is a file on disk, perhaps committed, perhaps edited: nothing in it is
    trusted until checked (:meth:`Manifest.from_json`). One that does not check out,
    truncated, corrupt or edited, is read as empty: every episode is rebuilt and nothing it
    names is removed.
    """
    path = out / STATE_DIR / MANIFEST_FILE
    try:
        check_no_symlink(out, f"{STATE_DIR}/{MANIFEST_FILE}")
        data = path.read_bytes()
    except FileNotFoundError:
        return Manifest(), None
    except (OSError, ConfigError) as error:
        reason = str(error) if isinstance(error, ConfigError) else str(error.strerror)
        return Manifest(), _unreadable(path, 1, reason)
    try:
        return Manifest.from_json(json.loads(data)), None
    except json.JSONDecodeError as error:
        return Manifest(), _unreadable(path, error.lineno, f"not JSON: {error.msg}")
    except UnicodeDecodeError:
        return Manifest(), _unreadable(path, 1, "not UTF-8 text")
    except (ManifestError, RecursionError) as error:
        reason = str(error) if isinstance(error, ManifestError) else "nested too deep"
        return Manifest(), _unreadable(path, 1, reason)


def _unreadable(path: Path, line: int, reason: str) -> Diagnostic:
    return UNREADABLE_MANIFEST.warning(
        SourceRef(str(path), line),
        f"the build manifest is unreadable ({reason}); every episode is rebuilt",
    )


def record_file(digest: str) -> str:
    """The path, relative to the output folder, of the record file hashing to ``digest``.

    >>> record_file("0" * 64)[:24]
    '.castline/records/000000'
    """
    return f"{STATE_DIR}/{RECORDS_DIR}/{digest}.json"


def write_record(writer: OutputWriter, text: str) -> tuple[str, bool]:
    """Write a record's file with ``writer`` (unless it already holds those bytes); its hash,
    and whether the file is new (then not yet on the disk: :func:`save_state` flushes new files
    at once before the manifest names them).

    Raises:
        ConfigError: a component of the path is a symbolic link.
        OSError: the write failed.
    """
    data = text.encode("utf-8")
    digest = sha256(data)
    return digest, writer.put(record_file(digest), data) == "created"


class RecordError(ValueError):
    """A record file that cannot be used: the reason (``missing``, ``not JSON: ...``)."""


def read_record(reader: OutputWriter, digest: str) -> Mapping[str, Any]:
    """The record whose file hashes to ``digest`` (one the manifest names), parsed; read with
    ``reader`` (:func:`~castline.build.outfiles.reading`).

    The file is untrusted like the manifest: it must be a regular file reached through no
    symbolic link, hash to its name, and hold a JSON object.

    Raises:
        RecordError: naming what is wrong with the file.
    """
    relative = record_file(digest)
    try:
        data = reader.read(relative)
    except ConfigError:
        raise RecordError("reached through a symbolic link") from None
    if data is None:
        gone = not os.path.lexists(reader.out / relative)
        raise RecordError("missing" if gone else "not a readable file")
    if sha256(data) != digest:
        raise RecordError("its bytes do not hash to its name")
    try:
        record = json.loads(data)
    except json.JSONDecodeError as error:
        raise RecordError(f"not JSON: {error.msg}") from None
    except (ValueError, RecursionError):  # not UTF-8, or nested beyond the parser's depth
        raise RecordError("not JSON") from None
    if not isinstance(record, dict):
        raise RecordError("not a JSON object")
    return record


def remove_unnamed_records(out: Path, manifest: Manifest) -> None:
    """Remove the record files ``manifest`` (as saved) does not name: only regular files in
    ``records/`` named like one (:data:`RECORD_FILE`), never a symbolic link or a folder, and
    nothing when ``records/`` is reached through a symbolic link."""
    named = {
        f"{state.record_hash}.json"
        for episode in manifest.episodes.values()
        for state in episode.exporters.values()
        if state.record_hash
    }
    try:
        check_no_symlink(out, f"{STATE_DIR}/{RECORDS_DIR}")
        with os.scandir(out / STATE_DIR / RECORDS_DIR) as entries:
            unnamed = [
                entry.path
                for entry in entries
                if RECORD_FILE.fullmatch(entry.name)
                and entry.name not in named
                and entry.is_file(follow_symlinks=False)
            ]
    except (ConfigError, OSError):  # no records folder yet, or not one to touch
        return
    for path in unnamed:
        with contextlib.suppress(OSError):
            os.unlink(path)  # removes the name itself: a link put there since is not followed


#: An episode file's (size, mtime_ns, ctime_ns, inode) and the hash of its bytes then. The
#: change time and the inode catch an edit that keeps the size and restores the modification
#: time (``touch -r``, ``cp -p``, ``rsync -t``).
StatEntry = tuple[int, int, int, int, str]


def read_stat_cache(out: Path) -> dict[str, StatEntry]:
    """Episode path to its :data:`StatEntry` as of the last build; empty when the file is
    missing, reached through a symbolic link, or not exactly what castline writes (it is only
    a cache: every episode file is then read and hashed)."""
    try:
        check_no_symlink(out, f"{STATE_DIR}/{STAT_CACHE_FILE}")
        data = json.loads((out / STATE_DIR / STAT_CACHE_FILE).read_bytes())
        cache: dict[str, StatEntry] = {}
        for key, value in _mapping(data, "the stat cache").items():
            numbers, digest = value[:4], value[4]
            if len(value) != 5 or not all(type(n) is int for n in numbers):
                raise ManifestError(f"{key}: not a stat entry")
            cache[episode_path(key)] = (*numbers, _text(digest, key))
        return cache
    except (OSError, ValueError, ConfigError, RecursionError, TypeError, IndexError, KeyError):
        return {}


def manifest_lines(manifest: Manifest) -> Iterator[str]:
    """The manifest as written to disk, line by line: sorted keys, one episode per line.

    One line per episode keeps a committed manifest's diffs readable, lets each line be
    encoded by ``json``'s C encoder (``indent`` would switch to the pure-Python one), and lets
    the build write a large manifest without holding a second copy of it in memory.
    """

    def compact(value: object) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    yield "{\n"
    yield f'"castline":{compact(manifest.castline_version)},\n'
    sections: list[tuple[str, Mapping[str, ProfileState | EpisodeState | ExporterState]]] = [
        ("episodes", manifest.episodes),
        ("profiles", manifest.profiles),
        ("show", manifest.show_outputs),
    ]
    for key, entries in sections:
        last = key == "show"
        if key == "profiles":
            yield f'"format":{MANIFEST_FORMAT},\n'
        names = sorted(entries)
        if not names:
            yield f'"{key}":{{}}' + ("\n" if last else ",\n")
            continue
        yield f'"{key}":{{\n'
        for index, name in enumerate(names):
            comma = "," if index + 1 < len(names) else ""
            yield f"{compact(name)}:{compact(entries[name].to_json())}{comma}\n"
        yield "}\n" if last else "},\n"
    yield "}\n"


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as the bytes written to disk (see :func:`manifest_lines`)."""
    return "".join(manifest_lines(manifest)).encode("utf-8")


def stat_cache_bytes(cache: Mapping[str, StatEntry]) -> bytes:
    """The stat cache as the bytes written to disk."""
    rows = {key: list(value) for key, value in sorted(cache.items())}
    return (json.dumps(rows, separators=(",", ":")) + "\n").encode("utf-8")


def prepare_state_dir(out: Path) -> None:
    """Make sure files can be written in ``out`` (created if missing) before any work starts,
    and that ``.castline/.gitignore`` keeps the stat cache out of git.

    Raises:
        ConfigError: ``out`` is a file, or cannot be created or written; ``.castline`` or a
            file in it (or its ``records`` folder) is a symbolic link.
    """
    state = out / STATE_DIR
    for name in (MANIFEST_FILE, STAT_CACHE_FILE, LOCK_FILE, REPLAY_FILE, ".gitignore", RECORDS_DIR):
        check_no_symlink(out, f"{STATE_DIR}/{name}")
    try:
        state.mkdir(parents=True, exist_ok=True)
        if read_or_none(state / ".gitignore") != GITIGNORE:  # missing, or of an older castline
            write_atomic(state / ".gitignore", GITIGNORE)
        else:  # an unnamed file where the system has them (Linux): the folder is not changed
            with tempfile.TemporaryFile(dir=state):
                pass
    except OSError as error:
        raise ConfigError(f"{out}: cannot write the output folder: {error.strerror}") from None


@contextlib.contextmanager
def locked(out: Path, *, shared: bool) -> Iterator[None]:
    """Hold ``<out>/.castline/lock`` for the whole build, so that two builds on one output
    folder never interleave.

    A build takes it exclusively; a dry run shares it (and takes nothing when no build ever
    wrote there). The lock is tried once, without waiting: a build that finds it held stops
    at once with a message, rather than hanging a CI job behind another one. It is a POSIX
    record lock (``lockf``, https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html),
    not ``flock``: the system drops it when the holding process exits, however it exits, and
    worker processes forked during the build do not inherit it, so a worker still exiting
    after an interrupted build does not hold the next build back. Where there is no ``fcntl``
    (Windows), nothing is locked.

    Raises:
        ConfigError: another build holds the lock; ``.castline`` is a symbolic link.
    """
    path = out / STATE_DIR / LOCK_FILE
    if sys.platform == "win32" or (shared and not path.is_file()):
        yield
        return
    flags = os.O_RDONLY if shared else os.O_RDWR | os.O_CREAT  # the access each lock needs
    check_no_symlink(out, f"{STATE_DIR}/{LOCK_FILE}")
    try:
        handle = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as error:
        raise ConfigError(f"{path}: cannot open the build lock: {error.strerror}") from None
    try:
        try:
            fcntl.lockf(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise ConfigError(f"{path}: cannot lock: {error.strerror}") from None
            raise ConfigError(
                f"{out}: another castline build is writing this output folder ({path} is "
                "locked); nothing was done: run again once it has finished"
            ) from None
        yield
    finally:
        os.close(handle)  # releases the lock


def save_state(
    out: Path,
    manifest: Manifest,
    stat_cache: Mapping[str, StatEntry] | None,
    *,
    created: bool = False,
) -> None:
    """Write the manifest if it changed and the stat cache if given (``None``: unchanged);
    then remove the record files the manifest does not name (:func:`remove_unnamed_records`).

    When the build ``created`` files (outputs or records), they are flushed to the disk first
    (a new file is written without waiting for the disk, :func:`~castline.build.outfiles.put`):
    after a power cut, the manifest never names a file that is not on the disk whole.
    """
    state = out / STATE_DIR
    if created:
        flush_all()
    if manifest.changed or not (state / MANIFEST_FILE).is_file():
        write_atomic(state / MANIFEST_FILE, (line.encode() for line in manifest_lines(manifest)))
    if stat_cache is not None:
        write_atomic(state / STAT_CACHE_FILE, stat_cache_bytes(stat_cache))
    if read_or_none(state / ".gitignore") != GITIGNORE:
        write_atomic(state / ".gitignore", GITIGNORE)
    remove_unnamed_records(out, manifest)
