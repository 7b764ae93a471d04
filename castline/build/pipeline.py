"""The build's pipeline (see :mod:`castline.build` for the order of work): the normal path,
which reads the content and the manifest and runs the exporters."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from castline import __version__, registry
from castline.build.manifest import (
    EpisodeState,
    ExporterState,
    Manifest,
    diagnostics_from_json,
    diagnostics_to_json,
    json_hash,
    load_manifest,
    locked,
    prepare_state_dir,
    read_stat_cache,
    save_state,
    sha256,
)
from castline.build.options import BuildOptions, BuildReport
from castline.build.outfiles import (
    Changes,
    FlushingAhead,
    check_path,
    read_or_none,
    remove_output,
)
from castline.build.planner import BuildInputs, Planner, Task
from castline.build.replay import Start, forget_replay, save_replay
from castline.build.showstep import ShowSteps
from castline.build.workers import (
    ExporterOutcome,
    ExporterSpec,
    Outcome,
    Setup,
    forks,
    run_tasks,
    young_generation,
)
from castline.diagnostics import Severity, sort_unique
from castline.errors import ConfigError, UnknownExporterError
from castline.exporter import BuildContext, Exporter, ExporterInfo
from castline.load import SHOW_FILE, Project, open_content
from castline.model import Show
from castline.paths import content_relative
from castline.report import apply_policy


def run(
    content: Path,
    out: Path,
    options: BuildOptions,
    progress: Callable[[int, int, str], None] | None,
    start: Start,
) -> BuildReport:
    """:func:`castline.build.build` past its no-change fast path: ``start`` says what the
    content folder looked like before anything was read, and why the last replay file was
    of no use when it was unreadable."""
    with young_generation():
        project = open_content(content)
        setup = _select(project, options, out)
        if not options.dry_run:
            prepare_state_dir(out)
        with locked(out, shared=options.dry_run):
            if not options.dry_run:
                forget_replay(out)  # this build may change what it answered for
            report = _build_locked(content, project, setup, options, progress)
            if start.problem is not None:
                report.diagnostics = sort_unique([*report.diagnostics, start.problem])
            if not options.dry_run and start.baseline is not None:
                save_replay(start.baseline, content, out, options, report)
            return report


def _build_locked(
    content: Path,
    project: Project,
    setup: Setup,
    options: BuildOptions,
    progress: Callable[[int, int, str], None] | None,
) -> BuildReport:
    """The build, once the output folder is locked (see :func:`castline.build.manifest.locked`)."""
    out = setup.out
    show_yaml = content / SHOW_FILE
    show_yaml_hash = sha256(show_yaml.read_bytes()) if show_yaml.is_file() else ""
    exporters = setup.construct()
    inputs = BuildInputs(
        content=content,
        out=out,
        selected=tuple(spec.name for spec in setup.exporters),
        settings=_settings(show_yaml_hash, setup, exporters, project.show),
        dry_run=options.dry_run,
        prefix=os.path.join(str(content), ""),  # messages show paths below it (display_path)
    )
    manifest, unreadable = (Manifest(), None) if options.force else load_manifest(out)
    planner = Planner(inputs, {} if options.force else read_stat_cache(out))
    report = BuildReport(diagnostics=list(project.file_diagnostics))
    if unreadable is not None:
        report.diagnostics.append(unreadable)
        manifest.changed = True
    # The profiles' problems: parsed only for a profile that changed (see the planner).
    report.diagnostics += project.people.listing_diagnostics()
    report.diagnostics += planner.profile_diagnostics(
        project.people, manifest, json_hash([__version__, show_yaml_hash])
    )
    report.drafts = [project.display(path) for path in project.drafts]
    report.episodes = {project.display(path): path.stem for path in project.episode_files}
    changes = Changes(report.created, report.changed, report.removed, report.diagnostics)
    relatives = {content_relative(content, path): path for path in project.episode_files}
    tasks = _plan(planner, manifest, relatives, report)
    episodes = _Episodes(
        setup, options, project, exporters, planner, manifest, inputs, report, changes
    )
    show_steps = ShowSteps(
        BuildContext(show=project.show, exporters=setup.infos),
        manifest,
        inputs,
        changes,
        report.diagnostics,
        episodes.rebuild,
    )
    try:
        with _flushing(options):
            episodes.build(tasks, progress)
            _remove_gone(manifest, set(relatives), inputs, changes)
            for name in inputs.selected:
                show_steps.run(exporters[name])
        _record_sizes(report, manifest, inputs.selected, show_steps.sizes)
    finally:
        # Also on Ctrl-C: what was built is recorded, and the next build completes the rest.
        if not options.dry_run:
            _save(out, manifest, planner, created=bool(changes.created) or episodes.new_records)
    _finish(report, manifest, inputs, project.show)
    return report


def _flushing(options: BuildOptions) -> contextlib.AbstractContextManager[object]:
    """Flush ahead while the episodes and the show files are written, when this process
    writes them (with worker processes, each worker flushes ahead: this one must not run a
    thread while it forks them)."""
    if options.dry_run or forks(options.jobs):
        return contextlib.nullcontext()
    return FlushingAhead()


def _save(out: Path, manifest: Manifest, planner: Planner, *, created: bool) -> None:
    """Save the manifest, stamped with this castline's version, and the stat cache; flush the
    files ``created`` (outputs or records) first (:func:`~castline.build.manifest.save_state`)."""
    if manifest.castline_version != __version__:
        manifest.castline_version, manifest.changed = __version__, True
    save_state(out, manifest, planner.new_stat_cache(manifest), created=created)


def _record_sizes(
    report: BuildReport, manifest: Manifest, names: Iterable[str], sizes: Mapping[str, int]
) -> None:
    """The bytes of each show-level output, and of each exporter's in all (exporters with none
    left out)."""
    report.show_output_bytes = dict(sorted(sizes.items()))
    for name in names:
        state = manifest.show_outputs.get(name)
        if state is not None and state.outputs:
            total = sum(sizes.get(relative, 0) for relative in state.outputs)
            report.show_exporter_bytes[name] = total


def _select(project: Project, options: BuildOptions, out: Path) -> Setup:
    """Choose the exporters, construct them once to check their options, and describe each
    installed one to the others.

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
    names = set(options.only) if options.only else set(entries)
    for name in sorted(names):
        if name not in entries:
            raise UnknownExporterError(name, entries)
    specs: list[ExporterSpec] = []
    infos: list[ExporterInfo] = []
    for name, entry in entries.items():
        exporter_class = entry.load()
        exporter_options = dict(show.exporter_options.get(name, {}))
        for key, value in options.overrides.items():
            if registry.accepts_option(exporter_class, key):
                exporter_options[key] = value
        infos.append(ExporterInfo.of(exporter_class, exporter_options))
        if name in names:
            # Constructing here reports a bad option before any work starts.
            where = show.where(f"exporters.{name}")
            registry.create(exporter_class, exporter_options, source=str(where))
            specs.append(ExporterSpec(name, exporter_class, exporter_options))
    return Setup(Path(show.root), out, tuple(specs), tuple(infos), options.dry_run)


