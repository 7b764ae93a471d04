"""The native engine's cues of an episode (``Model.cues``, castline/timing/_cue_engine.c): the
whole of ``build_cues`` after the speakers' names and before a negative offset's clipping, in one
call. ``build_cues`` under ``CASTLINE_ENGINE=python`` (every line cut, labelled and timed in
Python) is the reference: the two give the same cues and the same warnings, and where a value
leaves 64 bits the whole episode goes to the Python engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castline.diagnostics import Diagnostic
from castline.load import load_content
from castline.model import SourceRef, Utterance
from castline.timing import cues as cue_module
from castline.timing import engine as engines
from castline.timing import segment
from castline.timing.boundaries import classify, word_classes
from castline.timing.cues import UNKNOWN_CHANGE, Cue, CuePolicy, build_cues, speaker_name
from castline.timing.segment import NATIVE_MODEL
from castline.timing.spans import TimedLine, episode_timing
from tests.timing.leaks import assert_leaves_nothing
from tests.timing.strategies import paragraphs

pytestmark = pytest.mark.skipif(NATIVE_MODEL is None, reason="the native engine is not built")

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

Built = tuple[tuple[Cue, ...], tuple[Diagnostic, ...]]


@contextmanager
def _counting_python_cues() -> Iterator[list[int]]:
    """The calls of the Python engine's episode path (``cues._python_cues``), counted."""
    calls: list[int] = []
    reference = cue_module._python_cues

    def counted(*arguments: Any) -> Any:
        calls.append(1)
        return reference(*arguments)

    with mock.patch.object(cue_module, "_python_cues", counted):
        yield calls


def _build_by(
    engine: str, lines: Sequence[TimedLine], policy: CuePolicy, offset_ms: int
) -> tuple[Built, int]:
    """build_cues by ``engine`` (as ``CASTLINE_ENGINE`` picks it) and how many times it ran the
    Python engine's episode path."""
    with mock.patch.dict(os.environ, {"CASTLINE_ENGINE": engine}), _counting_python_cues() as calls:
        built = build_cues(lines, policy, offset_ms=offset_ms)
    return built, len(calls)


def _same_by_both(lines: Sequence[TimedLine], policy: CuePolicy, offset_ms: int = 0) -> int:
    """Assert both engines build the same cues and warnings; return the native engine's
    fallbacks to the Python one (0 or 1)."""
    native, fallbacks = _build_by("native", lines, policy, offset_ms)
    python, python_calls = _build_by("python", lines, policy, offset_ms)
    assert python_calls == 1
    assert native == python
    assert [type(cue) for cue in native[0]] == [Cue] * len(native[0])
    return fallbacks


# --- Generated episodes -------------------------------------------------------------------

_words_of_one_length = st.lists(st.sampled_from(["abcd", "efgh.", "ijkl,", "the", "and"]))
_texts = st.one_of(
    paragraphs,
    _words_of_one_length.map(" ".join),
    st.sampled_from(["", "   ", "\n\t", "Hi.", "x" * 90, "a " * 50]),
)
_speakers = st.sampled_from(
    [None, "Ann", "Bob", " Ann: ", ":", "", ">>", "Dr. Ann O'Neil", "Ann, Bob", "Yes. I think so",
     "A" * 39, "B" * 41, "Maria de la Cruz Fernández", UNKNOWN_CHANGE]
)  # fmt: skip
#: Times from 0 to near 2**62, and past 2**63 (where the native engine hands the episode over).
_times = st.one_of(
    st.integers(0, 10_000_000),
    st.integers(-100_000, 100_000),
    st.integers(2**62 - 10**6, 2**62 + 10**6),
    st.integers(2**63 - 10**4, 2**64),
)
_spans = st.one_of(st.just(0), st.integers(-5000, 5000), st.integers(0, 300_000), _times)


@st.composite
def _timed_lines(draw: st.DrawFn) -> list[TimedLine]:
    """Timed lines as time_transcript gives them and worse: equal, backwards, degenerate,
    zero-length and huge spans, stamped or not, with or without words."""
    count = draw(st.integers(0, 6))
    lines = []
    start = draw(_times)
    for number in range(count):
        if draw(st.booleans()):
            start = draw(st.one_of(st.just(start), _times))
        end = start + draw(_spans)
        utterance = Utterance(draw(_texts), draw(_speakers), None, SourceRef("ep.md", number + 1))
        lines.append(TimedLine(utterance, start, end, draw(st.booleans())))
        start = end if draw(st.booleans()) else start
    return lines


