"""The build step: atomic writes, contained failures, deterministic bytes."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import ClassVar

import pytest

from castline import registry
from castline.build import BuildOptions, build, write_atomic
from castline.exporter import BuildContext, EpisodeExport, EpisodeRecord, ShowExport
from castline.model import Episode
from tests.conftest import CONTENT, ContentTree

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


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build(CONTENT, tmp_path / "one")
    build(CONTENT, tmp_path / "two")
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one and one == two


def test_a_broken_episode_keeps_its_previous_output(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "episodes/a.md": GOOD.format(title="A", text="First version."),
            "episodes/b.md": GOOD.format(title="B", text="Bee."),
        }
    )
    out = tmp_path / "out"
    assert not build(root, out).errors
    before = (out / "episodes/a.txt").read_bytes()
    (root / "episodes/a.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    (root / "episodes/b.md").write_text(GOOD.format(title="B", text="Bee two."), encoding="utf-8")
    report = build(root, out)
    assert [str(d) for d in report.errors] == [
        f"{root}/episodes/a.md:3: error: invalid YAML: did not find expected ',' or ']'"
    ]
    assert report.episodes_failed == 1 and report.episodes_built == 1
    assert (out / "episodes/a.txt").read_bytes() == before
    assert "Bee two." in (out / "episodes/b.txt").read_text(encoding="utf-8")
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_an_exporter_crash_is_reported_and_contained(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boom = EntryPoint(
        name="boom", value="tests.test_build:BoomExporter", group="castline.exporters"
    )
    entries = {**registry.available(), **registry.available([boom])}
    monkeypatch.setattr(registry, "available", lambda eps=None: entries)
    root = content_tree(
        {
            "episodes/a.md": GOOD.format(title="A", text="Ay."),
            "episodes/b.md": GOOD.format(title="B", text="Bee."),
        }
    )
    report = build(root, tmp_path / "out", BuildOptions(only=("boom", "txt")))
    assert [str(d) for d in report.errors] == [
        f"{root}/episodes/b.md:1: error: exporter 'boom' failed: RuntimeError: kaboom"
    ]
    assert (tmp_path / "out/episodes/a.txt").is_file()
    assert not (tmp_path / "out/episodes/b.txt").exists()


def test_write_atomic_leaves_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.txt"
    write_atomic(target, b"old")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("castline.build.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    first = build(CONTENT, tmp_path, BuildOptions(only=("txt",)))
    second = build(CONTENT, tmp_path, BuildOptions(only=("txt",)))
    assert len(first.written) == 3 and second.written == []
    assert len(second.unchanged) == 3
