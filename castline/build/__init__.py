"""The build: content folder in, files in the output folder out. The only module that writes.

Order of work:

1. :func:`castline.load.open_content` reads show.yaml and the profiles; the selected exporters
   are constructed with their options (an unknown name or option stops the build here).
2. Each episode file is compared with the manifest (:mod:`castline.build.manifest`). One whose
   bytes, dependencies (guest profiles, local media file) and exporter settings are unchanged, and
   whose outputs are still there, is skipped **without being parsed**: its records and
   warnings come from the manifest.
3. Every other episode is loaded and handed to each exporter's ``export_episode``, in worker
   processes when ``jobs > 1``. An episode that fails to load, or that an exporter fails on, is
   reported and skipped: its previous outputs stay as they were, and so does its last good
   record, so the feed keeps its item. A worker process that dies takes only its episode down.
4. Outputs of episode files that are gone are removed: only files the manifest says castline
   wrote; nothing else in the output folder is touched.
5. Each exporter's ``export_show`` gets the records of every episode, in slug order; it is
   skipped when none of them (nor the settings) changed.
6. Files are written atomically (a temporary file in the same folder, then a rename), and only
   when their bytes change. The manifest is saved last, and also when the build is interrupted,
   so the next build completes the work.

The output is the same byte for byte whatever the number of jobs.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import secrets
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint
from pathlib import Path, PurePosixPath
from typing import Any

from castline import __version__, registry
from castline.build.manifest import (
    MANIFEST_FILE,
    STAT_CACHE_FILE,
    STATE_DIR,
    EpisodeState,
    ExporterState,
    Manifest,
    StatEntry,
    diagnostics_from_json,
    diagnostics_to_json,
    json_hash,
    manifest_lines,
    read_manifest,
    read_stat_cache,
    sha256,
    stat_cache_bytes,
)
from castline.diagnostics import Diagnostic, Severity, sort_unique
from castline.errors import ConfigError, UnknownExporterError
from castline.exporter import (
    Artifact,
    BuildContext,
    EpisodeRecord,
    Exporter,
    ExporterInfo,
)
from castline.load import SHOW_FILE, Project, is_file, load_episode, open_content
from castline.model import Episode, SourceRef
from castline.paths import content_relative, display_path, media_file_path, media_url

#: Message for an episode whose worker process died.
WORKER_DIED = (
    "the worker process building this episode died (a crash in an exporter or a library); "
    "its previous outputs are kept"
)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    #: Exporter names to run; empty means every installed exporter.
    only: tuple[str, ...] = ()
    #: Options set on every exporter that takes them (CLI overrides such as ``offset_ms``).
    overrides: Mapping[str, Any] = field(default_factory=dict)
    #: Write nothing; report what would be created, changed or removed (``--check``).
    dry_run: bool = False
    #: Ignore the manifest: rebuild every episode.
    force: bool = False
    #: Worker processes; ``1`` builds in this process, ``0`` means one per CPU.
    jobs: int = 1


@dataclass(slots=True)
class BuildReport:
    """What a build did (or, in a dry run, would do)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Output files created, changed or removed (relative to the output folder).
    created: list[PurePosixPath] = field(default_factory=list)
    changed: list[PurePosixPath] = field(default_factory=list)
    removed: list[PurePosixPath] = field(default_factory=list)
    #: How many output files already had the right bytes (of the episodes that were built).
    unchanged: int = 0
    #: Episodes parsed and exported in this build.
    episodes_built: int = 0
    #: Episodes skipped because nothing they depend on changed (not parsed).
    episodes_skipped: int = 0
    episodes_failed: int = 0
    #: Draft and template files skipped (names starting with ``_``).
    drafts: list[str] = field(default_factory=list)

    @property
    def written(self) -> list[PurePosixPath]:
        """Files created or changed, sorted."""
        return sorted(self.created + self.changed)

    @property
    def errors(self) -> list[Diagnostic]:
        """The error diagnostics."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The warning diagnostics."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


# --------------------------------------------------------------------------- set-up


@dataclass(frozen=True, slots=True)
class _Setup:
    """Everything a worker process needs to build episodes (picklable)."""

    content: Path
    out: Path
    #: (name, entry-point target, options) of each selected exporter.
    exporters: tuple[tuple[str, str, Mapping[str, Any]], ...]
    #: Every exporter of the show, for :class:`BuildContext`.
    infos: tuple[ExporterInfo, ...]
    dry_run: bool


def _check_writable(out: Path) -> None:
    """Make sure files can be written in ``out`` (created if missing) before any work starts.

    Raises:
        ConfigError: ``out`` is a file, or cannot be created or written.
    """
    state = out / STATE_DIR
    try:
        state.mkdir(parents=True, exist_ok=True)
        if not (state / ".gitignore").is_file():
            write_atomic(state / ".gitignore", f"{STAT_CACHE_FILE}\n".encode())
        else:  # an unnamed file where the system has them (Linux): the folder is not changed
            with tempfile.TemporaryFile(dir=state):
                pass
    except OSError as error:
        raise ConfigError(f"{out}: cannot write the output folder: {error.strerror}") from None


def _select(project: Project, options: BuildOptions) -> _Setup:
    """Choose and check the exporters and their options.

    Raises:
        ConfigError: an unknown exporter name or option.
    """
    entries = registry.available()
    show = project.show
    for configured in show.exporter_options:
        if configured not in entries:
            raise ConfigError(
                f"{show.where('exporters.' + configured)}: "
                + str(UnknownExporterError(configured, entries))
            )
    names = sorted(dict.fromkeys(options.only)) if options.only else list(entries)
    specs: list[tuple[str, str, Mapping[str, Any]]] = []
    infos: list[ExporterInfo] = []
    for name in names:
        if name not in entries:
            raise UnknownExporterError(name, entries)
    for name, entry in entries.items():
        exporter_class = entry.load()
        exporter_options = dict(show.exporter_options.get(name, {}))
        for key, value in options.overrides.items():
            if registry.accepts_option(exporter_class, key):
                exporter_options[key] = value
        infos.append(ExporterInfo.of(exporter_class, exporter_options))
        if name not in names:
            continue
        # Constructing here reports a bad option before any work starts.
        registry.create(name, exporter_options, entries=entries, source=show.source.path)
        specs.append((name, entry.target, exporter_options))
    return _Setup(
        content=Path(show.root),
        out=Path(),
        exporters=tuple(specs),
        infos=tuple(infos),
        dry_run=options.dry_run,
    )


def _construct(setup: _Setup) -> dict[str, Exporter]:
    exporters: dict[str, Exporter] = {}
    for name, target, exporter_options in setup.exporters:
        entry = registry.available([EntryPoint(name, target, registry.ENTRY_POINT_GROUP)])
        exporters[name] = registry.create(name, exporter_options, entries=entry)
    return exporters


def _settings_hash(project: Project, setup: _Setup, show_yaml_hash: str) -> dict[str, str]:
    """Per exporter, a hash of everything besides the episode that shapes its output."""
    context = [[info.name, info.media_type, info.suffix, info.offset_ms] for info in setup.infos]
    return {
        name: json_hash([__version__, show_yaml_hash, name, target, dict(options), context])
        for name, target, options in setup.exporters
    }


# --------------------------------------------------------------------------- one episode


@dataclass(frozen=True, slots=True)
class _Task:
    """Build one episode file with some of the exporters."""

    relative: str
    exporters: tuple[str, ...]
    raw: bytes | None = None


@dataclass(frozen=True, slots=True)
class _ExporterOutcome:
    outputs: Mapping[str, str]
    #: The record as compact JSON text (see :func:`record_text`).
    record: str | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What building one episode file gave."""

    relative: str
    slug: str
    file_hash: str
    dependencies: Mapping[str, str]
    load_diagnostics: tuple[Diagnostic, ...]
    failed: bool
    exporters: Mapping[str, _ExporterOutcome]
    created: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


