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
3. Optionally say how the feed links your per-episode file: ``feed_link = "transcript"`` (with
   ``rel = "captions"`` for captions), ``feed_link = "chapters"``, or ``feed_link = "page"``
   for an episode web page (the item's ``<link>``, https://www.rssboard.org/rss-specification
   #hrelementsOfLtitemgt; its URL is ``episodes/<slug>`` and the ``suffix``, so a page
   written as ``episodes/<slug>/index.html`` declares ``suffix = "/"``). The feed exporter
   links every exporter of the build that declares one (``podcast:transcript``,
   ``podcast:chapters``, https://podcastindex.org/namespace/1.0#transcript and #chapters; the
   first ``page`` only); it knows none by name.
4. Optionally list content files the build should publish beside your outputs
   (:meth:`Exporter.published_files`, e.g. the show's artwork), and bump ``cache_version``
   whenever your records change shape, so that records cached by an older version are rebuilt.
   An exporter that imports modules or compiles templates on first use may do it in
   ``warm_up(show)`` (:meth:`PerEpisodeExporter.warm_up`): parallel builds call it before
   they fork their workers.
5. Take options as keyword-only constructor parameters with defaults.
6. Declare it: ``[project.entry-points."castline.exporters"] myformat = "pkg.module:MyExporter"``.
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


#: The kinds of :attr:`Exporter.feed_link` the feed knows.
FEED_LINKS = ("transcript", "chapters", "page")


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
    #: How the feed links this exporter's per-episode file (one of :data:`FEED_LINKS`).
    feed_link: str | None = None
    #: The ``rel`` of a ``podcast:transcript`` link (``"captions"``), if any.
    rel: str | None = None
    #: Where the feed lists this link among others of its kind: lower first, then by name.
    feed_order: int = 100

    @classmethod
    def of(cls, exporter: type[Any], options: Mapping[str, Any]) -> ExporterInfo:
        """What an exporter class, built with ``options``, tells the other exporters."""
        offset = options.get("offset_ms", 0)
        return cls(
            exporter.name,
            exporter.media_type,
            exporter.suffix,
            offset if type(offset) is int else 0,
            getattr(exporter, "feed_link", None),
            getattr(exporter, "rel", None),
            getattr(exporter, "feed_order", 100),
        )


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

    def linked(self, feed_link: str) -> tuple[ExporterInfo, ...]:
        """The exporters of this build that declare ``feed_link``, in :attr:`~ExporterInfo.
        feed_order`, then name order."""
        found = [info for info in self.exporters if info.feed_link == feed_link]
        return tuple(sorted(found, key=lambda info: (info.feed_order, info.name)))


@runtime_checkable
class Exporter(Protocol):
    """Turns a show's episodes into files. Pure: no file I/O, no clock, no network.

    Besides the members below, an exporter class may set ``feed_link`` (one of
    :data:`FEED_LINKS`: the feed links its per-episode file), ``rel`` (the ``podcast:transcript``
    ``rel``), ``feed_order`` (lower is listed first among links of its kind, default 100),
    ``cache_version`` (an integer folded into its settings hash, default 0) and the methods
    ``published_files(show)``, ``episode_inputs(show)`` and ``warm_up(show)``: see
    :class:`PerEpisodeExporter` for the defaults.
    """

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
    #: How the feed links the file: ``"transcript"``, ``"chapters"``, ``"page"`` (the item's
    #: ``<link>``) or ``None`` (not linked).
    feed_link: ClassVar[str | None] = None
    #: The ``rel`` of its ``podcast:transcript`` link (``"captions"`` for captions).
    rel: ClassVar[str | None] = None
    #: Lower is listed first among the feed's links of one kind.
    feed_order: ClassVar[int] = 100
    #: Bumped when the exporter's records or outputs change for the same input and options.
    cache_version: ClassVar[int] = 0

    def published_files(self, show: Show) -> tuple[PurePosixPath, ...]:
        """Content files (relative to the content folder) to publish at the same path in the
        output folder; none by default."""
        return ()

    def episode_inputs(self, show: Show) -> tuple[PurePosixPath, ...]:
        """Content files (relative to the content folder) that shape its per-episode outputs:
        the build hashes their bytes into its settings, so a change to one rebuilds every
        episode for it; none by default."""
        return ()

    def warm_up(self, show: Show) -> None:
        """Load now what the episode step would load on first use (modules it imports late,
        templates it compiles, show-level data it computes once): a build that runs episodes
        in worker processes calls it once, in the main process, before it forks them, so that
        they share what it loaded instead of each loading it again. Nothing by default; a
        warm-up that raises is passed over (the episode step reports the problem)."""
        return None

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
