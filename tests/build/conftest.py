"""Helpers shared by the build tests: episode text, installing a test exporter, output trees."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import ClassVar

import pytest

from castline import registry
from castline.exporter import BuildContext, EpisodeExport, EpisodeRecord, ShowExport
from castline.model import Episode

#: An episode with one transcript line.
GOOD = "---\ntitle: {title}\ntranscript:\n- line: {text}\n  who: A\n  sec: 1\n---\n"


class BoomExporter:
    """Fails on the episode whose slug is 'b' (an exporter bug must be contained)."""

    name: ClassVar[str] = "boom"
    media_type: ClassVar[str] = "text/plain"
    suffix: ClassVar[str] = ".boom"

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        if episode.slug == "b":
            raise RuntimeError("kaboom")
        return EpisodeExport()

    def export_show(self, context: BuildContext, records: Sequence[EpisodeRecord]) -> ShowExport:
        return ShowExport()


def install(monkeypatch: pytest.MonkeyPatch, name: str, exporter: type) -> None:
    """Make an exporter class defined in a test module look installed under ``name``."""
    entry_point = EntryPoint(
        name=name, value=f"{exporter.__module__}:{exporter.__name__}", group="castline.exporters"
    )
    real = registry.available
    entries = {**real(), **real([entry_point])}
    monkeypatch.setattr(
        registry, "available", lambda eps=None: entries if eps is None else real(eps)
    )


def tree(out: Path) -> dict[str, bytes]:
    """Every file of an output folder but castline's own state, by relative path."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".castline" not in p.parts
    }
