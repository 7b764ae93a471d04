"""Building episodes: the per-episode builder, the process pool and crash isolation.

An episode that fails to load, or that an exporter fails on, gives a failed :class:`Outcome`
and nothing else is affected. A worker process that dies takes only its episode down: the
remaining episodes are built again one per process. Worker processes ignore Ctrl-C (the main
process stops the pool) and, on SIGTERM, remove the temporary file they are writing and exit
with status ``128 + SIGTERM``: the one place outside ``castline.cli`` that exits.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from castline import load, registry
from castline.build import outfiles
from castline.build.manifest import fingerprint, record_text, sha256, write_record
from castline.build.planner import Task
from castline.build.showstep import EXPORTER_FAILED
from castline.diagnostics import Diagnostic, rule
from castline.exporter import BuildContext, Exporter, ExporterInfo
from castline.load import Project, load_episode, open_content
from castline.load.files import UNREADABLE_FILE
from castline.model import Episode, Show, SourceRef
from castline.paths import content_relative, display_path, media_file_path, media_url

if TYPE_CHECKING:
    from concurrent.futures import Future

# concurrent.futures (and multiprocessing under it) is imported when a build starts worker
# processes: a build with nothing to do, or one in this process, loads none of it.

EPISODE_CRASHED = rule(
    "B005", "episode-crashed", "reading an episode raised an unexpected exception"
)
CANNOT_WRITE = rule("B006", "cannot-write", "an output file cannot be written")
DEAD_WORKER = rule("B007", "worker-died", "the worker process building an episode died")

#: Message for an episode whose worker process died.
WORKER_DIED = (
    "the worker process building this episode died (a crash in an exporter or a library); "
    "its previous outputs are kept"
)

#: The end of the message for an episode castline itself failed on (a bug, or an input no
#: check foresaw): the exception follows ``castline failed on this episode: ``.
KEPT = "its previous outputs are kept"

#: Allocations between two collections of the youngest generation (CPython's default is 700).
YOUNG_GENERATION_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class ExporterSpec:
    """A selected exporter: its class (pickled by reference into workers) and options."""

    name: str
    exporter_class: type[Exporter]
    options: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Setup:
    """Everything a worker process needs to build episodes (picklable)."""

    content: Path
    out: Path
    #: The selected exporters, by name.
    exporters: tuple[ExporterSpec, ...]
    #: Every exporter of the show, for :class:`BuildContext`.
    infos: tuple[ExporterInfo, ...]
    dry_run: bool

    def construct(self) -> dict[str, Exporter]:
        """The selected exporters, constructed, by name."""
        return {
            spec.name: registry.create(spec.exporter_class, spec.options) for spec in self.exporters
        }


@dataclass(frozen=True, slots=True)
class ExporterOutcome:
    """What one exporter made of one episode."""

    #: Output path to the hash of its bytes.
    outputs: Mapping[str, str]
    #: The hash of the record's text (see :func:`castline.build.manifest.record_text`), which
    #: names its file; empty when the exporter gave none.
    record_hash: str
    diagnostics: tuple[Diagnostic, ...]
    #: The record's text, until its file is written; kept only by a dry run, which writes none.
    record: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What building one episode file gave."""

    relative: str
    slug: str
    file_hash: str
    dependencies: Mapping[str, str]
    load_diagnostics: tuple[Diagnostic, ...]
    failed: bool
    exporters: Mapping[str, ExporterOutcome]
    created: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    #: True when a record file was created (to be flushed before the manifest names it).
    new_records: bool = False


