"""The plain-text exporter: layout, wrapping, and no word lost on real data."""

from __future__ import annotations

import itertools
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from castline.build import BuildOptions, build
from castline.exporter import BuildContext
from castline.exporters.plaintext import PlaintextExporter, wrap_words
from castline.load import load_content
from castline.model import Episode, Header, Show, SourceRef, Utterance
from tests.conftest import CONTENT, DATA, GoldenCheck
from tests.exporters.hostile import assert_writable, hostile_episodes

SRC = SourceRef("e.md", 1)
#: A turn's label line with a time: the name and the time.
LABEL = re.compile(r"^(\S.*) \[(\d\d:\d\d:\d\d)\]$", re.MULTILINE)


def stamps(text: str) -> list[str]:
    """The times of the turns, in order."""
    return [time for _, time in LABEL.findall(text)]


def render(episode: Episode, **options: int | bool) -> str:
    context = BuildContext(show=Show(source=SRC, root="."))
    exporter = PlaintextExporter(**options)
    text: str = exporter.render(context, episode)[0]
    return text


def episode(*items: Header | Utterance) -> Episode:
    return Episode(slug="e", source=SRC, title="The Title", transcript=items)


def test_turns_headings_and_continuations() -> None:
    text = render(
        episode(
            Header("Start", SRC),
            Utterance("Hello there.", "Ann", 92_000, SRC),
            Utterance("Still me.", "Ann", None, SRC),
            Utterance("Hi.", "Bo", 3_725_000, SRC),
            Header("Next", SRC),
            Utterance("Me again after a header.", "Bo", None, SRC),
            Utterance("Who said this?", None, 3_800_000, SRC),
        )
    )
    assert text == (
        "The Title\n=========\n\n"
        "Start\n-----\n\n"
        "Ann [00:01:32]\nHello there.\n\n"
        "Still me.\n\n"
        "Bo [01:02:05]\nHi.\n\n"
        "Next\n----\n\n"
        "Bo\nMe again after a header.\n\n"
        "Unknown speaker [01:03:20]\nWho said this?\n"
    )


def test_a_backwards_stamp_shows_the_time_the_engine_repairs_it_to() -> None:
    # 0:10, 0:20, 1:35, 0:40, 1:00: the 1:35 is the typo; the captions start it at 0:28.888.
    loaded = load_content(DATA / "captions")
    repaired = next(e for e in loaded.episodes if e.slug == "repaired-stamp")
    text, warnings = PlaintextExporter().render(BuildContext(show=loaded.show), repaired)
    assert stamps(text) == ["00:00:10", "00:00:20", "00:00:28", "00:00:40", "00:01:00"]
    assert "Mira [00:00:28]\nLet us start with the spring tides and why they matter.\n" in text
    assert [str(w).removeprefix(str(DATA / "captions") + "/") for w in warnings] == [
        "episodes/repaired-stamp.md:11: warning: out-of-order stamp 1:35 (next kept stamp "
        "0:40): re-timed to 0:28.888"
    ]


def test_without_timestamps_there_are_no_timing_warnings() -> None:
    backwards = episode(Utterance("Late.", "Ann", 60_000, SRC), Utterance("Early.", "Bo", 0, SRC))
    context = BuildContext(show=Show(source=SRC, root="."))
    text, warnings = PlaintextExporter(timestamps=False).render(context, backwards)
    assert text == "The Title\n=========\n\nAnn\nLate.\n\nBo\nEarly.\n"
    assert warnings == ()


def test_speaker_names_are_cleaned_as_in_the_captions() -> None:
    text = render(
        episode(
            Utterance("Hello.", "Theo:", 10_000, SRC),
            Utterance("Same speaker, same turn.", " Theo ", 20_000, SRC),
            Utterance("Hi, Theo.", "Alexey:", 30_000, SRC),
            Utterance("A colon is no name.", ":", 40_000, SRC),
        )
    )
    assert text == (
        "The Title\n=========\n\n"
        "Theo [00:00:10]\nHello.\n\n"
        "Same speaker, same turn.\n\n"
        "Alexey [00:00:30]\nHi, Theo.\n\n"
        "Unknown speaker [00:00:40]\nA colon is no name.\n"
    )


def test_wrapping_keeps_long_words_whole_and_leaves_no_trailing_space() -> None:
    long_word = "https://example.org/" + "x" * 90
    text = render(episode(Utterance(f"see {long_word} and   more  words " * 3, "A", 0, SRC)))
    lines = text.split("\n")
    assert all(len(line) <= 80 or long_word in line for line in lines)
    assert all(line == line.rstrip() for line in lines)
    assert text.count(long_word) == 3


def wrap_word_by_word(words: list[str], width: int) -> list[str]:
    """The greedy filling as first written: each word added to the line's length in turn."""
    lines: list[str] = []
    current: list[str] = []
    length = -1
    for word in words:
        if current and length + 1 + len(word) > width:
            lines.append(" ".join(current))
            current, length = [], -1
        current.append(word)
        length += 1 + len(word)
    if current:
        lines.append(" ".join(current))
    return lines