class _EpisodeBuilder:
    """Builds episodes; one lives in each worker process (or in the main one)."""

    def __init__(self, setup: _Setup, out: Path, project: Project | None = None) -> None:
        self.setup = setup
        self.out = out
        self.project = project if project is not None else open_content(setup.content)
        self.exporters = _construct(setup)
        self.context = BuildContext(show=self.project.show, exporters=setup.infos)
        self.fingerprints: dict[Path, str] = {}

    def fingerprint(self, path: Path) -> str:
        if path not in self.fingerprints:
            self.fingerprints[path] = fingerprint(path)
        return self.fingerprints[path]

    def dependencies(self, episode: Episode) -> dict[str, str]:
        """The files besides its own that the episode's outputs depend on, fingerprinted: its
        guests' profiles (for a guest without one, the file that would be it), its media."""
        show = self.project.show
        people = self.setup.content / (show.people_dir or "people")
        paths = [
            Path(p.source.path) if p.source is not None else people / f"{p.id}.md"
            for p in episode.guests
        ]
        url = episode.audio.url if episode.audio is not None else media_url(show, episode.slug)
        media = media_file_path(show, url) if url else None
        if media is not None:
            paths.append(media)
        content = self.setup.content
        return {content_relative(content, path): self.fingerprint(path) for path in paths}

    def run(self, task: _Task) -> _Outcome:
        path = self.setup.content / task.relative
        try:
            raw = path.read_bytes() if task.raw is None else task.raw
        except OSError as error:
            display = self.project.display(path)
            problem = Diagnostic.error(SourceRef(display, 1), f"cannot read: {error.strerror}")
            return _Outcome(task.relative, path.stem, "", {}, (problem,), True, {})
        file_hash = sha256(raw)
        episode, found = load_episode(self.project, path, raw)
        if episode is None:
            return _Outcome(task.relative, path.stem, file_hash, {}, tuple(found), True, {})
        dependencies = self.dependencies(episode)
        results: dict[str, _ExporterOutcome] = {}
        artifacts: list[Artifact] = []
        for name in task.exporters:
            exporter = self.exporters[name]
            try:
                export = exporter.export_episode(self.context, episode)
            except Exception as error:  # an exporter bug must not stop other episodes
                crash = Diagnostic.error(
                    episode.source, f"exporter '{name}' failed: {type(error).__name__}: {error}"
                )
                return _Outcome(
                    task.relative, episode.slug, file_hash, dependencies, (*found, crash), True, {}
                )
            record = None if export.record is None else record_text(export.record)
            outputs = {}
            for artifact in export.artifacts:
                _check_path(artifact.path)
                outputs[str(artifact.path)] = sha256(artifact.text.encode("utf-8"))
                artifacts.append(artifact)
            results[name] = _ExporterOutcome(outputs, record, export.diagnostics)
        try:
            created, changed, unchanged = _write(self.out, artifacts, dry_run=self.setup.dry_run)
        except OSError as error:  # a full disk, a folder made read-only mid-build
            where = error.filename or self.out
            problem = Diagnostic.error(episode.source, f"cannot write {where}: {error.strerror}")
            return _Outcome(
                task.relative, episode.slug, file_hash, dependencies, (*found, problem), True, {}
            )
        return _Outcome(
            task.relative,
            episode.slug,
            file_hash,
            dependencies,
            tuple(found),
            False,
            results,
            created,
            changed,
            unchanged,
        )


