"""Reports: the default human report, --report JSON and SARIF, GitHub annotations within
GitHub's display limits, the step summary, --max-warnings and the exit codes."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from castline.cli import app
from tests.conftest import DATA, ContentTree

runner = CliRunner()
REPORT_SCHEMA = json.loads((files("castline.data") / "report.schema.json").read_text())


def noisy_show(content_tree: ContentTree, errors: int, warnings: int) -> Path:
    """A show whose episodes give ``errors`` errors (no front matter) and ``warnings`` warnings
    (a guest without a profile)."""
    files_ = {f"episodes/bad{n:02d}.md": "no front matter\n" for n in range(errors)}
    for n in range(warnings):
        files_[f"episodes/w{n:02d}.md"] = (
            f"---\ntitle: W{n}\nguests: [nobody{n}]\ntranscript:\n- line: Hi.\n  who: A\n---\n"
        )
    return content_tree(files_)


def test_the_json_report_holds_every_diagnostic_and_meets_its_schema(
    content_tree: ContentTree, tmp_path: Path
) -> None:
    root = noisy_show(content_tree, 2, 3)
    report = tmp_path / "report.json"
    result = runner.invoke(app, ["check", str(root), "-q", "--report", str(report)])
    assert result.exit_code == 1
    document = json.loads(report.read_text())
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["counts"] == {"errors": 2, "warnings": 3}
    assert [(d["episode"], d["severity"]) for d in document["diagnostics"]] == [
        ("bad00", "error"),
        ("bad01", "error"),
        ("w00", "warning"),
        ("w01", "warning"),
        ("w02", "warning"),
    ]


def test_sarif_report(content_tree: ContentTree, tmp_path: Path) -> None:
    root = noisy_show(content_tree, 1, 1)
    report = tmp_path / "report.sarif"
    runner.invoke(app, ["check", str(root), "--report", str(report), "--format", "sarif"])
    log = json.loads(report.read_text())
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "castline"
    assert [r["level"] for r in run["results"]] == ["error", "warning"]
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == f"{root}/episodes/bad00.md"
    assert location["region"]["startLine"] == 1


def test_github_annotations_stay_within_what_github_shows(
    content_tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = noisy_show(content_tree, 14, 30)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = runner.invoke(app, ["check", str(root)])
    lines = result.stdout.splitlines()
    assert len(lines) <= 50
    kinds = [line.split(" ", 1)[0] for line in lines]
    assert kinds == ["::error"] * 10 + ["::warning"] * 10 + ["::notice::castline:"]
    assert lines[-1].startswith("::notice::castline: 24 more problems not annotated (14 errors,")
    table = summary.read_text()
    assert table.startswith("## castline\n\n| kind | errors | warnings |\n")
    rows = [line.split("|")[2:4] for line in table.splitlines()[4:]]
    assert [sum(int(row[n]) for row in rows) for n in (0, 1)] == [14, 30]


def test_max_warnings(content_tree: ContentTree) -> None:
    root = noisy_show(content_tree, 0, 3)
    assert runner.invoke(app, ["check", str(root), "--max-warnings", "3"]).exit_code == 0
    over = runner.invoke(app, ["check", str(root), "--max-warnings", "2"])
    assert over.exit_code == 1
    assert "castline: 3 warnings, more than --max-warnings" in over.stderr


def test_the_default_report_groups_warnings_and_lists_the_first_places(
    content_tree: ContentTree,
) -> None:
    root = noisy_show(content_tree, 1, 5)
    lines = runner.invoke(app, ["check", str(root)]).stderr.splitlines()
    assert lines[0].endswith(
        "bad00.md:1: error: no front matter: the file must start with a '---' line"
    )
    assert lines[1].startswith("5 warnings ")
    assert lines[2:5] == [
        f"  {root}/episodes/w0{n}.md:3: warning: unknown guest 'nobody{n}': no profile"
        f" people/nobody{n}.md"
        for n in range(3)
    ]
    assert lines[5] == "  2 more: --verbose or --report FILE"
    verbose = runner.invoke(app, ["check", str(root), "-v"]).stderr.splitlines()
    assert sum(": warning: " in line for line in verbose) == 5


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["build", str(DATA / "loader")], 1),
        (["check", str(DATA / "loader")], 1),
        (["build", "--bogus"], 2),
        (["check", "--bogus"], 2),
    ],
)
def test_exit_codes(args: list[str], code: int, tmp_path: Path) -> None:
    if args[0] == "build" and len(args) == 2:
        args = [*args, "--out", str(tmp_path)]
    assert runner.invoke(app, args).exit_code == code


def test_show_yaml_diagnostics_ignores_or_promotes_rules(content_tree: ContentTree) -> None:
    episode = "---\ntitle: W\nguests: [nobody]\ntranscript:\n- line: Hi.\n  who: A\n---\n"
    ignored = content_tree(
        {
            "show.yaml": "title: S\ndiagnostics: {ignore: [unknown-guest]}\n",
            "episodes/w.md": episode,
        }
    )
    result = runner.invoke(app, ["check", str(ignored)])
    assert "unknown guest" not in result.stderr
    (ignored / "show.yaml").write_text("title: S\ndiagnostics: {error: [L221], ignore: [L9999]}\n")
    promoted = runner.invoke(app, ["check", str(ignored)])
    assert promoted.exit_code == 1
    assert (
        f"{ignored}/episodes/w.md:3: error: unknown guest 'nobody': no profile people/nobody.md"
        in promoted.stderr
    )
    assert (
        f"{ignored}/show.yaml:2: warning: diagnostics.ignore: no rule is called 'L9999'"
        in promoted.stderr
    )


def test_did_you_mean_for_keys_guests_and_exporters(content_tree: ContentTree) -> None:
    root = content_tree(
        {
            "show.yaml": "title: S\ncatgories: [Technology]\n",
            "people/tomasokafor.md": "---\ntitle: Tomás Okafor\n---\n",
            "episodes/e.md": "---\ntitle: E\nguests: [tomasokfor]\n---\n",
        }
    )
    lines = runner.invoke(app, ["check", str(root), "-v"]).stderr.splitlines()
    assert (
        f"{root}/show.yaml:2: warning: unknown show.yaml key 'catgories' (kept, unused)"
        " (did you mean 'categories'?)" in lines
    )
    assert (
        f"{root}/episodes/e.md:3: warning: unknown guest 'tomasokfor': no profile"
        " people/tomasokfor.md (did you mean 'tomasokafor'?)" in lines
    )
    unknown = runner.invoke(app, ["build", str(root), "--only", "vttt"])
    assert unknown.exit_code == 2
    assert "unknown exporter 'vttt' (did you mean 'vtt'?); installed:" in unknown.stderr


def test_check_of_a_clean_show_exits_0(tmp_path: Path) -> None:
    show = tmp_path / "show"
    assert runner.invoke(app, ["init", str(show)]).exit_code == 0
    assert runner.invoke(app, ["check", str(show), "--strict"]).exit_code == 0
