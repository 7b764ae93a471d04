"""The feedgen extensions, each by XPath on a tiny feed (as feedgen's own tests/test_extensions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from lxml import etree

from castline.feed.ext import (
    CONTENT_NS,
    ITUNES_NS,
    PODCAST_NS,
    PSC_NS,
    feed_generator,
)

NS = {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "psc": PSC_NS, "content": CONTENT_NS}
ITEM = "/rss/channel/item/"


@pytest.fixture
def fg() -> Any:
    """A feed with the core channel tags set and no item."""
    fg = feed_generator()
    fg.title("Show")
    fg.link(href="https://example.org/")
    fg.description("About the show.")
    return fg


@pytest.fixture
def fe(fg: Any) -> Any:
    """The feed's only item."""
    fe = fg.add_entry()
    fe.title("Episode")
    fe.guid("episode-1", permalink=False)
    return fe


def xpath(fg: Any, path: str) -> list[Any]:
    root: Any = etree.fromstring(fg.rss_str(pretty=True))
    found: list[Any] = root.xpath(path, namespaces=NS)
    return found


def test_namespaces_are_declared_on_rss(fg: Any) -> None:
    root = etree.fromstring(fg.rss_str())
    assert {prefix: root.nsmap[prefix] for prefix in NS} == NS


def test_itunes_explicit_is_true_or_false(fg: Any, fe: Any) -> None:
    assert xpath(fg, "//itunes:explicit") == []
    fg.itunesfix.explicit = True
    fe.itunesfix.explicit = False
    assert xpath(fg, "/rss/channel/itunes:explicit/text()") == ["true"]
    assert xpath(fg, ITEM + "itunes:explicit/text()") == ["false"]


def test_itunes_image_keeps_any_jpeg_or_png_name(fg: Any, fe: Any) -> None:
    # feedgen drops a channel image ending in .jpeg and refuses a query on an item image.
    fg.itunesfix.image = "https://example.org/cover.jpeg"
    fe.itunesfix.image = "https://example.org/episode.png?v=2"
    assert xpath(fg, "/rss/channel/itunes:image/@href") == ["https://example.org/cover.jpeg"]
    assert xpath(fg, ITEM + "itunes:image/@href") == ["https://example.org/episode.png?v=2"]


def test_podcast_channel_tags(fg: Any) -> None:
    ext = fg.podcastindex
    ext.guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    ext.locked = ("yes", None)
    ext.funding = [("https://example.org/support", "Support us")]
    ext.persons = [{"name": "Ann", "role": "host", "img": None, "href": "https://a.example/"}]
    ext.medium = "podcast"
    channel = "/rss/channel/podcast:"
    assert xpath(fg, channel + "guid/text()") == ["917393e3-1b1e-5cef-ace4-edaa54e1f810"]
    [locked] = xpath(fg, channel + "locked")
    assert (locked.text, dict(locked.attrib)) == ("yes", {})
    [funding] = xpath(fg, channel + "funding")
    assert (funding.text, dict(funding.attrib)) == (
        "Support us",
        {"url": "https://example.org/support"},
    )
    [person] = xpath(fg, channel + "person")
    assert (person.text, dict(person.attrib)) == (
        "Ann",
        {"role": "host", "href": "https://a.example/"},
    )
    assert xpath(fg, channel + "medium/text()") == ["podcast"]


def test_podcast_channel_tags_are_left_out_when_unset(fg: Any) -> None:
    assert xpath(fg, "//podcast:*") == []


def test_podcast_item_tags(fg: Any, fe: Any) -> None:
    ext = fe.podcastindex
    ext.season, ext.episode = 2, 7
    ext.transcripts = [
        ("https://example.org/e.vtt", "text/vtt", "captions", "en"),
        ("https://example.org/e.json", "application/json", None, None),
    ]
    ext.chapters = ("https://example.org/e.chapters.json", "application/json+chapters")
    ext.soundbites = [(40_000, 30_000, "The lead line"), (130_500, 29_500, "")]
    assert xpath(fg, ITEM + "podcast:season/text()") == ["2"]
    assert xpath(fg, ITEM + "podcast:episode/text()") == ["7"]
    assert [dict(t.attrib) for t in xpath(fg, ITEM + "podcast:transcript")] == [
        {
            "url": "https://example.org/e.vtt",
            "type": "text/vtt",
            "language": "en",
            "rel": "captions",
        },
        {"url": "https://example.org/e.json", "type": "application/json"},  # no language: none
    ]
    [chapters] = xpath(fg, ITEM + "podcast:chapters")
    assert dict(chapters.attrib) == {
        "url": "https://example.org/e.chapters.json",
        "type": "application/json+chapters",
    }
    bites = [(b.text, dict(b.attrib)) for b in xpath(fg, ITEM + "podcast:soundbite")]
    assert bites == [
        ("The lead line", {"startTime": "40", "duration": "30"}),
        (None, {"startTime": "130.5", "duration": "29.5"}),  # no title: the app picks one
    ]


def test_psc_chapters(fg: Any, fe: Any) -> None:
    assert xpath(fg, "//psc:chapters") == []  # none without chapters
    fe.psc.chapters = [
        {"start_ms": 0, "title": "Cold open", "href": None, "image": None},
        {
            "start_ms": 95_250,
            "title": "Last crossing",
            "href": "https://example.org/c",
            "image": "https://example.org/c.png",
        },
    ]
    assert xpath(fg, ITEM + "psc:chapters/@version") == ["1.2"]
    assert [dict(c.attrib) for c in xpath(fg, ITEM + "psc:chapters/psc:chapter")] == [
        {"start": "00:00:00.000", "title": "Cold open"},
        {
            "start": "00:01:35.250",
            "title": "Last crossing",
            "href": "https://example.org/c",
            "image": "https://example.org/c.png",
        },
    ]


def test_content_encoded_is_cdata_that_a_bracket_cannot_end(fg: Any, fe: Any) -> None:
    fe.htmlcontent.html = "<p>a[b[0]]>c</p>"
    feed = fg.rss_str().decode("utf-8")
    assert "<content:encoded><![CDATA[<p>a[b[0]]&gt;c</p>]]></content:encoded>" in feed
    assert xpath(fg, ITEM + "content:encoded/text()") == ["<p>a[b[0]]&gt;c</p>"]


def test_content_encoded_without_a_description(fg: Any, fe: Any) -> None:
    # feedgen's own content would become the description when there is none.
    fe.htmlcontent.html = "<p>Notes</p>"
    assert xpath(fg, ITEM + "description") == []
    assert xpath(fg, ITEM + "content:encoded/text()") == ["<p>Notes</p>"]


def test_html_description_in_cdata(fg: Any, fe: Any) -> None:
    fe.description("On <b>tides</b> & tables.")
    assert "<description>On &lt;b&gt;tides&lt;/b&gt; &amp; tables.</description>" in (
        fg.rss_str().decode("utf-8")
    )
    fe.htmlcontent.description_html = True
    assert "<description><![CDATA[On <b>tides</b> & tables.]]></description>" in (
        fg.rss_str().decode("utf-8")
    )


def test_build_date_can_be_dropped(fg: Any) -> None:
    date = dt.datetime(2026, 4, 20, 21, 15, tzinfo=dt.UTC)
    fg.lastBuildDate(date)
    assert xpath(fg, "/rss/channel/lastBuildDate/text()") == ["Mon, 20 Apr 2026 21:15:00 +0000"]
    fg.builddate.drop = True
    assert xpath(fg, "/rss/channel/lastBuildDate") == []