def _settings(
    show_yaml_hash: str, setup: Setup, exporters: Mapping[str, Exporter], show: Show
) -> dict[str, str]:
    """Per selected exporter, a hash of everything besides the episode that shapes its output:
    castline's version, show.yaml (the hash of its bytes), the exporter (class,
    ``cache_version``, options), what it knows of the other exporters, and the bytes of the
    content files its episode step reads (:func:`episode_input_digests`)."""
    context = [
        [i.name, i.media_type, i.suffix, i.offset_ms, i.feed_link, i.rel, i.feed_order]
        for i in setup.infos
    ]
    settings = {}
    for spec in setup.exporters:
        cls = spec.exporter_class
        exporter = [
            spec.name,
            f"{cls.__module__}:{cls.__qualname__}",
            getattr(cls, "cache_version", 0),
        ]
        parts = [__version__, show_yaml_hash, exporter, dict(spec.options), context]
        digests = episode_input_digests(exporters[spec.name], show)
        settings[spec.name] = json_hash([*parts, digests] if digests else parts)
    return settings


def episode_input_digests(exporter: Exporter, show: Show) -> list[list[str]]:
    """``[path, digest]`` of each content file the exporter's episode step reads (its
    ``episode_inputs(show)``, none when it has no such method): the hash of its bytes, or
    ``absent``. A change to one rebuilds every episode for that exporter.

    Raises:
        ConfigError: a path outside the content folder.
    """
    method = getattr(exporter, "episode_inputs", None)
    if method is None:
        return []
    try:
        paths = [PurePosixPath(path) for path in method(show)]
    except Exception as error:  # an exporter bug: its episodes fail on their own
        return [["failed", f"{type(error).__name__}: {error}"]]
    digests = []
    for path in paths:
        check_path(path)
        data = read_or_none(Path(show.root) / path)
        digests.append([path.as_posix(), "absent" if data is None else sha256(data)])
    return digests