#: Words of any characters but white space (as ``str.split`` cuts them), often long ones.
WORDS = st.lists(
    st.text(st.characters(exclude_categories=()), max_size=6) | st.text("ab", min_size=7),
    max_size=40,
).map(lambda parts: " ".join(parts).split())


@given(WORDS, st.integers(min_value=1, max_value=30))
def test_the_wrap_is_the_word_by_word_filling_and_textwrap(words: list[str], width: int) -> None:
    lines = wrap_words(" ".join(words), width)
    assert lines == wrap_word_by_word(words, width)
    text = " ".join(words)
    assert lines == textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def test_width_zero_writes_one_paragraph_per_line() -> None:
    text = render(episode(Utterance("word " * 50, "A", None, SRC)), width=0)
    assert text.split("\n")[4] == " ".join(["word"] * 50)


def test_bad_width_is_refused() -> None:
    with pytest.raises(ValueError, match="'width' must be 0"):
        PlaintextExporter(width=-1)


def test_demo_show_golden(tmp_path: Path, golden: GoldenCheck) -> None:
    build(CONTENT, tmp_path, BuildOptions(only=("txt",)))
    built = sorted((tmp_path / "episodes").glob("*.txt"))
    assert len(built) == 3
    for path in built:
        golden(path, Path("demo/episodes") / path.name)


def test_every_word_of_every_corpus_line_is_in_the_txt_in_order(
    corpus: Path, tmp_path: Path
) -> None:
    report = build(corpus, tmp_path, BuildOptions(only=("txt",)))
    assert report.episodes_failed == 0
    episodes = [e for e in load_content(corpus).episodes if e.has_transcript]
    assert len(episodes) == 19
    for ep in episodes:
        words = (tmp_path / "episodes" / f"{ep.slug}.txt").read_text(encoding="utf-8").split()
        position = 0
        for utterance in ep.utterances:
            for word in utterance.text.split():
                try:
                    position = words.index(word, position) + 1
                except ValueError:
                    pytest.fail(f"{utterance.source}: {word!r} missing or out of order")
        # nothing but labels and headings was added
        expected = sum(len(u.text.split()) for u in ep.utterances)
        assert position <= len(words) and expected <= len(words)


def test_corpus_txt_times_never_go_backwards(corpus: Path, tmp_path: Path) -> None:
    build(corpus, tmp_path, BuildOptions(only=("txt",)))
    built = {path.stem: path.read_text("utf-8") for path in (tmp_path / "episodes").glob("*.txt")}
    assert len(built) == 19
    for slug, text in built.items():
        times = stamps(text)
        backwards = [(a, b) for a, b in itertools.pairwise(times) if b < a]
        assert backwards == [], slug
    # `sec: 2787` (46:27) is a typo between 37:xx and 38:40: shown as the engine re-times it.
    bioinformatics = built["learning-machine-learning-self-taught-bioinformatics"]
    assert "Aaisha [00:46:27]" not in bioinformatics
    assert "Aaisha [00:37:56]" in bioinformatics
    # `who: 'Theo:'` and `who: Theo` are one speaker.
    names = {name for name, _ in LABEL.findall(built["mlops-kubeflow-model-monitoring"])}
    assert {"Theo", "Alexey"} <= names
    assert not any(name.endswith(":") for name in names)


# --- untrusted input: text UTF-8 cannot encode ----------------------------------------------


def test_lone_surrogates_are_replaced_and_reported() -> None:
    line = Utterance("Tide a\ud800b.", "Ann\udc00", 0, SourceRef("e.md", 4))
    hostile = Episode(
        slug="e",
        source=SourceRef("e.md", 1),
        title="T\udfff",
        transcript=(line,),
        key_lines={"title": 2},
    )
    text, warnings = PlaintextExporter().render(BuildContext(Show(SRC, ".")), hostile)
    assert text == "T\ufffd\n===\n\nAnn\ufffd [00:00:00]\nTide a\ufffdb.\n"
    assert [str(w) for w in warnings] == [
        "e.md:2: warning: 'title' holds the lone surrogate U+DFFF, which is not text; replaced "
        "with U+FFFD",
        "e.md:4: warning: 'line' holds the lone surrogate U+D800, which is not text; replaced with "
        "U+FFFD",
        "e.md:4: warning: 'who' holds the lone surrogate U+DC00, which is not text; replaced with "
        "U+FFFD",
    ]


@given(hostile_episodes())
def test_any_text_gives_a_file_that_encodes(episode: Episode) -> None:
    made = PlaintextExporter().export_episode(BuildContext(Show(SRC, ".")), episode)
    assert len(made.artifacts) == 1
    assert_writable(made.artifacts, made.diagnostics)
