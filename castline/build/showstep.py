"""The show step: each exporter's ``export_show``, and the content files it publishes.

An exporter's show step runs when its inputs changed: its settings, the record of any episode
(known by its hash: no record file is read to decide), or the bytes of a file it publishes (the
feed checks the artwork's pixels); in a dry run, always. Otherwise its last warnings are
replayed from the manifest. When show.yaml has errors, or the exporter declines to write, its
last good show-level files stay as they are.

A step that runs reads each episode's record file (:func:`~castline.build.manifest.read_record`).
An episode whose file cannot be used (missing, edited, not JSON) is reported once and built
again with that exporter before the step goes on, so the show's files are what a clean build
makes.

Published files (:meth:`castline.exporter.PerEpisodeExporter.published_files`) are copied from
the content folder to the same path in the output folder when their bytes change. A copy whose
source is gone stays, so that links to it do not break; a copy no longer asked for is removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from castline.build.manifest import (
    PUBLISHED_PREFIX,
    UNUSABLE_RECORD,
    ExporterState,
    Manifest,
    RecordError,
    diagnostics_from_json,
    diagnostics_to_json,
    json_hash,
    read_record,
    record_file,
    sha256,
)
from castline.build.outfiles import (
    Changes,
    check_path,
    encoded,
    read_or_none,
    reading,
    remove_output,
    write_artifacts,
    writing,
)
from castline.build.planner import BuildInputs, outputs_intact
from castline.diagnostics import Diagnostic, Severity, rule
from castline.exporter import BuildContext, EpisodeRecord, Exporter, ShowExport
from castline.model import SourceRef
from castline.paths import display_path

EXPORTER_FAILED = rule("B003", "exporter-failed", "an exporter raised an exception")
SHOW_OUTPUTS_KEPT = rule(
    "B004", "show-outputs-kept", "show.yaml has errors, so the show's outputs are not updated"
)


class ShowSteps:
    """Runs the show steps of one build, folding what they did into the manifest."""

    def __init__(
        self,
        context: BuildContext,
        manifest: Manifest,
        inputs: BuildInputs,
        changes: Changes,
        diagnostics: list[Diagnostic],
        rebuild: Callable[[str, Sequence[str]], None],
    ) -> None:
        self.context = context
        self.manifest = manifest
        self.inputs = inputs
        self.changes = changes
        #: The build's diagnostics so far; the show steps add theirs.
        self.diagnostics = diagnostics
        #: The size of each show-level output, by path in the output folder.
        self.sizes: dict[str, int] = {}
        #: Builds episode files again with one exporter, updating the manifest (called with
        #: the exporter's name and the files whose records cannot be used).
        self.rebuild = rebuild

    def run(self, exporter: Exporter) -> None:
        """Run the exporter's show step if its inputs changed, then publish its files."""
        sources = self._published_sources(exporter)
        if sources is None:
            return
        digests = {
            path: "absent" if data is None else sha256(data) for path, data in sources.items()
        }
        self._export(exporter, digests)
        self._publish(exporter.name, sources)

    def _published_sources(self, exporter: Exporter) -> dict[str, bytes | None] | None:
        """The exporter's published files (relative paths) and their bytes (``None``: not a
        readable file); ``None`` (and an error) when ``published_files`` fails.

        Raises:
            ConfigError: a path outside the output folder's place for outputs.
        """
        method = getattr(exporter, "published_files", None)
        try:
            paths = [PurePosixPath(p) for p in method(self.context.show)] if method else []
        except Exception as error:  # an exporter bug: its last show-level files stay
            self._failed(exporter.name, error)
            return None
        root = Path(self.context.show.root)
        sources: dict[str, bytes | None] = {}
        for path in paths:
            check_path(path)
            source = root / path
            sources[path.as_posix()] = read_or_none(source) if source.is_file() else None
        return sources

    def _failed(self, name: str, error: Exception) -> None:
        problem = f"exporter '{name}' failed: {type(error).__name__}: {error}"
        self.diagnostics.append(EXPORTER_FAILED.error(self.context.show.source, problem))

    def _export(self, exporter: Exporter, published: Mapping[str, str]) -> None:
        name = exporter.name
        inputs = self._inputs(name, published)
        previous = self.manifest.show_outputs.get(name)
        if (
            previous is not None
            and previous.settings == inputs
            and not self.inputs.dry_run  # a dry run re-derives every output
            and outputs_intact(self.inputs.out, previous.outputs, verify=False)
        ):
            self.diagnostics.extend(diagnostics_from_json(previous.diagnostics, self.inputs.prefix))
            self._measure(previous.outputs)
            return
        records, unusable = self._records(name, report=True)
        if unusable:  # built again: the inputs are what a clean build would have
            self.rebuild(name, unusable)
            records, _ = self._records(name, report=False)
            inputs = self._inputs(name, published)
        try:
            result = exporter.export_show(self.context, records)
        except Exception as error:
            self._failed(name, error)
            return
        for artifact in result.artifacts:
            check_path(artifact.path)
        if previous is not None and previous.outputs and self._held_back(result):
            self._keep_last_good(name, inputs, result, previous)
        else:
            self._write(name, inputs, result, previous)

    def _states(self, name: str) -> list[tuple[str, str, ExporterState]]:
        """(slug, episode file, state) of each episode the exporter made something of, in slug
        order."""
        return sorted(
            (
                (state.slug, relative, state.exporters[name])
                for relative, state in self.manifest.episodes.items()
                if name in state.exporters
            ),
            key=lambda entry: entry[:2],
        )

    def _inputs(self, name: str, published: Mapping[str, str]) -> str:
        """The hash of everything the exporter's show step reads (the records by their hash)."""
        states = self._states(name)
        return json_hash(
            [
                self.inputs.settings[name],
                sorted(published.items()),
                [[slug, s.record_hash] for slug, _, s in states],
            ]
        )

    def _records(self, name: str, *, report: bool) -> tuple[list[EpisodeRecord], list[str]]:
        """The episodes' records for the show step, in slug order, and the episode files whose
        record file cannot be used (each reported when ``report``; left out)."""
        root = Path(self.context.show.root)
        records: list[EpisodeRecord] = []
        unusable: list[str] = []
        with reading(self.inputs.out) as reader:  # the records' folder opened once
            for slug, relative, state in self._states(name):
                if not state.record_hash:
                    continue
                display = display_path(root, root / relative)
                try:
                    data = (
                        json.loads(state.record)  # made by this build (a dry run writes none)
                        if state.record is not None
                        else read_record(reader, state.record_hash)
                    )
                except RecordError as error:
                    unusable.append(relative)
                    if report:
                        where = SourceRef(str(self.inputs.out / record_file(state.record_hash)), 1)
                        problem = (
                            f"the record of exporter '{name}' for {display} cannot be used "
                            f"({error}); that episode is rebuilt"
                        )
                        self.diagnostics.append(UNUSABLE_RECORD.warning(where, problem))
                    continue
                records.append(EpisodeRecord(slug, display, data))
        return records, unusable

    def _measure(self, outputs: Mapping[str, str]) -> None:
        """Record the sizes of outputs left as they are (found intact in the output folder)."""
        for relative in outputs:
            try:
                self.sizes[relative] = (self.inputs.out / relative).stat().st_size
            except OSError:
                continue

    def _held_back(self, result: ShowExport) -> bool:
        """show.yaml does not load cleanly, or the exporter declined to write (e.g. no
        ``base_url``). The exporter's own checks (artwork size, categories) do not count."""
        show_file = self.context.show.source.path
        unreadable = any(
            d.severity is Severity.ERROR and d.source.path == show_file for d in self.diagnostics
        )
        declined = not result.artifacts and any(
            d.severity is Severity.ERROR for d in result.diagnostics
        )
        return unreadable or declined

    def _keep_last_good(
        self, name: str, inputs: str, result: ShowExport, previous: ExporterState
    ) -> None:
        kept = ", ".join(sorted(previous.outputs))
        held = SHOW_OUTPUTS_KEPT.warning(
            self.context.show.source,
            f"{kept} not updated while show.yaml has errors; the last good one is kept",
        )
        diagnostics = (*result.diagnostics, held)
        self.diagnostics.extend(diagnostics)
        self._measure(previous.outputs)
        self.manifest.show_outputs[name] = ExporterState(
            settings=inputs,
            outputs=previous.outputs,
            diagnostics=diagnostics_to_json(diagnostics, self.inputs.prefix),
        )
        self.manifest.changed = True

    def _write(
        self, name: str, inputs: str, result: ShowExport, previous: ExporterState | None
    ) -> None:
        out, dry_run = self.inputs.out, self.inputs.dry_run
        files = encoded(result.artifacts)
        with writing(out, dry_run=dry_run) as writer:
            created, changed, _ = write_artifacts(writer, files)
        self.changes.created.extend(PurePosixPath(p) for p in created)
        self.changes.changed.extend(PurePosixPath(p) for p in changed)
        outputs = {str(path): sha256(data) for path, data in files}
        if previous is not None:
            for stale in sorted(set(previous.outputs) - set(outputs)):
                digest = previous.outputs[stale]
                remove_output(out, stale, digest, self.changes, dry_run=dry_run)
        self.diagnostics.extend(result.diagnostics)
        self.sizes.update((str(path), len(data)) for path, data in files)
        self.manifest.show_outputs[name] = ExporterState(
            settings=inputs,
            outputs=outputs,
            diagnostics=diagnostics_to_json(result.diagnostics, self.inputs.prefix),
        )
        self.manifest.changed = True

    def _publish(self, name: str, sources: Mapping[str, bytes | None]) -> None:
        """Copy the published files whose bytes changed; remove copies no longer asked for."""
        key = PUBLISHED_PREFIX + name
        out, dry_run = self.inputs.out, self.inputs.dry_run
        previous = self.manifest.show_outputs.get(key)
        before = previous.outputs if previous is not None else {}
        outputs: dict[str, str] = {}
        with writing(out, dry_run=dry_run) as writer:
            for relative, data in sources.items():
                if data is not None:
                    outputs[relative] = sha256(data)
                    what = writer.put(relative, data)
                    if what != "unchanged":
                        listed = self.changes.created if what == "created" else self.changes.changed
                        listed.append(PurePosixPath(relative))
                elif relative in before:  # gone from the content folder: the copy stays
                    outputs[relative] = before[relative]
        for stale in sorted(set(before) - set(outputs)):
            remove_output(out, stale, before[stale], self.changes, dry_run=dry_run)
        if outputs != before:
            if outputs:
                self.manifest.show_outputs[key] = ExporterState(settings="", outputs=outputs)
            else:
                del self.manifest.show_outputs[key]
            self.manifest.changed = True
