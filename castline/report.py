"""Reports of a build's diagnostics, for people and for machines. Pure: text in, text out;
:mod:`castline.cli` decides where it goes.

- :func:`human_lines`: errors first, each on its line; then warnings grouped by kind (code and
  name) with a count and the first few places; ``verbose`` lists every one.
- :func:`json_report`: every diagnostic as JSON (``path``, ``line``, ``severity``, ``code``,
  ``name``, ``message``, ``episode``), valid against ``castline/data/report.schema.json``.
- :func:`sarif_report`: SARIF 2.1.0 for code-scanning tools
  (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html).
- :func:`github_annotations`: GitHub Actions workflow commands, errors first, capped within
  what GitHub displays (10 error and 10 warning annotations a step,
  https://docs.github.com/en/actions/using-workflows/workflow-commands-for-github-actions),
  with one notice saying how many were left out.
- :func:`step_summary`: a Markdown table of counts by kind for ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby

from castline.diagnostics import RULES, Diagnostic, Severity, find_rule, rule, sort_key
from castline.source import SourceRef
from castline.text import did_you_mean, plural

#: Places listed under a warning kind in the default report.
FIRST_PLACES = 3
#: GitHub's display limits for one step: error and warning annotations each.
GITHUB_ERRORS = 10
GITHUB_WARNINGS = 10
#: Annotations of one kind at most, so one noisy kind cannot hide the others.
GITHUB_PER_KIND = 3


def kind(diagnostic: Diagnostic) -> str:
    """How a diagnostic is grouped: ``L201 unknown-guest``, or ``other`` without a code."""
    found = diagnostic.rule
    return f"{found.code} {found.name}" if found is not None else "other"


def by_kind(diagnostics: Iterable[Diagnostic]) -> list[tuple[str, list[Diagnostic]]]:
    """Diagnostics grouped by kind, the largest group first, then by code; each group sorted."""
    ordered = sorted(diagnostics, key=lambda d: (kind(d), sort_key(d)))
    groups = [(name, list(group)) for name, group in groupby(ordered, key=kind)]
    return sorted(groups, key=lambda item: (-len(item[1]), item[0]))


def human_lines(diagnostics: Sequence[Diagnostic], *, verbose: bool = False) -> list[str]:
    """The default report: every error, then each warning kind with its count and first places."""
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
    lines = [str(d) for d in sorted(errors, key=sort_key)]
    if verbose:
        return lines + [str(d) for d in sorted(warnings, key=sort_key)]
    for name, group in by_kind(warnings):
        summary = group[0].rule.summary if group[0].rule is not None else "warnings"
        lines.append(f"{plural(len(group), 'warning')} {name}: {summary}")
        lines.extend(f"  {d}" for d in group[:FIRST_PLACES])
        if len(group) > FIRST_PLACES:
            lines.append(f"  {len(group) - FIRST_PLACES} more: --verbose or --report FILE")
    return lines


def as_record(diagnostic: Diagnostic, episodes: Mapping[str, str]) -> dict[str, object]:
    """One diagnostic as the JSON report writes it."""
    found = diagnostic.rule
    return {
        "path": diagnostic.source.path,
        "line": diagnostic.source.line,
        "severity": diagnostic.severity.value,
        "code": diagnostic.code or None,
        "name": found.name if found is not None else None,
        "message": diagnostic.message,
        "episode": episodes.get(diagnostic.source.path),
    }


def json_report(diagnostics: Sequence[Diagnostic], episodes: Mapping[str, str]) -> str:
    """Every diagnostic as JSON; ``episodes`` maps an episode file's path to its slug."""
    rows = [as_record(d, episodes) for d in sorted(diagnostics, key=sort_key)]
    counts = {
        "errors": sum(d.severity is Severity.ERROR for d in diagnostics),
        "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
    }
    document = {"version": 1, "counts": counts, "diagnostics": rows}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def sarif_report(diagnostics: Sequence[Diagnostic], version: str) -> str:
    """The diagnostics as a SARIF 2.1.0 log with one run of the tool ``castline``."""
    rules = sorted({d.rule for d in diagnostics if d.rule is not None}, key=lambda r: r.code)
    driver = {
        "name": "castline",
        "version": version,
        "rules": [
            {"id": r.code, "name": r.name, "shortDescription": {"text": r.summary}} for r in rules
        ],
    }
    results = [
        {
            "ruleId": d.code or "other",
            "level": d.severity.value,
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.source.path},
                        "region": {"startLine": max(d.source.line, 1)},
                    }
                }
            ],
        }
        for d in sorted(diagnostics, key=sort_key)
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _escape(text: str, *, property_value: bool = False) -> str:
    """Escape a workflow-command value (GitHub Actions' ``::error`` syntax)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(diagnostic: Diagnostic) -> str:
    """``::error file=PATH,line=N,title=CODE::MESSAGE`` (or ``::warning ...``).

    >>> from castline.model import SourceRef
    >>> github_annotation(Diagnostic.warning(SourceRef("a,b.md", 3), "50% off: 100%"))
    '::warning file=a%2Cb.md,line=3::50%25 off: 100%25'
    """
    path = _escape(diagnostic.source.path, property_value=True)
    title = f",title={_escape(kind(diagnostic), property_value=True)}" if diagnostic.code else ""
    where = f"file={path},line={diagnostic.source.line}{title}"
    return f"::{diagnostic.severity.value} {where}::{_escape(diagnostic.message)}"


def _capped(diagnostics: Sequence[Diagnostic], total: int) -> list[Diagnostic]:
    """At most :data:`GITHUB_PER_KIND` of each kind, then fill up to ``total`` in order."""
    chosen: list[Diagnostic] = []
    for _, group in sorted(by_kind(diagnostics), key=lambda item: item[0]):
        chosen.extend(group[:GITHUB_PER_KIND])
    if len(chosen) < total:
        taken = set(chosen)
        rest = [d for d in sorted(diagnostics, key=sort_key) if d not in taken]
        chosen.extend(rest[: total - len(chosen)])
    return sorted(chosen, key=sort_key)[:total]


def github_annotations(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """Annotations for GitHub Actions: errors first, each severity capped to what a step shows,
    and a notice with the number left out (the full list is in the log and ``--report``)."""
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
    shown = _capped(errors, GITHUB_ERRORS) + _capped(warnings, GITHUB_WARNINGS)
    lines = [github_annotation(d) for d in shown]
    left_out = len(diagnostics) - len(shown)
    if left_out:
        lines.append(
            f"::notice::castline: {plural(left_out, 'more problem')} not annotated "
            f"({plural(len(errors), 'error')}, {plural(len(warnings), 'warning')} in all); "
            "see the log, or write them all with --report FILE"
        )
    return lines


def step_summary(diagnostics: Sequence[Diagnostic]) -> str:
    """A Markdown table of diagnostic counts by kind and severity, errors' kinds first."""
    rows = []
    for name, group in by_kind(diagnostics):
        errors = sum(d.severity is Severity.ERROR for d in group)
        rows.append((errors == 0, name, errors, len(group) - errors))
    lines = ["## castline", "", "| kind | errors | warnings |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {e} | {w} |" for _, name, e, w in sorted(rows)]
    if not rows:
        lines.append("| (none) | 0 | 0 |")
    return "\n".join(lines) + "\n"


