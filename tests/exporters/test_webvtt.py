"""The WebVTT exporter: layout, escaping, voices, options, and real data read back by three
WebVTT readers."""

from __future__ import annotations

import datetime as dt
import html
import io
from pathlib import Path

import pysubs2
import pytest
import srt
import webvtt
from hypothesis import given

from castline import registry
from castline.errors import ConfigError
from castline.exporter import BuildContext
from castline.exporters.webvtt import WebvttExporter
from castline.load import load_content
from castline.model import Episode, SourceRef, Utterance
from castline.text import vtt_escape as escape
from castline.timecode import format_vtt_timecode
from castline.timing.cues import UNKNOWN_CHANGE, Cue, episode_cues, speaker_name
from tests.conftest import bare_context, caption_fixture, make_episode, real_folders
from tests.exporters.hostile import assert_writable, hostile_episodes

SRC = SourceRef("show/e.md", 1)
CONTEXT = bare_context("show/e.md")


def _episode(*lines: Utterance, duration_ms: int | None = None) -> Episode:
    return make_episode(*lines, duration_ms=duration_ms, path=SRC.path)


def test_layout_escaping_and_voices() -> None:
    text, warnings = WebvttExporter().render(
        CONTEXT,
        _episode(
            Utterance("Q&A time: is 3 < 4 --> yes.", "Ann & Bo", 0, SRC),
            Utterance("<laughs> Indeed.", None, 3000, SourceRef("show/e.md", 4)),
            Utterance("Bye.", " Theo: ", 5000, SourceRef("show/e.md", 7)),
            duration_ms=6000,
        ),
    )
    assert text == (
        "WEBVTT\n\n"
        "NOTE\nMade by castline from show/e.md\n\n"
        "00:00:00.000 --> 00:00:02.917\n"
        "<v Ann &amp; Bo>Q&amp;A time: is 3 &lt; 4 --&gt; yes.</v>\n\n"
        # A change to an unknown speaker: an anonymous cue with YouTube's ">>" marker.
        "00:00:03.000 --> 00:00:04.917\n&gt;&gt; &lt;laughs&gt; Indeed.\n\n"
        "00:00:05.000 --> 00:00:06.000\n<v Theo>Bye.</v>\n"
    )
    assert warnings == ()


def test_visible_labels_are_an_option() -> None:
    episode = _episode(Utterance("One.", "Ann", 0, SRC), duration_ms=2000)
    text, _ = WebvttExporter(speaker_labels="change").render(CONTEXT, episode)
    assert text.endswith("00:00:00.000 --> 00:00:01.000\n<v Ann>Ann: One.</v>\n")


def test_two_line_cue_is_one_voice_span_without_blank_lines() -> None:
    line = "The ferry timetable changes twice a year, in spring and in autumn."
    text, _ = WebvttExporter().render(CONTEXT, _episode(Utterance(line, "Ann", 0, SRC)))
    assert text.endswith(
        "<v Ann>The ferry timetable changes twice a year,\nin spring and in autumn.</v>\n"
    )


def test_offset_option_and_clip_warning() -> None:
    text, warnings = WebvttExporter(offset_ms=-2500).render(CONTEXT, caption_fixture("early-start"))
    first = webvtt.from_buffer(io.StringIO(text)).captions[0]
    assert (first.start, first.voice, first.text) == ("00:00:00.000", "Mira", "Hello and welcome.")
    assert [w.message for w in warnings] == [
        "the offset of -2.5 s moves 1 cue (1 word) of this line before 0:00: dropped",
        "the offset of -2.5 s moves a cue to -0:00.500: clipped to start at 0:00",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"speaker_labels": "sometimes"}, "'speaker_labels' must be one of change, every, none"),
        ({"offset_ms": "12.5"}, "'offset_ms' must be a whole number of milliseconds"),
        ({"max_cue_ms": -1}, "'max_cue_ms' must be a positive whole number, not -1"),
    ],
)
def test_bad_options_are_config_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WebvttExporter(**options)
    with pytest.raises(ConfigError, match=message):
        registry.create("vtt", options)


def test_registered_under_vtt() -> None:
    assert registry.available()["vtt"].load() is WebvttExporter
    assert (WebvttExporter.name, WebvttExporter.media_type, WebvttExporter.suffix) == (
        "vtt",
        "text/vtt",
        ".vtt",
    )


def test_escape() -> None:
    assert escape("a&b<c>d-->e") == "a&amp;b&lt;c&gt;d--&gt;e"


# --- Real data: every file reads back, with three readers, to the same cues ------------------


#: (episode, its cues, its WebVTT text, the source file below the content folder).
Rendered = list[tuple[Episode, tuple[Cue, ...], str, str]]


