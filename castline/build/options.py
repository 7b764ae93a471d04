"""What a build is asked to do (:class:`BuildOptions`) and what it reports (:class:`BuildReport`).

Both are imported from :mod:`castline.build`; they live here so that the build's stages can
name them without importing the build itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from castline.diagnostics import Diagnostic, Severity


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    #: Exporter names to run; empty means every installed exporter.
    only: tuple[str, ...] = ()
    #: Options set on every exporter that takes them (CLI overrides such as ``offset_ms``).
    overrides: Mapping[str, Any] = field(default_factory=dict)
    #: Write nothing; report what would be created, changed or removed (``--check``). Every
    #: episode is exported again and every output compared byte for byte: the manifest is
    #: only trusted for what castline wrote, so an edited record or output is caught.
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
    #: Each episode file as messages name it, and its slug (reports name the episode).
    episodes: dict[str, str] = field(default_factory=dict)
    #: The size in bytes of each show-level output (``feed.xml`` and its pages...), as
    #: written, or as it stands when its show step had nothing to do.
    show_output_bytes: dict[str, int] = field(default_factory=dict)
    #: Per exporter with show-level outputs, their size in bytes in all, in the order run.
    show_exporter_bytes: dict[str, int] = field(default_factory=dict)

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
