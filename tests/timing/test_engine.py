"""Which cue engine runs (castline.timing.engine): native where built, Python on demand, and the
same bytes out of either."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from castline.build import BuildOptions, build
from castline.timing import engine
from tests.conftest import CONTENT, output_files


def test_the_native_engine_is_built_where_it_is_required() -> None:
    """CI builds the extension and sets CASTLINE_REQUIRE_NATIVE=1: a build that silently lost
    it (a compiler error is only a warning at install) fails here."""
    required = os.environ.get("CASTLINE_REQUIRE_NATIVE") == "1"
    if engine.native_cheapest_cuts is None:
        assert not required, "CASTLINE_REQUIRE_NATIVE=1 but castline.timing._cue_engine is absent"
        pytest.skip("the native engine is not built")
    assert callable(engine.native_cheapest_cuts)


def test_the_default_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASTLINE_ENGINE", raising=False)
    built = engine.native_cheapest_cuts is not None
    assert engine.default_engine() == ("native" if built else "python")
    monkeypatch.setenv("CASTLINE_ENGINE", " Python ")
    assert engine.default_engine() == "python"
    monkeypatch.setenv("CASTLINE_ENGINE", "native")
    assert engine.default_engine() == ("native" if built else "python")
    monkeypatch.setattr(engine, "native_cheapest_cuts", None)
    assert engine.default_engine() == "python"


def _engines_build_the_same(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = []
    for name in ("native", "python"):
        monkeypatch.setenv("CASTLINE_ENGINE", name)  # the workers inherit it
        report = build(content, tmp_path / name, BuildOptions(jobs=2))
        outputs.append((output_files(tmp_path / name), [str(d) for d in report.diagnostics]))
    native, python = outputs
    assert native[0].keys() == python[0].keys()
    assert [path for path in native[0] if native[0][path] != python[0][path]] == []
    assert native[1] == python[1]


@pytest.mark.skipif(engine.native_cheapest_cuts is None, reason="the native engine is not built")
def test_the_engines_build_the_demo_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _engines_build_the_same(CONTENT, tmp_path, monkeypatch)


@pytest.mark.skipif(engine.native_cheapest_cuts is None, reason="the native engine is not built")
def test_the_engines_build_the_corpus_byte_for_byte(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _engines_build_the_same(corpus, tmp_path, monkeypatch)
