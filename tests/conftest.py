"""Shared fixtures: paths to the demo show and the real corpus, golden files, content trees, and
one episode factory."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from castline.exporter import BuildContext
from castline.load import load_content
from castline.model import Episode, Show, SourceRef, Utterance

#: The repository root.
ROOT = Path(__file__).resolve().parents[1]
#: The demo show shipped in the project.
CONTENT = ROOT / "content"
#: Real episode files, beside the project (absent on a user's fresh clone).
CORPUS = ROOT.parent / "shared" / "corpus" / "datatalksclub"
#: Test inputs written by the project.
DATA = Path(__file__).resolve().parent / "data"
#: Expected outputs, regenerated only with ``pytest --update-golden``.
GOLDEN = Path(__file__).resolve().parent / "golden"
#: Caption fixtures: one episode file per timing case.
CAPTION_FIXTURES = DATA / "captions"

settings.register_profile("default", max_examples=60, deadline=None)
# CI runs the same examples every time (derandomize): a red CI is a reproducible one; local runs
# and `benchmarks/fuzz.py` keep exploring new inputs.
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/ from the current outputs instead of comparing.",
    )


@pytest.fixture
def corpus() -> Path:
    """The real corpus folder; the test is skipped where ../shared is absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/datatalksclub is absent")
    return CORPUS


GoldenCheck = Callable[[Path, Path], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> GoldenCheck:
    """Compare a built file with ``tests/golden/<relative>``; show a unified diff on mismatch."""
    update = bool(request.config.getoption("--update-golden"))

    def check(built: Path, relative: Path) -> None:
        expected_path = GOLDEN / relative
        actual = built.read_bytes()
        if update:
            expected_path.parent.mkdir(parents=True, exist_ok=True)
            expected_path.write_bytes(actual)
            return
        assert expected_path.is_file(), f"no golden file {expected_path}; run --update-golden"
        expected = expected_path.read_bytes()
        if actual != expected:
            diff = "".join(
                difflib.unified_diff(
                    expected.decode("utf-8", "replace").splitlines(keepends=True),
                    actual.decode("utf-8", "replace").splitlines(keepends=True),
                    str(expected_path),
                    str(built),
                )
            )
            pytest.fail(f"{relative} differs from its golden file:\n{diff}")

    return check


ContentTree = Callable[[Mapping[str, str | bytes]], Path]


@pytest.fixture
def content_tree(tmp_path: Path) -> ContentTree:
    """Write ``{relative path: text or bytes}`` under ``tmp_path/content`` and return it."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        root = tmp_path / "content"
        root.mkdir(exist_ok=True)
        for relative, data in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root

    return make


def make_episode(
    *lines: Utterance, duration_ms: int | None = None, path: str = "e.md", slug: str = "e"
) -> Episode:
    """An episode titled ``T`` whose transcript is ``lines``: the one factory tests share."""
    return Episode(
        slug=slug,
        source=SourceRef(path, 1),
        title="T",
        transcript=lines,
        duration_ms=duration_ms,
    )


def bare_context(path: str = "e.md") -> BuildContext:
    """A build context for a show with nothing but a root (the current folder)."""
    return BuildContext(show=Show(source=SourceRef(path, 1), root="."))


def caption_fixture(slug: str) -> Episode:
    """The episode ``slug`` of :data:`CAPTION_FIXTURES`."""
    return next(e for e in load_content(CAPTION_FIXTURES).episodes if e.slug == slug)


def real_folders() -> Iterator[object]:
    """The demo show and the real corpus, as pytest parameters (skip the absent one)."""
    yield pytest.param(CONTENT, id="content")
    yield pytest.param(CORPUS, id="corpus")


def fake_distribution(site: Path, module: str, source: str, exporters: Mapping[str, str]) -> Path:
    """Install, in folder ``site`` (put it on ``sys.path`` or PYTHONPATH), a distribution named
    ``module`` (with ``-`` for ``_``) holding module ``module`` with ``source``, and declaring
    ``exporters`` (``{id: "module:Class"}``) in the ``castline.exporters`` entry-point group:
    a third-party exporter as pip would install it."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    info = site / f"{module}-0.1.dist-info"
    info.mkdir()
    name = module.replace("_", "-")
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    declared = "".join(f"{key} = {target}\n" for key, target in exporters.items())
    (info / "entry_points.txt").write_text(f"[castline.exporters]\n{declared}")
    return site


def output_files(out: Path) -> dict[str, bytes]:
    """Every file of an output folder, castline's state included, by relative path: all but
    the no-change replay file, which records the folder's own stats (inodes, times) and so
    differs between two folders by its nature (castline.build.replay)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).as_posix() != ".castline/replay.json"
    }