@pytest.fixture(scope="module", params=list(real_folders()))
def rendered(request: pytest.FixtureRequest) -> Rendered:
    """:data:`Rendered` for every episode with a transcript in the folder."""
    folder: Path = request.param
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    exporter = WebvttExporter()
    loaded = load_content(folder)
    context = BuildContext(show=loaded.show)
    out = []
    for episode in loaded.episodes:
        if episode.has_transcript:
            cues, _ = episode_cues(episode, exporter.policy)
            below = Path(episode.source.path).resolve().relative_to(folder.resolve())
            out.append((episode, cues, exporter.render(context, episode)[0], below.as_posix()))
    assert out
    return out


def _texts(cues: tuple[Cue, ...]) -> list[tuple[str, str, str]]:
    return [
        (
            format_vtt_timecode(c.start_ms),
            format_vtt_timecode(c.end_ms),
            "\n".join(c.display_lines),
        )
        for c in cues
    ]


def test_webvtt_py_reads_back_every_cue_and_voice(rendered: Rendered) -> None:
    for episode, cues, text, source in rendered:
        parsed = webvtt.from_buffer(io.StringIO(text), strict=True)
        captions = parsed.captions
        read = [(c.start, c.end, html.unescape(c.text)) for c in captions]
        assert read == _texts(cues), episode.slug
        voices = [c.voice for c in captions]
        assert voices == [
            None if speaker_name(c.speaker) is None else escape(str(speaker_name(c.speaker)))
            for c in cues
        ], episode.slug
        assert text.startswith(f"WEBVTT\n\nNOTE\nMade by castline from {source}\n\n")
        for caption in captions:
            assert "-->" not in caption.raw_text
            assert "" not in caption.lines


def test_pysubs2_reads_back_every_cue(rendered: Rendered) -> None:
    for episode, cues, text, _ in rendered:
        events = pysubs2.SSAFile.from_string(text, format_="vtt")
        read = [(e.start, e.end, html.unescape(e.text.replace("\\N", "\n"))) for e in events]
        expected = [(c.start_ms, c.end_ms, "\n".join(c.display_lines)) for c in cues]
        assert read == expected, episode.slug


def test_srt_library_reads_back_every_cue(rendered: Rendered) -> None:
    # srt.parse accepts "." as the decimal sign; the header and NOTE are skipped by reading
    # from the first cue on.
    for episode, cues, text, _ in rendered:
        body = text.split("\n\n", 2)[2]
        blocks = body.split("\n\n")
        numbered = "\n\n".join(f"{n}\n{block}" for n, block in enumerate(blocks, start=1))
        subtitles = list(srt.parse(numbered))
        read = [
            (
                format_vtt_timecode(s.start // _MS),
                format_vtt_timecode(s.end // _MS),
                html.unescape(_strip_voice(s.content)),
            )
            for s in subtitles
        ]
        assert read == _texts(cues), episode.slug


def test_every_word_of_every_line_is_written(rendered: Rendered) -> None:
    for episode, _, text, _ in rendered:
        captions = webvtt.from_buffer(io.StringIO(text), strict=True).captions
        # A change to an unknown speaker is marked ">> ", which is no word of the source.
        shown = [html.unescape(c.text).removeprefix(UNKNOWN_CHANGE) for c in captions]
        written = [w for text in shown for w in text.split()]
        assert written == [w for u in episode.utterances for w in u.text.split()], episode.slug


_MS = dt.timedelta(milliseconds=1)


def _strip_voice(content: str) -> str:
    if content.startswith("<v ") and content.endswith("</v>"):
        return content[content.index(">") + 1 : -len("</v>")]
    return content


# --- untrusted input: text UTF-8 cannot encode ----------------------------------------------


def test_lone_surrogates_are_replaced_and_reported() -> None:
    line = Utterance("Tide a\ud800b.", "Ann\udc00", 0, SourceRef("e.md", 4))
    text, warnings = WebvttExporter().render(bare_context(), make_episode(line, duration_ms=4000))
    assert "a\ufffdb" in text and "Ann\ufffd" in text
    text.encode("utf-8")
    assert [str(w) for w in warnings] == [
        "e.md:4: warning: 'line' holds the lone surrogate U+D800, which is not text; replaced with "
        "U+FFFD",
        "e.md:4: warning: 'who' holds the lone surrogate U+DC00, which is not text; replaced with "
        "U+FFFD",
    ]


@given(hostile_episodes())
def test_any_text_gives_a_file_that_encodes(episode: Episode) -> None:
    made = WebvttExporter().export_episode(bare_context(), episode)
    assert len(made.artifacts) == 1
    assert_writable(made.artifacts, made.diagnostics)