def _plan(
    planner: Planner,
    manifest: Manifest,
    relatives: Mapping[str, Path],
    report: BuildReport,
) -> list[Task]:
    """The episodes that need work (counting the others as skipped)."""
    tasks: list[Task] = []
    for relative, path in relatives.items():
        task = planner.plan(relative, path, manifest.episodes.get(relative))
        if task is None:
            report.episodes_skipped += 1
        else:
            tasks.append(task)
    return tasks


@dataclass(slots=True)
class _Episodes:
    """Builds episodes and folds each outcome into the manifest and the report."""

    setup: Setup
    options: BuildOptions
    project: Project
    #: The selected exporters, constructed once for the episode and show steps.
    exporters: Mapping[str, Exporter]
    planner: Planner
    manifest: Manifest
    inputs: BuildInputs
    report: BuildReport
    changes: Changes
    #: Episode files built (or failed) in this build, and those built.
    done: set[str] = field(default_factory=set)
    built: set[str] = field(default_factory=set)
    #: True once a record file was created (flushed before the manifest names it).
    new_records: bool = False

    def build(
        self, tasks: Sequence[Task], progress: Callable[[int, int, str], None] | None
    ) -> None:
        """Build the planned tasks, telling ``progress`` how far the build is."""
        total = len(self.project.episode_files)
        done = self.report.episodes_skipped
        if progress is not None:
            progress(done, total, "")
        runs = run_tasks(self.setup, tasks, self.options.jobs, self.project, self.exporters)
        with contextlib.closing(runs):  # stopped between two outcomes: the workers stop too
            for outcome in runs:
                self._fold(outcome)
                done += 1
                if progress is not None:
                    progress(done, total, outcome.slug)

    def rebuild(self, name: str, relatives: Sequence[str]) -> None:
        """Build these episode files again with exporter ``name``: the show step found their
        records for it unusable (:class:`~castline.build.showstep.ShowSteps`)."""
        self.report.episodes_skipped -= len(set(relatives) - self.done)
        tasks = [Task(relative, (name,)) for relative in relatives]
        runs = run_tasks(self.setup, tasks, self.options.jobs, self.project, self.exporters)
        with contextlib.closing(runs):
            for outcome in runs:
                self._fold(outcome)

    def _fold(self, outcome: Outcome) -> None:
        _merge(self.manifest, outcome, self.inputs, self.report, self.changes)
        self.planner.built(outcome.relative, outcome.file_hash)
        self.done.add(outcome.relative)
        self.new_records |= outcome.new_records
        if not outcome.failed and outcome.relative not in self.built:
            self.built.add(outcome.relative)
            self.report.episodes_built += 1


