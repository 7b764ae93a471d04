"""The show step: run when its inputs change, the last good feed kept, published files."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import ClassVar

import pytest

from castline.build import BuildOptions, build
from castline.exporter import (
    Artifact,
    BuildContext,
    EpisodeExport,
    EpisodeRecord,
    ShowExport,
)
from castline.model import Episode, Show
from tests.build.conftest import GOOD, install
from tests.conftest import CONTENT, ContentTree
from tests.feed.imaging import image_bytes

#: What :class:`PublishingExporter`'s show step saw, one entry per run.
SHOW_STEPS: list[int] = []


class PublishingExporter:
    """Publishes one content file (option ``path``) and counts its show steps."""

    name: ClassVar[str] = "publish"
    media_type: ClassVar[str] = "text/plain"
    suffix: ClassVar[str] = ""

    def __init__(self, *, path: str = "assets/logo.txt") -> None:
        self.path = PurePosixPath(path)

    def published_files(self, show: Show) -> tuple[PurePosixPath, ...]:
        return (self.path,)

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        return EpisodeExport()

    def export_show(self, context: BuildContext, records: Sequence[EpisodeRecord]) -> ShowExport:
        SHOW_STEPS.append(len(records))
        return ShowExport(artifacts=(Artifact(PurePosixPath("publish.txt"), "published\n"),))


@pytest.fixture
def publishing(
    content_tree: ContentTree, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, BuildOptions]:
    """A show with ``assets/logo.txt`` and :class:`PublishingExporter` installed; the options
    that build it (and txt)."""
    install(monkeypatch, "publish", PublishingExporter)
    SHOW_STEPS.clear()
    root = content_tree(
        {"assets/logo.txt": "logo one\n", "episodes/a.md": GOOD.format(title="a", text="A.")}
    )
    return root, BuildOptions(only=("publish", "txt"))


def test_a_published_file_is_copied_once(
    publishing: tuple[Path, BuildOptions], tmp_path: Path
) -> None:
    root, options = publishing
    out = tmp_path / "out"
    first = build(root, out, options)
    assert (out / "assets/logo.txt").read_bytes() == b"logo one\n"
    assert PurePosixPath("assets/logo.txt") in first.created
    again = build(root, out, options)
    assert again.written == [] and again.removed == []
    assert len(SHOW_STEPS) == 1


def test_a_changed_published_file_is_copied_again_and_reruns_the_show_step(
    publishing: tuple[Path, BuildOptions], tmp_path: Path
) -> None:
    root, options = publishing
    out = tmp_path / "out"
    build(root, out, options)
    (root / "assets/logo.txt").write_text("logo two\n", encoding="utf-8")
    report = build(root, out, options)
    assert report.changed == [PurePosixPath("assets/logo.txt")]
    assert (out / "assets/logo.txt").read_bytes() == b"logo two\n"
    assert len(SHOW_STEPS) == 2


def test_a_published_file_whose_source_is_gone_keeps_its_copy(
    publishing: tuple[Path, BuildOptions], tmp_path: Path
) -> None:
    root, options = publishing
    out = tmp_path / "out"
    build(root, out, options)
    (root / "assets/logo.txt").unlink()
    report = build(root, out, options)
    assert report.removed == [] and report.written == []
    assert (out / "assets/logo.txt").read_bytes() == b"logo one\n"
    assert len(SHOW_STEPS) == 2  # its checks see the file gone
    assert build(root, out, options).removed == []
    assert (out / "assets/logo.txt").is_file()


def test_a_copy_no_longer_published_is_removed_only_by_its_exporter(
    publishing: tuple[Path, BuildOptions], tmp_path: Path
) -> None:
    root, options = publishing
    out = tmp_path / "out"
    build(root, out, options)
    (root / "assets/other.txt").write_text("other\n", encoding="utf-8")
    (root / "show.yaml").write_text(
        "exporters:\n  publish:\n    path: assets/other.txt\n", encoding="utf-8"
    )
    assert build(root, out, BuildOptions(only=("txt",))).removed == []
    assert (out / "assets/logo.txt").is_file()
    report = build(root, out, options)
    assert report.removed == [PurePosixPath("assets/logo.txt")]
    assert report.created == [PurePosixPath("assets/other.txt")]
    assert not (out / "assets/logo.txt").exists()


class BrokenPublishingExporter(PublishingExporter):
    """Fails when asked for its published files."""

    def published_files(self, show: Show) -> tuple[PurePosixPath, ...]:
        raise RuntimeError("no files")


def test_a_failing_published_files_is_reported_and_contained(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch, "publish", BrokenPublishingExporter)
    root = content_tree(
        {"assets/logo.txt": "logo\n", "episodes/a.md": GOOD.format(title="a", text="A.")}
    )
    report = build(root, tmp_path / "out", BuildOptions(only=("publish", "txt")))
    assert [str(d) for d in report.errors] == [
        f"{root}/show.yaml:1: error: exporter 'publish' failed: RuntimeError: no files"
    ]
    assert (tmp_path / "out/episodes/a.txt").is_file()
    assert not (tmp_path / "out/assets/logo.txt").exists()


def test_the_show_artwork_is_copied_and_its_old_copy_removed(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "show.yaml": "image: art/one.png\n",
            "art/one.png": b"png one",
            "art/two.png": b"png two",
            "episodes/a.md": GOOD.format(title="a", text="A."),
        }
    )
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("rss", "txt")))
    assert (out / "art/one.png").read_bytes() == b"png one"
    (root / "show.yaml").write_text("image: art/two.png\n", encoding="utf-8")
    report = build(root, out, BuildOptions(only=("rss", "txt")))
    assert report.removed == [PurePosixPath("art/one.png")]
    assert report.created == [PurePosixPath("art/two.png")]
    assert not (out / "art/one.png").exists()


def test_deleted_artwork_is_reported_on_the_next_build_and_its_copy_kept(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    assert build(content, out).warnings == []
    published = (out / "images/cover.png").read_bytes()
    (content / "images/cover.png").unlink()
    report = build(content, out)
    assert [str(d) for d in report.diagnostics] == [
        f"{content}/show.yaml:14: error: artwork 'images/cover.png': no such file; "
        "itunes:image left out"
    ]
    assert (out / "images/cover.png").read_bytes() == published
    assert report.removed == []


def test_show_yaml_errors_keep_the_last_good_feed(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    build(content, out)
    good = (out / "feed.xml").read_bytes()
    show_yaml = (content / "show.yaml").read_text(encoding="utf-8")
    kept = f"{content}/show.yaml:1: warning: feed.xml not updated while show.yaml has errors; "
    for broken in (
        show_yaml.replace("explicit: false", "explicit: maybe"),
        show_yaml.replace("title: Harbour Lights", "title: ''"),
    ):
        (content / "show.yaml").write_text(broken, encoding="utf-8")
        report = build(content, out)
        assert report.errors
        assert f"{kept}the last good one is kept" in [str(d) for d in report.warnings]
        assert (out / "feed.xml").read_bytes() == good
    (content / "show.yaml").write_text(show_yaml.replace("Harbour Lights", "Harbour Lamps"))
    report = build(content, out)
    assert not report.errors
    assert b"Harbour Lamps" in (out / "feed.xml").read_bytes()


def test_a_cover_replaced_in_place_is_checked_again_and_its_fault_kept_reported(
    tmp_path: Path,
) -> None:
    """The cover is read when the feed is made: a no-change build opens no image, yet a cover
    whose bytes changed is checked again, and its fault is reported by every build after."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    assert build(content, out).warnings == []
    (content / "images/cover.png").write_bytes(image_bytes(1400, 1000))
    fault = (
        f"{content}/show.yaml:14: error: artwork 'images/cover.png' is 1400x1000 pixels; "
        "Apple Podcasts needs a square image"
    )
    report = build(content, out)
    assert [str(d) for d in report.diagnostics] == [fault]
    assert (out / "images/cover.png").read_bytes() == (content / "images/cover.png").read_bytes()
    again = build(content, out)
    assert again.episodes_built == 0
    assert [str(d) for d in again.diagnostics] == [fault]
