"""Which episodes need work, decided from the manifest and the stat cache without parsing.

An episode file is skipped when its bytes (known from the stat cache when its size, times and
inode are unchanged), the fingerprints of its dependencies and every selected exporter's
settings match the manifest, and its recorded outputs are still in the output folder. A dry
run (``--check``) skips nothing: it exports every episode and compares every byte. See
:mod:`castline.build.manifest` for the data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from castline.build.manifest import (
    EpisodeState,
    Manifest,
    ProfileState,
    StatEntry,
    diagnostics_from_json,
    diagnostics_to_json,
    fingerprint,
    json_hash,
    sha256,
)
from castline.build.outfiles import check_no_symlink, is_output_file, read_output
from castline.diagnostics import Diagnostic
from castline.errors import ConfigError
from castline.load.people import People
from castline.paths import content_relative


@dataclass(frozen=True, slots=True)
class BuildInputs:
    """What every decision of one build depends on, fixed for the build."""

    content: Path
    out: Path
    #: The exporters this build runs, by name, sorted.
    selected: tuple[str, ...]
    #: Per exporter, the hash of its settings (see ``castline.build``).
    settings: Mapping[str, str]
    #: A dry run: nothing is written, and outputs are checked byte for byte.
    dry_run: bool
    #: The content folder as messages show it, with a final separator (``content/``).
    prefix: str


@dataclass(frozen=True, slots=True)
class Task:
    """Build one episode file with some of the exporters."""

    #: The episode file, below the content folder (``/`` separators).
    relative: str
    exporters: tuple[str, ...]
    #: The file's bytes when planning had to read them.
    raw: bytes | None = None


def file_stat(path: Path) -> tuple[int, int, int, int] | None:
    """What the stat cache compares: size, modification and change times, inode."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


class OutputListing:
    """Which files exist in the output folder, one directory listing per folder (one
    ``scandir`` per folder instead of one ``stat`` per output). A folder reached through a
    symbolic link counts as empty: castline reads and writes no file through one."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folders: dict[str, frozenset[str]] = {}

    def has_file(self, relative: str) -> bool:
        """True when ``relative`` (``/`` separators) is a file in the output folder."""
        folder, _, name = relative.rpartition("/")
        if folder not in self.folders:
            self.folders[folder] = self._list(folder)
        # A name not listed may still exist under another case or normalisation (macOS,
        # Windows); asking the file system settles it.
        return name in self.folders[folder] or is_output_file(self.out, relative)

    def _list(self, folder: str) -> frozenset[str]:
        try:
            check_no_symlink(self.out, folder)
            with os.scandir(self.out / folder) as entries:
                return frozenset(e.name for e in entries if _is_plain_file(e))
        except (ConfigError, OSError):
            return frozenset()


def _is_plain_file(entry: os.DirEntry[str]) -> bool:
    """A regular file, not a symbolic link to one (False where asking fails)."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def outputs_intact(
    out: Path, outputs: Mapping[str, str], *, verify: bool, listing: OutputListing | None = None
) -> bool:
    """Every recorded output exists (and, when ``verify``, still has the recorded bytes)."""
    for relative, digest in outputs.items():
        if not verify:
            present = (
                listing.has_file(relative) if listing is not None else is_output_file(out, relative)
            )
            if not present:
                return False
            continue
        data = read_output(out, relative)
        if data is None or sha256(data) != digest:
            return False
    return True