def record_text(record: Mapping[str, Any]) -> str:
    """A record as the manifest keeps it: compact JSON text, keys sorted.

    Kept as text until the show step needs it: one string per episode instead of a tree of
    dicts and lists keeps a 10,000-episode manifest small in memory and quick to load.
    """
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_WORKER: _EpisodeBuilder | None = None

#: Allocations between two collections of the youngest generation (CPython's default is 700).
YOUNG_GENERATION_SIZE = 10_000


@contextlib.contextmanager
def young_generation(size: int = YOUNG_GENERATION_SIZE) -> Iterator[None]:
    """Collect the youngest generation every ``size`` allocations instead of every 700.

    An episode's objects (its parsed YAML, model, cues) live for some thousands of allocations.
    With the default threshold they outlive two young collections, reach the oldest generation
    and trigger full collections, each of which walks everything the build keeps (the manifest,
    the report): measured on a 4,000-episode ``--jobs 1`` build, one full collection every 13
    episodes and garbage collection growing from 7 to 16 ms per episode. With 10,000 they die
    young: no full collection at all, under 0.4 ms per episode. A threshold of 0 (collection
    turned off) is left alone.
    """
    previous = gc.get_threshold()
    if previous[0] and previous[0] < size:
        gc.set_threshold(size, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _init_worker(setup: _Setup, out: Path) -> None:
    """Worker start-up: ignore Ctrl-C (the main process stops the pool), clean up on SIGTERM
    (what the pool sends its other workers when one dies), and load the show."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _remove_temporaries_and_exit)
    threshold = gc.get_threshold()
    if threshold[0]:
        gc.set_threshold(max(threshold[0], YOUNG_GENERATION_SIZE), *threshold[1:])
    global _WORKER
    _WORKER = _EpisodeBuilder(setup, out)


def _run_in_worker(task: _Task) -> _Outcome:
    assert _WORKER is not None
    return _WORKER.run(task)


# --------------------------------------------------------------------------- the build


def build(
    content: Path,
    out: Path,
    options: BuildOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Build every output of a content folder into ``out``.

    Args:
        content: the content folder.
        out: the output folder (created if missing).
        options: what to build and how.
        progress: called with (episodes done, episodes in all) as episodes finish.

    Raises:
        ContentError: show.yaml is unreadable.
        ConfigError: an unknown exporter or option.
    """
    with young_generation():
        return _build(content, out, options or BuildOptions(), progress)


def _build(
    content: Path,
    out: Path,
    options: BuildOptions,
    progress: Callable[[int, int], None] | None,
) -> BuildReport:
    project = open_content(content)
    prefix = os.path.join(str(content), "")  # messages show paths below it (display_path)
    setup = _select(project, options)
    if not options.dry_run:
        _check_writable(out)
    show_yaml = content / SHOW_FILE
    show_yaml_hash = sha256(show_yaml.read_bytes()) if show_yaml.is_file() else ""
    settings = _settings_hash(project, setup, show_yaml_hash)
    selected = tuple(name for name, _, _ in setup.exporters)

    manifest = Manifest() if options.force else read_manifest(out)
    stat_cache = {} if options.force else read_stat_cache(out)
    report = BuildReport(diagnostics=list(project.diagnostics))
    report.drafts = [project.display(path) for path in project.drafts]
    fingerprints: dict[str, str] = {}

    # Decide, without parsing, which episodes need work.
    tasks: list[_Task] = []
    current: dict[str, StatEntry] = {}
    listing = _OutputListing(out)
    relatives = [content_relative(content, path) for path in project.episode_files]
    for path, relative in zip(project.episode_files, relatives, strict=True):
        task = _plan(
            content,
            relative,
            path,
            manifest.episodes.get(relative),
            stat_cache.get(relative),
            selected,
            settings,
            fingerprints,
            out,
            current,
            listing,
            verify=options.dry_run,
        )
        if task is None:
            report.episodes_skipped += 1
        else:
            tasks.append(task)

    total = len(project.episode_files)
    done = report.episodes_skipped
    if progress is not None:
        progress(done, total)

    exporters = _construct(setup)
    try:
        for outcome in _execute(setup, out, tasks, options.jobs, project):
            _merge(manifest, outcome, settings, out, report, dry_run=options.dry_run, prefix=prefix)
            stat = _stat(content / outcome.relative)
            if stat is not None and outcome.file_hash:
                current[outcome.relative] = (*stat, outcome.file_hash)
            done += 1
            if progress is not None:
                progress(done, total)

        present = set(relatives)
        for relative in sorted(set(manifest.episodes) - present):
            gone = manifest.episodes.pop(relative)
            manifest.changed = True
            for output in sorted(gone.all_outputs()):
                _remove(out, output, report, dry_run=options.dry_run)

        context = BuildContext(show=project.show, exporters=setup.infos)
        artwork = _artwork_fingerprint(project)  # the feed checks its pixels
        for name in selected:
            _show_step(
                context,
                exporters[name],
                manifest,
                settings[name] + artwork,
                out,
                report,
                options,
                prefix,
            )
        if "rss" in selected:
            _copy_artwork(project, manifest, out, report, dry_run=options.dry_run)
    finally:
        # Also on Ctrl-C: what was built is recorded, and the next build completes the rest.
        if not options.dry_run:
            if manifest.castline_version != __version__:
                manifest.castline_version, manifest.changed = __version__, True
            new_cache = {**_kept(stat_cache, manifest), **current}
            _save_state(out, manifest, new_cache if new_cache != stat_cache else None)

    for _, state in sorted(manifest.episodes.items()):
        report.diagnostics.extend(diagnostics_from_json(state.load_diagnostics, prefix))
        for name in selected:
            if name in state.exporters and not state.failed:
                replayed = diagnostics_from_json(state.exporters[name].diagnostics, prefix)
                report.diagnostics.extend(replayed)
    report.episodes_failed = sum(state.failed for state in manifest.episodes.values())
    report.diagnostics = sort_unique(report.diagnostics)
    for paths in (report.created, report.changed, report.removed):
        paths.sort()
    return report


def _plan(
    content: Path,
    relative: str,
    path: Path,
    state: EpisodeState | None,
    cached_stat: StatEntry | None,
    selected: tuple[str, ...],
    settings: Mapping[str, str],
    fingerprints: dict[str, str],
    out: Path,
    current: dict[str, StatEntry],
    listing: _OutputListing,
    *,
    verify: bool,
) -> _Task | None:
    """``None`` when the episode is up to date for every selected exporter; else the work."""
    if state is None:
        return _Task(relative, selected)
    stat = _stat(path)
    raw: bytes | None = None
    if stat is not None and cached_stat is not None and cached_stat[:4] == stat:
        file_hash = cached_stat[4]
    else:
        try:
            raw = path.read_bytes()
        except OSError:
            return _Task(relative, selected)
        file_hash = sha256(raw)
    if stat is not None:
        current[relative] = (*stat, file_hash)
    for dependency in state.dependencies:
        if dependency not in fingerprints:
            fingerprints[dependency] = fingerprint(content / dependency)
    if file_hash != state.file_hash or any(
        fingerprints[dependency] != digest for dependency, digest in state.dependencies.items()
    ):
        return _Task(relative, selected, raw)
    if state.failed:
        return _Task(relative, selected, raw)  # rare; parsing again keeps its report exact
    stale = tuple(
        name
        for name in selected
        if name not in state.exporters
        or state.exporters[name].settings != settings[name]
        or not _outputs_intact(out, state.exporters[name].outputs, verify=verify, listing=listing)
    )
    return _Task(relative, stale, raw) if stale else None


class _OutputListing:
    """Which files exist in the output folder, one directory listing per folder.

    Planning asks, for every output of every unchanged episode, whether it still exists: one
    ``scandir`` per folder instead of one ``stat`` per file (60,000 at 10,000 episodes).
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folders: dict[str, frozenset[str]] = {}

    def has_file(self, relative: str) -> bool:
        folder, _, name = relative.rpartition("/")
        if folder not in self.folders:
            try:
                with os.scandir(self.out / folder) as entries:
                    self.folders[folder] = frozenset(e.name for e in entries if is_file(e))
            except OSError:
                self.folders[folder] = frozenset()
        # A name not listed may still exist under another case or normalisation (macOS,
        # Windows); asking the file system settles it.
        return name in self.folders[folder] or (self.out / relative).is_file()


def _outputs_intact(
    out: Path, outputs: Mapping[str, str], *, verify: bool, listing: _OutputListing | None = None
) -> bool:
    """Every recorded output exists (and, when ``verify``, still has the recorded bytes)."""
    for relative, digest in outputs.items():
        if not verify:
            if not (
                listing.has_file(relative) if listing is not None else (out / relative).is_file()
            ):
                return False
            continue
        try:
            if sha256((out / relative).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _execute(
    setup: _Setup, out: Path, tasks: Sequence[_Task], jobs: int, project: Project
) -> Iterator[_Outcome]:
    """Run the tasks, in this process (reusing ``project``) or in ``jobs`` worker processes;
    yield as they finish."""
    if not tasks:
        return
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(tasks) == 1:
        builder = _EpisodeBuilder(setup, out, project)
        for task in tasks:
            yield builder.run(task)
        return
    remaining = {task.relative: task for task in tasks}
    try:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)),
            initializer=_init_worker,
            initargs=(setup, out),
        ) as pool:
            futures: dict[Future[_Outcome], str] = {
                pool.submit(_run_in_worker, task): task.relative for task in tasks
            }
            try:
                for future in as_completed(futures):
                    outcome = future.result()
                    remaining.pop(outcome.relative, None)
                    yield outcome
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    except BrokenProcessPool:
        # A worker died. Build what is left one episode per process, so that only the
        # episode that kills its process is lost.
        _remove_stray_temporaries(out, dry_run=setup.dry_run)
        yield from _isolated(setup, out, [remaining[key] for key in sorted(remaining)])


def _isolated(setup: _Setup, out: Path, tasks: Iterable[_Task]) -> Iterator[_Outcome]:
    for task in tasks:
        try:
            with ProcessPoolExecutor(
                max_workers=1, initializer=_init_worker, initargs=(setup, out)
            ) as pool:
                yield pool.submit(_run_in_worker, task).result()
        except BrokenProcessPool:
            _remove_stray_temporaries(out, dry_run=setup.dry_run)
            path = setup.content / task.relative
            died = Diagnostic.error(SourceRef(display_path(setup.content, path), 1), WORKER_DIED)
            yield _Outcome(task.relative, path.stem, "", {}, (died,), True, {})


_STRAY_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")


def _remove_stray_temporaries(out: Path, *, dry_run: bool) -> None:
    """Remove the temporary files of ``write_atomic`` left in the output folder.

    Called once a worker died: a worker killed outright (SIGKILL, the out-of-memory killer)
    cannot remove the file it was writing. Workers only write while a build runs, so once the
    pool is gone every file named like theirs is a leftover.
    """
    if dry_run:
        return
    for folder, _, names in os.walk(out):
        for name in names:
            if _STRAY_TEMPORARY.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


def _merge(
    manifest: Manifest,
    outcome: _Outcome,
    settings: Mapping[str, str],
    out: Path,
    report: BuildReport,
    *,
    dry_run: bool,
    prefix: str,
) -> None:
    """Fold one episode's outcome into the manifest and the report (``prefix``: the content
    folder as messages show it, see :func:`diagnostics_to_json`).

    A failed episode keeps its last good exporter states (outputs and records); a built one
    drops the outputs its exporters no longer write.
    """
    previous = manifest.episodes.get(outcome.relative)
    manifest.changed = True
    if outcome.failed:
        state = previous or EpisodeState(slug=outcome.slug, file_hash="")
        state.file_hash = outcome.file_hash
        state.load_diagnostics = diagnostics_to_json(outcome.load_diagnostics, prefix)
        state.failed = True
        manifest.episodes[outcome.relative] = state
        return
    report.episodes_built += 1
    state = EpisodeState(
        slug=outcome.slug,
        file_hash=outcome.file_hash,
        dependencies=dict(outcome.dependencies),
        load_diagnostics=diagnostics_to_json(outcome.load_diagnostics, prefix),
        exporters=dict(previous.exporters) if previous else {},
    )
    for name, result in outcome.exporters.items():
        old_outputs = state.exporters[name].outputs if name in state.exporters else {}
        for stale in sorted(set(old_outputs) - set(result.outputs)):
            _remove(out, stale, report, dry_run=dry_run)
        state.exporters[name] = ExporterState(
            settings=settings[name],
            outputs=dict(result.outputs),
            record=result.record,
            record_hash="" if result.record is None else sha256(result.record.encode("utf-8")),
            diagnostics=diagnostics_to_json(result.diagnostics, prefix),
        )
    manifest.episodes[outcome.relative] = state
    report.created.extend(PurePosixPath(p) for p in outcome.created)
    report.changed.extend(PurePosixPath(p) for p in outcome.changed)
    report.unchanged += len(outcome.unchanged)


def _show_step(
    context: BuildContext,
    exporter: Exporter,
    manifest: Manifest,
    settings: str,
    out: Path,
    report: BuildReport,
    options: BuildOptions,
    prefix: str,
) -> None:
    """Run one exporter's ``export_show`` when its inputs (records; settings, which include the
    show's artwork) changed."""
    name = exporter.name
    root = Path(context.show.root)
    states = sorted(
        (state.slug, relative, state.exporters[name])
        for relative, state in manifest.episodes.items()
        if name in state.exporters
    )
    inputs = json_hash([settings, [[slug, s.record_hash] for slug, _, s in states]])
    previous = manifest.show_outputs.get(name)
    if (
        previous is not None
        and previous.settings == inputs
        and _outputs_intact(out, previous.outputs, verify=options.dry_run)
    ):
        report.diagnostics.extend(diagnostics_from_json(previous.diagnostics, prefix))
        return
    records = [
        EpisodeRecord(slug, display_path(root, root / relative), json.loads(state.record))
        for slug, relative, state in states
        if state.record is not None
    ]
    try:
        result = exporter.export_show(context, records)
    except Exception as error:
        report.diagnostics.append(
            Diagnostic.error(
                context.show.source,
                f"exporter '{name}' failed: {type(error).__name__}: {error}",
            )
        )
        return
    for artifact in result.artifacts:
        _check_path(artifact.path)
    # show.yaml does not load cleanly, or the exporter declined to write (e.g. no base_url):
    # the last good show-level files (the feed) stay as they are. The exporter's own checks
    # (artwork size, categories) do not hold the feed back.
    show_file = context.show.source.path
    unreadable = any(
        d.severity is Severity.ERROR and d.source.path == show_file for d in report.diagnostics
    )
    declined = not result.artifacts and any(
        d.severity is Severity.ERROR for d in result.diagnostics
    )
    if (unreadable or declined) and previous is not None and previous.outputs:
        kept = ", ".join(sorted(previous.outputs))
        held = Diagnostic.warning(
            context.show.source,
            f"{kept} not updated while show.yaml has errors; the last good one is kept",
        )
        diagnostics = (*result.diagnostics, held)
        report.diagnostics.extend(diagnostics)
        manifest.show_outputs[name] = ExporterState(
            settings=inputs,
            outputs=previous.outputs,
            diagnostics=diagnostics_to_json(diagnostics, prefix),
        )
        manifest.changed = True
        return
    created, changed, _ = _write(out, result.artifacts, dry_run=options.dry_run)
    report.created.extend(PurePosixPath(p) for p in created)
    report.changed.extend(PurePosixPath(p) for p in changed)
    outputs = {str(a.path): sha256(a.text.encode("utf-8")) for a in result.artifacts}
    if previous is not None:
        for stale in sorted(set(previous.outputs) - set(outputs)):
            _remove(out, stale, report, dry_run=options.dry_run)
    report.diagnostics.extend(result.diagnostics)
    manifest.show_outputs[name] = ExporterState(
        settings=inputs,
        outputs=outputs,
        diagnostics=diagnostics_to_json(result.diagnostics, prefix),
    )
    manifest.changed = True


