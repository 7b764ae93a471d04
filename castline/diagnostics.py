"""Diagnostics: the problems castline finds in content, each pinned to ``path:line``.

The core never prints. Every stage returns or raises :class:`Diagnostic` values and
:mod:`castline.cli` alone turns them into stderr lines and exit codes.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from castline.source import SourceRef


class Severity(enum.Enum):
    """How bad a diagnostic is. ``--strict`` promotes every warning to an error.

    Ordered: an error sorts before a warning at the same place.

    >>> sorted([Severity.WARNING, Severity.ERROR])
    [<Severity.ERROR: 'error'>, <Severity.WARNING: 'warning'>]
    """

    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for an error, 1 for a warning: the order diagnostics at one place are listed in."""
        return 0 if self is Severity.ERROR else 1

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


#: The longest message a diagnostic holds (a quoted value past it is cut).
MESSAGE_MAX = 1000


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem at one place in the content.

    Ordered by ``(source, severity, message)`` so a sorted list reads file by file, line by line
    (:func:`sort_key` is the same order as a key of plain values).
    ``str()`` gives the line the CLI prints: ``path:line: severity: message``.
    """

    source: SourceRef
    severity: Severity
    message: str
    #: The stable code of its kind (:class:`Rule`), e.g. ``L201``; ``""`` when it has none.
    code: str = ""

    def __post_init__(self) -> None:
        """A message is one line of at most :data:`MESSAGE_MAX` characters, whatever value it
        quotes: line breaks are shown as ``\\n``, and a longer message is cut with ``…``."""
        message = self.message
        lines = message.splitlines()  # every line boundary: \n, \r, U+2028, U+0085...
        if len(lines) > 1 or (lines and lines[0] != message):
            message = "\\n".join(lines)
        if len(message) > MESSAGE_MAX:
            message = message[: MESSAGE_MAX - 1] + "…"
        if message is not self.message:
            object.__setattr__(self, "message", message)

    def __str__(self) -> str:
        return f"{self.source}: {self.severity.value}: {self.message}"

    @classmethod
    def error(cls, source: SourceRef, message: str) -> Diagnostic:
        """An error: the object it concerns is not built."""
        return cls(source, Severity.ERROR, message)

    @classmethod
    def warning(cls, source: SourceRef, message: str) -> Diagnostic:
        """A warning: the object is built (repaired where a sound rule exists)."""
        return cls(source, Severity.WARNING, message)

    @property
    def rule(self) -> Rule | None:
        """The kind of diagnostic this is, when its code is registered."""
        return RULES.get(self.code)

    def with_severity(self, severity: Severity) -> Diagnostic:
        """The same diagnostic at another severity (``--strict``, show.yaml ``diagnostics:``)."""
        return Diagnostic(self.source, severity, self.message, self.code)


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of diagnostic: a stable short code and a kebab-case name, as linters name theirs
    (ruff's ``E501 line-too-long``, https://docs.astral.sh/ruff/rules/), and what it means.

    Codes never change meaning once published; show.yaml's ``diagnostics:`` and the reports use
    them. The first letter names the stage: ``L`` load, ``T`` timing, ``F`` feed, ``B`` build,
    ``X`` an exporter.
    """

    code: str
    name: str
    summary: str

    def error(self, source: SourceRef, message: str) -> Diagnostic:
        """An error of this kind at ``source``."""
        return Diagnostic(source, Severity.ERROR, message, self.code)

    def warning(self, source: SourceRef, message: str) -> Diagnostic:
        """A warning of this kind at ``source``."""
        return Diagnostic(source, Severity.WARNING, message, self.code)