class Planner:
    """Plans each episode of one build; keeps the stat entries seen for the next build."""

    def __init__(self, inputs: BuildInputs, stat_cache: Mapping[str, StatEntry]) -> None:
        self.inputs = inputs
        self.stat_cache = stat_cache
        #: Stat entries of this build's episode files, as far as known.
        self.current: dict[str, StatEntry] = {}
        self.fingerprints: dict[str, str] = {}
        self.listing = OutputListing(inputs.out)

    def plan(self, relative: str, path: Path, state: EpisodeState | None) -> Task | None:
        """``None`` when the episode is up to date for every selected exporter; else the work.

        When planning fails (a bug, an input no check foresaw), the episode is built: the
        worker then reports whatever fails for this episode alone.
        """
        try:
            return self._plan(relative, path, state)
        except Exception:  # the worker reports it, for this episode alone
            return Task(relative, self.inputs.selected)

    def _plan(self, relative: str, path: Path, state: EpisodeState | None) -> Task | None:
        selected = self.inputs.selected
        if state is None or self.inputs.dry_run:
            # A dry run re-derives every output: a manifest edited to agree with itself (a
            # record and its hash) must not make a check pass.
            return Task(relative, selected)
        known = self._file_hash(relative, path)
        if known is None:
            return Task(relative, selected)
        file_hash, raw = known
        if file_hash != state.file_hash or self._dependencies_changed(state) or state.failed:
            # A failed episode is rare; parsing it again keeps its report exact.
            return Task(relative, selected, raw)
        stale = self._stale_exporters(state)
        return Task(relative, stale, raw) if stale else None

    def built(self, relative: str, file_hash: str) -> None:
        """Note the stat entry of an episode file just built from bytes hashing to
        ``file_hash`` (nothing when unknown)."""
        stat = file_stat(self.inputs.content / relative)
        if stat is not None and file_hash:
            self.current[relative] = (*stat, file_hash)

    def new_stat_cache(self, manifest: Manifest) -> dict[str, StatEntry] | None:
        """The stat cache to save (entries of episodes the manifest knows), or ``None`` when it
        is unchanged."""
        kept = {key: value for key, value in self.stat_cache.items() if key in manifest.episodes}
        new_cache = {**kept, **self.current}
        return new_cache if new_cache != self.stat_cache else None

    def _file_hash(self, relative: str, path: Path) -> tuple[str, bytes | None] | None:
        """The hash of the file's bytes (from the stat cache when it can) and the bytes if they
        were read; ``None`` when the file cannot be read."""
        stat = file_stat(path)
        cached = self.stat_cache.get(relative)
        raw: bytes | None = None
        if stat is not None and cached is not None and cached[:4] == stat:
            file_hash = cached[4]
        else:
            try:
                raw = path.read_bytes()
            except OSError:
                return None
            file_hash = sha256(raw)
        if stat is not None:
            self.current[relative] = (*stat, file_hash)
        return file_hash, raw

    def _fingerprint(self, dependency: str) -> str:
        """The :func:`~castline.build.manifest.fingerprint` of a file below the content folder,
        taken once a build."""
        if dependency not in self.fingerprints:
            self.fingerprints[dependency] = fingerprint(self.inputs.content / dependency)
        return self.fingerprints[dependency]

    def _dependencies_changed(self, state: EpisodeState) -> bool:
        return any(
            self._fingerprint(dependency) != digest
            for dependency, digest in state.dependencies.items()
        )

    def profile_diagnostics(
        self, people: People, manifest: Manifest, base: str
    ) -> list[Diagnostic]:
        """Every people profile's problems. A profile whose bytes hash as they did, under the
        same ``base`` (castline's version and show.yaml, which sets the reading limits), is
        not parsed: its problems are replayed from the manifest. The others are parsed, and
        ``manifest.profiles`` records what they found. A dry run parses every profile (it
        trusts the manifest for nothing).
        """
        inputs = self.inputs
        known = {} if inputs.dry_run else manifest.profiles
        current: dict[str, ProfileState] = {}
        found: list[Diagnostic] = []
        for key, path in people.files.items():
            relative = content_relative(inputs.content, path)
            stamp = self._profile_stamp(relative, base)
            state = known.get(relative)
            if stamp is not None and state is not None and state.key == stamp:
                found.extend(diagnostics_from_json(state.diagnostics, inputs.prefix))
            else:
                parsed = people.profile_diagnostics(key)
                state = ProfileState(stamp or "", diagnostics_to_json(parsed, inputs.prefix))
                found.extend(parsed)
            current[relative] = state
        if current != manifest.profiles:
            manifest.profiles, manifest.changed = current, True
        return found

    def _profile_stamp(self, relative: str, base: str) -> str | None:
        """What a profile's recorded problems are valid for; ``None`` when fingerprinting
        fails (a bug, an input no check foresaw): the profile is then parsed."""
        try:
            return json_hash([self._fingerprint(relative), base])
        except Exception:  # parsing the profile reports whatever is wrong with it
            return None

    def _stale_exporters(self, state: EpisodeState) -> tuple[str, ...]:
        inputs = self.inputs
        return tuple(
            name
            for name in inputs.selected
            if name not in state.exporters
            or state.exporters[name].settings != inputs.settings[name]
            or not outputs_intact(
                inputs.out,
                state.exporters[name].outputs,
                verify=inputs.dry_run,
                listing=self.listing,
            )
        )
