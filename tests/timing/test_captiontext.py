"""Caption text (castline/timing/captiontext.py): the native ``caption_text`` of the cue engine
(castline/timing/_cue_engine.c) against :func:`python_caption_text`, the reference, on generated
cues and forms (markup, arrows, blank lines, leading line breaks, cues without lines, times past
99 hours and past 64 bits, text of every width, lone surrogates) and on the corpus's cues as
the SubRip and WebVTT exporters make them. A cue the native code hands back is written by the
reference, so the text is the same either way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import srt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castline.clean import clean_episode
from castline.exporters.subrip import SUBRIP_TEXT, SubripExporter
from castline.exporters.webvtt import WEBVTT_TEXT, WebvttExporter
from castline.load import load_content
from castline.model import SourceRef
from castline.timing import captiontext
from castline.timing.captiontext import CaptionText, caption_text, python_caption_text
from castline.timing.cues import Cue
from castline.timing.engine import native_caption_text
from tests.timing.leaks import assert_leaves_nothing

native = pytest.mark.skipif(native_caption_text is None, reason="the native engine is not built")

#: Five times the profile's examples: a form has many parts, and both writers are cheap.
PROPERTY = settings(
    max_examples=5 * settings().max_examples,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SRC = SourceRef("e.md", 3)
#: The first time the native code does not write (it hands the text back to the reference).
PAST_64_BITS = 2**63


@contextmanager
def _counting_reference() -> Iterator[list[int]]:
    """The calls of the reference (``captiontext.python_caption_text``) by ``caption_text``."""
    calls: list[int] = []

    def counted(*arguments: Any) -> str:
        calls.append(1)
        return python_caption_text(*arguments)

    with mock.patch.object(captiontext, "python_caption_text", counted):
        yield calls


def _same_by_both(form: CaptionText, cues: Sequence[Cue], head: str = "") -> tuple[str, int]:
    """Assert that ``caption_text`` writes what the reference writes (the same str, of the same
    width); return the text and how often ``caption_text`` handed it to the reference."""
    with mock.patch.dict(os.environ, {"CASTLINE_ENGINE": "native"}), _counting_reference() as calls:
        text = caption_text(form, cues, head)
    expected = python_caption_text(form, cues, head)
    assert text == expected
    assert text.encode("utf-8", "surrogatepass") == expected.encode("utf-8", "surrogatepass")
    return text, len(calls)


# --- Generated cues and forms -------------------------------------------------------------

_odd = st.sampled_from(
    ["<", ">", "&", "-->", "\n", "\n\n", " ", "&amp;", "\u2039", "\u00e9", "\U0001f600", "\ud800"]
)
_texts = st.lists(st.one_of(_odd, st.text(max_size=6)), max_size=6).map("".join)
_times = st.one_of(
    st.integers(0, 10**7),
    st.integers(99 * 3_600_000, 10**12),
    st.integers(0, PAST_64_BITS - 1),
    st.integers(PAST_64_BITS, 2**70),
)
_speakers = st.one_of(st.none(), st.sampled_from(["Ann", " Theo: ", ":", "Q&A <host>"]), _texts)
_labels = st.one_of(st.sampled_from(["", "Ann: ", ">> "]), _texts)
_lines = st.lists(_texts, max_size=4).map(tuple)


@st.composite
def _cue_lists(draw: st.DrawFn) -> list[Cue]:
    """Cues, each starting at the previous end or anywhere."""
    cues: list[Cue] = []
    for _ in range(draw(st.integers(0, 6))):
        follows = draw(st.booleans())
        start = cues[-1].end_ms if cues and follows else draw(_times)
        speaker, lines, label = draw(_speakers), draw(_lines), draw(_labels)
        cues.append(Cue(start, draw(_times), speaker, lines, SRC, label))
    return cues


def _tag(speaker: str | None) -> str:
    return "" if speaker is None or speaker.startswith(":") else f"[{speaker}]"


_forms = st.one_of(
    st.just(SUBRIP_TEXT),
    st.just(WEBVTT_TEXT),
    st.builds(
        CaptionText,
        separator=st.sampled_from([",", "."]),
        escapes=st.sampled_from(
            [
                (),
                (("<", "\u2039"), (">", "\u203a")),
                (("&", "&amp;"), ("<", "&lt;")),
                (("\n", "|"),),
            ]
        ),
        numbered=st.booleans(),
        block_start=_texts,
        block_end=_texts,
        tail=_texts,
        voice=st.sampled_from([None, _tag, lambda speaker: "\U0001f600"]),
        voice_end=_texts,
        # The library's repair, one that drops what it is given, one that keeps it.
        legal=st.sampled_from([None, srt.make_legal_content, lambda text: "", str.upper]),
    ),
)


@native
@PROPERTY
@given(_forms, _cue_lists(), _texts)
def test_native_text_is_the_reference_text(form: CaptionText, cues: list[Cue], head: str) -> None:
    """Byte for byte the reference's text, written natively unless a time leaves 64 bits."""
    _, handed_back = _same_by_both(form, cues, head)
    past = any(time >= PAST_64_BITS for cue in cues for time in (cue.start_ms, cue.end_ms))
    assert handed_back == int(past)