def apply_policy(
    diagnostics: Iterable[Diagnostic],
    ignore: Iterable[str],
    error: Iterable[str],
    where: SourceRef,
) -> list[Diagnostic]:
    """``diagnostics`` with the rules ``ignore`` selects left out and the warnings of the rules
    ``error`` selects made errors (codes or names); a selector that names no rule is a warning
    at ``where`` (show.yaml's ``diagnostics:``), with the nearest rule suggested."""
    problems: list[Diagnostic] = []
    chosen: dict[str, set[str]] = {"ignore": set(), "error": set()}
    for which, selectors in (("ignore", ignore), ("error", error)):
        for selector in selectors:
            found = find_rule(selector)
            if found is None:
                known = [*RULES, *(r.name for r in RULES.values())]
                hint = did_you_mean(selector, known)
                problems.append(
                    UNKNOWN_RULE.warning(
                        where, f"diagnostics.{which}: no rule is called '{selector}'{hint}"
                    )
                )
            else:
                chosen[which].add(found.code)
    kept = []
    for diagnostic in diagnostics:
        if diagnostic.code in chosen["ignore"]:
            continue
        if diagnostic.code in chosen["error"] and diagnostic.severity is Severity.WARNING:
            diagnostic = diagnostic.with_severity(Severity.ERROR)
        kept.append(diagnostic)
    return kept + problems


UNKNOWN_RULE = rule(
    "B901", "unknown-rule", "show.yaml's diagnostics: names a code or name no rule has"
)
