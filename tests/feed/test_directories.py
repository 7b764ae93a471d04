"""Directory profiles (castline.feed.directories): which rules each directory owns."""

from __future__ import annotations

import pytest

from castline.diagnostics import RULES, Severity, register_all
from castline.feed.directories import (
    DIRECTORIES,
    MISSING_AUTHOR,
    PROFILES,
    for_directory,
    profiles_table,
)
from castline.model import SourceRef
from tests.conftest import ROOT

HERE = SourceRef("show.yaml", 1)


def test_every_profiled_code_is_a_feed_rule_with_https_sources() -> None:
    register_all()
    assert set(PROFILES) <= set(RULES)
    assert all(code.startswith("F") for code in PROFILES)
    for profile in PROFILES.values():
        assert profile and set(profile) <= set(DIRECTORIES)
        assert all(url.startswith("https://") for _, url in profile.values())
    assert {name for profile in PROFILES.values() for name in profile} == set(DIRECTORIES)


def test_the_readme_holds_the_generated_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Directory rules\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    assert rows == profiles_table().splitlines()


def test_a_directory_takes_its_severity_and_drops_the_others_rules() -> None:
    author = MISSING_AUTHOR.error(HERE, "missing 'author'")
    https = RULES["F019"].error(HERE, "not https")
    mine = RULES["B003"].error(HERE, "an exporter failed")
    assert for_directory([author, https, mine], "spotify") == [author, mine]
    assert for_directory([author, https, mine], "podcastindex") == [https, mine]
    [apple, kept] = for_directory([author, mine], "apple")
    assert (apple.severity, apple.code, kept) == (Severity.WARNING, "F130", mine)


def test_an_unknown_directory_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown directory 'myspace'"):
        for_directory([], "myspace")