class EpisodeBuilder:
    """Builds episodes; one lives in each worker process (or in the main one)."""

    def __init__(
        self,
        setup: Setup,
        project: Project | None = None,
        exporters: Mapping[str, Exporter] | None = None,
    ) -> None:
        """Reuse the build's ``project`` and constructed ``exporters`` when given (the main
        process's, or their copies in a worker forked from it); else load and construct them."""
        self.setup = setup
        self.out = setup.out
        self.project = project if project is not None else open_content(setup.content)
        self.exporters = exporters if exporters is not None else setup.construct()
        self.context = BuildContext(show=self.project.show, exporters=setup.infos)
        self.fingerprints: dict[Path, str] = {}

    def dependencies(self, episode: Episode) -> dict[str, str]:
        """The files besides its own that the episode's outputs depend on, fingerprinted: its
        guests' profiles (for a guest without one, the file that would be it), its media, its
        local artwork."""
        show = self.project.show
        content = self.setup.content
        people = content / (show.people_dir or "people")
        paths = [
            Path(p.source.path) if p.source is not None else people / f"{p.id}.md"
            for p in episode.guests
        ]
        url = episode.audio.url if episode.audio is not None else media_url(show, episode.slug)
        media = media_file_path(show, url) if url else None
        if media is not None:
            paths.append(media)
        if episode.image_file is not None:  # the feed checks the artwork's file
            paths.append(Path(episode.image_file.path))
        for path in paths:
            if path not in self.fingerprints:
                self.fingerprints[path] = fingerprint(path)
        return {content_relative(content, path): self.fingerprints[path] for path in paths}

    def run(self, task: Task) -> Outcome:
        """Load the episode and run the task's exporters on it; write their files.

        Whatever goes wrong while loading or fingerprinting this one episode (a bug in the
        loader, an input no check foresaw) fails this episode only: its previous outputs are
        kept and the other episodes build.
        """
        path = self.setup.content / task.relative
        try:
            raw = path.read_bytes() if task.raw is None else task.raw
        except OSError as error:
            display = self.project.display(path)
            problem = UNREADABLE_FILE.error(SourceRef(display, 1), f"cannot read: {error.strerror}")
            return Outcome(task.relative, path.stem, "", {}, (problem,), True, {})
        file_hash = sha256(raw)
        where = SourceRef(self.project.display(path), 1)
        try:
            episode, found = load_episode(self.project, path, raw)
            if episode is None:
                return Outcome(task.relative, path.stem, file_hash, {}, tuple(found), True, {})
            where = episode.source
            dependencies = self.dependencies(episode)
        except Exception as error:  # castline's own failure must not stop other episodes
            problem = EPISODE_CRASHED.error(where, crash_message(error))
            return Outcome(task.relative, path.stem, file_hash, {}, (problem,), True, {})
        return self._build(task, episode, file_hash, dependencies, tuple(found))

    def _build(
        self,
        task: Task,
        episode: Episode,
        file_hash: str,
        dependencies: dict[str, str],
        found: tuple[Diagnostic, ...],
    ) -> Outcome:
        """Run the task's exporters on the loaded episode; write their files."""
        slug = episode.slug

        def fail(problem: Diagnostic) -> Outcome:
            problems = (*found, problem)
            return Outcome(task.relative, slug, file_hash, dependencies, problems, True, {})

        files: list[tuple[PurePosixPath, bytes]] = []
        results: dict[str, ExporterOutcome] = {}
        for name in task.exporters:
            result = self._export(name, episode, files)
            if isinstance(result, Diagnostic):
                return fail(result)
            results[name] = result
        try:  # one batch: its folders opened once, signals deferred once (outfiles.writing)
            with outfiles.writing(self.out, dry_run=self.setup.dry_run) as writer:
                written = outfiles.write_artifacts(writer, files)
                new_records = self._write_records(writer, results)
        except OSError as error:  # a full disk, a folder made read-only mid-build
            where = error.filename or self.out
            problem = f"cannot write {where}: {error.strerror or error}; {KEPT}"
            return fail(CANNOT_WRITE.error(episode.source, problem))
        fields = (task.relative, slug, file_hash, dependencies, found, False)
        return Outcome(*fields, results, *written, new_records)

    def _write_records(
        self, writer: outfiles.OutputWriter, results: dict[str, ExporterOutcome]
    ) -> bool:
        """Write the records' files (a dry run keeps their text instead); True when one is new.

        Raises:
            ConfigError: a record's file is reached through a symbolic link (the build stops,
                as for an output).
            OSError: a write failed.
        """
        if self.setup.dry_run:
            return False
        new = False
        for name, result in results.items():
            if result.record is not None:
                new |= write_record(writer, result.record)[1]
                results[name] = replace(result, record=None)  # not sent back to the build
        return new

    def _export(
        self, name: str, episode: Episode, files: list[tuple[PurePosixPath, bytes]]
    ) -> ExporterOutcome | Diagnostic:
        """One exporter's outcome (its files' paths and bytes added to ``files``), or the error
        of its crash."""
        try:
            export = self.exporters[name].export_episode(self.context, episode)
        except Exception as error:  # an exporter bug must not stop other episodes
            return EXPORTER_FAILED.error(
                episode.source, f"exporter '{name}' failed: {type(error).__name__}: {error}"
            )
        record = None if export.record is None else record_text(export.record)
        outputs = {}
        for path, data in outfiles.encoded(export.artifacts):
            outfiles.check_path(path)
            outputs[str(path)] = sha256(data)
            files.append((path, data))
        digest = "" if record is None else sha256(record.encode("utf-8"))
        return ExporterOutcome(outputs, digest, export.diagnostics, record)


