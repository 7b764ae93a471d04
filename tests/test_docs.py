"""The README stays true: every command documented, the two set-up commands present."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from castline.cli import app
from tests.conftest import CONTENT, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(command.name or "" for command in app.registered_commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    (command,) = [c for c in app.registered_commands if c.name == name]
    assert command.callback is not None and command.callback.__doc__
    assert f"`castline {name}" in README


def test_readme_has_exactly_two_setup_commands() -> None:
    section = README.split("## Set up on a fresh machine")[1].split("\n## ")[0]
    commands = re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/castline build",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest",
    ]


def test_ci_installs_the_test_extras_and_runs_pytest() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet --disable-pip-version-check -e '.[test]'" in ci
    assert ".venv/bin/pytest" in ci


def test_the_library_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (example,) = re.findall(r"## As a library\n.*?```python\n(.*?)```", README, flags=re.S)
    shutil.copytree(CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Harbour Lights - 3 episodes"
    outputs = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    written = [p for p in outputs if ".castline" not in p.parts]
    assert printed[-1] == f"{len(written)} files written; 0 errors"
    # Per episode 9 files (txt, srt, vtt, 3 chapters files, json, html, page), the feed, the
    # site's index and the artwork.
    assert len(written) == 30


def test_every_public_name_loads_and_build_stays_the_function() -> None:
    code = (
        "import castline, castline.build.manifest\n"
        "from castline.build import build\n"
        "assert castline.build is build, castline.build\n"
        "assert all(getattr(castline, name) is not None for name in castline.__all__)\n"
        "import castline.build\n"
        "assert castline.build is build\n"
        "print(sorted(set(castline.__all__) - set(dir(castline))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"


def test_the_wheel_lists_every_package() -> None:
    """setuptools installs only the packages pyproject.toml lists: a new folder of castline/
    missing there would be absent from ``pip install .`` although an editable install works."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "castline").rglob("__init__.py")
    }
    assert found | {"castline.data", "castline.exporters"} == listed
