"""Where a transcript line may be cut: each boundary between two words has a *kind*.

The kinds, from the best place to cut to the worst, follow the line-break rules of the BBC
Subtitle Guidelines (https://www.bbc.co.uk/accessibility/forproducts/guides/subtitles/,
"Line breaks") and the Netflix Timed Text Style Guide
(https://partnerhelp.netflixstudios.com/hc/en-us/articles/217350977, "Line Treatment"):
after a sentence end; at a clause boundary (after a comma, semicolon, colon or dash, or
before a bracket or dash); before a conjunction; before a preposition; between other words;
after a word a line had better not end with (a subject pronoun or an auxiliary, which may as
well be an object or a main verb: "welcome you | to the podcast"); and, worst, after an
article, determiner, possessive, preposition or conjunction, or before a negation.

:func:`boundary_kinds` classifies a line's words; the costs of cutting at each kind are
:mod:`castline.timing.segment`'s.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from importlib import resources

__all__ = [
    "BAD",
    "CLAUSE",
    "CONJUNCTION",
    "KINDS",
    "PLAIN",
    "PREPOSITION",
    "SENTENCE",
    "WEAK",
    "boundary",
    "boundary_kinds",
    "classify",
    "reference_kinds",
    "word_classes",
]

#: The kinds of boundary, best first: plain ints, as they index cost tables.
SENTENCE, CLAUSE, CONJUNCTION, PREPOSITION, PLAIN, WEAK, BAD = range(7)
#: Their names, by kind.
KINDS = ("sentence", "clause", "conjunction", "preposition", "plain", "weak", "bad")

_RSQUO, _LSQUO, _RDQUO, _LDQUO = "\u2019", "\u2018", "\u201d", "\u201c"
_EN_DASH, _EM_DASH = "\u2013", "\u2014"
_CLOSERS = "\"')]}\u00bb" + _RSQUO + _RDQUO
_OPENERS = "\"'([{\u00ab" + _LSQUO + _LDQUO
_SENTENCE_END = re.compile("[.!?\u2026]+[" + re.escape(_CLOSERS) + "]*$")
_CLAUSE_END = re.compile("[,;:" + _EN_DASH + _EM_DASH + "]+[" + re.escape(_CLOSERS) + "]*$")
_INITIAL = re.compile(r"[A-Z]\.")
_DASHES = frozenset({"-", "--", _EN_DASH, _EM_DASH})


def _word_lists() -> dict[str, frozenset[str]]:
    """The word classes of ``castline/data/linebreaks.json`` (package data), by name."""
    text = resources.files("castline.data").joinpath("linebreaks.json").read_text("utf-8")
    data = json.loads(text)
    return {name: frozenset(words) for name, words in data.items() if isinstance(words, list)}


_LISTS = _word_lists()
_ABBREVIATIONS = frozenset(
    "mr. mrs. ms. dr. prof. sr. jr. st. vs. e.g. i.e. cf. approx. no. ca. fig.".split()
)
_CONJUNCTIONS = _LISTS["conjunctions"]
_PREPOSITIONS = _LISTS["prepositions"] - {"of", "to"}
#: Words a line should not end with: articles, determiners, possessives, prepositions, and
#: conjunctions (the conjunction starts the next line).
_NO_BREAK_AFTER = (
    _LISTS["articles"]
    | _LISTS["determiners"]
    | _LISTS["possessives"]
    | _LISTS["prepositions"]
    | _CONJUNCTIONS
)
#: Words a line had better not end with: subject pronouns and auxiliaries.
_WEAK_BREAK_AFTER = _LISTS["subject_pronouns"] | _LISTS["auxiliaries"] | {"that"}
_AUXILIARIES = _LISTS["auxiliaries"]
#: Particles of phrasal verbs ("hang out"), units after a number ("10 years").
_PARTICLES = _LISTS["particles"]
_UNITS = _LISTS["units"]
_NEGATIONS = _LISTS["negations"]
_NUMBER = re.compile(r"[$\u20ac\u00a3]?\d[\d,.]*[%kKmMbB]?")
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:[-'][A-Za-z]+)?")


def _bare(word: str) -> str:
    return word.strip(_CLOSERS + _OPENERS).lower().replace(_RSQUO, "'")


# A boundary's kind depends on what the word before it is as the last word of a cue or line
# (``_B_*``) and on what the word after it is as the first (``_A_*``), so each word is
# classified once (and cached: the regular expressions are most of the cost of a line).
_B_SENTENCE, _B_CLAUSE, _B_NO_BREAK, _B_WEAK, _B_OTHER, _B_NUMBER, _B_NAME, _B_AUX = range(8)
(
    _A_CLAUSE,
    _A_NEGATION,
    _A_CONJUNCTION,
    _A_PREPOSITION,
    _A_OF,
    _A_OTHER,
    _A_PARTICLE,
    _A_UNIT,
    _A_NAME,
) = range(9)


def _as_before(word: str, bare: str) -> int:
    """What ``word`` (:func:`_bare`: ``bare``) is as the last word before a cut."""
    if (
        _SENTENCE_END.search(word)
        and word.lower() not in _ABBREVIATIONS
        and not _INITIAL.fullmatch(word)  # an initial: "J. Smith"
    ):
        return _B_SENTENCE
    if _CLAUSE_END.search(word) or word in _DASHES:
        return _B_CLAUSE
    if bare in _NO_BREAK_AFTER:
        return _B_NO_BREAK
    if bare in _AUXILIARIES:
        return _B_AUX
    if bare in _WEAK_BREAK_AFTER:
        return _B_WEAK
    if _NUMBER.fullmatch(bare) or bare in _LISTS["determiners"]:
        return _B_NUMBER
    if _CAPITALISED.fullmatch(word) and bare != "i":
        return _B_NAME
    return _B_OTHER


def _as_after(word: str, bare: str) -> int:
    """What ``word`` (:func:`_bare`: ``bare``) is as the first word after a cut."""
    if word in _DASHES or word[:1] in "([":
        return _A_CLAUSE
    if bare in _NEGATIONS:
        return _A_NEGATION
    if bare in _CONJUNCTIONS or bare == "that":
        return _A_CONJUNCTION
    if bare in _PREPOSITIONS or bare == "to":
        return _A_PREPOSITION
    if bare == "of":
        return _A_OF
    if bare in _PARTICLES:
        return _A_PARTICLE
    if bare in _UNITS:
        return _A_UNIT
    if _CAPITALISED.fullmatch(word.rstrip(".,;:!?")):
        return _A_NAME
    return _A_OTHER


def _combine(before: int, after: int) -> int:
    """The kind of boundary between a word classed ``before`` and one classed ``after``."""
    if before == _B_SENTENCE:
        return SENTENCE
    if before == _B_CLAUSE or after == _A_CLAUSE:
        return CLAUSE
    if before == _B_NO_BREAK or after == _A_NEGATION:
        return BAD
    if (before == _B_NUMBER and after == _A_UNIT) or (before == _B_NAME and after == _A_NAME):
        return BAD  # "10 / years", "Ann / Smith"
    if before == _B_AUX:
        return WEAK  # "we have / so many": an auxiliary or a verb's first part
    if after == _A_CONJUNCTION:
        return CONJUNCTION
    if after == _A_PREPOSITION:
        return PREPOSITION
    if before == _B_WEAK or after in (_A_OF, _A_PARTICLE):
        return WEAK  # "hang / out"
    return PLAIN


#: ``_TABLE[before][after]``: :func:`_combine` for every pair of classes.
_TABLE = tuple(tuple(_combine(before, after) for after in range(9)) for before in range(8))

#: Each word's row of _TABLE (as the word before a boundary) and class as the word after
#: one, cached per word in one entry: classifying takes regular expressions, and most words
#: recur (200 real episodes hold 49,532 distinct tokens in 1.2 M words). Bounded: past
#: :data:`_CACHED_WORDS` words (about 10 MB: the word, a dict slot, a pair, a shared row) the
#: cache starts again, so a worker building thousands of episodes holds a fixed amount, and
#: what recurs is classified again once.
_CLASSES: dict[str, tuple[tuple[int, ...], int]] = {}
_CACHED_WORDS = 1 << 16


def boundary_kinds(words: Sequence[str]) -> list[int]:
    """``kinds[i]``: the kind of boundary before ``words[i]``; :data:`SENTENCE` before the first.

    >>> [KINDS[kind] for kind in boundary_kinds("Hi. We met the crew and".split())]
    ['sentence', 'sentence', 'weak', 'plain', 'bad', 'conjunction']
    """
    try:
        classes = list(map(_CLASSES.__getitem__, words))
    except KeyError:
        classify(words)
        classes = list(map(_CLASSES.__getitem__, words))
    return [SENTENCE, *(row[after] for (row, _), (_, after) in itertools.pairwise(classes))]


def classify(words: Sequence[str]) -> None:
    """Put every one of ``words`` in the cache of :func:`boundary_kinds` (:data:`_CLASSES`: its
    row of the kinds table as the word before a boundary and its class as the word after one),
    first emptying it when it holds more than :data:`_CACHED_WORDS`."""
    if len(_CLASSES) > _CACHED_WORDS:
        _CLASSES.clear()
    for word in words:
        if word in _CLASSES:
            continue
        bare = _bare(word)
        _CLASSES[word] = (_TABLE[_as_before(word, bare)], _as_after(word, bare))


def word_classes() -> dict[str, tuple[tuple[int, ...], int]]:
    """The cache :func:`classify` fills, for the native engine: ``kinds[k]`` of
    :func:`boundary_kinds` is ``row[after]`` where ``row`` is the first of
    ``classes[words[k - 1]]`` and ``after`` the second of ``classes[words[k]]``.

    >>> classes = word_classes()
    >>> classify(["the", "crew"])
    >>> KINDS[classes["the"][0][classes["crew"][1]]]
    'bad'
    """
    return _CLASSES


def reference_kinds(words: Sequence[str]) -> list[int]:
    """:func:`boundary_kinds` without the cache: every word classified afresh (the reference
    the cached function is tested against).

    >>> reference_kinds("Hi. We met the crew and".split()) == boundary_kinds(
    ...     "Hi. We met the crew and".split()
    ... )
    True
    """
    classes = [(_as_before(word, _bare(word)), _as_after(word, _bare(word))) for word in words]
    return [SENTENCE] + [
        _combine(before[0], after[1]) for before, after in itertools.pairwise(classes)
    ]


def boundary(before: str, after: str) -> int:
    """The kind of boundary between two words (a cut goes before ``after``).

    >>> KINDS[boundary("welcome.", "Today")], KINDS[boundary("the", "data")]
    ('sentence', 'bad')
    """
    return boundary_kinds([before, after])[1]