def crash_message(error: Exception) -> str:
    """The message for an episode castline failed on with ``error``.

    >>> crash_message(ValueError("embedded null byte"))
    'castline failed on this episode: ValueError: embedded null byte; its previous outputs are kept'
    """
    return f"castline failed on this episode: {type(error).__name__}: {error}; {KEPT}"


@contextlib.contextmanager
def young_generation(size: int = YOUNG_GENERATION_SIZE) -> Iterator[None]:
    """Collect the youngest generation every ``size`` allocations instead of every 700.

    An episode's objects (its parsed YAML, model, cues) live for some thousands of allocations;
    with the default threshold they reach the oldest generation and trigger full collections,
    each of which walks everything the build keeps. A threshold of 0 (collection turned off) is
    left alone.
    """
    previous = gc.get_threshold()
    if previous[0] and previous[0] < size:
        gc.set_threshold(size, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


_WORKER: EpisodeBuilder | None = None
#: The main process's project and exporters, warmed up, while it runs a pool: a worker forked
#: from it starts with its copy of them (under another start method, it loads its own).
_INHERITED: tuple[Project, Mapping[str, Exporter]] | None = None


def init_worker(setup: Setup) -> None:
    """Worker start-up: ignore Ctrl-C (the main process stops the pool), clean up on SIGTERM
    (what the pool sends its other workers when one dies), and load the show."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _remove_temporaries_and_exit)
    threshold = gc.get_threshold()
    if threshold[0]:
        gc.set_threshold(max(threshold[0], YOUNG_GENERATION_SIZE), *threshold[1:])
    global _WORKER
    _WORKER = EpisodeBuilder(setup) if _INHERITED is None else EpisodeBuilder(setup, *_INHERITED)
    if not setup.dry_run:  # a worker forks nothing: it may flush ahead until it exits
        outfiles.FlushingAhead().start()


def _run_in_worker(task: Task) -> Outcome:
    assert _WORKER is not None
    return _WORKER.run(task)


def _remove_temporaries_and_exit(signum: int, frame: object) -> None:
    """SIGTERM handler of worker processes.

    A process pool whose worker died terminates the other workers; one of them may be in the
    middle of :func:`~castline.build.outfiles.write_atomic`. Removing its temporary file before
    exiting keeps the promise that an interrupted build leaves only complete files.
    """
    outfiles.remove_temporaries()
    os._exit(128 + signum)


def run_tasks(
    setup: Setup,
    tasks: Sequence[Task],
    jobs: int,
    project: Project,
    exporters: Mapping[str, Exporter],
) -> Generator[Outcome, None, None]:
    """Run the tasks, in this process or in ``jobs`` worker processes (``0``: one per CPU),
    with the build's ``project`` and constructed ``exporters``; yield their outcomes as they
    finish. Closing it before the last outcome (the build stopped between two) shuts the
    workers down: an exception that stops the caller keeps it alive in its traceback, and a
    process that ends with ``os._exit`` never collects it."""
    if not tasks:
        return
    if not forks(jobs) or len(tasks) == 1:
        builder = EpisodeBuilder(setup, project, exporters)
        for task in tasks:
            yield builder.run(task)
        return
    yield from _forking(setup, tasks, _workers(jobs), project, exporters)


def forks(jobs: int) -> bool:
    """Whether :func:`run_tasks` runs more than one task in worker processes, forked from
    this one, for this ``jobs``."""
    return _workers(jobs) > 1


def _workers(jobs: int) -> int:
    return jobs or os.cpu_count() or 1


def warm_up(exporters: Mapping[str, Exporter], show: Show) -> None:
    """Have each exporter load now what its episode step will need: its optional
    ``warm_up(show)`` (:class:`castline.exporter.Exporter`). A warm-up that fails is passed
    over: it only saves time, and the episode step reports what is wrong."""
    for exporter in exporters.values():
        method = getattr(exporter, "warm_up", None)
        if method is not None:
            with contextlib.suppress(Exception):
                method(show)


def _forking(
    setup: Setup,
    tasks: Sequence[Task],
    workers: int,
    project: Project,
    exporters: Mapping[str, Exporter],
) -> Iterator[Outcome]:
    """:func:`_in_pool`, with the loader and the exporters warmed up here first and handed to
    the workers with the project (:data:`_INHERITED`): each worker would otherwise import the
    same modules and compile the same templates on its first episode, and this process once
    more for the show step. The objects loaded so far are frozen out of the collector while the
    workers run (``gc.freeze``, https://docs.python.org/3/library/gc.html#gc.freeze): a
    worker's collections then never walk, nor copy, the pages they share."""
    global _INHERITED
    load.warm_up(project.show)
    warm_up(exporters, project.show)
    _INHERITED = (project, exporters)
    gc.freeze()
    try:
        yield from _in_pool(setup, tasks, workers)
    finally:
        gc.unfreeze()
        _INHERITED = None


def _in_pool(setup: Setup, tasks: Sequence[Task], workers: int) -> Iterator[Outcome]:
    """Run the tasks in up to ``workers`` worker processes; after a worker dies, what is left
    one episode per process."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    remaining = {task.relative: task for task in tasks}
    try:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(tasks)), initializer=init_worker, initargs=(setup,)
        ) as pool:
            futures: dict[Future[Outcome], str] = {
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
        _sweep(setup)
        yield from _isolated(setup, [remaining[key] for key in sorted(remaining)])


def _isolated(setup: Setup, tasks: Iterable[Task]) -> Iterator[Outcome]:
    """Each task in a worker process of its own; one whose worker dies fails alone."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    for task in tasks:
        try:
            with ProcessPoolExecutor(
                max_workers=1, initializer=init_worker, initargs=(setup,)
            ) as pool:
                yield pool.submit(_run_in_worker, task).result()
        except BrokenProcessPool:
            _sweep(setup)
            path = setup.content / task.relative
            died = DEAD_WORKER.error(SourceRef(display_path(setup.content, path), 1), WORKER_DIED)
            yield Outcome(task.relative, path.stem, "", {}, (died,), True, {})


def _sweep(setup: Setup) -> None:
    """After a worker died: remove the temporary file it may have left."""
    if not setup.dry_run:
        outfiles.remove_stray_temporaries(setup.out)