def _merge(
    manifest: Manifest, outcome: Outcome, inputs: BuildInputs, report: BuildReport, changes: Changes
) -> None:
    """Fold one episode's outcome into the manifest and the report.

    A failed episode keeps its last good exporter states (outputs and records); a built one
    drops the outputs its exporters no longer write.
    """
    previous = manifest.episodes.get(outcome.relative)
    manifest.changed = True
    prefix = inputs.prefix
    if outcome.failed:
        state = previous or EpisodeState(slug=outcome.slug, file_hash="")
        state.file_hash = outcome.file_hash
        state.load_diagnostics = diagnostics_to_json(outcome.load_diagnostics, prefix)
        state.failed = True
        manifest.episodes[outcome.relative] = state
        return
    state = EpisodeState(
        slug=outcome.slug,
        file_hash=outcome.file_hash,
        dependencies=dict(outcome.dependencies),
        load_diagnostics=diagnostics_to_json(outcome.load_diagnostics, prefix),
        exporters=dict(previous.exporters) if previous else {},
    )
    for name, result in outcome.exporters.items():
        if name in state.exporters and _made_nothing(result):
            # It said why: its last good files stay, and it runs again next build.
            kept = state.exporters[name]
            problems = diagnostics_to_json(result.diagnostics, prefix)
            state.exporters[name] = dataclasses.replace(kept, settings="", diagnostics=problems)
            continue
        old_outputs = state.exporters[name].outputs if name in state.exporters else {}
        for stale in sorted(set(old_outputs) - set(result.outputs)):
            digest = old_outputs[stale]
            remove_output(inputs.out, stale, digest, changes, dry_run=inputs.dry_run)
        state.exporters[name] = ExporterState(
            settings=inputs.settings[name],
            outputs=dict(result.outputs),
            record_hash=result.record_hash,
            diagnostics=diagnostics_to_json(result.diagnostics, prefix),
            record=result.record,
        )
    manifest.episodes[outcome.relative] = state
    changes.created.extend(PurePosixPath(p) for p in outcome.created)
    changes.changed.extend(PurePosixPath(p) for p in outcome.changed)
    report.unchanged += len(outcome.unchanged)


def _made_nothing(result: ExporterOutcome) -> bool:
    """Whether an exporter wrote no file and no record for an episode, with an error to say why."""
    return (
        not result.outputs
        and not result.record_hash
        and any(d.severity is Severity.ERROR for d in result.diagnostics)
    )


def _remove_gone(
    manifest: Manifest, present: set[str], inputs: BuildInputs, changes: Changes
) -> None:
    """Forget the episode files that are gone, removing the outputs castline wrote for them."""
    for relative in sorted(set(manifest.episodes) - present):
        gone = manifest.episodes.pop(relative)
        manifest.changed = True
        for output, digest in sorted(gone.all_outputs().items()):
            remove_output(inputs.out, output, digest, changes, dry_run=inputs.dry_run)


def _finish(report: BuildReport, manifest: Manifest, inputs: BuildInputs, show: Show) -> None:
    """Replay every episode's last diagnostics from the manifest; apply show.yaml's
    ``diagnostics:``; sort the report."""
    for _, state in sorted(manifest.episodes.items()):
        report.diagnostics.extend(diagnostics_from_json(state.load_diagnostics, inputs.prefix))
        for name in inputs.selected:
            if name in state.exporters and not state.failed:
                rows = state.exporters[name].diagnostics
                report.diagnostics.extend(diagnostics_from_json(rows, inputs.prefix))
    report.episodes_failed = sum(state.failed for state in manifest.episodes.values())
    if show.diagnostics_ignore or show.diagnostics_error:
        report.diagnostics = apply_policy(
            report.diagnostics,
            show.diagnostics_ignore,
            show.diagnostics_error,
            show.where("diagnostics"),
        )
    report.diagnostics = sort_unique(report.diagnostics)
    for paths in (report.created, report.changed, report.removed):
        paths.sort()