_small = st.integers(0, 5000)
_huge = st.integers(2**62, 2**64)


@st.composite
def _policies(draw: st.DrawFn) -> CuePolicy:
    """Any policy: tiny and huge widths, durations, speeds and gaps, every label mode."""
    min_cue = draw(st.one_of(_small, st.sampled_from([0, 833]), _huge))
    max_cue = min_cue + draw(st.one_of(st.just(0), _small, st.just(7000), _huge))
    return CuePolicy(
        max_chars_per_line=draw(st.one_of(st.integers(1, 60), _huge)),
        max_lines=draw(st.integers(1, 3)),
        min_cue_ms=min_cue,
        max_cue_ms=max(1, max_cue),
        target_cps=draw(st.one_of(st.integers(1, 40), _huge)),
        max_cps=draw(st.one_of(st.integers(1, 40), _huge)),
        min_gap_ms=draw(st.one_of(_small, st.just(83), _huge)),
        speaker_labels=draw(st.sampled_from(["none", "change", "every"])),
    )


_offsets = st.one_of(st.just(0), st.integers(-20_000, 20_000), st.integers(-(2**64), 2**64))


@PROPERTY
@given(_timed_lines(), _policies(), _offsets)
def test_the_native_cues_are_the_python_ones(
    lines: list[TimedLine], policy: CuePolicy, offset_ms: int
) -> None:
    _same_by_both(lines, policy, offset_ms)


@PROPERTY
@given(
    st.lists(st.tuples(_texts, _speakers, st.booleans()), max_size=8),
    st.sampled_from([CuePolicy(), CuePolicy(speaker_labels="every", max_lines=3),
                     CuePolicy(speaker_labels="change", max_chars_per_line=12)]),
)  # fmt: skip
def test_the_native_cues_of_ordinary_timings_need_no_fallback(
    lines: list[tuple[str, str | None, bool]], policy: CuePolicy
) -> None:
    """Lines two seconds apart: within 64 bits, so the native engine builds them itself."""
    timed = [
        TimedLine(
            Utterance(text, who, None, SourceRef("ep.md", k + 1)), 2000 * k, 2000 * k + 1900, s
        )
        for k, (text, who, s) in enumerate(lines)
    ]
    assert _same_by_both(timed, policy) == 0