#: Every registered rule by code, in registration order.
RULES: dict[str, Rule] = {}
_CODE = re.compile(r"^[A-Z][0-9]{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def rule(code: str, name: str, summary: str) -> Rule:
    """Register and return a rule; a code or name used twice for different rules is a
    programming error. It takes the place of a :func:`provisional_rule` of its code.

    >>> rule("Z999", "example-rule", "an example") is RULES["Z999"]
    True
    >>> del RULES["Z999"]
    """
    if not _CODE.match(code) or not _NAME.match(name):
        raise ValueError(f"rule {code} {name}: a code is a letter and 3 digits, a name kebab-case")
    if RULES.get(code) == Rule(code, name, summary) and code not in _PROVISIONAL:
        return RULES[code]  # one module imported under two names
    for known in RULES.values():
        if (code == known.code or name == known.name) and known.code not in _PROVISIONAL:
            raise ValueError(f"rule {code} {name} clashes with {known.code} {known.name}")
    for provisional in [r for r in RULES.values() if r.code == code or r.name == name]:
        del RULES[provisional.code]
        _PROVISIONAL.discard(provisional.code)
    RULES[code] = Rule(code, name, summary)
    return RULES[code]


def provisional_rule(code: str, name: str, summary: str) -> None:
    """Make a rule known by what a saved report says of it (a no-change build replays its
    diagnostics without loading the modules that define their rules). Nothing changes when
    the code is known already; the module's own :func:`rule`, if it is loaded later, takes
    this one's place.

    Raises:
        ValueError: a malformed code or name, or a name a known rule of another code has.
    """
    if code in RULES:
        return
    if not _CODE.match(code) or not _NAME.match(name):
        raise ValueError(f"rule {code} {name}: a code is a letter and 3 digits, a name kebab-case")
    if any(known.name == name for known in RULES.values()):
        raise ValueError(f"rule {code} {name}: the name of another rule")
    RULES[code] = Rule(code, name, summary)
    _PROVISIONAL.add(code)


#: The codes in :data:`RULES` that only a saved report defined (see :func:`provisional_rule`).
_PROVISIONAL: set[str] = set()


def find_rule(selector: str) -> Rule | None:
    """The rule a code (``L201``) or a name (``unknown-guest``) selects."""
    return RULES.get(selector) or next((r for r in RULES.values() if r.name == selector), None)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    """Path, line, severity (errors first), message: a key of plain values, so sorting any
    diagnostics never raises."""
    source = diagnostic.source
    return (str(source.path), int(source.line), diagnostic.severity.rank, str(diagnostic.message))


def sort_unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort diagnostics by path and line and drop repeats (two exporters may see one problem).

    >>> from castline.source import SourceRef
    >>> here = SourceRef("show.yaml", 1)
    >>> [str(d) for d in sort_unique([Diagnostic.warning(here, "w"), Diagnostic.error(here, "e")])]
    ['show.yaml:1: error: e', 'show.yaml:1: warning: w']
    """
    return sorted(set(diagnostics), key=sort_key)


def diagnostics_to_json(
    diagnostics: tuple[Diagnostic, ...] | list[Diagnostic], content: str = ""
) -> list[Any]:
    """Diagnostics as JSON lists ``[path, line, severity, message, code]``.

    ``content`` is the content folder as messages show it (``content/``, with the separator):
    paths below it are kept relative to it, so that a build run from another folder, which
    names the content folder differently, shows them as it names it.
    """
    return [
        [_relative(content, d.source.path), d.source.line, d.severity.value, d.message, d.code]
        for d in diagnostics
    ]


def _relative(content: str, path: str) -> str:
    if content and path.startswith(content):
        return path[len(content) :]
    return path if not content or os.path.isabs(path) else os.path.abspath(path)


def diagnostics_from_json(rows: list[Any], content: str = "") -> tuple[Diagnostic, ...]:
    """The inverse of :func:`diagnostics_to_json`, paths shown below ``content``: a replayed
    diagnostic keeps its code."""
    return tuple(
        Diagnostic(
            SourceRef(_below(content, str(path)), int(line)),
            Severity(severity),
            str(message),
            str(code),
        )
        for path, line, severity, message, code in rows
    )


def _below(content: str, path: str) -> str:
    return path if not content or os.path.isabs(path) else content + path


def register_all() -> None:
    """Import castline's stages and the installed exporters, so that every rule is registered."""
    import importlib
    import pkgutil

    import castline

    for module in pkgutil.walk_packages(castline.__path__, "castline."):
        if module.name != "castline.exporters":  # found through their entry points, below
            importlib.import_module(module.name)
    for entry in importlib.import_module("castline.registry").available().values():
        entry.entry_point.load()


def rule_severities(files: Iterable[str]) -> dict[str, set[Severity]]:
    """The severities each rule is emitted at in the Python source ``files``, read with
    :mod:`ast`: ``RULE.warning(``/``RULE.error(``, a reader's ``.warn(RULE, ...)``/
    ``.error(RULE, ...)``, and ``ContentError(RULE, ...)``."""
    import ast
    import sys

    names = {
        name: value.code
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("castline")
        for name, value in vars(module).items()
        if isinstance(value, Rule)
    }
    found: dict[str, set[Severity]] = {}
    for path in files:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for name, severity in _emits(node, ast):
                    if name in names:
                        found.setdefault(names[name], set()).add(severity)
    return found


def _emits(node: Any, ast: Any) -> list[tuple[str, Severity]]:
    """The (rule constant, severity) pairs one call emits."""
    func, args = node.func, node.args
    first = args[0].id if args and isinstance(args[0], ast.Name) else ""
    found: list[tuple[str, Severity]] = []
    if isinstance(func, ast.Attribute):
        if func.attr in ("warning", "error") and isinstance(func.value, ast.Name):
            found.append((func.value.id, Severity(func.attr)))
        if func.attr in ("warn", "error") and first:
            found.append((first, Severity.WARNING if func.attr == "warn" else Severity.ERROR))
    if isinstance(func, ast.Name) and func.id == "ContentError" and first:
        found.append((first, Severity.ERROR))
    return found


def source_files() -> list[str]:
    """The Python files of castline and its built-in exporters, sorted."""
    import importlib.util

    folders: list[str] = []
    for package in ("castline", "castline.exporters"):  # found, not imported: the core
        spec = importlib.util.find_spec(package)  # imports no exporter
        folders.extend((spec.submodule_search_locations or []) if spec else [])
    return sorted({str(p) for folder in folders for p in Path(folder).rglob("*.py")})


def rules_table() -> str:
    """The README's table of diagnostic codes: every registered rule, by code, with the
    severity castline emits it at. Regenerate the README section with
    ``python -c "import castline.diagnostics as d; print(d.rules_table())"``."""
    register_all()
    severities = rule_severities(source_files())
    rows = ["| code | name | severity | what it means |", "| --- | --- | --- | --- |"]
    for code in sorted(RULES):
        found = severities.get(code, set())
        shown = "both" if len(found) == 2 else next(iter(found)).value if found else "—"
        known = RULES[code]
        rows.append(f"| {code} | {known.name} | {shown} | {known.summary.replace('|', '/')} |")
    return "\n".join(rows) + "\n"
