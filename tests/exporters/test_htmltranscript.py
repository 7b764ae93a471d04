"""The Podcasting 2.0 HTML transcript: cite, time and p per line, headers, escaping, every word
on real data (read back by lxml's HTML parser)."""

from __future__ import annotations

import html
from typing import Any

import lxml.html
from hypothesis import given
from hypothesis import strategies as st

from castline.exporter import BuildContext
from castline.exporters.htmltranscript import HtmlTranscriptExporter, escaped_lines
from castline.model import Episode, Header, Show, SourceRef, Utterance
from castline.timing.sections import published_transcript
from tests.exporters.conftest import FullBuild

SRC = SourceRef("e.md", 1)


def render(*items: Header | Utterance, language: str | None = "en") -> str:
    episode = Episode(slug="e", source=SRC, title="Q&A <live>", transcript=items, duration_ms=9_000)
    show = Show(SRC, ".", language=language)
    text, _ = HtmlTranscriptExporter().render(BuildContext(show), episode)
    return str(text)


def test_speaker_time_and_paragraph_per_line_with_headers() -> None:
    text = render(
        Header("Start & <end>", SRC),
        Utterance("Hello <b>there</b> & welcome.", "Ann:", 4_000, SRC),
        Utterance("Still me.", "Ann", None, SRC),
        Utterance("Who?", None, 8_000, SRC),
    )
    assert text == (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "<title>Q&amp;A &lt;live&gt;</title>\n"
        "</head>\n"
        "<body>\n"
        "<h1>Q&amp;A &lt;live&gt;</h1>\n"
        "<h2>Start &amp; &lt;end&gt;</h2>\n"
        "<cite>Ann:</cite>\n"
        '<time datetime="PT4S">0:04</time>\n'
        "<p>Hello &lt;b&gt;there&lt;/b&gt; &amp; welcome.</p>\n"
        "<cite>Ann:</cite>\n"
        '<time datetime="PT7S">0:07</time>\n'
        "<p>Still me.</p>\n"
        '<time datetime="PT8S">0:08</time>\n'
        "<p>Who?</p>\n"
        "</body>\n"
        "</html>\n"
    )


def test_without_a_language_the_document_has_no_lang() -> None:
    text = render(Utterance("Hi.", "A", 0, SRC), language=None)
    assert "<html>\n" in text and "lang=" not in text


def test_every_episode_gets_every_word_in_order(full_build: FullBuild) -> None:
    """Acceptance 1: the HTML transcript of each transcribed episode, parsed by lxml, holds
    every word of every line in order; each cite names the line's speaker, each time is M:SS."""
    transcribed = [e for e in full_build.episodes if e.has_transcript]
    assert transcribed
    for episode in transcribed:
        path = full_build.out / "episodes" / f"{episode.slug}.html"
        document: Any = lxml.html.parse(str(path)).getroot()
        paragraphs = [p.text_content() for p in document.iter("p")]
        assert len(paragraphs) == len(episode.utterances), episode.slug
        words = [w for line in episode.utterances for w in line.text.split()]
        assert [w for p in paragraphs for w in p.split()] == words, episode.slug
        times = [t.text for t in document.iter("time")]
        assert len(times) == len(paragraphs)
        assert all(t is not None and t.replace(":", "").isdigit() for t in times)
        published = published_transcript(episode).items
        headers = [item.title for item in published if isinstance(item, Header)]
        assert [" ".join(h.text_content().split()) for h in document.iter("h2")] == [
            " ".join(h.split()) for h in headers
        ]


#: Texts of escaped characters, line breaks (which the one call for them all cannot take) and
#: anything else.
_TEXTS = st.lists(st.text(st.sampled_from("&<>\"'\n ab")) | st.text(), max_size=6)


@given(_TEXTS)
def test_the_lines_are_escaped_as_html_escape_escapes_each(texts: list[str]) -> None:
    assert escaped_lines(texts) == [html.escape(text) for text in texts]


def test_a_paragraph_and_a_header_with_markup_are_escaped() -> None:
    text = render(Header("Fish & <chips>", SRC), Utterance("'Q' & \"A\" <now>", "A", 0, SRC))
    assert "<h2>Fish &amp; &lt;chips&gt;</h2>" in text
    assert "<p>&#x27;Q&#x27; &amp; &quot;A&quot; &lt;now&gt;</p>" in text
