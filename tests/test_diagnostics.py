"""Diagnostics: ordered severities, a sort that never raises, one-line messages."""

from __future__ import annotations

from castline.diagnostics import MESSAGE_MAX, Diagnostic, Severity, sort_unique
from castline.model import SourceRef

HERE = SourceRef("show.yaml", 1)


def test_an_error_and_a_warning_on_one_line_sort_errors_first() -> None:
    found = sort_unique([Diagnostic.warning(HERE, "w"), Diagnostic.error(HERE, "e")])
    assert [d.severity for d in found] == [Severity.ERROR, Severity.WARNING]


def test_a_message_quoting_line_breaks_stays_one_line() -> None:
    diagnostic = Diagnostic.warning(HERE, "'assets_url' a\na\r\nb is not https")
    assert str(diagnostic) == "show.yaml:1: warning: 'assets_url' a\\na\\nb is not https"


def test_a_message_quoting_a_huge_value_is_cut() -> None:
    diagnostic = Diagnostic.error(HERE, "'title' " + "x" * 5000)
    assert len(diagnostic.message) == MESSAGE_MAX
    assert diagnostic.message.endswith("x…")


def test_unicode_line_separators_in_a_message_stay_on_one_line() -> None:
    diagnostic = Diagnostic.warning(HERE, "people folder '\u2028\u2029x' is missing")
    assert len(str(diagnostic).splitlines()) == 1
    assert str(diagnostic) == "show.yaml:1: warning: people folder '\\n\\nx' is missing"
