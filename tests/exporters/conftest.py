"""Fixtures of the transcript and site tests: one full build of each real folder per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from castline.build import BuildOptions, BuildReport, build
from castline.load import load_content
from castline.model import Episode
from tests.conftest import CONTENT, CORPUS


@dataclass(frozen=True)
class FullBuild:
    """A content folder, its episodes, and a build of it with every installed exporter."""

    content: Path
    out: Path
    episodes: tuple[Episode, ...]
    report: BuildReport


@pytest.fixture(scope="session", params=[CONTENT, CORPUS], ids=["content", "corpus"])
def full_build(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> FullBuild:
    """The demo show and the real corpus (skipped where ../shared is absent), built once."""
    content: Path = request.param
    if not content.is_dir():
        pytest.skip("../shared/corpus/datatalksclub is absent")
    out = tmp_path_factory.mktemp(content.name)
    report = build(content, out, BuildOptions(jobs=1))
    return FullBuild(content, out, tuple(load_content(content).episodes), report)
