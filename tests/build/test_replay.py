"""The no-change fast path (castline.build.replay): the same report as a full no-change build,
and the full build whenever anything it depends on changed or the replay file is broken."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from castline.build import BuildOptions, BuildReport, build, outfiles, pipeline, replay
from castline.diagnostics import RULES, rule
from castline.errors import ConfigError
from tests.build.conftest import lock_held_elsewhere
from tests.conftest import CONTENT

FIRST = "episodes/0001-forecasting-ferries.md"


def warned(tmp_path: Path) -> Path:
    """The demo show and something to report: an episode naming an unknown guest (L221), a
    draft, a profile nobody names."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    first = (root / FIRST).read_text(encoding="utf-8")
    ghost = first.replace("- tomasokafor\n", "- nobody\n").replace("0001-forecasting", "0004-ghost")
    (root / "episodes/0004-ghost.md").write_text(ghost.replace("episode: 1\n", "episode: 4\n"))
    (root / "episodes/_draft.md").write_text(first)
    (root / "people/pat.md").write_text("---\nname: Pat\n---\n")
    return settled(root)


@pytest.fixture
def full_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the builds that take the normal path (one entry per call)."""
    calls: list[int] = []
    real = pipeline.run

    def counted(*args: object, **kwargs: object) -> BuildReport:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "run", counted)
    return calls


def settled(root: Path) -> Path:
    """``root``, once its files are older than the time step a replay needs to trust them."""
    time.sleep(replay.FINE_STEP_NS / 1e9 + 0.02)
    return root


def rewrite_replay(out: Path, edit: Callable[[dict[str, Any]], object]) -> None:
    """Edit the replay file's JSON in place (the state folder's own times, which writing it
    changes, are not compared)."""
    path = out / ".castline/replay.json"
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))


def normal_no_change(content: Path, out: Path, options: BuildOptions) -> BuildReport:
    """What a no-change build reports by the normal path (the replay file removed first)."""
    replay.forget_replay(out)
    return build(content, out, options)


CASES: dict[str, Callable[[Path], Path]] = {"demo": lambda tmp_path: CONTENT, "warned": warned}


@pytest.mark.parametrize(
    "options",
    [
        BuildOptions(),
        BuildOptions(jobs=2),
        BuildOptions(only=("srt", "rss"), overrides={"offset_ms": 1500}),
    ],
    ids=["default", "two-jobs", "only-and-offset"],
)
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_unchanged_rebuild_replays_what_the_full_build_reports(
    case: str,
    options: BuildOptions,
    tmp_path: Path,
    full_builds: list[int],
) -> None:
    content, out = CASES[case](tmp_path), tmp_path / "out"
    first = build(content, out, options)
    assert first.episodes_built > 0 and (out / ".castline/replay.json").is_file()
    replayed = build(content, out, options)
    assert len(full_builds) == 1  # the first build only
    full = normal_no_change(content, out, options)
    assert len(full_builds) == 2
    assert replayed == full
    assert full.episodes_built == 0 and full.episodes_skipped == len(full.episodes)
    if case == "warned":
        assert "L221" in {d.code for d in full.diagnostics} and full.drafts


def test_the_corpus_replays_its_warnings(
    corpus: Path, tmp_path: Path, full_builds: list[int]
) -> None:
    out = tmp_path / "out"
    build(corpus, out)
    replayed = build(corpus, out)
    assert len(full_builds) == 1
    full = normal_no_change(corpus, out, BuildOptions())
    assert replayed == full and len(full.warnings) > 20


def test_the_command_prints_the_same_for_a_replayed_build(tmp_path: Path) -> None:
    content, out = warned(tmp_path), tmp_path / "out"
    command = [sys.executable, "-m", "castline", "build", str(content), "-o", str(out)]

    def run() -> tuple[int, str]:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        return done.returncode, done.stderr.rsplit(";", 1)[0]  # the seconds left out

    run()
    replay.forget_replay(out)
    full = run()  # saves the replay file
    assert (out / ".castline/replay.json").is_file()
    assert run() == full
    assert "1 warning L221 unknown-guest" in full[1]


def same_size_edit(content: Path, out: Path) -> None:
    path = content / FIRST
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("passengers", "passenger!", 1), encoding="utf-8")
    assert path.stat().st_size == len(text.encode("utf-8"))


CHANGES: dict[str, Callable[[Path, Path], object]] = {
    "episode edited, same size": same_size_edit,
    "episode added": lambda c, o: shutil.copy(c / "episodes/0004-ghost.md", c / "episodes/5.md"),
    "episode removed": lambda c, o: (c / "episodes/0004-ghost.md").unlink(),
    "profile edited": lambda c, o: (c / "people/pat.md").write_text("---\nname: Pat B\n---\n"),
    "show.yaml edited": lambda c, o: (c / "show.yaml").write_text(
        (c / "show.yaml").read_text() + "\n"
    ),
    "draft published": lambda c, o: (c / "episodes/_draft.md").rename(c / "episodes/6.md"),
    "output removed": lambda c, o: (o / "episodes/0004-ghost.srt").unlink(),
    "show output edited": lambda c, o: (o / "feed.xml").write_text("<rss/>"),
    "manifest removed": lambda c, o: (o / ".castline/manifest.json").unlink(),
    "file beside the outputs": lambda c, o: (o / "notes.txt").write_text("mine"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_takes_the_full_build(
    change: str, tmp_path: Path, full_builds: list[int]
) -> None:
    content, out = warned(tmp_path), tmp_path / "out"
    build(content, out)
    assert (out / ".castline/replay.json").is_file()  # so that only the change can say no
    CHANGES[change](content, out)
    build(content, out)
    assert len(full_builds) == 2
    settled(content)
    assert build(content, out) == normal_no_change(content, out, BuildOptions())


def test_other_options_take_the_full_build(tmp_path: Path, full_builds: list[int]) -> None:
    content, out = warned(tmp_path), tmp_path / "out"
    build(content, out)
    assert (out / ".castline/replay.json").is_file()
    build(content, out, BuildOptions(only=("srt",)))
    build(content, out, BuildOptions(overrides={"offset_ms": 1000}))
    assert len(full_builds) == 3


def test_a_dry_run_or_a_forced_build_never_replays(tmp_path: Path, full_builds: list[int]) -> None:
    content, out = warned(tmp_path), tmp_path / "out"
    build(content, out)
    saved = (out / ".castline/replay.json").read_bytes()
    build(content, out, BuildOptions(dry_run=True))
    assert (out / ".castline/replay.json").read_bytes() == saved  # a dry run writes nothing
    build(content, out, BuildOptions(force=True))
    assert len(full_builds) == 3


def test_a_changed_module_file_takes_the_full_build(tmp_path: Path, full_builds: list[int]) -> None:
    content, out = warned(tmp_path), tmp_path / "out"
    build(content, out)
    module = tmp_path / "exporter_code.py"
    module.write_text("NAME = 'x'\n")
    info = module.stat()
    row = [str(module), info.st_size, info.st_mtime_ns]
    rewrite_replay(out, lambda document: document["modules"].append(row))
    build(content, out)
    assert len(full_builds) == 1
    (out / ".castline/replay.json").unlink()
    settled(content)
    build(content, out)
    rewrite_replay(out, lambda document: document["modules"].append(row))
    module.write_text("NAME = 'y'\n")  # a new size and time
    build(content, out)
    assert len(full_builds) == 3


def test_a_racy_content_file_saves_no_replay(tmp_path: Path) -> None:
    """A file changed within the file system's time step of the build could change again
    unseen (same size, same times): that build saves no replay file."""
    content, out = warned(tmp_path), tmp_path / "out"
    (content / "people/pat.md").write_text("---\nname: Pat\n---\n")
    build(content, out)
    assert not (out / ".castline/replay.json").exists()


def test_an_error_saves_no_replay(tmp_path: Path) -> None:
    content, out = warned(tmp_path), tmp_path / "out"
    (content / "episodes/7.md").write_text("---\ntitle: [unclosed\n---\n")
    settled(content)
    report = build(content, out)
    assert report.errors and not (out / ".castline/replay.json").exists()


def test_a_symbolic_link_in_the_content_saves_no_replay(tmp_path: Path) -> None:
    content = warned(tmp_path)
    (content / "link.txt").symlink_to(content / "show.yaml")
    out = tmp_path / "out"
    settled(content)
    build(content, out)
    assert not (out / ".castline/replay.json").exists()


BROKEN: dict[str, bytes] = {
    "not JSON": b"{oops",
    "not an object": b"[1, 2]",
    "no format": b'{"key": "k"}',
    "a field missing": b'{"format": 1, "key": "k"}',
    "a wrong type": json.dumps(
        {"format": 1, "key": 1, "content": "", "out": "", "modules": [], "report": {}}
    ).encode(),
    "not UTF-8": b"\xff\xfe",
}


@pytest.fixture
def saved(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    content, out = warned(tmp_path), tmp_path / "out"
    build(content, out)
    assert (out / ".castline/replay.json").is_file()
    yield content, out


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_replay_file_is_reported_once_and_the_build_runs(
    kind: str, saved: tuple[Path, Path], full_builds: list[int]
) -> None:
    content, out = saved
    path = out / ".castline/replay.json"
    path.write_bytes(BROKEN[kind])
    report = build(content, out)
    assert len(full_builds) == 1
    problems = [d for d in report.diagnostics if d.code == "B009"]
    assert len(problems) == 1 and str(problems[0]).startswith(
        f"{path}:1: warning: the no-change replay file cannot be used ("
    )
    assert str(problems[0]).endswith("); every step runs")
    again = build(content, out)  # the broken file is gone; this build saves a good one
    assert not [d for d in again.diagnostics if d.code == "B009"]


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_replay_file_that_is_no_regular_file_is_reported_and_the_build_runs(
    kind: str, saved: tuple[Path, Path], full_builds: list[int]
) -> None:
    content, out = saved
    path = out / ".castline/replay.json"
    path.unlink()
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    report = build(content, out)  # a FIFO is not waited on
    assert len(full_builds) == 1
    problems = [str(d) for d in report.diagnostics if d.code == "B009"]
    unusable = (
        f"{path}:1: warning: the no-change replay file cannot be used (not a regular file of "
        "at most 67,108,864 bytes); every step runs"
    )
    assert problems == [unusable]
    # A folder is not castline's to remove: it stays. The FIFO is gone; the next build, with
    # nothing to report about its state, saves a replay file.
    assert path.is_dir() if kind == "folder" else not path.exists()


def test_a_replay_file_that_cannot_be_saved_is_reported_and_the_build_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out = warned(tmp_path), tmp_path / "out"
    real = outfiles.write_atomic

    def full_disk(path: Path, data: bytes, *, durable: bool = True) -> None:
        if path.name == "replay.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data, durable=durable)

    monkeypatch.setattr(outfiles, "write_atomic", full_disk)
    report = build(content, out)
    path = out / ".castline/replay.json"
    assert [str(d) for d in report.diagnostics if d.code == "B009"] == [
        f"{path}:1: warning: cannot save the no-change replay file: No space left on device"
    ]
    assert report.episodes_built == 4 and (out / "feed.xml").is_file() and not path.exists()


def test_a_replay_file_that_is_a_symbolic_link_is_not_followed(
    saved: tuple[Path, Path], tmp_path: Path
) -> None:
    """As for every file of castline's state: the build stops, and the link's target is kept."""
    content, out = saved
    path = out / ".castline/replay.json"
    elsewhere = tmp_path / "elsewhere.json"
    shutil.move(path, elsewhere)
    path.symlink_to(elsewhere)
    kept = elsewhere.read_bytes()
    with pytest.raises(ConfigError) as raised:
        build(content, out)
    assert str(raised.value) == f"{path}: is a symbolic link; castline writes no file through it"
    assert elsewhere.read_bytes() == kept and path.is_symlink()


def test_a_forged_replay_for_other_folders_is_not_believed(
    saved: tuple[Path, Path], full_builds: list[int]
) -> None:
    content, out = saved

    def forge(document: dict[str, Any]) -> None:
        document["report"]["episodes"] = {"forged.md": "forged"}
        document["content"] = "something else"

    rewrite_replay(out, forge)
    report = build(content, out)
    assert len(full_builds) == 1 and "forged.md" not in report.episodes


def test_a_locked_folder_is_not_replayed(saved: tuple[Path, Path]) -> None:
    """While another build holds the lock the fast path answers nothing (the full build then
    reports the lock: test_untrusted)."""
    content, out = saved
    with lock_held_elsewhere(out):
        assert replay.replayed(content, out, BuildOptions()) == (None, None)
    (out / "holding").unlink()  # the output folder as the build left it
    assert replay.replayed(content, out, BuildOptions())[0] is not None


def test_the_replayed_report_is_the_saved_one_field_by_field(saved: tuple[Path, Path]) -> None:
    content, out = saved
    replayed, problem = replay.replayed(content, out, BuildOptions())
    assert problem is None and replayed is not None
    full = normal_no_change(content, out, BuildOptions())
    for field in dataclasses.fields(BuildReport):
        assert getattr(replayed, field.name) == getattr(full, field.name), field.name


def test_a_replayed_rule_that_clashes_with_a_known_one_takes_the_full_build(
    saved: tuple[Path, Path], full_builds: list[int]
) -> None:
    content, out = saved
    forged = [["L999", "unknown-guest", "forged"]]  # a name L221 has
    rewrite_replay(out, lambda document: document["report"].update(rules=forged))
    report = build(content, out)
    assert len(full_builds) == 1
    assert [d.rule.code for d in report.diagnostics if d.rule] == ["L221"]
    assert "L999" not in RULES


def test_another_castlines_replay_file_is_replaced_without_a_word(
    saved: tuple[Path, Path], full_builds: list[int]
) -> None:
    content, out = saved
    (out / ".castline/replay.json").write_text('{"format": 99}')
    report = build(content, out, BuildOptions())
    assert len(full_builds) == 1 and not [d for d in report.diagnostics if d.code == "B009"]


def test_a_published_copy_edited_in_place_takes_the_full_build(
    saved: tuple[Path, Path], full_builds: list[int]
) -> None:
    """The show step compares the files it publishes (the artwork) byte for byte: a copy
    edited in the output folder is put back by the normal path, so the fast path steps aside."""
    content, out = saved
    cover = out / "images/cover.png"
    original = cover.read_bytes()
    with cover.open("ab") as stream:
        stream.write(b"x")
    report = build(content, out)
    assert len(full_builds) == 1 and cover.read_bytes() == original
    assert [p.as_posix() for p in report.changed] == ["images/cover.png"]


def test_an_entry_that_vanishes_while_it_is_looked_at_takes_the_full_build(
    saved: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, full_builds: list[int]
) -> None:
    """An editor's swap file removed between the listing and its stat: no error, the normal
    path."""
    content, out = saved
    real = os.scandir

    class Vanished:
        name = ".swp"

        def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
            raise FileNotFoundError(2, "No such file or directory", self.name)

    def scandir(path: str) -> object:
        class Listing:
            def __enter__(self) -> list[object]:
                self.real = real(path)
                return [*self.real, Vanished()]

            def __exit__(self, *exc: object) -> None:
                self.real.close()

        return Listing()

    monkeypatch.setattr(os, "scandir", scandir)
    report = build(content, out)
    monkeypatch.setattr(os, "scandir", real)
    assert len(full_builds) == 1 and not report.errors
    assert not (out / ".castline/replay.json").exists()  # nor is one saved from that sight


def test_a_build_from_a_working_folder_that_is_gone_takes_the_full_build(
    saved: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, full_builds: list[int]
) -> None:
    content, out = saved

    def gone() -> str:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(os, "getcwd", gone)
    report = build(content.resolve(), out.resolve())
    assert len(full_builds) == 1 and not report.errors


def test_the_key_follows_installed_exporters_and_time_zones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "plug-1.0.dist-info").mkdir(parents=True)
    declared = site / "plug-1.0.dist-info/entry_points.txt"
    declared.write_text("# nothing yet\n")
    monkeypatch.syspath_prepend(str(site))
    content, out, options = tmp_path / "c", tmp_path / "o", BuildOptions()
    before = replay.build_key(content, out, options)
    assert before is not None and replay.build_key(content, out, options) == before
    declared.write_text("[castline.exporters]\nplug = plug:Plug\n")  # rewritten in place
    after = replay.build_key(content, out, options)
    assert after != before
    monkeypatch.setenv("PYTHONTZPATH", str(tmp_path))
    assert replay.build_key(content, out, options) != after
    monkeypatch.setenv("CASTLINE_ANYTHING", "1")
    assert len({replay.build_key(content, out, options), after, before}) == 3


def test_a_replayed_rule_gives_way_to_its_modules_definition(
    saved: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that has not loaded the module defining a replayed diagnostic's rule knows
    it from the replay file; loading the module later replaces it (no clash), whatever the
    file said of it."""
    content, out = saved
    real = RULES["L221"]
    said = [["L221", "unknown-guest", "what the file says"]]
    rewrite_replay(out, lambda document: document["report"].update(rules=said))
    monkeypatch.delitem(RULES, "L221")
    replayed, problem = replay.replayed(content, out, BuildOptions())
    assert replayed is not None and problem is None
    assert RULES["L221"].summary == "what the file says"
    assert rule(real.code, real.name, real.summary) == real and RULES["L221"] == real
    assert rule(real.code, real.name, real.summary) is RULES["L221"]  # once real, it stays


def test_an_output_folder_inside_the_content_folder_is_replayed(
    tmp_path: Path, full_builds: list[int]
) -> None:
    content = warned(tmp_path)
    out = content / "out"
    build(content, out)  # what out/ holds is not the content's: the replay is saved
    assert (out / ".castline/replay.json").is_file()
    replayed = build(content, out)
    assert len(full_builds) == 1
    assert replayed == normal_no_change(content, out, BuildOptions())