#: Manifest key of the files castline copies from the content folder (not an exporter name:
#: entry-point names cannot contain a colon).
ASSETS = "castline:assets"


def _copy_artwork(
    project: Project, manifest: Manifest, out: Path, report: BuildReport, *, dry_run: bool
) -> None:
    """Copy the show's artwork, when it is a file in the content folder, to the same path in
    the output folder: the feed's ``itunes:image`` points there (``base_url`` + path)."""
    image = project.show.image
    previous = manifest.show_outputs.get(ASSETS)
    outputs: dict[str, str] = {}
    if image and "://" not in image:
        relative = PurePosixPath(image)
        source = Path(project.show.root) / relative
        if source.is_file() and not relative.is_absolute() and ".." not in relative.parts:
            data = source.read_bytes()
            outputs[relative.as_posix()] = sha256(data)
            existing = _read(out / relative)
            if existing != data:
                (report.created if existing is None else report.changed).append(relative)
                if not dry_run:
                    write_atomic(out / relative, data)
        elif previous is not None and relative.as_posix() in previous.outputs:
            # Gone from the content folder (the feed's checks say so): the published copy
            # stays, so the feed's itunes:image does not break.
            outputs[relative.as_posix()] = previous.outputs[relative.as_posix()]
    if previous is not None:
        for stale in sorted(set(previous.outputs) - set(outputs)):
            _remove(out, stale, report, dry_run=dry_run)
    if previous is None or previous.outputs != outputs:
        manifest.show_outputs[ASSETS] = ExporterState(settings="", outputs=outputs)
        manifest.changed = True


