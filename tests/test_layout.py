"""The layout's rules, checked on the source tree (design: castline/ by pipeline stage, leaf
exporters known by no name elsewhere, short functions, docstrings citing public sources)."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORE = ROOT / "castline"
EXPORTERS = ROOT / "exporters"
#: The built-in exporters' modules, by exporter id (the entry-point table in pyproject.toml).
BUILT_IN = {
    name: EXPORTERS / (target.split(":")[0].rsplit(".", 1)[1] + ".py")
    for name, target in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "entry-points"
    ]["castline.exporters"].items()
}
#: Functions allowed past six parameters, with the reason.
MANY_PARAMETERS = {
    # One parameter per command-line option, as typer declares them.
    ("castline/cli.py", "build_command"),
    ("castline/cli.py", "check_command"),
    # The caption exporters' documented keyword options (show.yaml `exporters: {srt: ...}`).
    ("castline/timing/captions.py", "__init__"),
}
#: Notes that live outside the repository; docstrings cite the public sources instead.
OUTSIDE_NOTES = re.compile(r"\b(?:subtitles|feeds|aesthetics|design)\.md\b|§|research/")


def modules(*folders: Path) -> Iterator[Path]:
    for folder in folders:
        yield from sorted(folder.rglob("*.py"))


def module_name(path: Path) -> str:
    if path.is_relative_to(EXPORTERS):
        parts = ["castline", "exporters", *path.relative_to(EXPORTERS).with_suffix("").parts]
    else:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The castline modules ``path`` imports. ``from castline.x import y`` counts
    ``castline.x.y`` when that is a module (a submodule import, whose parent package Python
    initialises in any case), else ``castline.x``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return {name for name in found if name in known}


def graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in modules(CORE, EXPORTERS)}
    return {name: imports(path, set(paths)) - {name} for name, path in paths.items()}


def test_no_module_of_the_core_imports_an_exporter() -> None:
    offenders = {
        name: sorted(i for i in imported if i.startswith("castline.exporters"))
        for name, imported in graph().items()
        if not name.startswith("castline.exporters")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_import_cycle() -> None:
    """Apart from the package's public façade (``castline/__init__.py`` re-exports the API and
    every module may read ``castline.__version__``), the imports form no cycle."""
    edges = {name: imported - {"castline"} for name, imported in graph().items()}
    edges.pop("castline")
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(edges.get(name, ())):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def strings(path: Path) -> Iterator[tuple[int, str]]:
    """The string constants of a module that are not docstrings, with their lines."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def exporter_words() -> dict[str, set[Path]]:
    """Each built-in exporter's id and media type, mapped to the modules that own them (two
    exporters may write one media type: both own it)."""
    words: dict[str, set[Path]] = {}
    for name, path in BUILT_IN.items():
        words.setdefault(name, set()).add(path)
        for line, text in strings(path):
            if (
                re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", text)
                and "media_type" in (path.read_text().splitlines()[line - 1])
            ):
                words.setdefault(text, set()).add(path)
    return words


#: Exporter ids that are also ordinary words of the domain (a front-matter field, a kind of feed
#: link, a record key; ``txt`` is the show.yaml and front matter key of ``podcast:txt``): flagged
#: only where they are used as an exporter's id.
DOMAIN_WORDS = {"chapters", "json", "html", "txt"}


def used_as_exporter_id(path: Path) -> set[int]:
    """Lines where a string is compared with something or handed to ``exporter()``/``create()``:
    the uses that name an exporter."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare):
            lines.update(c.lineno for c in ast.walk(node) if isinstance(c, ast.Constant))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) in {
            "exporter",
            "create",
        }:
            lines.update(c.lineno for c in node.args if isinstance(c, ast.Constant))
    return lines


def test_no_exporter_is_known_by_name_outside_its_module() -> None:
    words = exporter_words()
    assert {"rss", "srt", "vtt", "txt", "chapters", "text/vtt"} <= set(words)
    found = []
    for path in modules(CORE, EXPORTERS):
        as_id = used_as_exporter_id(path)
        for line, text in strings(path):
            owners = words.get(text)
            if owners is None or path in owners or (text in DOMAIN_WORDS and line not in as_id):
                continue
            found.append(f"{path.relative_to(ROOT).as_posix()}:{line}: {text!r}")
    assert found == []


def functions() -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for path in modules(CORE):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield path.relative_to(ROOT).as_posix(), node


def parameter_count(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    arguments = node.args
    named = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    count = len(named) + (arguments.vararg is not None) + (arguments.kwarg is not None)
    return count - bool(named and named[0].arg in ("self", "cls"))


def test_no_function_of_the_core_is_over_60_lines_or_6_parameters() -> None:
    long = [
        f"{path}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines"
        for path, node in functions()
        if node.end_lineno is not None and node.end_lineno - node.lineno + 1 > 60
    ]
    wide = [
        f"{path}:{node.lineno} {node.name}: {parameter_count(node)} parameters"
        for path, node in functions()
        if parameter_count(node) > 6 and (path, node.name) not in MANY_PARAMETERS
    ]
    assert long == []
    assert wide == []


@pytest.mark.parametrize(
    "path",
    list(modules(CORE, EXPORTERS, ROOT / "benchmarks")),
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_no_docstring_cites_notes_outside_the_repository(path: Path) -> None:
    tree = ast.parse(path.read_text())
    cited = [
        f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 1)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and (docstring := ast.get_docstring(node)) is not None
        and OUTSIDE_NOTES.search(docstring)
    ]
    comments = [
        f"{path.relative_to(ROOT)}:{number}"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "#" in line and OUTSIDE_NOTES.search(line.split("#", 1)[1])
    ]
    assert cited + comments == []


def test_the_public_api_is_declared() -> None:
    import castline

    expected = {
        "load_content",
        "open_content",
        "build",
        "BuildOptions",
        "BuildReport",
        "Show",
        "Episode",
        "Diagnostic",
        "Exporter",
        "PerEpisodeExporter",
        "Artifact",
        "CastlineError",
    }
    assert expected <= set(castline.__all__)
    assert all(hasattr(castline, name) for name in castline.__all__)
