"""Every diagnostic castline emits has a stable code, registered once and in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from castline import build
from castline.build import BuildOptions
from castline.diagnostics import RULES, register_all, rule_severities, rules_table, source_files
from tests.conftest import CONTENT, CORPUS, DATA, ROOT

#: The modules allowed to make a Diagnostic without a rule: its own module, and the manifest,
#: which rebuilds stored ones.
ALLOWED = {"castline/diagnostics.py", "castline/build/manifest.py"}


def _uncoded_calls(path: Path, shown: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        direct = isinstance(func, ast.Name) and func.id == "Diagnostic"
        named = (
            isinstance(func, ast.Attribute)
            and func.attr in ("error", "warning")
            and isinstance(func.value, ast.Name)
            and func.value.id == "Diagnostic"
        )
        if direct or named:
            found.append(f"{shown}:{node.lineno}")
    return found


def test_no_diagnostic_is_made_without_a_rule() -> None:
    files = [Path(p) for p in source_files()]
    assert len(files) > 50
    uncoded = [
        site
        for path in files
        if path.relative_to(ROOT).as_posix() not in ALLOWED
        for site in _uncoded_calls(path, path.relative_to(ROOT).as_posix())
    ]
    assert uncoded == []


def test_the_walk_finds_an_uncoded_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("Diagnostic.warning(here, 'x')\nDiagnostic(here, s, 'm')\n", encoding="utf-8")
    assert _uncoded_calls(sample, "s.py") == ["s.py:1", "s.py:2"]


def test_every_rule_is_unique_kebab_case_and_emitted() -> None:
    register_all()
    assert len(RULES) > 80
    names = [r.name for r in RULES.values()]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Z][0-9]{3}", code) for code in RULES)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)
    emitted = rule_severities(source_files())
    assert sorted(set(RULES) - set(emitted)) == []


def test_the_readme_holds_the_generated_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = rules_table()
    assert table in readme
    section = readme.split("## Diagnostic codes\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    assert rows == table.splitlines()
    assert all(f"| {code} | {r.name} |" in table for code, r in RULES.items())


@pytest.mark.parametrize(
    "content", [CONTENT, CORPUS, DATA / "loader"], ids=["demo", "corpus", "loader"]
)
def test_every_diagnostic_of_a_build_has_a_registered_code(content: Path, tmp_path: Path) -> None:
    if not content.is_dir():
        pytest.skip(f"{content} is absent")
    out = tmp_path / "out"
    first = build(content, out, BuildOptions(jobs=1))
    replayed = build(content, out, BuildOptions(jobs=1))
    for report in (first, replayed):
        diagnostics = [*report.errors, *report.warnings]
        assert [str(d) for d in diagnostics if d.code not in RULES] == []
    assert sorted((str(d), d.code) for d in replayed.warnings) == sorted(
        (str(d), d.code) for d in first.warnings
    )
