"""Episodes in worker processes: contained failures, deaths and signals; jobs change no byte."""

from __future__ import annotations

import errno
import gc
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import ClassVar

import pytest

from castline.build import BuildOptions, build, outfiles
from castline.build.workers import WORKER_DIED, YOUNG_GENERATION_SIZE
from castline.exporter import Artifact, BuildContext, EpisodeExport
from castline.model import Episode, Show
from tests.build.conftest import GOOD, BoomExporter, install, tree
from tests.conftest import CONTENT, DATA, ContentTree


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


def test_parallel_output_equals_sequential_output(tmp_path: Path) -> None:
    build(CONTENT, tmp_path / "one", BuildOptions(jobs=1))
    build(CONTENT, tmp_path / "two", BuildOptions(jobs=2))
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    states = [
        {p.name: p.read_bytes() for p in (tmp_path / name / ".castline").glob("*/*.json")}
        | {"manifest": (tmp_path / name / ".castline/manifest.json").read_bytes()}
        for name in ("one", "two")
    ]
    assert states[0] == states[1] and len(states[0]) == 7  # the manifest and 6 records


def test_parallel_corpus_output_equals_sequential_output(corpus: Path, tmp_path: Path) -> None:
    one = build(corpus, tmp_path / "one", BuildOptions(jobs=1))
    two = build(corpus, tmp_path / "two", BuildOptions(jobs=2))
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
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
from castline.build.outfiles import write_atomic
from castline.build.workers import Setup, init_worker

content, target = Path(sys.argv[1]), Path(sys.argv[2])
init_worker(Setup(content, target.parent, (), (), False))

def chunks():
    yield b"half of the file"
    (target.parent / "started").touch()
    time.sleep(60)
    yield b"the other half"

write_atomic(target, chunks())
"""


def test_a_worker_terminated_mid_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """What a pool does to its other workers when one dies: SIGTERM, perhaps mid-write."""
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
    assert sorted(tree(out)) == [
        "episodes/.notes.tmp",
        "episodes/a.txt",
        "episodes/c.txt",
        "episodes/d.txt",
    ]
    assert report.episodes_failed == 1


def test_a_write_that_fails_fails_only_its_episode(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "abc"})
    out = tmp_path / "out"
    real_write = outfiles.write_artifacts

    def full_disk_for_b(
        writer: outfiles.OutputWriter, files: Sequence[tuple[PurePosixPath, bytes]]
    ) -> object:
        if any(str(path) == "episodes/b.txt" for path, _ in files):
            where = str(writer.out / "episodes/b.txt")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), where)
        return real_write(writer, files)

    monkeypatch.setattr(outfiles, "write_artifacts", full_disk_for_b)
    report = build(root, out, BuildOptions(only=("txt",), jobs=1))
    assert [str(d) for d in report.errors] == [
        f"{root}/episodes/b.md:1: error: cannot write {out}/episodes/b.txt: "
        "No space left on device; its previous outputs are kept"
    ]
    assert sorted(tree(out)) == ["episodes/a.txt", "episodes/c.txt"]


def test_the_build_raises_the_young_generation_threshold_and_restores_it(
    content_tree: ContentTree, tmp_path: Path
) -> None:
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


#: The process that ran each warm-up of :class:`WarmingExporter`, in the main process.
WARM_UPS: list[int] = []


class WarmingExporter(BoomExporter):
    """Writes, per episode, the process that made it and whether its instance was warmed up."""

    name: ClassVar[str] = "warming"
    warmed: bool = False

    def warm_up(self, show: Show) -> None:
        WARM_UPS.append(os.getpid())
        self.warmed = True

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        text = f"{os.getpid()} {self.warmed}"
        return EpisodeExport(artifacts=(Artifact(PurePosixPath(f"{episode.slug}.pid"), text),))


class FailingWarmUpExporter(WarmingExporter):
    """Its warm-up raises; its episode step works."""

    name: ClassVar[str] = "failing-warm-up"

    def warm_up(self, show: Show) -> None:
        raise RuntimeError("no templates today")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_that_forks_warms_the_exporters_up_once_and_its_workers_share_them(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    install(monkeypatch, "warming", WarmingExporter)
    monkeypatch.setattr(sys.modules[__name__], "WARM_UPS", [])
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "abcd"})
    report = build(root, tmp_path / "out", BuildOptions(only=("warming",), jobs=jobs))
    assert not report.diagnostics and report.episodes_built == 4
    made = [(tmp_path / f"out/{n}.pid").read_text().split() for n in "abcd"]
    if jobs == 1:  # in this process: loaded on first use, no warm-up
        assert WARM_UPS == [] and made == [[str(os.getpid()), "False"]] * 4
    else:
        assert [os.getpid()] == WARM_UPS
        assert all(warmed == "True" and pid != str(os.getpid()) for pid, warmed in made)
    assert gc.get_freeze_count() == 0  # the main process's objects are collectable again


def test_a_warm_up_that_raises_is_passed_over(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch, "failing-warm-up", FailingWarmUpExporter)
    root = content_tree({f"episodes/{n}.md": GOOD.format(title=n, text="T.") for n in "ab"})
    report = build(root, tmp_path / "out", BuildOptions(only=("failing-warm-up",), jobs=2))
    assert not report.diagnostics and report.episodes_built == 2
    assert sorted(tree(tmp_path / "out")) == ["a.pid", "b.pid"]


LOADED_BY_EPISODES = """
import sys
from pathlib import Path
from castline import load, registry
from castline.build.workers import warm_up
from castline.exporter import BuildContext

project = load.open_content(Path(sys.argv[1]))
exporters = {name: registry.create(e.load(), {}) for name, e in registry.available().items()}
load.warm_up(project.show)
warm_up(exporters, project.show)
before = set(sys.modules)
context = BuildContext(project.show, ())
for path in project.episode_files:
    episode, _ = load.load_episode(project, path, path.read_bytes())
    for exporter in exporters.values():
        exporter.export_episode(context, episode)
print(" ".join(sorted(set(sys.modules) - before)))
"""


def test_after_the_warm_ups_the_episode_steps_import_nothing(tmp_path: Path) -> None:
    """The loader's and the built-in exporters' warm-ups load every module their episode steps
    load late (the demo show with local media, so that the media readers are used too)."""
    show = tmp_path / "show"
    shutil.copytree(CONTENT, show)
    with (show / "show.yaml").open("a", encoding="utf-8") as handle:
        handle.write("media:\n  url: https://media.example.net/{slug}.mp3\n  folder: media\n")
    (show / "media").mkdir()
    for episode in (show / "episodes").glob("*.md"):
        shutil.copyfile(DATA / "media" / "tiny.mp3", show / "media" / f"{episode.stem}.mp3")
    run = subprocess.run(
        [sys.executable, "-c", LOADED_BY_EPISODES, str(show)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout == "\n"


def test_a_build_stopped_between_two_outcomes_stops_its_workers(tmp_path: Path) -> None:
    # Ctrl-C (or SIGTERM) while the build handles an outcome, not while it waits for one. The
    # traceback keeps the build's frames alive, and castline ends with os._exit, which collects
    # nothing: the workers must be shut down before the exception leaves the build.
    def stop(done: int, total: int, slug: str) -> None:
        if slug:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as stopped:
        build(CONTENT, tmp_path / "out", BuildOptions(jobs=2), progress=stop)
    assert stopped.traceback
    assert multiprocessing.active_children() == []
