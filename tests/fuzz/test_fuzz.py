"""Fuzzing castline's promise for untrusted input with mutated demo and corpus files.

For each example one file (an episode, a profile, show.yaml) of an otherwise intact copy of the
demo show or the real corpus is mutated (:mod:`tests.fuzz.mutations`), then built once, by the
library (``castline.build``, in this process, one job) or by the CLI (``castline build`` through
``CliRunner``). The build must:

* raise nothing but :class:`castline.CastlineError` (and only for show.yaml: a broken episode
  or profile never stops the build); the CLI must exit 0, 1 or 2 and print no traceback;
* report every problem as one ``path:line: severity: message`` line;
* still build the outputs of the episodes that were not mutated;
* write nothing outside the output folder and leave no ``.tmp`` file in it.

File-system mutations (FIFOs block a reader forever) run the CLI in a subprocess with a
timeout; a timeout is reported as a hang. Campaigns of thousands of files: ``benchmarks/fuzz.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import castline
from castline.cli import app
from tests.conftest import CONTENT, CORPUS, ROOT
from tests.fuzz.harness import (
    CLI_EXITS,
    Base,
    bad_diagnostics,
    bad_stderr_lines,
    bounded,
    copy_tree,
    describe_base,
    limit_memory,
    listing,
    listing_changes,
    missing_outputs,
    temporaries,
)
from tests.fuzz.mutations import FS_KINDS, Mutation, unreadable_is_effective
from tests.fuzz.strategies import mutations

DEMO = describe_base("demo", CONTENT)
#: Seconds a subprocess build may take before it counts as a hang.
HANG_SECONDS = 15
#: Examples per test: a share of the profile's ``max_examples`` (150 under ``ci``), so that
#: the suite stays within about three minutes on two cores there.
EXAMPLES = settings().max_examples
#: Under the ``ci`` profile a failure is reported as found, not shrunk (shrinking a crash in a
#: 100 kB corpus file takes minutes); locally it is shrunk to a minimal example.
IN_CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
FUZZ = settings(
    max_examples=max(10, EXAMPLES // 2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[p for p in Phase if p is not Phase.shrink] if IN_CI else list(Phase),
)
DRIVERS = st.sampled_from(["library", "cli"])


@dataclass
class Prebuilt:
    """A base show and, for the corpus, an output folder already built from it (each example
    then rebuilds only what its mutation touches, as a user's edit would)."""

    base: Base
    out: Path | None = None


@pytest.fixture(scope="module")
def corpus_base(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/datatalksclub is absent")
    folder = tmp_path_factory.mktemp("corpus-base")
    copy_tree(CORPUS, folder / "content")
    base = describe_base("corpus", folder / "content")
    report = castline.build(base.root, folder / "out", castline.BuildOptions(jobs=1))
    assert not report.errors, [str(d) for d in report.errors]
    return Prebuilt(base.with_outputs(folder / "out"), folder / "out")


@pytest.fixture(scope="module")
def demo_base(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    """The demo show; each example builds it from scratch."""
    out = tmp_path_factory.mktemp("demo-base") / "out"
    report = castline.build(DEMO.root, out, castline.BuildOptions(jobs=1))
    assert not report.errors, [str(d) for d in report.errors]
    return Prebuilt(DEMO.with_outputs(out))


@dataclass
class Trial:
    work: Path
    content: Path
    out: Path


class _Fresh:
    """A throw-away work folder with a copy of the base (and of its prebuilt output)."""

    def __init__(self, prebuilt: Prebuilt) -> None:
        self.prebuilt = prebuilt
        self.temporary = tempfile.TemporaryDirectory(prefix="castline-fuzz-")

    def __enter__(self) -> Trial:
        work = Path(self.temporary.name)
        copy_tree(self.prebuilt.base.root, work / "content")
        if self.prebuilt.out is not None:
            copy_tree(self.prebuilt.out, work / "out")
        (work / "outside.txt").write_text("a file beside the output folder\n")
        return Trial(work, work / "content", work / "out")

    def __exit__(self, *exc: object) -> None:
        for folder, dirs, _ in os.walk(self.temporary.name):
            for name in dirs:
                os.chmod(os.path.join(folder, name), 0o755)
        self.temporary.cleanup()


def _note(mutation: Mutation, base: Base) -> None:
    note(f"base: {base.name}; mutation: {mutation.target}: {mutation.description[:300]}")
    note(f"mutated text (first 300 chars): {mutation.preview()}")


def _run_library(trial: Trial, role: str) -> list[str] | None:
    """Build in this process; the diagnostics' lines, or None when a CastlineError stopped it."""
    try:
        report = castline.build(trial.content, trial.out, castline.BuildOptions(jobs=1))
    except castline.CastlineError as error:
        assert role == "show", f"a broken {role} stopped the whole build: {error}"
        if isinstance(error, castline.ContentError):
            assert not bad_diagnostics([str(error.diagnostic)]), str(error.diagnostic)
        return None
    lines = [str(d) for d in report.diagnostics]
    bad = bad_diagnostics(lines)
    assert not bad, f"diagnostics not of the form path:line: severity: message: {bad[:5]}"
    return lines


def _run_cli(trial: Trial, role: str) -> int:
    result = CliRunner().invoke(
        app, ["build", str(trial.content), "--out", str(trial.out), "--jobs", "1"]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    stderr = result.stderr
    assert "Traceback" not in stderr, stderr[-3000:]
    assert result.exit_code in CLI_EXITS, f"exit {result.exit_code}: {stderr[-2000:]}"
    if role != "show":
        assert result.exit_code in (0, 1), f"exit {result.exit_code}: {stderr[-2000:]}"
    bad = bad_stderr_lines(stderr)
    assert not bad, f"stderr lines that are not diagnostics: {bad[:5]}"
    return result.exit_code


def _check(prebuilt: Prebuilt, mutation: Mutation, role: str, driver: str) -> None:
    base = prebuilt.base
    _note(mutation, base)
    with _Fresh(prebuilt) as trial:
        mutation.apply(trial.content)
        before = listing(trial.work, skip=[trial.out])
        # A value such as ``image: /dev/zero`` makes a build read forever: bound it.
        with bounded(HANG_SECONDS):
            if driver == "library":
                built = _run_library(trial, role) is not None
            else:
                _run_cli(trial, role)
                built = True
        changes = listing_changes(before, listing(trial.work, skip=[trial.out]))
        assert not changes, f"the build changed files outside the output folder: {changes[:10]}"
        left = temporaries(trial.out)
        assert not left, f"temporary files left in the output folder: {left}"
        if built:
            missing = missing_outputs(trial.out, base.expected_outputs(mutation, role))
            assert not missing, f"intact episodes not built: {missing}"


# --------------------------------------------------------------------------- demo show


@FUZZ
@given(data=st.data(), driver=DRIVERS)
def test_demo_episode(demo_base: Prebuilt, data: st.DataObject, driver: str) -> None:
    mutation = data.draw(mutations(demo_base.base, "episode"), label="mutation")
    _check(demo_base, mutation, "episode", driver)


@FUZZ
@given(data=st.data(), driver=DRIVERS)
def test_demo_show_yaml(demo_base: Prebuilt, data: st.DataObject, driver: str) -> None:
    mutation = data.draw(mutations(demo_base.base, "show"), label="mutation")
    _check(demo_base, mutation, "show", driver)


@FUZZ
@given(data=st.data(), driver=DRIVERS)
def test_demo_profile(demo_base: Prebuilt, data: st.DataObject, driver: str) -> None:
    mutation = data.draw(mutations(demo_base.base, "profile"), label="mutation")
    _check(demo_base, mutation, "profile", driver)


# --------------------------------------------------------------------------- real corpus


@FUZZ
@given(data=st.data(), driver=DRIVERS)
def test_corpus_episode(corpus_base: Prebuilt, data: st.DataObject, driver: str) -> None:
    mutation = data.draw(mutations(corpus_base.base, "episode"), label="mutation")
    _check(corpus_base, mutation, "episode", driver)


@FUZZ
@given(data=st.data(), driver=DRIVERS)
def test_corpus_profile(corpus_base: Prebuilt, data: st.DataObject, driver: str) -> None:
    mutation = data.draw(mutations(corpus_base.base, "profile"), label="mutation")
    _check(corpus_base, mutation, "profile", driver)


# --------------------------------------------------------------------------- file system


@pytest.mark.parametrize("kind", FS_KINDS)
@pytest.mark.parametrize("role", ["episode", "profile", "show"])
def test_file_system(demo_base: Prebuilt, role: str, kind: str) -> None:
    """A link, a loop, a FIFO, a folder or an unreadable file where a content file should be:
    built by the CLI in a subprocess, since a build that opens a FIFO blocks forever."""
    if kind == "unreadable" and not unreadable_is_effective():
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    base = demo_base.base
    target = base.targets(role)[0]
    mutation = Mutation(target, "fs", kind, f"{target} made a {kind}", fs=kind)
    with _Fresh(demo_base) as trial:
        mutation.apply(trial.content)
        before = listing(trial.work, skip=[trial.out])
        command = [sys.executable, "-m", "castline", "build", str(trial.content)]
        command += ["--out", str(trial.out), "--jobs", "1"]
        try:
            done = subprocess.run(
                command,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=HANG_SECONDS,
                check=False,
                preexec_fn=limit_memory,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"hang: the build of {target} as a {kind} ran over {HANG_SECONDS} s")
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        assert done.returncode in CLI_EXITS, f"exit {done.returncode}: {done.stderr[-2000:]}"
        bad = bad_stderr_lines(done.stderr)
        assert not bad, f"stderr lines that are not diagnostics: {bad[:5]}"
        changes = listing_changes(before, listing(trial.work, skip=[trial.out]))
        assert not changes, f"the build changed files outside the output folder: {changes[:10]}"
        assert not temporaries(trial.out)
        if role != "show":
            missing = missing_outputs(trial.out, base.expected_outputs(mutation, role))
            assert not missing, f"intact episodes not built: {missing}"