@PROPERTY
@given(_forms, _cue_lists(), _texts)
def test_the_python_engine_writes_the_reference_text(
    form: CaptionText, cues: list[Cue], head: str
) -> None:
    with mock.patch.dict(os.environ, {"CASTLINE_ENGINE": "python"}), _counting_reference() as calls:
        text = caption_text(form, cues, head)
    assert (text, len(calls)) == (python_caption_text(form, cues, head), 1)


# --- Examples -----------------------------------------------------------------------------


def test_a_block_of_each_part() -> None:
    form = CaptionText(
        ".",
        (("&", "&amp;"), ("<", "&lt;")),
        numbered=True,
        block_start="[",
        block_end="]",
        tail="end",
        voice=_tag,
        voice_end="</v>",
    )
    cues = [
        Cue(360_000_000_001, 360_000_001_500, "Ann", ("Q&A", "<now>"), SRC, "A: "),
        Cue(360_000_001_500, 360_000_002_000, ":", (), SRC, "B: "),
    ]
    assert _same_by_both(form, cues, "head")[0] == (
        "head[1\n100000:00:00.001 --> 100000:00:01.500\n[Ann]A: Q&amp;A\n&lt;now></v>]"
        "[2\n100000:00:01.500 --> 100000:00:02.000\n]end"
    )


@native
def test_a_blank_line_is_made_legal_natively() -> None:
    cues = [Cue(0, 900, None, ("", "a", "", "\u2039b"), SRC), Cue(900, 1000, None, ("<",), SRC)]
    text, handed_back = _same_by_both(SUBRIP_TEXT, cues)
    assert (text, handed_back) == (
        "1\n00:00:00,000 --> 00:00:00,900\na\n\u2039b\n\n"
        "2\n00:00:00,900 --> 00:00:01,000\n\u2039\n\n",
        0,
    )


@native
def test_a_legal_text_that_drops_the_widest_character_leaves_a_narrow_text() -> None:
    form = CaptionText(",", legal=lambda text: "ok")
    text, handed_back = _same_by_both(form, [Cue(0, 900, None, ("\U0001f600", "", "x"), SRC)])
    assert (text, handed_back, text.isascii()) == ("00:00:00,000 --> 00:00:00,900\nok", 0, True)


@native
@pytest.mark.parametrize(
    "cue",
    [
        Cue(True, 900, None, ("a",), SRC),  # a bool is an int to Python's formatting
        Cue(0, PAST_64_BITS, None, ("a",), SRC),
        Cue(0, 900, None, ["a", "b"], SRC),  # type: ignore[arg-type]
    ],
)
def test_values_the_native_code_does_not_write_go_to_the_reference(cue: Cue) -> None:
    assert _same_by_both(SUBRIP_TEXT, [cue])[1] == 1


@native
@pytest.mark.parametrize(
    ("cue", "message"),
    [
        (
            Cue(0, 9, None, ("a",), SRC, None),  # type: ignore[arg-type]
            "unsupported operand type(s) for +: 'NoneType' and 'str'",
        ),
        (Cue(0, 9, ["Ann"], ("a",), SRC), "unhashable type: 'list'"),  # type: ignore[arg-type]
    ],
)
def test_values_the_reference_cannot_write_are_its_errors(cue: Cue, message: str) -> None:
    with (
        mock.patch.dict(os.environ, {"CASTLINE_ENGINE": "native"}),
        _counting_reference() as calls,
        pytest.raises(TypeError, match=f"^{re.escape(message)}$"),
    ):
        caption_text(WEBVTT_TEXT, [cue])
    assert calls == [1]


@native
def test_a_cue_of_another_type_goes_to_the_reference() -> None:
    class Other(Cue):
        __slots__ = ()

    assert _same_by_both(SUBRIP_TEXT, [Other(0, 900, None, ("a",), SRC)])[1] == 1


@native
def test_a_voice_tag_that_is_not_a_str_goes_to_the_reference() -> None:
    form = CaptionText(".", voice=lambda speaker: 7)  # type: ignore[arg-type,return-value]
    assert _same_by_both(form, [Cue(0, 900, "Ann", ("a",), SRC)]) == (
        "00:00:00.000 --> 00:00:00.900\n7a",
        1,
    )


