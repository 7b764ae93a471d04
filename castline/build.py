"""The build: content folder in, files in the output folder out. The only module that writes.

Order of work:

1. :func:`castline.loader.open_content` reads show.yaml and the profiles.
2. Each episode is loaded and handed to every exporter's ``export_episode``. An episode that
   fails to load, or that an exporter fails on, is reported and skipped: its previous outputs
   stay as they were.
3. Each exporter's ``export_show`` gets the records of the episodes that built.
4. Files are written atomically (a temporary file in the same folder, then a rename), and only
   when their bytes change.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from castline import registry
from castline.diagnostics import ConfigError, Diagnostic, Severity, sort_unique
from castline.exporter import (
    Artifact,
    BuildContext,
    EpisodeRecord,
    Exporter,
    ExporterInfo,
)
from castline.loader import Project, load_episode, open_content
from castline.model import SourceRef


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    #: Exporter names to run; empty means every installed exporter.
    only: tuple[str, ...] = ()
    #: Options set on every exporter that takes them (CLI overrides such as ``offset_ms``).
    overrides: Mapping[str, Any] = field(default_factory=dict)
    #: Write nothing; report what would change.
    dry_run: bool = False


@dataclass(slots=True)
class BuildReport:
    """What a build did."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Output files created or changed (relative to the output folder).
    written: list[PurePosixPath] = field(default_factory=list)
    #: Output files whose bytes were already right.
    unchanged: list[PurePosixPath] = field(default_factory=list)
    episodes_built: int = 0
    episodes_failed: int = 0
    #: Draft and template files skipped (names starting with ``_``).
    drafts: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        """The error diagnostics."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The warning diagnostics."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


def create_exporters(project: Project, options: BuildOptions) -> list[Exporter]:
    """Construct the selected exporters with show.yaml's options and the overrides.

    Raises:
        ConfigError: an unknown exporter name or option.
    """
    entries = registry.available()
    names = list(dict.fromkeys(options.only)) if options.only else list(entries)
    show = project.show
    for configured in show.exporter_options:
        if configured not in entries:
            raise ConfigError(
                f"{show.where('exporters.' + configured)}: "
                + str(registry.UnknownExporterError(configured, entries))
            )
    exporters: list[Exporter] = []
    for name in sorted(names):
        if name not in entries:
            raise registry.UnknownExporterError(name, entries)
        exporter_options = dict(show.exporter_options.get(name, {}))
        exporter_class = entries[name].load()
        for key, value in options.overrides.items():
            if registry.accepts_option(exporter_class, key):
                exporter_options[key] = value
        exporters.append(
            registry.create(name, exporter_options, entries=entries, source=str(show.source.path))
        )
    return exporters


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
        options: what to build.
        progress: called with (episodes done, episodes in all) after each episode.

    Raises:
        ContentError: show.yaml is unreadable.
        ConfigError: an unknown exporter or option.
    """
    options = options or BuildOptions()
    project = open_content(content)
    exporters = create_exporters(project, options)
    context = BuildContext(
        show=project.show,
        exporters=tuple(ExporterInfo(e.name, e.media_type, e.suffix) for e in exporters),
    )
    report = BuildReport(diagnostics=list(project.diagnostics))
    report.drafts = [project.display(path) for path in project.drafts]
    records: dict[str, list[EpisodeRecord]] = {exporter.name: [] for exporter in exporters}
    artifacts: list[Artifact] = []
    total = len(project.episode_files)
    for done, path in enumerate(project.episode_files, start=1):
        episode, found = load_episode(project, path)
        report.diagnostics.extend(found)
        if episode is None:
            report.episodes_failed += 1
        else:
            episode_artifacts: list[Artifact] = []
            episode_records: dict[str, EpisodeRecord] = {}
            failed = False
            for exporter in exporters:
                try:
                    result = exporter.export_episode(context, episode)
                except Exception as error:  # an exporter bug must not stop other episodes
                    report.diagnostics.append(_crash(episode.source, exporter.name, error))
                    failed = True
                    break
                report.diagnostics.extend(result.diagnostics)
                episode_artifacts.extend(result.artifacts)
                if result.record is not None:
                    episode_records[exporter.name] = EpisodeRecord(
                        episode.slug, episode.source.path, result.record
                    )
            if failed:
                report.episodes_failed += 1
            else:
                report.episodes_built += 1
                artifacts.extend(episode_artifacts)
                for name, record in episode_records.items():
                    records[name].append(record)
        if progress is not None:
            progress(done, total)
    for exporter in exporters:
        try:
            show_export = exporter.export_show(context, records[exporter.name])
        except Exception as error:
            report.diagnostics.append(_crash(project.show.source, exporter.name, error))
            continue
        report.diagnostics.extend(show_export.diagnostics)
        artifacts.extend(show_export.artifacts)
    _check_unique(artifacts)
    for artifact in sorted(artifacts, key=lambda a: a.path):
        target = out / artifact.path
        data = artifact.text.encode("utf-8")
        if _same_bytes(target, data):
            report.unchanged.append(artifact.path)
            continue
        report.written.append(artifact.path)
        if not options.dry_run:
            write_atomic(target, data)
    report.diagnostics = sort_unique(report.diagnostics)
    return report


def _crash(source: SourceRef, exporter: str, error: Exception) -> Diagnostic:
    return Diagnostic.error(
        source, f"exporter '{exporter}' failed: {type(error).__name__}: {error}"
    )


def _check_unique(artifacts: Sequence[Artifact]) -> None:
    seen: set[PurePosixPath] = set()
    for artifact in artifacts:
        path = artifact.path
        if path.is_absolute() or ".." in path.parts:
            raise ConfigError(f"an exporter tried to write outside the output folder: {path}")
        if path in seen:
            raise ConfigError(f"two exporters write the same file: {path}")
        seen.add(path)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never part.

    The bytes go to a temporary file in the same folder, which is then renamed over ``path``.
    If anything fails (or the process is interrupted), the temporary file is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
