"""Word classes (castline.timing.boundaries): the kind of each boundary between two words."""

from __future__ import annotations

import itertools

import pytest

from castline.timing.boundaries import KINDS, SENTENCE, boundary, boundary_kinds


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("welcome.", "Today", "sentence"),
        ("really?\u201d", "she", "sentence"),
        ("Dr.", "Smith", "plain"),  # an abbreviation
        ("J.", "Smith", "plain"),  # an initial
        ("storm,", "although", "clause"),
        ("well", "\u2014", "clause"),
        ("said", "(quietly)", "clause"),
        ("ferry", "and", "conjunction"),
        ("that", "not", "bad"),
        ("harbour", "through", "preposition"),
        ("go", "to", "preposition"),
        ("the", "data", "bad"),
        ("in", "data", "bad"),
        ("you", "today", "weak"),
        ("\u2018Can\u2019t", "stop", "weak"),
        ("cup", "of", "weak"),
        ("ferry", "timetable", "plain"),
        # Phrasal verbs, number + unit, name + surname, auxiliaries (castline/data/linebreaks.json).
        ("hang", "out", "weak"),
        ("10", "years", "bad"),
        ("ten", "years", "bad"),
        ("Alexey", "Grigorev", "bad"),
        ("we", "have", "weak"),
        ("have", "so", "weak"),
        ("is", "that", "weak"),
        ("it", "from", "preposition"),  # an object pronoun: "about it / from"
        ("They\u2019re", "never", "bad"),
    ],
)
def test_boundary_kinds(before: str, after: str, kind: str) -> None:
    assert KINDS[boundary(before, after)] == kind


def test_a_line_starts_at_a_sentence_boundary_and_classes_are_cached_alike() -> None:
    words = "Hello there. The crew of the ferry, and you".split()
    first = boundary_kinds(words)
    assert first[0] == SENTENCE
    assert first == [SENTENCE, *(boundary(a, b) for a, b in itertools.pairwise(words))]
    assert boundary_kinds(words) == first