def _artwork_fingerprint(project: Project) -> str:
    """The hash of the show's artwork file (``absent`` when missing; empty for a URL)."""
    image = project.show.image
    if not image or "://" in image:
        return ""
    try:
        return sha256((Path(project.show.root) / image).read_bytes())
    except OSError:
        return "absent"


# --------------------------------------------------------------------------- files


def fingerprint(path: Path) -> str:
    """What tells a dependency changed: the hash of a profile's bytes; a media file's size
    (media files are large and only their size reaches the feed); ``absent`` when missing."""
    try:
        if path.suffix.lower() in (".md", ".markdown"):
            return sha256(path.read_bytes())
        return f"size:{path.stat().st_size}"
    except OSError:
        return "absent"


def _stat(path: Path) -> tuple[int, int, int, int] | None:
    """What the stat cache compares: size, modification and change times, inode."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def _kept(stat_cache: Mapping[str, StatEntry], manifest: Manifest) -> dict[str, StatEntry]:
    return {key: value for key, value in stat_cache.items() if key in manifest.episodes}


def _check_path(path: PurePosixPath) -> None:
    if path.is_absolute() or ".." in path.parts or (path.parts and path.parts[0] == STATE_DIR):
        raise ConfigError(f"an exporter tried to write outside its place: {path}")


def _write(
    out: Path, artifacts: Sequence[Artifact], *, dry_run: bool
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Write the artifacts whose bytes differ; return (created, changed, unchanged) paths."""
    seen: set[PurePosixPath] = set()
    created: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    for artifact in sorted(artifacts, key=lambda a: a.path):
        if artifact.path in seen:
            raise ConfigError(f"two exporters write the same file: {artifact.path}")
        seen.add(artifact.path)
        target = out / artifact.path
        data = artifact.text.encode("utf-8")
        existing = _read(target)
        if existing == data:
            unchanged.append(str(artifact.path))
            continue
        (created if existing is None else changed).append(str(artifact.path))
        if not dry_run:
            write_atomic(target, data)
    return tuple(created), tuple(changed), tuple(unchanged)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _remove(out: Path, relative: str, report: BuildReport, *, dry_run: bool) -> None:
    """Remove a file castline wrote (as the manifest says) and no longer makes."""
    target = out / relative
    if target.is_file():
        report.removed.append(PurePosixPath(relative))
        if not dry_run:
            target.unlink()


