"""The fuzz property, shared by the tests and ``benchmarks/fuzz.py``: base shows, which files
to mutate, and the checks made on a build of a mutated copy.

The promise checked: bad input gets a ``path:line: severity: message`` diagnostic, never a
traceback; one broken episode never stops the others; nothing outside the output folder is
written or removed; no build leaves a partial (``.tmp``) file.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from tests.fuzz.mutations import Chooser, Mutation, mutate_file, split_front_matter

#: One diagnostic, one line.
DIAGNOSTIC = re.compile(r".+:\d+: (error|warning): .+")
#: Lines the CLI may print on stderr besides diagnostics.
CLI_LINES = re.compile(r"(castline: .+|episodes: .+|checked .+|progress: .+|.+: skipped .+)")
#: The default report's grouping of warnings: a kind's header, its first places, the rest.
GROUP_LINES = re.compile(r"\d+ warnings? (?:[A-Z]\d{3} [a-z0-9-]+|other): .+|  \d+ more: .+")
#: Exit codes the CLI may return.
CLI_EXITS = frozenset({0, 1, 2})
#: Outputs every built episode has.
EPISODE_OUTPUTS = (".txt", ".srt")


@dataclass(frozen=True)
class Base:
    """An intact content folder to mutate: where it is and its files by role."""

    name: str
    root: Path
    episodes: tuple[str, ...]
    profiles: tuple[str, ...]
    show: str | None
    episode_dir: str
    #: Guests of each episode (by relative path), from the intact file.
    guests: Mapping[str, tuple[str, ...]]
    #: Per episode, the outputs (of :data:`EPISODE_OUTPUTS`) a build of the intact folder has.
    outputs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def targets(self, role: str) -> tuple[str, ...]:
        if role == "episode":
            return self.episodes
        if role == "profile":
            return self.profiles
        return (self.show,) if self.show else ()

    def slug(self, relative: str) -> str:
        return Path(relative).stem

    def expected_outputs(self, mutation: Mutation, role: str) -> list[str]:
        """Output files (relative to out) that must exist whatever the mutation did: those of
        the episodes not mutated and not depending on a mutated profile."""
        if role == "show":
            return []
        person = Path(mutation.target).stem if role == "profile" else None
        kept: list[str] = []
        for episode in self.episodes:
            if episode == mutation.target or (person and person in self.guests.get(episode, ())):
                continue
            kept.extend(self.outputs.get(episode, ()))
        return kept

    def with_outputs(self, out: Path) -> Base:
        """This base, knowing which outputs its build into ``out`` made for each episode."""
        outputs = {}
        for episode in self.episodes:
            files = (f"episodes/{self.slug(episode)}{suffix}" for suffix in EPISODE_OUTPUTS)
            outputs[episode] = tuple(f for f in files if (out / f).is_file())
        return replace(self, outputs=outputs)


def _guests(path: Path) -> tuple[str, ...]:
    parts = split_front_matter(path.read_text(encoding="utf-8", errors="replace"))
    if parts is None:
        return ()
    try:
        data = yaml.safe_load(parts[1])
    except yaml.YAMLError:
        return ()
    guests = data.get("guests") if isinstance(data, dict) else None
    return tuple(str(g) for g in guests) if isinstance(guests, list) else ()


def describe_base(name: str, root: Path) -> Base:
    """The episode, profile and show files of the content folder ``root``."""
    episode_dir = "episodes" if (root / "episodes").is_dir() else "_podcast"
    people_dir = "people" if (root / "people").is_dir() else "_people"
    episodes = tuple(
        f"{episode_dir}/{p.name}"
        for p in sorted((root / episode_dir).glob("*.md"))
        if not p.name.startswith("_")
    )
    profiles = tuple(
        f"{people_dir}/{p.name}"
        for p in sorted((root / people_dir).glob("*.md"))
        if not p.name.startswith("_")
    )
    show = "show.yaml" if (root / "show.yaml").is_file() else None
    guests = {e: _guests(root / e) for e in episodes}
    return Base(name, root, episodes, profiles, show, episode_dir, guests)


def copy_tree(source: Path, destination: Path, *, writable: bool = True) -> None:
    """A copy of ``source``; with ``writable``, made writable (the corpus is read-only)."""
    shutil.copytree(source, destination, symlinks=True)
    if not writable:
        return
    for folder, _, files in os.walk(destination):
        os.chmod(folder, 0o755)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


def choose_mutation(
    c: Chooser,
    base: Base,
    role: str,
    *,
    levels: Iterable[str] = ("bytes", "yaml"),
    bound: int = 2_000,
) -> Mutation:
    """Pick a file of ``role`` in ``base`` and mutate it."""
    target = c.choice(base.targets(role))
    original = (base.root / target).read_bytes()
    return mutate_file(c, target, original, role=role, levels=tuple(levels), bound=bound)


Listing = dict[str, tuple[str, int, int]]


def listing(root: Path, *, skip: Iterable[Path] = ()) -> Listing:
    """``{relative path: (type, size, mtime_ns)}`` of everything under ``root`` but ``skip``."""
    skipped = {str(p) for p in skip}
    found: Listing = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skipped]
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            if path in skipped:
                continue
            info = os.lstat(path)
            kind = (
                "link"
                if stat.S_ISLNK(info.st_mode)
                else "dir"
                if stat.S_ISDIR(info.st_mode)
                else "fifo"
                if stat.S_ISFIFO(info.st_mode)
                else "file"
            )
            size = 0 if kind == "dir" else info.st_size
            mtime = 0 if kind == "dir" else info.st_mtime_ns
            found[os.path.relpath(path, root)] = (kind, size, mtime)
    return found


def listing_changes(before: Listing, after: Listing) -> list[str]:
    """What changed between two listings, one line each."""
    changes = [f"created {p}" for p in sorted(after.keys() - before.keys())]
    changes += [f"removed {p}" for p in sorted(before.keys() - after.keys())]
    changes += [
        f"modified {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]
    ]
    return changes


def temporaries(out: Path) -> list[str]:
    """Files left behind in ``out`` that look like unfinished writes."""
    if not out.is_dir():
        return []
    return sorted(
        os.path.relpath(os.path.join(folder, name), out)
        for folder, _, files in os.walk(out)
        for name in files
        if name.endswith(".tmp")
    )


def missing_outputs(out: Path, expected: Iterable[str]) -> list[str]:
    return [relative for relative in expected if not (out / relative).is_file()]


def bad_diagnostics(lines: Iterable[str]) -> list[str]:
    """Diagnostics whose text is not one ``path:line: severity: message`` line."""
    return [line for line in lines if not DIAGNOSTIC.fullmatch(line)]


def bad_stderr_lines(stderr: str) -> list[str]:
    """Lines on the CLI's stderr that are neither a diagnostic nor one of its own messages."""
    return [
        line
        for line in stderr.splitlines()
        if line
        and not DIAGNOSTIC.fullmatch(line.removeprefix("  "))
        and not CLI_LINES.fullmatch(line)
        and not GROUP_LINES.fullmatch(line)
    ]


#: Address space a build may use (MiB): a people profile linked to /dev/zero reads 24 GB in 3 s.
MEMORY_LIMIT_MB = 2048


def limit_memory(megabytes: int = MEMORY_LIMIT_MB) -> None:
    """Cap this process's address space (for a child process about to run a build)."""
    if megabytes > 0:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


class Hang(Exception):
    """A build in this process ran over its time (raised by SIGALRM)."""


@contextlib.contextmanager
def bounded(seconds: float, megabytes: int = MEMORY_LIMIT_MB) -> Iterator[None]:
    """Run an in-process build with a time limit (:class:`Hang`) and, on top of the memory the
    process has, ``megabytes`` more address space (a MemoryError instead of the OOM killer)."""

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"the build ran over {seconds} s")

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    cap = used + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
