"""The build step: atomic writes, contained failures, deterministic bytes."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from importlib.metadata import EntryPoint
from pathlib import Path, PurePosixPath
from typing import ClassVar

import pytest

from castline import registry
from castline.build import WORKER_DIED, YOUNG_GENERATION_SIZE, BuildOptions, build, write_atomic
from castline.build.manifest import read_manifest, sha256
from castline.exporter import Artifact, BuildContext, EpisodeExport, EpisodeRecord, ShowExport
from castline.load import Project, load_episode
from castline.model import Episode
from tests.conftest import CONTENT, GOLDEN, ContentTree, GoldenCheck

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
    """Make an exporter class defined in this module look installed under ``name``."""
    entry_point = EntryPoint(
        name=name, value=f"tests.test_build:{exporter.__name__}", group="castline.exporters"
    )
    real = registry.available
    entries = {**real(), **real([entry_point])}
    monkeypatch.setattr(
        registry, "available", lambda eps=None: entries if eps is None else real(eps)
    )


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
        f"{root}/episodes/a.md:3: error: invalid YAML: did not find expected ',' or ']' "
        "(the '[' opened on line 2)"
    ]
    assert report.episodes_failed == 1 and report.episodes_built == 1
    assert (out / "episodes/a.txt").read_bytes() == before
    assert "Bee two." in (out / "episodes/b.txt").read_text(encoding="utf-8")
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_an_exporter_crash_is_reported_and_contained(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch, "boom", BoomExporter)
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

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    first = build(CONTENT, tmp_path, BuildOptions(only=("txt",)))
    second = build(CONTENT, tmp_path, BuildOptions(only=("txt",)))
    assert len(first.written) == 3 and second.written == []
    assert (second.episodes_built, second.episodes_skipped) == (0, 3)


# ----------------------------------------------------------------- incremental builds

PROFILE = "---\ntitle: {name}\n---\n"
WITH_GUEST = "---\ntitle: {title}\nguests: [{guest}]\ntranscript:\n- line: {text}\n  who: A\n---\n"


def _tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".castline" not in p.parts
    }


def test_unchanged_episodes_are_not_parsed_again(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree(
        {f"episodes/{n}.md": GOOD.format(title=n, text=f"Text {n}.") for n in "abc"}
    )
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    parsed: list[str] = []

    def counting(project: Project, path: Path, raw: bytes | None = None) -> object:
        parsed.append(path.name)
        return load_episode(project, path, raw)

    monkeypatch.setattr(sys.modules["castline.build"], "load_episode", counting)
    (root / "episodes/b.md").write_text(GOOD.format(title="b", text="New b."), encoding="utf-8")
    report = build(root, out, BuildOptions(only=("txt",)))
    assert parsed == ["b.md"]
    assert (report.episodes_built, report.episodes_skipped) == (1, 2)
    assert report.written == [PurePosixPath("episodes/b.txt")]
    manifest = read_manifest(out)
    assert sorted(manifest.episodes) == ["episodes/a.md", "episodes/b.md", "episodes/c.md"]


def test_touching_a_file_without_changing_it_rebuilds_nothing(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({"episodes/a.md": GOOD.format(title="a", text="Same.")})
    build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    path = root / "episodes/a.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    report = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    assert (report.episodes_built, report.episodes_skipped) == (0, 1)


def test_changing_a_profile_rebuilds_the_episodes_that_name_it(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "episodes/a.md": WITH_GUEST.format(title="a", guest="p1", text="A."),
            "episodes/b.md": WITH_GUEST.format(title="b", guest="p2", text="B."),
            "episodes/c.md": WITH_GUEST.format(title="c", guest="p1", text="C."),
            "people/p1.md": PROFILE.format(name="One"),
            "people/p2.md": PROFILE.format(name="Two"),
        }
    )
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    (root / "people/p1.md").write_text(PROFILE.format(name="Uno"), encoding="utf-8")
    report = build(root, out, BuildOptions(only=("txt",)))
    assert (report.episodes_built, report.episodes_skipped) == (2, 1)
    assert read_manifest(out).episodes["episodes/a.md"].dependencies == {
        "people/p1.md": sha256(PROFILE.format(name="Uno").encode())
    }


def test_adding_the_profile_of_an_unknown_guest_rebuilds_the_episodes_that_name_it(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "episodes/a.md": WITH_GUEST.format(title="a", guest="p1", text="A."),
            "episodes/b.md": GOOD.format(title="b", text="B."),
            "people/p2.md": PROFILE.format(name="Two"),
        }
    )
    out = tmp_path / "out"
    assert build(root, out, BuildOptions(only=("txt",))).warnings
    (root / "people/p1.md").write_text(PROFILE.format(name="One"), encoding="utf-8")
    report = build(root, out, BuildOptions(only=("txt",)))
    assert (report.episodes_built, report.episodes_skipped) == (1, 1)
    assert report.warnings == []


def test_changing_an_option_rebuilds_every_episode(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    (root / "show.yaml").write_text("exporters:\n  txt:\n    width: 0\n", encoding="utf-8")
    report = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    assert report.episodes_built == 2


def test_force_rebuilds_everything(content_tree: ContentTree, tmp_path: Path) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    report = build(root, tmp_path / "out", BuildOptions(only=("txt",), force=True))
    assert (report.episodes_built, report.episodes_skipped) == (2, 0)


def test_deleting_an_episode_removes_its_outputs_and_nothing_else(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    (out / "episodes/a.notes.md").write_text("mine", encoding="utf-8")
    (out / "index.html").write_text("mine too", encoding="utf-8")
    (root / "episodes/a.md").unlink()
    report = build(root, out, BuildOptions(only=("txt",)))
    assert report.removed == [PurePosixPath("episodes/a.txt")]
    assert sorted(_tree(out)) == ["episodes/a.notes.md", "episodes/b.txt", "index.html"]
    assert "episodes/a.md" not in read_manifest(out).episodes


def _built_one_episode(content_tree: ContentTree, out: Path, text: str) -> Path:
    """A show of one episode, ``episodes/a.md``, built into ``out`` (txt only); its folder."""
    root = content_tree({"episodes/a.md": GOOD.format(title="a", text=text)})
    build(root, out, BuildOptions(only=("txt",)))
    return root


def test_an_output_deleted_by_hand_is_written_again(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    root = _built_one_episode(content_tree, out, "T.")
    (out / "episodes/a.txt").unlink()
    report = build(root, out, BuildOptions(only=("txt",)))
    assert report.created == [PurePosixPath("episodes/a.txt")]


def test_a_broken_episode_is_reported_again_on_every_build(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "episodes/a.md": "---\ntitle: [x\n---\n",
            "episodes/b.md": GOOD.format(title="b", text="T."),
        }
    )
    first = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    second = build(root, tmp_path / "out", BuildOptions(only=("txt",)))
    assert [str(d) for d in first.errors] == [str(d) for d in second.errors]
    assert len(second.errors) == 1 and second.episodes_failed == 1


def test_dry_run_lists_changes_and_writes_nothing(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "abc"})
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    before = _tree(out)
    manifest_before = (out / ".castline/manifest.json").read_bytes()
    (root / "episodes/a.md").unlink()
    (root / "episodes/b.md").write_text(GOOD.format(title="b", text="New."), encoding="utf-8")
    (root / "episodes/d.md").write_text(GOOD.format(title="d", text="D."), encoding="utf-8")
    (out / "episodes/c.txt").write_text("edited by hand", encoding="utf-8")
    report = build(root, out, BuildOptions(only=("txt",), dry_run=True))
    assert report.created == [PurePosixPath("episodes/d.txt")]
    assert report.changed == [PurePosixPath("episodes/b.txt"), PurePosixPath("episodes/c.txt")]
    assert report.removed == [PurePosixPath("episodes/a.txt")]
    assert _tree(out) == {**before, "episodes/c.txt": b"edited by hand"}
    assert (out / ".castline/manifest.json").read_bytes() == manifest_before


def test_parallel_output_equals_sequential_output(tmp_path: Path) -> None:
    build(CONTENT, tmp_path / "one", BuildOptions(jobs=1))
    build(CONTENT, tmp_path / "two", BuildOptions(jobs=2))
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert (tmp_path / "one/.castline/manifest.json").read_bytes() == (
        tmp_path / "two/.castline/manifest.json"
    ).read_bytes()


def test_parallel_corpus_output_equals_sequential_output(corpus: Path, tmp_path: Path) -> None:
    one = build(corpus, tmp_path / "one", BuildOptions(jobs=1))
    two = build(corpus, tmp_path / "two", BuildOptions(jobs=2))
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert [str(d) for d in one.diagnostics] == [str(d) for d in two.diagnostics]


class DyingExporter(BoomExporter):
    """Kills its worker process on the episode whose slug is 'b'."""

    name: ClassVar[str] = "dying"

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        if episode.slug == "b":
            os._exit(3)
        return EpisodeExport()


TERMINATED_MID_WRITE = """
import sys, time
from pathlib import Path
from castline.build import _init_worker, _Setup, write_atomic

