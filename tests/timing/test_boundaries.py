"""Word classes (castline.timing.boundaries): the kind of each boundary between two words."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castline.timing.boundaries import (
    KINDS,
    SENTENCE,
    boundary,
    boundary_kinds,
    reference_kinds,
)


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


#: Words of every class (castline/data/linebreaks.json), numbers, names, abbreviations,
#: initials and dashes, dressed with the punctuation and quotes that change a class.
_WORDS = st.sampled_from(
    "the a my of to in and but that not never you we is have hang out 10 ten $5 years Ann "
    "Smith I Dr. J. e.g. well storm ferry data -- - \u2013 \u2014 (quietly) [x] it's "
    "They\u2019re".split()
)
_DRESSED = st.tuples(
    st.sampled_from(["", '"', "(", "\u2018", "\u201c"]),
    _WORDS | st.text(min_size=1, max_size=6),
    st.sampled_from(["", ".", ",", "?!", ":", ";", "\u2026", ".\u201d", ",)", "\u2014"]),
).map("".join)


@given(st.lists(_DRESSED, max_size=30), st.lists(_DRESSED, max_size=30))
def test_the_cached_kinds_are_the_reference_kinds(first: list[str], second: list[str]) -> None:
    """Whatever the cache holds (words seen in another line, or not yet), the same kinds."""
    assert boundary_kinds(first) == reference_kinds(first)
    assert boundary_kinds(second) == reference_kinds(second)
    assert boundary_kinds(first + second) == reference_kinds(first + second)


def test_the_cache_starts_again_when_full_with_the_same_kinds() -> None:
    words = [f"w{n}," if n % 3 else f"W{n}" for n in range(70_000)]  # past the bound
    assert boundary_kinds(words) == reference_kinds(words)
    line = "Hello there. The crew of the ferry, and you".split()
    assert boundary_kinds(line) == reference_kinds(line)
