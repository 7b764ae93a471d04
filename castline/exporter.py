"""The exporter interface: how a format plugs into castline.

An exporter is a class registered under the entry-point group ``castline.exporters``
(see :mod:`castline.registry`); built-in exporters are declared the same way in castline's own
``pyproject.toml``. It is constructed with its options as keyword arguments
(``show.yaml``: ``exporters: {srt: {max_chars_per_line: 37}}`` gives
``SubripExporter(max_chars_per_line=37)``) and is **pure**: episodes in, :class:`Artifact` values
out. It reads no file, writes no file, reads no clock. Only :mod:`castline.build` writes
(atomically).

A build runs in two steps, so that episodes can be built in parallel and skipped when unchanged:

1. :meth:`Exporter.export_episode` once per episode. Besides its files it may return a
   ``record``: JSON-serialisable data that the show step needs (the feed's item data). Records
   are cached in the build manifest, so an unchanged episode is never parsed again.
2. :meth:`Exporter.export_show` once, with the records of every episode that built.

How to write an exporter:

1. Subclass :class:`PerEpisodeExporter` (one file per episode) and implement ``render``, or
   implement the :class:`Exporter` protocol directly.
2. Set ``name`` (the entry-point name, the CLI id and the show.yaml key), ``media_type`` and
   ``suffix``.
3. Take options as keyword-only constructor parameters with defaults.
4. Declare it: ``[project.entry-points."castline.exporters"] myformat = "pkg.module:MyExporter"``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, ClassVar, Protocol, runtime_checkable

from castline.diagnostics import Diagnostic
from castline.model import Episode, Show

#: The folder, inside the output folder, that holds per-episode files.
EPISODES_DIR = "episodes"


@dataclass(frozen=True, slots=True)
class Artifact:
    """One output file: a path relative to the output folder, and its UTF-8 text (``\\n`` ends)."""

    path: PurePosixPath
    text: str


@dataclass(frozen=True, slots=True)
class EpisodeExport:
    """What an exporter makes of one episode."""

    artifacts: tuple[Artifact, ...] = ()
    #: JSON-serialisable data handed to :meth:`Exporter.export_show` (``None``: nothing).
    record: Mapping[str, Any] | None = None
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class ShowExport:
    """What an exporter makes of the whole show."""

    artifacts: tuple[Artifact, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    """An episode's record for one exporter, as handed to the show step."""

    slug: str
    #: The episode file, as a display path.
    path: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ExporterInfo:
    """What other exporters may know about an exporter in the same build."""

    name: str
    media_type: str
    suffix: str
    #: How far this exporter shifts its times from the audio's (a caption exporter's
    #: ``offset_ms``, e.g. for a video that starts earlier). Files with an offset do not match
    #: the audio, so the feed does not link them.
    offset_ms: int = 0


@dataclass(frozen=True, slots=True)
class BuildContext:
    """The show and the set of exporters taking part in this build."""

    show: Show
    exporters: tuple[ExporterInfo, ...] = field(default=())

    def exporter(self, name: str) -> ExporterInfo | None:
        """The named exporter if it takes part in this build, else ``None``."""
        for info in self.exporters:
            if info.name == name:
                return info
        return None


@runtime_checkable
class Exporter(Protocol):
    """Turns a show's episodes into files. Pure: no file I/O, no clock, no network."""

    #: Entry-point name == CLI id == key under ``exporters:`` in show.yaml.
    name: ClassVar[str]
    #: The MIME type of the files it writes (the feed uses it for ``podcast:transcript``).
    media_type: ClassVar[str]
    #: The suffix of its per-episode file (``.vtt``), or ``""`` when it writes none.
    suffix: ClassVar[str]

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        """The files (and record) this exporter makes of one episode."""
        ...

    def export_show(self, context: BuildContext, records: Sequence[EpisodeRecord]) -> ShowExport:
        """The show-level files, from the records of every episode that built."""
        ...


class PerEpisodeExporter(ABC):
    """Convenience base for formats that write one file per episode from its transcript.

    Episodes without a transcript produce no file. Subclasses implement :meth:`render`.
    """

    name: ClassVar[str]
    media_type: ClassVar[str]
    suffix: ClassVar[str]

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        """One file, ``episodes/<slug><suffix>``, when the episode has a transcript."""
        if not episode.has_transcript:
            return EpisodeExport()
        text, diagnostics = self.render(context, episode)
        return EpisodeExport(
            artifacts=(Artifact(episode_path(episode.slug, self.suffix), text),),
            diagnostics=tuple(diagnostics),
        )

    def export_show(self, context: BuildContext, records: Sequence[EpisodeRecord]) -> ShowExport:
        """Nothing at show level."""
        return ShowExport()

    @abstractmethod
    def render(self, context: BuildContext, episode: Episode) -> tuple[str, Sequence[Diagnostic]]:
        """The file's text and any warnings about the episode."""


def episode_path(slug: str, suffix: str) -> PurePosixPath:
    """The output path of an episode's file: ``episodes/<slug><suffix>``.

    >>> episode_path("0001-pilot", ".vtt")
    PurePosixPath('episodes/0001-pilot.vtt')
    """
    return PurePosixPath(EPISODES_DIR) / f"{slug}{suffix}"