class _CountingModel:
    """The native model, its ``lines`` calls counted: all of them, and those that returned."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.calls = self.made = 0

    def lines(self, *arguments: Any) -> Any:
        self.calls += 1
        lines = self.model.lines(*arguments)
        self.made += 1
        return lines

    def cues(self, *arguments: Any) -> Any:
        return self.model.cues(*arguments)


#: Policies that cut many lines alike (the same width and durations, labels or none): the
#: native engine keeps each line's last cut for the next policy that cuts it alike.
_caption_policies = st.one_of(
    _policies(),
    st.sampled_from(
        [CuePolicy(), CuePolicy(speaker_labels="change"), CuePolicy(speaker_labels="every")]
    ),
)


@st.composite
def _ordinary_lines(draw: st.DrawFn) -> list[TimedLine]:
    """Lines two seconds apart, each with any text and speaker: within 64 bits."""
    lines = draw(st.lists(st.tuples(_texts, _speakers, st.booleans()), max_size=8))
    return [
        TimedLine(
            Utterance(text, who, None, SourceRef("ep.md", k + 1)), 2000 * k, 2000 * k + 1900, s
        )
        for k, (text, who, s) in enumerate(lines)
    ]


@PROPERTY
@given(
    st.one_of(_timed_lines(), _ordinary_lines()), _caption_policies, _caption_policies,
    st.booleans(),
)  # fmt: skip
def test_an_episode_under_two_policies_shares_its_lines(
    lines: list[TimedLine], first: CuePolicy, second: CuePolicy, reset: bool
) -> None:
    """A tuple of lines (an episode's timing) is split and classified once for every policy it
    is cut under, in either order and back again, the word cache emptied in between or not; a
    line cut alike under both is cut once, and one whose cuts differ only in the first cue's
    room (a label) is searched once: the cues are the Python engine's for each."""
    expected = {policy: _build_by("python", lines, policy, 0)[0] for policy in (first, second)}
    for order in ((first, second), (second, first), (first, second, first)):
        timed = tuple(lines)  # a new episode's timing
        counting = _CountingModel(NATIVE_MODEL)
        built = []
        with (
            mock.patch.object(cue_module, "NATIVE_MODEL", counting),
            mock.patch.dict(os.environ, {"CASTLINE_ENGINE": "native"}),
        ):
            for number, policy in enumerate(order):
                if reset and number:
                    word_classes().clear()
                built.append(build_cues(timed, policy))
        assert built == [expected[policy] for policy in order]
        # once, or (a value past 64 bits) never made and each policy built by Python; () is
        # one object, which the last order may have prepared already
        made_once = {(1, 1), (len(order), 0)} if lines else {(0, 0), (1, 1)}
        assert (counting.calls, counting.made) in made_once


def _line(text: str, start: int, end: int, speaker: str | None = "Ann") -> TimedLine:
    return TimedLine(Utterance(text, speaker, None, SourceRef("ep.md", 1)), start, end, True)


@pytest.mark.parametrize(
    ("lines", "offset_ms"),
    [
        ([_line("Hello there. " * 3, 2**63 - 2, 2**63 + 5000)], 0),  # a line past 2**63
        ([_line("Hi.", 0, 900), _line("Bye.", 1000, 2**64)], 0),  # the last line's end
        ([_line("Hello there.", 2**62, 2**62 + 3000)], 2**62),  # the offset cues
        ([_line("Hello there.", 0, 3000)], 2**63),  # the offset itself
        ([_line("Hi.", 2**63 - 1000, 2**63 - 1)], 0),  # a cue lengthened past 2**63
    ],
)
def test_values_past_64_bits_send_the_episode_to_the_python_engine(
    lines: list[TimedLine], offset_ms: int
) -> None:
    assert _same_by_both(lines, CuePolicy(speaker_labels="every"), offset_ms) == 1


class _Text(str):
    """A str subclass, as a line's text may be."""

    __slots__ = ()


@pytest.mark.parametrize(
    "text",
    [
        "Hello there, and welcome to the show.",  # its own joined text
        "Hello\tthere, and welcome\nto the show.",
        "Hello  there, and welcome to the show.",
        " Hello there, and welcome to the show.",
        "Hello there, and welcome to the show. ",
        "Hello\u00a0there, and\u2003welcome to the\u3000show.",
        _Text("Hello there, and welcome to the show."),
    ],
)
def test_a_line_is_cut_as_its_words_joined_by_single_spaces(text: str) -> None:
    lines = [_line(text, 0, 6000), _line(text, 6000, 9000, "Bob")]
    for policy in (CuePolicy(max_chars_per_line=9, max_lines=3), CuePolicy()):
        assert _same_by_both(tuple(lines), policy) == 0
        cues, _ = build_cues(tuple(lines), policy)
        assert {type(line) for cue in cues for line in cue.lines} == {str}


def test_values_within_64_bits_stay_native() -> None:
    lines = [_line("Hello there. How are you today?", 2**62, 2**62 + 3000), _line("Fine.", 0, 10)]
    assert _same_by_both(lines, CuePolicy(speaker_labels="change"), -(2**61)) == 0


# --- The corpus ---------------------------------------------------------------------------


def test_every_corpus_episode_by_both_engines(corpus: Path) -> None:
    policies = [
        CuePolicy(speaker_labels="change"),
        CuePolicy(),
        CuePolicy(speaker_labels="every", max_lines=3, max_chars_per_line=32),
    ]
    episodes = load_content(corpus).episodes
    assert episodes
    for episode in episodes:
        lines, _ = episode_timing(episode)
        for policy in policies:
            assert _same_by_both(lines, policy, -90_000 if policy.max_lines == 3 else 0) == 0


# --- Inputs and memory --------------------------------------------------------------------


def _arguments(lines: Sequence[TimedLine], values: tuple[int, ...], mode: int) -> list[Any]:
    """Model.lines's arguments, then Model.cues's after the lines."""
    return [lines, speaker_name, word_classes(), classify, values, mode, UNKNOWN_CHANGE, Cue]


def _cues(arguments: Sequence[Any]) -> Any:
    """Model.cues of Model.lines: the native engine's build_cues."""
    assert NATIVE_MODEL is not None
    return NATIVE_MODEL.cues(NATIVE_MODEL.lines(*arguments[:4]), *arguments[4:])


_VALUES = (42, 2, 833, 7000, 17, 20, 83, 0)


def _cues_error(position: int, value: object) -> str:
    """The message Model.lines or Model.cues raises with argument ``position`` of
    :func:`_arguments` replaced by ``value``."""
    arguments = _arguments([_line("Hello and welcome. Today we talk.", 0, 3000)], _VALUES, 1)
    arguments[position] = value
    with pytest.raises((TypeError, ValueError, OverflowError, KeyError)) as raised:
        _cues(arguments)
    return f"{type(raised.value).__name__}: {raised.value}"


def test_cues_inputs_are_checked() -> None:
    assert _cues_error(0, 7) == "TypeError: timed_lines must be a sequence"
    assert _cues_error(4, (42, 2)) == "TypeError: the policy is not a tuple of 8 ints"
    assert _cues_error(4, (0, *_VALUES[1:])) == "ValueError: a policy value is out of range"
    assert _cues_error(4, (*_VALUES[:7], 2**64)) == "OverflowError: a policy value leaves 64 bits"
    assert _cues_error(5, 3) == "ValueError: a policy value is out of range"
    assert _cues_error(1, lambda speaker: 5) == "TypeError: a speaker's name is not a str"
    assert _cues_error(2, {}) == "KeyError: 'a word is not classified'"  # classify fills another
    words = "Hello and welcome. Today we talk.".split()
    classify(words)
    classes = {word: word_classes()[word] for word in words}
    assert _cues_error(2, {**classes, "Hello": ()}) == (
        "TypeError: a cached entry is not a (row, class) pair"
    )
    assert _cues_error(2, {**classes, "Hello": ((), 0)}) == (
        "ValueError: a cached class is not a column of its row"
    )
    assert _cues_error(2, {**classes, "Hello": ((9,) * 9, 0)}) == (
        "ValueError: a cached kind is not a kind"
    )
    assert _cues_error(7, int) == "TypeError: the cue type is not a plain class"
    assert _cues_error(7, type("Plain", (), {})) == "TypeError: the cue type has no slot start_ms"
    not_text: Any = b"Hi"
    not_ms: Any = 0.5
    assert _cues_error(0, [_line(not_text, 0, 10)]) == "TypeError: a line's text is not a str"
    assert _cues_error(0, [_line("Hi", not_ms, 10)]) == (
        "TypeError: a timed line's time is not an int"
    )


def test_cues_take_only_lines_of_their_own_model() -> None:
    assert NATIVE_MODEL is not None and engines.native_model is not None
    arguments = _arguments([_line("Hello there.", 0, 3000)], _VALUES, 0)
    other = engines.native_model(
        segment._NATIVE_UNITS, segment._LAYOUT_BREAK_UNITS, segment._NATIVE_COSTS,
        segment._EXACT_LIMIT,
    )  # fmt: skip
    with pytest.raises(ValueError) as raised:
        NATIVE_MODEL.cues(other.lines(*arguments[:4]), *arguments[4:])
    assert str(raised.value) == "the lines were prepared by another model"
    with pytest.raises(TypeError) as wrong:
        NATIVE_MODEL.cues(arguments[0], *arguments[4:])
    assert str(wrong.value) == (
        "cues() argument 1 must be castline.timing._cue_engine.Lines, not list"
    )


def test_cues_of_no_line_and_lines_without_words() -> None:
    assert _cues(_arguments([], _VALUES, 0)) == ((), [])
    assert _cues(_arguments([_line(" \n", 0, 10)], _VALUES, 2)) == ((), [])


def test_cues_leave_no_block_and_no_reference() -> None:
    """Hundreds of episodes, failed ones included, leave no block allocated and no reference
    to their arguments."""
    assert NATIVE_MODEL is not None
    model = NATIVE_MODEL
    text = "Hello and welcome. Today we talk about captions, and the ferry timetable. " * 6
    lines = [
        _line(text, 0, 60_000),
        _line(text, 60_000, 61_000, None),
        _line("Hi.", 61_000, 61_500),
    ]
    good = _arguments(lines, _VALUES, 2)
    past = _arguments([*lines, _line("Hi.", 2**63 - 10, 2**63 - 1)], _VALUES, 1)
    planned_past = _arguments([_line("Hello there.", 0, 2**62)], _VALUES, 1)
    prepared = model.lines(*good[:4])

    def overflows(call: Any, *arguments: Any) -> bool:
        """Whether the call raises OverflowError (pytest.raises keeps a traceback alive)."""
        try:
            call(*arguments)
        except OverflowError:
            return True
        return False

    def run() -> None:
        for _ in range(200):
            model.cues(model.lines(*good[:4]), *good[4:])
            model.cues(prepared, *past[4:])  # lines cut again under another policy
            assert overflows(model.cues, model.lines(*past[:4]), *past[4:])
            assert overflows(model.lines, *planned_past[:4])

    assert_leaves_nothing(run, [*good, *lines])
