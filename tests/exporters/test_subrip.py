"""The SubRip exporter: layout, options, and real data read back by three SRT readers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pysubs2
import pytest
import srt
import webvtt
from hypothesis import given
from hypothesis import strategies as st

from castline import registry
from castline.errors import ConfigError
from castline.exporters.subrip import LATEST_MS, SubripExporter, compose, safe_text
from castline.load import load_content
from castline.model import Episode, SourceRef, Utterance
from castline.timing.cues import Cue, episode_cues
from tests.conftest import bare_context, caption_fixture, make_episode, real_folders
from tests.exporters.hostile import assert_writable, hostile_episodes

SRC = SourceRef("e.md", 1)
CONTEXT = bare_context("e.md")


def _episode(*lines: Utterance, duration_ms: int | None = None) -> Episode:
    return make_episode(*lines, duration_ms=duration_ms, path=SRC.path)


def test_layout() -> None:
    text, warnings = SubripExporter().render(
        CONTEXT,
        _episode(
            Utterance("Hello and welcome. Today: tides & <ferries>.", "Ann", 0, SRC),
            Utterance("Thanks.", "Bo", 4000, SourceRef("e.md", 5)),
            Utterance("Glad to be here.", "Bo", None, SourceRef("e.md", 8)),
            duration_ms=9000,
        ),
    )
    # "<" and ">" become U+2039 and U+203A: SRT readers would drop "<ferries>" as markup.
    assert text == (
        # The label's characters get time as the words' do; the last line ends at the
        # estimate (the duration is not a point on the stamps' timeline); no gap after
        # "Thanks.", which is at its minimum duration.
        "1\n00:00:00,000 --> 00:00:01,833\nAnn: Hello and welcome.\n\n"
        "2\n00:00:01,916 --> 00:00:03,917\nToday: tides & \u2039ferries\u203a.\n\n"
        "3\n00:00:04,000 --> 00:00:04,833\nBo: Thanks.\n\n"
        "4\n00:00:04,833 --> 00:00:06,000\nGlad to be here.\n\n"
    )
    assert warnings == ()


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ("change", ["Ann: One.", "Two.", "Bo: Three."]),
        ("every", ["Ann: One.", "Ann: Two.", "Bo: Three."]),
        ("none", ["One.", "Two.", "Three."]),
    ],
)
def test_speaker_labels(labels: str, expected: list[str]) -> None:
    episode = _episode(
        Utterance("One.", "Ann", 0, SRC),
        Utterance("Two.", "Ann", 2000, SRC),
        Utterance("Three.", "Bo", 4000, SRC),
        duration_ms=6000,
    )
    text, _ = SubripExporter(speaker_labels=labels).render(CONTEXT, episode)
    assert [s.content for s in srt.parse(text)] == expected


def test_line_length_option_includes_the_label() -> None:
    episode = _episode(Utterance("Ferries run late in winter storms.", "Mira", 0, SRC))
    text, _ = SubripExporter(max_chars_per_line=24).render(CONTEXT, episode)
    assert [s.content for s in srt.parse(text)] == ["Mira: Ferries run late\nin winter storms."]


def test_offset_shifts_and_reports_clipped_cues() -> None:
    text, warnings = SubripExporter(offset_ms=-2500).render(CONTEXT, caption_fixture("early-start"))
    subtitles = list(srt.parse(text))
    assert subtitles[0].start == dt.timedelta(0)
    assert subtitles[0].content == "Mira: Hello and welcome."
    assert [(w.source.line, w.message) for w in warnings] == [
        (5, "the offset of -2.5 s moves 1 cue (1 word) of this line before 0:00: dropped"),
        (8, "the offset of -2.5 s moves a cue to -0:00.500: clipped to start at 0:00"),
    ]
    later, _ = SubripExporter(offset_ms=12_500).render(CONTEXT, caption_fixture("early-start"))
    assert next(srt.parse(later)).start == dt.timedelta(seconds=12.5)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"speaker_labels": "always"}, "'speaker_labels' must be one of change, every, none"),
        ({"offset_ms": 1.5}, "'offset_ms' must be a whole number of milliseconds, not 1.5"),
        ({"max_lines": 0}, "'max_lines' must be a positive whole number, not 0"),
    ],
)
def test_bad_options_are_config_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SubripExporter(**options)
    with pytest.raises(ConfigError, match=message):
        registry.create("srt", options)


def test_registered_under_srt() -> None:
    entry = registry.available()["srt"]
    assert entry.load() is SubripExporter
    assert (SubripExporter.name, SubripExporter.media_type, SubripExporter.suffix) == (
        "srt",
        "application/x-subrip",
        ".srt",
    )


_TIMES = st.integers(min_value=0, max_value=LATEST_MS)
_LINES = st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=3)


@given(st.lists(st.tuples(_TIMES, _TIMES, st.sampled_from(["", "Ann: "]), _LINES), max_size=6))
def test_compose_writes_what_srt_compose_writes(
    rows: list[tuple[int, int, str, list[str]]],
) -> None:
    """Any cues, even text holding blank lines, arrows or markup: the bytes of the library."""
    cues = [Cue(a, b, "Ann", tuple(lines), SRC, label) for a, b, label, lines in rows]
    subtitles = [
        srt.Subtitle(
            index=number,
            start=dt.timedelta(milliseconds=cue.start_ms),
            end=dt.timedelta(milliseconds=cue.end_ms),
            content=safe_text("\n".join(cue.display_lines)),
        )
        for number, cue in enumerate(cues, start=1)
    ]
    assert compose(cues) == srt.compose(subtitles, reindex=False, eol="\n")


# --- Real data: every file reads back, with three readers, to the same cues ------------------


@pytest.fixture(scope="module", params=list(real_folders()))
def rendered(request: pytest.FixtureRequest) -> list[tuple[Episode, tuple[Cue, ...], str]]:
    """(episode, cues, SRT text) for every episode with a transcript in the folder."""
    folder: Path = request.param
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    exporter = SubripExporter()
    out = []
    for episode in load_content(folder).episodes:
        if episode.has_transcript:
            cues, _ = episode_cues(episode, exporter.policy)
            out.append((episode, cues, exporter.render(CONTEXT, episode)[0]))
    assert out
    return out


def _ms(delta: dt.timedelta) -> int:
    return delta // dt.timedelta(milliseconds=1)


def _expected(cues: tuple[Cue, ...]) -> list[tuple[int, int, str]]:
    return [(c.start_ms, c.end_ms, safe_text("\n".join(c.display_lines))) for c in cues]


def test_srt_library_composes_the_same_text(
    rendered: list[tuple[Episode, tuple[Cue, ...], str]],
) -> None:
    for episode, cues, text in rendered:
        subtitles = [
            srt.Subtitle(
                index=number,
                start=dt.timedelta(milliseconds=start),
                end=dt.timedelta(milliseconds=end),
                content=content,
            )
            for number, (start, end, content) in enumerate(_expected(cues), start=1)
        ]
        assert text == srt.compose(subtitles, reindex=False, eol="\n"), episode.slug


def test_srt_library_reads_back_every_cue(
    rendered: list[tuple[Episode, tuple[Cue, ...], str]],
) -> None:
    for episode, cues, text in rendered:
        subtitles = list(srt.parse(text))
        read = [(_ms(s.start), _ms(s.end), s.content) for s in subtitles]
        assert read == _expected(cues), episode.slug
        assert [s.index for s in subtitles] == list(range(1, len(cues) + 1))


def test_pysubs2_reads_back_every_cue(
    rendered: list[tuple[Episode, tuple[Cue, ...], str]],
) -> None:
    for episode, cues, text in rendered:
        events = pysubs2.SSAFile.from_string(text, format_="srt")
        # .text, not .plaintext: pysubs2 reads "{...}" and "\\N" as ASS codes in plaintext.
        read = [(e.start, e.end, e.text.replace("\\N", "\n")) for e in events]
        assert read == _expected(cues), episode.slug


def test_webvtt_py_reads_back_every_cue(
    rendered: list[tuple[Episode, tuple[Cue, ...], str]],
) -> None:
    for episode, cues, text in rendered:
        captions = webvtt.from_buffer(io.StringIO(text), format="srt").captions
        # raw_text: webvtt-py's .text would strip "<...>" as WebVTT tags, which SRT has not.
        read = [
            (c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), c.raw_text)
            for c in captions
        ]
        assert read == _expected(cues), episode.slug


def test_every_word_of_every_line_is_written(
    rendered: list[tuple[Episode, tuple[Cue, ...], str]],
) -> None:
    for episode, cues, text in rendered:
        subtitles = list(srt.parse(text))
        assert len(subtitles) == len(cues)
        written: list[str] = []
        for subtitle, cue in zip(subtitles, cues, strict=True):
            assert subtitle.content.startswith(safe_text(cue.label))
            written.extend(subtitle.content.removeprefix(safe_text(cue.label)).split())
        spoken = [safe_text(w) for u in episode.utterances for w in u.text.split()]
        assert written == spoken, episode.slug


# --- untrusted input: text UTF-8 cannot encode ----------------------------------------------


def test_lone_surrogates_are_replaced_and_reported() -> None:
    line = Utterance("Tide a\ud800b.", "Ann\udc00", 0, SourceRef("e.md", 4))
    text, warnings = SubripExporter().render(bare_context(), make_episode(line, duration_ms=4000))
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
    made = SubripExporter().export_episode(bare_context(), episode)
    assert len(made.artifacts) == 1
    assert_writable(made.artifacts, made.diagnostics)


def test_cues_past_the_latest_time_srt_can_write_are_left_out() -> None:
    early = Utterance("Early line.", "Ann", 0, SourceRef("e.md", 4))
    late = Utterance("A stamp typed with far too many digits.", "Ann", 10**20, SourceRef("e.md", 6))
    text, warnings = SubripExporter().render(bare_context(), make_episode(early, late))
    assert [str(w) for w in warnings][-1] == (
        "e.md:6: warning: cues from this line on end past the latest time SubRip can write; "
        "1 cue left out"
    )
    assert [s.content for s in srt.parse(text)] == ["Ann: Early line."]
