"""The plain-text exporter: layout, wrapping, and no word lost on real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from castline.build import BuildOptions, build
from castline.exporter import BuildContext
from castline.exporters.plaintext import PlaintextExporter
from castline.loader import load_content
from castline.model import Episode, Header, Show, SourceRef, Utterance
from tests.conftest import CONTENT, GoldenCheck

SRC = SourceRef("e.md", 1)


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


def test_wrapping_keeps_long_words_whole_and_leaves_no_trailing_space() -> None:
    long_word = "https://example.org/" + "x" * 90
    text = render(episode(Utterance(f"see {long_word} and   more  words " * 3, "A", 0, SRC)))
    lines = text.split("\n")
    assert all(len(line) <= 80 or long_word in line for line in lines)
    assert all(line == line.rstrip() for line in lines)
    assert text.count(long_word) == 3


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