content, target = Path(sys.argv[1]), Path(sys.argv[2])
_init_worker(_Setup(content, Path(), (), (), False), target.parent)

def chunks():
    yield b"half of the file"
    (target.parent / "started").touch()
    time.sleep(60)
    yield b"the other half"

write_atomic(target, chunks())
"""


def test_a_worker_terminated_mid_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """What a pool does to its other workers when one dies: SIGTERM, perhaps mid-write."""
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "episode.txt"
    worker = subprocess.Popen(
        [sys.executable, "-c", TERMINATED_MID_WRITE, str(CONTENT), str(target)]
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "started").exists() and worker.poll() is None:
            assert time.monotonic() < deadline, "the worker never started writing"
            time.sleep(0.01)
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # mid-write
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        worker.kill()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["started"]


class KilledMidWriteExporter(BoomExporter):
    """On the episode whose slug is 'b', leaves what a write cut short leaves (a temporary
    file) and is killed outright, as by the out-of-memory killer."""

    name: ClassVar[str] = "killed"

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        if episode.slug == "b":
            folder = Path(os.environ["CASTLINE_TEST_OUT"]) / "episodes"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ".b.txt.0badf00d.tmp").write_bytes(b"half")
            os.kill(os.getpid(), signal.SIGKILL)
        return EpisodeExport()


@pytest.mark.parametrize("exporter", [DyingExporter, KilledMidWriteExporter])
def test_a_worker_that_dies_takes_only_its_episode(
    content_tree: ContentTree,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exporter: type[BoomExporter],
) -> None:
    """Whether it exits or is killed outright mid-write (its temporary file is then removed)."""
    install(monkeypatch, exporter.name, exporter)
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "abcd"})
    out = tmp_path / "out"
    (out / "episodes").mkdir(parents=True)
    (out / "episodes/.notes.tmp").write_text("the user's own file")
    monkeypatch.setenv("CASTLINE_TEST_OUT", str(out))
    report = build(root, out, BuildOptions(only=(exporter.name, "txt"), jobs=2))
    assert [str(d) for d in report.errors] == [f"{root}/episodes/b.md:1: error: {WORKER_DIED}"]
    assert sorted(_tree(out)) == [
        "episodes/.notes.tmp",
        "episodes/a.txt",
        "episodes/c.txt",
        "episodes/d.txt",
    ]
    assert report.episodes_failed == 1


def test_a_temporary_name_taken_by_another_file_is_skipped_and_that_file_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import secrets

    build_module = sys.modules["castline.build"]

    foreign = tmp_path / ".a.txt.00000000.tmp"
    foreign.write_text("not ours")
    names = iter(["00000000", "11111111"])
    monkeypatch.setattr(secrets, "token_hex", lambda _: next(names))
    write_atomic(tmp_path / "a.txt", b"ours")
    assert (tmp_path / "a.txt").read_bytes() == b"ours"
    assert foreign.read_text() == "not ours"
    assert not build_module._TEMPORARIES


def test_a_new_or_resized_media_file_rebuilds_its_episode(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = content_tree(
        {
            "show.yaml": "media:\n  url: https://m.example.org/{slug}.mp3\n  folder: media\n",
            "episodes/a.md": GOOD.format(title="a", text="A."),
            "episodes/b.md": GOOD.format(title="b", text="B."),
            "media/a.mp3": b"\0" * 10,
        }
    )
    out = tmp_path / "out"
    build(root, out, BuildOptions(only=("txt",)))
    assert read_manifest(out).episodes["episodes/b.md"].dependencies == {"media/b.mp3": "absent"}
    (root / "media/a.mp3").write_bytes(b"\0" * 20)
    (root / "media/b.mp3").write_bytes(b"\0" * 5)
    report = build(root, out, BuildOptions(only=("txt",)))
    assert report.episodes_built == 2
    assert read_manifest(out).episodes["episodes/a.md"].dependencies == {"media/a.mp3": "size:20"}


def test_demo_show_full_build_matches_the_golden_tree(tmp_path: Path, golden: GoldenCheck) -> None:
    """Every file of a full build of content/ is pinned (txt, srt, vtt, chapters, feed)."""
    report = build(CONTENT, tmp_path)
    assert report.errors == []
    built = _tree(tmp_path)
    artwork = built.pop("images/cover.png")
    assert artwork == (CONTENT / "images/cover.png").read_bytes()
    assert len(built) == 1 + 3 * 6
    for name in built:
        golden(tmp_path / name, Path("demo") / name)
    pinned = {
        p.relative_to(GOLDEN / "demo").as_posix()
        for p in (GOLDEN / "demo").rglob("*")
        if p.is_file()
    }
    assert pinned == set(built)


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


def test_a_no_change_rebuild_writes_nothing_at_all(tmp_path: Path) -> None:
    build(CONTENT, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    report = build(CONTENT, tmp_path)
    assert (report.episodes_built, report.episodes_skipped, report.written) == (0, 3, [])
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == before


def test_the_build_raises_the_young_generation_threshold_and_restores_it(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    import gc

    root = content_tree({"episodes/a.md": GOOD.format(title="a", text="T.")})
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # CPython's default, whatever the test runner set
    during: list[tuple[int, ...]] = []
    build(
        root,
        tmp_path / "out",
        BuildOptions(jobs=1),
        progress=lambda *_: during.append(gc.get_threshold()),
    )
    after = gc.get_threshold()
    gc.set_threshold(*before)
    assert during and all(t == (YOUNG_GENERATION_SIZE, 10, 10) for t in during)
    assert after == (700, 10, 10)


def test_deleted_artwork_is_reported_on_the_next_build_and_its_copy_kept(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    assert build(content, out).warnings == []
    published = (out / "images/cover.png").read_bytes()
    (content / "images/cover.png").unlink()
    report = build(content, out)
    assert [str(d) for d in report.warnings] == [
        f"{content}/show.yaml:14: warning: cannot read the size of artwork 'images/cover.png' "
        "(no such file in the content folder, or not a JPEG or PNG)"
    ]
    assert (out / "images/cover.png").read_bytes() == published
    assert report.removed == []


def test_show_yaml_errors_keep_the_last_good_feed(tmp_path: Path) -> None:
    import shutil

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


def test_a_same_size_edit_that_keeps_the_modification_time_is_rebuilt(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    path = _built_one_episode(content_tree, out, "Cat.") / "episodes/a.md"
    before = path.stat()
    path.write_text(GOOD.format(title="a", text="Dog."), encoding="utf-8")  # as rsync -t does
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = build(path.parents[1], out, BuildOptions(only=("txt",)))
    assert report.episodes_built == 1
    assert "Dog." in (out / "episodes/a.txt").read_text(encoding="utf-8")


def test_replayed_warnings_name_the_content_folder_as_this_build_does(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree({"episodes/a.md": "---\ntranscript:\n- line: Hi.\n  who: A\n---\n"})
    out = tmp_path / "out"
    monkeypatch.chdir(root.parent)
    first = build(Path(root.name), out, BuildOptions(only=("txt",)))
    assert [str(d) for d in first.warnings] == [
        f"{root.name}/episodes/a.md:1: warning: no 'title'; using 'a'"
    ]
    monkeypatch.chdir(root.parent.parent)
    again = build(Path(root.parent.name) / root.name, out, BuildOptions(only=("txt",)))
    assert again.episodes_skipped == 1
    assert [str(d) for d in again.warnings] == [
        f"{root.parent.name}/{root.name}/episodes/a.md:1: warning: no 'title'; using 'a'"
    ]


def test_a_write_that_fails_fails_only_its_episode(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    build_module = sys.modules["castline.build"]

    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "abc"})
    out = tmp_path / "out"
    real_write = build_module._write

    def full_disk_for_b(out: Path, artifacts: Sequence[Artifact], **kwargs: bool) -> object:
        if any(str(a.path) == "episodes/b.txt" for a in artifacts):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / "episodes/b.txt"))
        return real_write(out, artifacts, **kwargs)

    monkeypatch.setattr(build_module, "_write", full_disk_for_b)
    report = build(root, out, BuildOptions(only=("txt",), jobs=1))
    assert [str(d) for d in report.errors] == [
        f"{root}/episodes/b.md:1: error: cannot write {out}/episodes/b.txt: No space left on device"
    ]
    assert sorted(_tree(out)) == ["episodes/a.txt", "episodes/c.txt"]
