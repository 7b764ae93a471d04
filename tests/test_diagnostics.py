"""Diagnostics: ordered severities, a sort that never raises, one-line messages."""

from __future__ import annotations

import pytest

from castline import diagnostics
from castline.diagnostics import (
    MESSAGE_MAX,
    Diagnostic,
    Rule,
    Severity,
    provisional_rule,
    rule,
    sort_unique,
)
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


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> dict[str, Rule]:
    """The registry, restored after the test."""
    monkeypatch.setattr(diagnostics, "RULES", dict(diagnostics.RULES))
    monkeypatch.setattr(diagnostics, "_PROVISIONAL", set())
    return diagnostics.RULES


def test_a_provisional_rule_is_known_until_its_module_defines_it(rules: dict[str, Rule]) -> None:
    provisional_rule("Z901", "saved-rule", "as a saved report tells it")
    assert rules["Z901"] == Rule("Z901", "saved-rule", "as a saved report tells it")
    provisional_rule("Z901", "other-name", "ignored: the code is known")
    assert rules["Z901"].name == "saved-rule"
    assert rule("Z901", "saved-rule", "as the module tells it") is rules["Z901"]
    assert rules["Z901"].summary == "as the module tells it"
    with pytest.raises(ValueError, match="clashes with Z901 saved-rule"):
        rule("Z901", "saved-rule", "a third summary")  # the module's own is no longer provisional


def test_a_provisional_rule_gives_way_to_a_module_rule_of_its_name(rules: dict[str, Rule]) -> None:
    provisional_rule("Z902", "renamed-rule", "a saved report's")
    assert rule("Z903", "renamed-rule", "the module's").code == "Z903"
    assert "Z902" not in rules


def test_a_provisional_rule_never_takes_a_known_name_or_a_bad_code(rules: dict[str, Rule]) -> None:
    known = next(iter(rules.values()))
    with pytest.raises(ValueError, match="the name of another rule"):
        provisional_rule("Z904", known.name, "forged")
    with pytest.raises(ValueError, match="a code is a letter and 3 digits"):
        provisional_rule("nope", "fine-name", "forged")
    assert "Z904" not in rules
