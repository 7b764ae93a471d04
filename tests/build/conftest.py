"""Helpers shared by the build tests: episode text, installing a test exporter, output trees."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
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


HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from castline.build.manifest import locked, prepare_state_dir

out = Path(sys.argv[1])
prepare_state_dir(out)
with locked(out, shared=False):
    (out / "holding").touch()
    time.sleep(60)
"""


@contextlib.contextmanager
def lock_held_elsewhere(out: Path) -> Iterator[None]:
    """Another process holds ``out``'s build lock while the block runs (it leaves a file
    ``out/holding`` behind)."""
    other = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(out)])
    try:
        deadline = time.monotonic() + 30
        while not (out / "holding").exists():
            assert other.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        yield
    finally:
        other.kill()
        other.wait()