def _save_state(out: Path, manifest: Manifest, stat_cache: Mapping[str, StatEntry] | None) -> None:
    """Write the manifest if it changed and the stat cache if given (``None``: unchanged)."""
    state = out / STATE_DIR
    if manifest.changed or not (state / MANIFEST_FILE).is_file():
        write_atomic(state / MANIFEST_FILE, (line.encode() for line in manifest_lines(manifest)))
    if stat_cache is not None:
        write_atomic(state / STAT_CACHE_FILE, stat_cache_bytes(stat_cache))
    if not (state / ".gitignore").is_file():
        write_atomic(state / ".gitignore", f"{STAT_CACHE_FILE}\n".encode())


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or chunks of bytes) to ``path`` so that readers see the old file
    or the new one, never part.

    The bytes go to a temporary file in the same folder, which is then renamed over ``path``.
    If anything fails (or the process is interrupted), the temporary file is removed; a worker
    stopped by SIGTERM removes it too (see ``_remove_temporaries_and_exit``).
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
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    finally:
        _TEMPORARIES.discard(temporary)


_TEMPORARIES: set[str] = set()
"""Temporary files this process is writing. A name is added before its file exists and
dropped after the rename, so a signal handler that removes them all never misses one."""

_DEFERRED_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


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


def _remove_temporaries_and_exit(signum: int, frame: object) -> None:
    """SIGTERM handler of worker processes.

    A process pool whose worker died terminates the other workers; one of them may be in the
    middle of ``write_atomic``. Removing its temporary file before exiting keeps the promise
    that an interrupted build leaves only complete files.
    """
    for temporary in list(_TEMPORARIES):
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    os._exit(128 + signum)
