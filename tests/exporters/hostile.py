"""Hostile text for the exporters' properties: any character, lone surrogates and the controls
XML forbids included, in every text field an episode file can fill."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import strategies as st
from lxml import etree

from castline.diagnostics import Diagnostic
from castline.exporter import Artifact
from castline.model import Enclosure, Episode, Header, Show, SourceRef, TranscriptItem, Utterance

#: What broke, or could break, an output: lone surrogates, what XML forbids, markup.
_SHARP = ["\ud800", "\udfff", "\x00", "\x07", "\x0b", "\ufffe", "<", "&", "]]>", "-->", "\n"]
#: Any text: every code point (surrogates too), with the sharp pieces often.
HOSTILE_TEXT = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=()), max_size=8), st.sampled_from(_SHARP)),
    max_size=6,
).map("".join)
SHOW = Show(
    source=SourceRef("show.yaml", 1),
    root=".",
    title="Hostile Show",
    description="Properties.",
    language="en",
    base_url="https://feeds.example.net/hostile/",
    image="https://cdn.example.net/art/cover.png",
)


@st.composite
def _transcript(draw: st.DrawFn) -> tuple[TranscriptItem, ...]:
    """Headers and lines with hostile text, ``who`` and header titles, stamped 5 s apart."""
    items: list[TranscriptItem] = []
    for index in range(draw(st.integers(1, 5))):
        source = SourceRef("episodes/e.md", 10 + index)
        if draw(st.booleans()):
            items.append(Header(draw(HOSTILE_TEXT), source, index * 5000))
        who = draw(st.none() | HOSTILE_TEXT)
        items.append(Utterance(draw(HOSTILE_TEXT), who, index * 5000, source))
    return tuple(items)


@st.composite
def hostile_episodes(draw: st.DrawFn) -> Episode:
    """An episode whose title, transcript (lines, ``who``, headers) and notes are any text."""
    return Episode(
        slug="e",
        source=SourceRef("episodes/e.md", 1),
        title=draw(HOSTILE_TEXT),
        description=draw(HOSTILE_TEXT),
        notes_markdown=draw(HOSTILE_TEXT),
        transcript=draw(_transcript()),
        published=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
        audio=Enclosure("https://media.example.net/e.mp3", 1000, "audio/mpeg"),
        key_lines={"title": 2, "description": 3},
    )


def assert_writable(artifacts: Sequence[Artifact], diagnostics: Sequence[Diagnostic]) -> None:
    """Every file encodes as UTF-8 (as the build writes it), every XML file parses, and every
    message can be printed."""
    for artifact in artifacts:
        data = artifact.text.encode("utf-8")
        if artifact.path.suffix == ".xml":
            etree.fromstring(data)
    for diagnostic in diagnostics:
        str(diagnostic).encode("utf-8")