@pytest.mark.parametrize("ms", [-1, -5])
def test_a_negative_time_is_an_error(ms: int) -> None:
    with pytest.raises(ValueError, match=f"^negative time: {ms} ms$"):
        caption_text(SUBRIP_TEXT, [Cue(ms, 900, None, ("a",), SRC)])


def test_each_speaker_is_asked_once() -> None:
    asked: list[str | None] = []

    def voice(speaker: str | None) -> str:
        asked.append(speaker)
        return f"<{speaker}>"

    cues = [Cue(k, k + 1, name, ("a",), SRC) for k, name in enumerate("ABAAB")]
    assert caption_text(CaptionText(",", voice=voice), cues).count("<A>a") == 3
    assert asked == ["A", "B"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"separator": ":"}, "the separator must be ',' or '.', not ':'"),
        ({"escapes": (("<<", "x"),)}, "cannot escape '<<' in turn with ()"),
        ({"escapes": (("\u2039", "x"),)}, "cannot escape '\u2039' in turn with ()"),
        ({"escapes": (("<", "a"), ("<", "b"))}, "cannot escape '<' in turn with (('<', 'a'),)"),
        ({"escapes": (("<", "&lt;"), ("&", "&amp;"))}, "cannot escape '&' in turn with"),
    ],
)
def test_a_form_that_cannot_be_written_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        CaptionText(**{"separator": ",", **fields})


@native
@pytest.mark.parametrize(
    ("form", "error", "message"),
    [
        ((",", ()), TypeError, re.escape("form() takes exactly 9 arguments (2 given)")),
        (("::", (), 0, "", "", "", None, "", None), ValueError, "the separator is not one ASCII"),
        ((",", ("<",), 0, "", "", "", None, "", None), TypeError, "an escape is not a pair of str"),
        (
            (",", (("<", "&lt;"), ("&", "x")), 0, "", "", "", None, "", None),
            ValueError,
            "an escaped character is not one ASCII character, is given twice or is in an earlier",
        ),
    ],
)
def test_the_native_code_checks_its_form(
    form: tuple[object, ...], error: type[Exception], message: str
) -> None:
    assert native_caption_text is not None
    with pytest.raises(error, match=f"^{message}"):
        native_caption_text([], Cue, "", form)


# --- Memory -------------------------------------------------------------------------------


def _raises(speaker: str | None) -> str:
    raise LookupError(speaker)


@native
@pytest.mark.parametrize(
    ("form", "cue"),
    [
        (WEBVTT_TEXT, Cue(0, 900, "Ann", ("Q&A \U0001f600", "\u00e9"), SRC, "Ann: ")),
        (SUBRIP_TEXT, Cue(0, 900, None, ("", "a", "", "<b>"), SRC)),  # made legal
        (SUBRIP_TEXT, Cue(0, PAST_64_BITS, None, ("a",), SRC)),  # handed back
        (CaptionText(",", voice=_raises), Cue(0, 900, "Ann", ("a",), SRC)),  # the voice fails
    ],
)
def test_the_native_text_leaves_nothing(form: CaptionText, cue: Cue) -> None:
    cues = (cue, Cue(900, 1900, "Bo", ("b",), SRC))
    head = "WEBVTT" + "x" * 3

    def run() -> None:
        with pytest.raises(LookupError) if form.voice is _raises else nullcontext():
            caption_text(form, cues, head)

    named = [cue.speaker] if cue.speaker is not None else []  # None's count is anyone's
    with mock.patch.dict(os.environ, {"CASTLINE_ENGINE": "native"}), _counting_reference() as calls:
        assert_leaves_nothing(run, [form, cues, head, *cues, cue.lines, *named])
    assert len(calls) == (2 if cue.end_ms >= PAST_64_BITS else 0)  # two runs


# --- The corpus ---------------------------------------------------------------------------


@native
def test_every_corpus_episode_is_written_natively_as_the_reference_writes_it(
    corpus: Path,
) -> None:
    subrip, webvtt = SubripExporter(), WebvttExporter()
    written = transcripts = 0
    for episode in load_content(corpus).episodes:
        episode, _ = clean_episode(episode, xml=False)
        transcripts += episode.has_transcript
        for exporter, form in ((subrip, SUBRIP_TEXT), (webvtt, WEBVTT_TEXT)):
            cues, _ = exporter.cues(episode)
            assert _same_by_both(form, cues, episode.slug)[1] == 0, episode.slug
            written += bool(cues)
    assert written == 2 * transcripts > 0
