"""The feed exporter: every tag by XPath, independent parsers, the checks and their messages.

The pieces it is built from are tested in tests/feed/ (rules, show notes, extensions)."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import feedparser
import podcastparser
import pytest
from hypothesis import given
from lxml import etree

import castline
from castline import registry
from castline.build import BuildOptions, build
from castline.diagnostics import Diagnostic
from castline.exporter import BuildContext, EpisodeRecord, ExporterInfo
from castline.exporters.chapters import ChaptersExporter
from castline.exporters.rss import RssExporter
from castline.exporters.site import SiteExporter
from castline.feed.rules import is_artwork_file
from castline.load import load_content
from castline.model import Episode
from castline.timing import spans
from tests.conftest import CONTENT, DATA, ROOT, ContentTree, GoldenCheck, fake_distribution
from tests.exporters.hostile import SHOW as HOSTILE_SHOW
from tests.exporters.hostile import assert_writable, hostile_episodes
from tests.feed.imaging import image_bytes

SHOW = DATA / "feed" / "show"
MISTAKES = DATA / "feed" / "mistakes"
#: The Podcasting 2.0 XML Schema, beside the project (absent on a user's fresh clone).
PODCAST_XSD = ROOT.parent / "shared" / "schemas" / "podcast-namespace" / "podcast-wrapper.xsd"

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "psc": "http://podlove.org/simple-chapters",
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
#: What the built-in exporters tell the others, as a build with default options has it.
INFO = {name: ExporterInfo.of(entry.load(), {}) for name, entry in registry.available().items()}
ALL = ("rss", "chapters", "vtt", "srt", "txt")


@dataclass
class Built:
    """What the rss (and chapters) exporters made of a content folder."""

    root: Path
    feed: str | None
    diagnostics: list[Diagnostic]
    chapter_files: dict[str, str] = field(default_factory=dict)
    #: show.yaml's ``image`` when it is a remote URL.
    remote_image: str | None = None

    @property
    def messages(self) -> list[str]:
        """Every message as the CLI prints it, paths below the content folder."""
        prefix = str(self.root) + "/"
        return [str(d).removeprefix(prefix) for d in sorted(set(self.diagnostics))]

    @property
    def checked(self) -> list[str]:
        """:attr:`messages` but the one notice that remote show artwork is unchecked, which is
        there exactly when the artwork is remote and the feed is written."""
        notices = [m for m in self.messages if "is a remote URL, so castline cannot check" in m]
        remote = self.remote_image is not None and is_artwork_file(self.remote_image)
        expected = 1 if remote and self.feed is not None else 0
        assert len(notices) == expected, notices
        assert all(f"artwork '{self.remote_image}' is a remote URL" in m for m in notices)
        return [m for m in self.messages if m not in notices]

    @property
    def xml(self) -> Any:
        assert self.feed is not None
        return etree.fromstring(self.feed.encode("utf-8"))

    def xpath(self, path: str) -> list[Any]:
        found: list[Any] = self.xml.xpath(path, namespaces=NS)
        return found


def build_feed(root: Path, names: Sequence[str] = ALL, *, reverse: bool = False) -> Built:
    """Load ``root`` and run the exporters as a build does, records through JSON as cached."""
    loaded = load_content(root)
    context = BuildContext(loaded.show, tuple(INFO[name] for name in names))
    rss, chapters = RssExporter(), ChaptersExporter()
    diagnostics = list(loaded.diagnostics)
    records: list[EpisodeRecord] = []
    chapter_files: dict[str, str] = {}
    for episode in loaded.episodes:
        result = rss.export_episode(context, episode)
        assert result.artifacts == ()
        diagnostics.extend(result.diagnostics)
        if result.record is not None:
            data = json.loads(json.dumps(result.record))
            records.append(EpisodeRecord(episode.slug, episode.source.path, data))
        if "chapters" in names:
            made = chapters.export_episode(context, episode)
            diagnostics.extend(made.diagnostics)
            chapter_files.update((str(a.path), a.text) for a in made.artifacts)
    if reverse:
        records.reverse()
    show = rss.export_show(context, records)
    diagnostics.extend(show.diagnostics)
    feeds = [a.text for a in show.artifacts if str(a.path) == "feed.xml"]
    assert len(show.artifacts) == len(feeds) <= 1
    image = loaded.show.image
    remote = image if image and "://" in image else None
    return Built(root, feeds[0] if feeds else None, diagnostics, chapter_files, remote)


def texts(built: Built, path: str) -> list[str]:
    return [str(value) for value in built.xpath(path)]


# --- the fixture show: every channel and item tag ------------------------------------------


@pytest.fixture(scope="module")
def show() -> Built:
    built = build_feed(SHOW)
    assert built.checked == [
        "people/oskarlind.md:1: warning: web link 'http://oskar.example.net/' is not https, "
        "which podcast:person needs; not used for Oskar Lind"
    ]
    return built


def test_declaration_and_namespaces(show: Built) -> None:
    assert show.feed is not None
    assert show.feed.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<rss ')
    assert show.feed.endswith("</rss>\n")
    root = show.xml
    assert root.get("version") == "2.0"
    assert {prefix: root.nsmap[prefix] for prefix in NS} == NS


def test_channel_tags(show: Built) -> None:
    channel = "/rss/channel/"
    assert texts(show, channel + "title/text()") == ["Tidewater Notes"]
    assert texts(show, channel + "description/text()") == [
        "Short conversations about tides, charts and the people who read them."
    ]
    assert texts(show, channel + "link/text()") == ["https://tidewater.example.net/"]
    assert texts(show, channel + "language/text()") == ["en-gb"]
    assert texts(show, channel + "copyright/text()") == ["2026 Tidewater Collective"]
    assert texts(show, channel + "generator/text()") == [f"castline {castline.__version__}"]
    assert show.xpath(channel + "docs") == []
    # Newest episode's date, so the feed is the same whenever it is built.
    assert texts(show, channel + "lastBuildDate/text()") == ["Mon, 20 Apr 2026 21:15:00 -0400"]
    [self_link] = show.xpath(channel + "atom:link")
    assert dict(self_link.attrib) == {
        "href": "https://feeds.example.net/tidewater/feed.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }
    # feedgen would drop a .jpeg cover silently.
    assert texts(show, channel + "itunes:image/@href") == [
        "https://cdn.example.net/art/tidewater-cover.jpeg"
    ]
    assert texts(show, channel + "itunes:explicit/text()") == ["true"]
    assert texts(show, channel + "itunes:author/text()") == ["Tidewater Collective"]
    assert texts(show, channel + "itunes:owner/itunes:name/text()") == ["Rosa Marsh"]
    assert texts(show, channel + "itunes:owner/itunes:email/text()") == ["rosa@example.net"]
    assert texts(show, channel + "itunes:type/text()") == ["episodic"]
    categories = [
        (c.get("text"), [s.get("text") for s in c.xpath("itunes:category", namespaces=NS)])
        for c in show.xpath(channel + "itunes:category")
    ]
    assert categories == [
        ("Science", ["Earth Sciences"]),
        ("Society & Culture", ["Documentary", "Places & Travel"]),
        ("Technology", []),
    ]
    assert 'text="Society &amp; Culture"' in (show.feed or "")
    expected_guid = uuid.uuid5(
        uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "feeds.example.net/tidewater/feed.xml"
    )
    assert texts(show, channel + "podcast:guid/text()") == [str(expected_guid)]
    assert uuid.UUID(texts(show, channel + "podcast:guid/text()")[0]).version == 5
    [locked] = show.xpath(channel + "podcast:locked")
    assert (locked.text, locked.get("owner")) == ("yes", "rosa@example.net")
    [funding] = show.xpath(channel + "podcast:funding")
    assert (funding.text, funding.get("url")) == (
        "Buy us a tide table",
        "https://tidewater.example.net/support",
    )
    [host] = show.xpath(channel + "podcast:person")
    assert (host.text, dict(host.attrib)) == (
        "Rosa Marsh",
        {
            "role": "host",
            "img": "https://cdn.example.net/site/images/people/rosamarsh.jpg",
            "href": "https://rosa.example.net/",
        },
    )
    assert texts(show, channel + "podcast:medium/text()") == ["podcast"]


def item(built: Built, guid: str) -> str:
    """XPath of the item with ``guid``."""
    return f"/rss/channel/item[guid='{guid}']/"


def test_items_newest_first_with_core_tags(show: Built) -> None:
    assert texts(show, "/rss/channel/item/guid/text()") == [
        "tidewater-night-ferry",  # pinned in front matter
        "harbour-survey",  # derived from the slug
        "tide-tables",
    ]
    assert texts(show, "/rss/channel/item/guid/@isPermaLink") == ["false"] * 3
    assert texts(show, "/rss/channel/item/title/text()") == [
        "The Night Ferry Trailer",
        "Surveying a Harbour by Hand",
        "How Tide Tables Are Made",
    ]
    assert texts(show, "/rss/channel/item/pubDate/text()") == [
        "Mon, 20 Apr 2026 21:15:00 -0400",
        "Mon, 06 Apr 2026 00:00:00 -0400",
        "Mon, 23 Mar 2026 00:00:00 -0400",
    ]
    [enclosure] = show.xpath(item(show, "harbour-survey") + "enclosure")
    assert dict(enclosure.attrib) == {
        "url": "https://media.example.net/tidewater/harbour-survey.mp3",
        "length": "4800000",
        "type": "audio/mpeg",
    }
    assert texts(show, "/rss/channel/item/itunes:duration/text()") == ["150", "300", "200"]


def test_descriptions_and_show_notes(show: Built) -> None:
    feed = show.feed or ""
    # description from `description` (plain text, escaped), else from `intro` (HTML, in CDATA)
    assert texts(show, item(show, "harbour-survey") + "description/text()") == [
        "Oskar Lind maps a harbour floor with a lead line & a notebook, and explains why the "
        "old charts were better than they look."
    ]
    assert (
        "<description><![CDATA[Wen Li on <b>night crossings</b> &amp; the tide tables behind "
        "them.]]></description>"
    ) in feed
    [notes] = texts(show, item(show, "harbour-survey") + "content:encoded/text()")
    assert notes.startswith(
        '<p>Notes:</p>\n<ul>\n<li><a href="https://oskar.example.net/notebook">'
    )
    assert "<code>a[b[0]]&gt;c</code>" in notes
    # A "]]>" inside the HTML cannot end the CDATA section early (the sanitiser writes ">").
    assert notes.endswith(
        "<blockquote>Raw HTML a description may hold passes through, even a[b[0]]&gt;c."
        "</blockquote>"
    )
    assert feed.count("]]>") == feed.count("<![CDATA[")
    assert texts(show, item(show, "tidewater-night-ferry") + "content:encoded") == []


def test_itunes_item_tags(show: Built) -> None:
    night = item(show, "tidewater-night-ferry")
    assert texts(show, night + "itunes:season/text()") == ["2"]
    assert texts(show, night + "itunes:episode/text()") == ["8"]
    assert texts(show, night + "itunes:episodeType/text()") == ["trailer"]
    assert texts(show, night + "itunes:explicit/text()") == ["false"]
    assert texts(show, night + "itunes:image/@href") == [
        "https://cdn.example.net/site/images/episodes/night-ferry.png"
    ]
    survey = item(show, "harbour-survey")
    assert texts(show, survey + "itunes:explicit") == []  # inherits the show's
    assert texts(show, survey + "itunes:episodeType") == []
    assert texts(show, item(show, "tide-tables") + "itunes:image") == []


def test_podcast_item_tags(show: Built) -> None:
    survey = item(show, "harbour-survey")
    assert texts(show, survey + "podcast:season/text()") == ["2"]
    assert texts(show, survey + "podcast:episode/text()") == ["7"]
    transcripts = [dict(t.attrib) for t in show.xpath(survey + "podcast:transcript")]
    base = "https://feeds.example.net/tidewater/episodes/harbour-survey"
    language = {"language": "en-gb"}  # the show's, on every transcript tag
    assert transcripts == [
        {"url": base + ".vtt", "type": "text/vtt", **language, "rel": "captions"},
        {"url": base + ".srt", "type": "application/x-subrip", **language, "rel": "captions"},
        {"url": base + ".txt", "type": "text/plain", **language},
    ]
    [chapters] = show.xpath(survey + "podcast:chapters")
    assert dict(chapters.attrib) == {
        "url": base + ".chapters.json",
        "type": "application/json+chapters",
    }
    persons = [(p.text, dict(p.attrib)) for p in show.xpath(survey + "podcast:person")]
    assert persons == [
        (
            "Rosa Marsh",
            {
                "role": "host",
                "img": "https://cdn.example.net/site/images/people/rosamarsh.jpg",
                "href": "https://rosa.example.net/",
            },
        ),
        (
            "Oskar Lind",
            {
                "role": "guest",
                "img": "https://cdn.example.net/site/images/people/oskarlind.png",
                "href": "https://www.linkedin.com/in/oskar-lind-example",
            },
        ),
    ]
    bites = [(b.text, dict(b.attrib)) for b in show.xpath(survey + "podcast:soundbite")]
    assert bites == [
        ("The lead line", {"startTime": "40", "duration": "30"}),
        ("Charts that lie", {"startTime": "130.5", "duration": "29.5"}),
    ]
    night = item(show, "tidewater-night-ferry")
    assert texts(show, night + "podcast:person/text()") == ["Rosa Marsh", "Wen Li"]
    assert texts(show, night + "podcast:person[2]/@href") == ["https://x.com/wenli_tides"]
    tables = item(show, "tide-tables")
    for tag in ("transcript", "chapters", "person", "soundbite"):
        assert show.xpath(tables + f"podcast:{tag}") == []


def test_psc_chapters_inline(show: Built) -> None:
    night = item(show, "tidewater-night-ferry")
    assert texts(show, night + "psc:chapters/@version") == ["1.2"]
    chapters = [dict(c.attrib) for c in show.xpath(night + "psc:chapters/psc:chapter")]
    assert chapters == [
        {"start": "00:00:00.000", "title": "Cold open"},
        {
            "start": "00:00:30.000",
            "title": "Reading the table",
            "href": "https://wen.example.net/tables",
            "image": "https://cdn.example.net/site/images/chapters/table.png",
        },
        {"start": "00:01:35.250", "title": "Last crossing"},
    ]
    survey = item(show, "harbour-survey")
    assert texts(show, survey + "psc:chapters/psc:chapter/@start") == [
        "00:00:06.000",
        "00:00:40.000",
        "00:02:05.000",
        "00:04:40.000",
    ]
    assert show.xpath(item(show, "tide-tables") + "psc:chapters") == []


def test_json_and_psc_chapters_agree(show: Built) -> None:
    for slug, guid in (
        ("harbour-survey", "harbour-survey"),
        ("night-ferry", "tidewater-night-ferry"),
    ):
        document = json.loads(show.chapter_files[f"episodes/{slug}.chapters.json"])
        psc = show.xpath(item(show, guid) + "psc:chapters/psc:chapter")
        assert [c["title"] for c in document["chapters"]] == [c.get("title") for c in psc]


def test_only_files_in_the_build_are_linked() -> None:
    alone = build_feed(SHOW, ("rss",))
    assert alone.xpath("//podcast:transcript") == []
    assert alone.xpath("//podcast:chapters") == []
    assert len(alone.xpath("//psc:chapters")) == 2  # inline, needs no other file
    captions = build_feed(SHOW, ("rss", "vtt"))
    assert texts(captions, "//podcast:transcript/@type") == ["text/vtt", "text/vtt"]


def test_feed_does_not_depend_on_record_order() -> None:
    assert build_feed(SHOW).feed == build_feed(SHOW, reverse=True).feed


# --- the record: each item rendered once, in the episode step ------------------------------


def assert_one_document(feed: str) -> None:
    """The items spliced in as text make the feed lxml writes for the whole tree in one go:
    its indented output of the parsed feed, namespaces declared on ``<rss>`` alone."""
    data = feed.encode("utf-8")
    parser = etree.XMLParser(remove_blank_text=True, strip_cdata=False)
    root = etree.fromstring(data, parser)
    body = etree.tostring(root, pretty_print=True, encoding="UTF-8")
    assert data == b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
    assert feed.count("xmlns:") == len(NS)
    assert all(element.nsmap == root.nsmap for element in root.iter())


def test_record_holds_the_rendered_item_and_what_the_show_step_reads(show: Built) -> None:
    loaded = load_content(SHOW)
    context = BuildContext(loaded.show, tuple(INFO[name] for name in ALL))
    [episode] = [e for e in loaded.episodes if e.slug == "night-ferry"]
    record = RssExporter().export_episode(context, episode).record
    assert record is not None
    assert {key: value for key, value in record.items() if key != "item"} == {
        "lines": {"guid": 3, "audio": 14},
        "guid": "tidewater-night-ferry",
        "enclosure_url": "https://media.example.net/tidewater/night-ferry.m4a",
        "published": "2026-04-20T21:15:00-04:00",
    }
    item = record["item"]
    assert item.startswith("    <item>\n      <title>The Night Ferry Trailer</title>\n")
    assert item.endswith("      </psc:chapters>\n    </item>\n")
    assert item.count("<item>") == 1 and "xmlns" not in item
    assert show.feed is not None and item in show.feed  # as it stands in the feed


def test_feed_is_one_lxml_document(show: Built) -> None:
    assert show.feed is not None
    assert_one_document(show.feed)


def test_record_shape_is_versioned_by_cache_version() -> None:
    # Records carry no format of their own: the build folds cache_version into the settings
    # hash, so a record cached in another shape is rebuilt before the show step sees it.
    assert type(RssExporter.cache_version) is int and RssExporter.cache_version > 0


# --- independent parsers ------------------------------------------------------------------


def check_with_parsers(feed: str, items: int) -> list[int]:
    """feedparser: well-formed, every item complete; podcastparser: every episode and its
    chapters (read from psc). Returns the chapter count of each episode."""
    data = feed.encode("utf-8")
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == items
    for entry in parsed.entries:
        assert entry.get("enclosures"), entry.get("id")
        assert entry["enclosures"][0]["href"].startswith("https://")
        assert int(entry["enclosures"][0]["length"]) > 0
        assert entry.get("id")
        assert entry.get("published_parsed") is not None
    podcast: dict[str, Any] = podcastparser.parse("https://example.org/feed.xml", io.BytesIO(data))
    episodes: list[dict[str, Any]] = podcast["episodes"]
    assert len(episodes) == items
    assert [e["guid"] for e in episodes] == [e["id"] for e in parsed.entries]
    return [len(e.get("chapters", [])) for e in episodes]


def test_fixture_show_parses(show: Built) -> None:
    assert show.feed is not None
    assert check_with_parsers(show.feed, 3) == [3, 4, 0]
    parsed = podcastparser.parse("https://example.org/feed.xml", io.BytesIO(show.feed.encode()))
    night: dict[str, Any] = parsed["episodes"][0]
    assert night["chapters"][2] == {"start": 95, "title": "Last crossing"}
    assert night["enclosures"][0]["mime_type"] == "audio/x-m4a"


def test_podcast_tags_are_valid_against_the_namespace_schema(show: Built) -> None:
    if not PODCAST_XSD.is_file():
        pytest.skip("../shared/schemas/podcast-namespace is absent")
    schema = etree.XMLSchema(etree.parse(str(PODCAST_XSD)))
    wrapper = etree.Element(f"{{{NS['podcast']}}}test-wrapper")
    checked = set()
    for element in show.xpath("//podcast:*"):
        name = etree.QName(element).localname
        # The 2021 schema lacks guid and medium, and wrongly requires season's `name`
        # (the spec makes it optional: schemas/podcast-namespace/README.md).
        if name in ("guid", "medium", "season"):
            continue
        wrapper.append(etree.fromstring(etree.tostring(element)))
        checked.add(name)
    assert checked == {
        "locked",
        "funding",
        "person",
        "episode",
        "transcript",
        "chapters",
        "soundbite",
    }
    assert schema.validate(wrapper), schema.error_log


# --- the demo show -------------------------------------------------------------------------


def test_demo_feed_matches_golden(golden: GoldenCheck, tmp_path: Path) -> None:
    """The golden feed is the full build's: every installed exporter takes part."""
    built = build_feed(CONTENT, tuple(INFO))
    assert built.checked == []
    assert built.feed is not None
    check_with_parsers(built.feed, 3)
    path = tmp_path / "feed.xml"
    path.write_bytes(built.feed.encode("utf-8"))
    golden(path, Path("demo") / "feed.xml")


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    options = BuildOptions(only=("rss", "chapters", "txt"))
    first = build(SHOW, tmp_path / "one", options)
    second = build(SHOW, tmp_path / "two", options)
    assert first.errors == [] and sorted(map(str, first.written)) == sorted(
        map(str, second.written)
    )
    assert "feed.xml" in map(str, first.written)
    for relative in first.written:
        assert (tmp_path / "one" / relative).read_bytes() == (
            tmp_path / "two" / relative
        ).read_bytes()
    again = build(SHOW, tmp_path / "one", options)
    assert again.written == [] and again.errors == []


# --- the real corpus -----------------------------------------------------------------------


CORPUS_SHOW = """title: DataTalks.Club Podcast
description: Conversations about data careers and data work.
language: en
base_url: https://podcast.example.org/datatalks/
assets_url: https://datatalks.club/
author: DataTalks.Club
owner:
  name: DataTalks.Club
  email: podcast@example.org
image: https://datatalks.club/images/podcast-cover.jpg
categories:
  - Technology
  - Education > Courses
explicit: false
hosts:
  - alexeygrigorev
timezone: Europe/Berlin
media:
  url: https://cdn.example.org/datatalks/{slug}.mp3
  folder: media
"""


def test_corpus_feed(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "content"
    for folder in ("_podcast", "_people"):
        shutil.copytree(corpus / folder, root / folder)
    (root / "show.yaml").write_text(CORPUS_SHOW, encoding="utf-8")
    (root / "media").mkdir()
    episodes = sorted(p.stem for p in (root / "_podcast").glob("*.md") if p.name[0] != "_")
    for number, slug in enumerate(episodes):
        (root / "media" / f"{slug}.mp3").write_bytes(b"\0" * (1000 + number))
    built = build_feed(root)
    assert built.feed is not None
    errors = [m for m in built.messages if ": error: " in m]
    assert errors == [
        "_podcast/s23e01-ai-engineering-skill-stack-agents-llmops-and-how-to-ship-ai-products.md:1:"
        " error: missing 'date' (or 'dateadded'): no publication date, so the episode is left out"
        " of the feed"
    ]
    chapters = check_with_parsers(built.feed, len(episodes) - 1)
    assert_one_document(built.feed)
    assert sum(chapters) > 400
    assert chapters.count(0) == 2  # no transcript / no section headers
    for guid in texts(built, "/rss/channel/item/guid/text()"):
        json_file = built.chapter_files.get(f"episodes/{guid}.chapters.json")
        psc = built.xpath(item(built, guid) + "psc:chapters/psc:chapter")
        json_count = 0 if json_file is None else len(json.loads(json_file)["chapters"])
        assert len(psc) == json_count
        assert len(built.xpath(item(built, guid) + "podcast:chapters")) == (json_count > 0)
    urls = texts(built, "/rss/channel/item/enclosure/@url")
    assert len(set(urls)) == len(urls)
    assert all(u.startswith("https://cdn.example.org/datatalks/") for u in urls)
    dates = texts(built, "/rss/channel/item/pubDate/text()")
    assert texts(built, "/rss/channel/lastBuildDate/text()") == [dates[0]]
    assert built.feed.count("{:") == 0  # kramdown attribute lists: 35 were printed as text
    two_guests = item(built, "cloud-data-governance")
    assert texts(built, two_guests + "podcast:person/@role") == ["host", "guest", "guest"]


# --- show.yaml mistakes: one fixture each, the exact message -----------------------------

MISTAKE_MESSAGES = {
    "missing-title": [
        "show.yaml:1: error: missing 'title': the feed needs one and is not written",
    ],
    "missing-base-url": [
        "show.yaml:1: error: missing 'base_url': the feed's URLs must be absolute, the feed is "
        "not written",
    ],
    "bad-category": [
        "show.yaml:7: error: 'Games & Hobbies' is an obsolete Apple Podcasts category (did you "
        "mean 'Leisure'?); left out",
        "show.yaml:7: error: 'Tech News' is not a subcategory of 'Technology' (did you mean "
        "'News > Tech News'?); left out",
        "show.yaml:7: error: unknown Apple Podcasts category 'technology' (did you mean "
        "'Technology'?); left out",
    ],
    "bad-explicit": [
        "show.yaml:9: error: 'explicit' must be true or false, not 'yes'",
    ],
    "http-podcast-url": [
        "show.yaml:13: error: funding URL 'http://ann.example.net/support' is not https, which "
        "podcast:funding needs; left out",
    ],
    "missing-enclosure": [
        "episodes/no-audio.md:1: error: missing 'audio': no enclosure, so the episode is left "
        "out of the feed",
    ],
    "unusable-enclosure": [  # the loader says why, the feed what follows: not 'missing'
        "episodes/no-length.md:5: error: 'audio' cannot be used (its own error says why): no "
        "enclosure, so the episode is left out of the feed",
        "episodes/no-length.md:5: error: 'audio.length' must be the file size in bytes (a "
        "positive number)",
    ],
}


@pytest.mark.parametrize("name", sorted(MISTAKE_MESSAGES))
def test_show_yaml_mistake(name: str) -> None:
    built = build_feed(MISTAKES / name, ("rss",))
    assert built.checked == MISTAKE_MESSAGES[name]
    if name in ("missing-title", "missing-base-url"):
        assert built.feed is None
        return
    assert built.feed is not None
    check_with_parsers(built.feed, 1)  # the rest of the feed is still written
    assert texts(built, "/rss/channel/item/title/text()") == ["The Only Episode"]
    categories = texts(built, "//itunes:category/@text")
    explicit = texts(built, "/rss/channel/itunes:explicit/text()")
    if name == "bad-category":
        assert categories == ["Science", "Physics"]
    else:
        assert categories == ["Technology"]
    assert explicit == ([] if name == "bad-explicit" else ["false"])
    assert built.xpath("//podcast:funding") == []


def test_mistakes_surface_through_check(tmp_path: Path) -> None:
    options = BuildOptions(only=("rss",), dry_run=True)
    report = build(MISTAKES / "missing-enclosure", tmp_path / "out", options)
    [expected] = MISTAKE_MESSAGES["missing-enclosure"]
    assert [f"{d.source.line}: {d.severity.value}: {d.message}" for d in report.errors] == [
        expected.split(":", 1)[1]
    ]
    assert report.errors[0].source.path.endswith("missing-enclosure/episodes/no-audio.md")
    assert not (tmp_path / "out").exists()


# --- the other checks (directories' rejections) ------------------------------------------

BASE_SHOW = """title: Check Show
description: A show for one check.
language: en
base_url: https://feeds.example.net/check/
image: https://cdn.example.net/art/cover.png
categories:
  - Technology
explicit: false
owner:
  name: Ann Example
  email: ann@example.net
author: Ann Example
"""


def episode_text(slug: str, **fields: str) -> str:
    values = {
        "title": f"Episode {slug}",
        "description": "An episode.",
        "dateadded": "2026-01-05",
        "duration": "60",
        "audio": f"\n  url: https://media.example.net/check/{slug}.mp3\n  length: 1000\n"
        "  type: audio/mpeg",
    }
    values.update(fields)
    lines = "".join(f"{key}: {value}\n" for key, value in values.items() if value != "-")
    return f"---\n{lines}---\n"


def png(width: int, height: int) -> bytes:
    """A PNG file of that size, made with Pillow."""
    return image_bytes(width, height)


def check(
    content_tree: ContentTree,
    show: str,
    episodes: Mapping[str, str] | None = None,
    extra: Mapping[str, str | bytes] | None = None,
) -> Built:
    files: dict[str, str | bytes] = {"show.yaml": show}
    for slug, text in (episodes or {"one": episode_text("one")}).items():
        files[f"episodes/{slug}.md"] = text
    files.update(extra or {})
    return build_feed(content_tree(files), ("rss", "vtt"))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("language: en\n", "language: english\n"),
            "show.yaml:3: error: 'english' is not an ISO 639 language code such as 'en' or "
            "'en-us'; <language> left out",
        ),
        (
            ("language: en\n", ""),
            "show.yaml:1: error: missing 'language': Apple Podcasts requires an ISO 639 code "
            "such as 'en'",
        ),
        (
            ("  email: ann@example.net\n", ""),
            "show.yaml:9: warning: missing 'owner.email': directories use the owner's e-mail to "
            "verify the show",
        ),
        (
            ("explicit: false\n", ""),
            "show.yaml:1: error: missing 'explicit' (true or false): Apple Podcasts requires "
            "itunes:explicit",
        ),
        (
            ("categories:\n  - Technology\n", ""),
            "show.yaml:1: error: missing 'categories': Apple Podcasts requires one",
        ),
        (
            ("image: https://cdn.example.net/art/cover.png\n", ""),
            "show.yaml:1: error: missing 'image': Apple Podcasts requires square artwork of "
            "1400x1400 to 3000x3000 pixels",
        ),
        (
            ("cover.png", "cover.gif"),
            "show.yaml:5: error: artwork 'https://cdn.example.net/art/cover.gif' must be a JPEG "
            "or PNG file (.jpg, .jpeg or .png); itunes:image left out",
        ),
        (
            ("cover.png", "cov%C3%A9r.png"),
            "show.yaml:5: error: artwork file name 'covér.png' is not ASCII; Apple Podcasts "
            "requires ASCII names",
        ),
        (
            ("https://cdn.example.net/art/cover.png", "art/small.png"),
            "show.yaml:5: error: artwork 'art/small.png' is 1200x1200 pixels; Apple Podcasts "
            "needs 1400x1400 to 3000x3000",
        ),
        (
            ("https://cdn.example.net/art/cover.png", "art/wide.png"),
            "show.yaml:5: error: artwork 'art/wide.png' is 1600x1400 pixels; Apple Podcasts "
            "needs a square image",
        ),
        (
            ("https://cdn.example.net/art/cover.png", "art/missing.png"),
            "show.yaml:5: error: artwork 'art/missing.png': no such file; itunes:image left out",
        ),
        (
            ("base_url: https://", "base_url: http://"),
            "show.yaml:4: error: 'base_url' http://feeds.example.net/check/ is not https, which "
            "podcast: tags need; podcast:transcript, podcast:chapters and podcast:person img "
            "are left out",
        ),
        (
            ("base_url: https://feeds.example.net/check/\n", "base_url: feeds.example.net\n"),
            "show.yaml:4: error: 'base_url' feeds.example.net is not an absolute https:// URL; "
            "the feed is not written",
        ),
        (
            ("title: Check Show\n", "title: Check Show\nassets_url: http://example.net/\n"),
            "show.yaml:2: error: 'assets_url' http://example.net/ is not https, which podcast: "
            "tags need; podcast:person img is left out",
        ),
        (
            ("title: Check Show\n", "title: Check Show\nmedium: radio\n"),
            "show.yaml:2: error: unknown 'medium' 'radio' (podcast:medium is one of podcast, "
            "podcastL, music, musicL, video, videoL, film, filmL, audiobook, audiobookL, "
            "newsletter, newsletterL, blog, blogL, publisher, publisherL, course, courseL, "
            "mixed); left out",
        ),
        (
            ("title: Check Show\n", "title: Check Show\nguid: not-a-uuid\n"),
            "show.yaml:2: error: 'guid' not-a-uuid is not a UUID; podcast:guid left out",
        ),
        (
            (
                "title: Check Show\n",
                "title: Check Show\nguid: 0f8fad5b-d9cb-469f-a165-70867728950e\n",
            ),
            "show.yaml:2: warning: 'guid' is a version 4 UUID; podcast:guid should be version 5",
        ),
        (
            ("title: Check Show\n", "title: Check Show\ntype: weekly\n"),
            "show.yaml:2: error: 'type' must be episodic or serial, not 'weekly'; left out",
        ),
        (
            ("description: A show for one check.\n", f"description: {'x' * 4001}\n"),
            "show.yaml:2: warning: 'description' is 4001 bytes; Apple Podcasts shows at most 4000",
        ),
        (
            ("description: A show for one check.\n", ""),
            "show.yaml:1: error: missing 'description': the feed needs one and is not written",
        ),
    ],
)
def test_show_check(content_tree: ContentTree, change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in BASE_SHOW
    images = {"art/small.png": png(1200, 1200), "art/wide.png": png(1600, 1400)}
    built = check(content_tree, BASE_SHOW.replace(old, new), extra=images)
    assert built.checked == [expected]


def test_artwork_in_range_passes(content_tree: ContentTree) -> None:
    show = BASE_SHOW.replace("https://cdn.example.net/art/cover.png", "art/cover.jpeg")
    built = check(
        content_tree, show, extra={"art/cover.jpeg": image_bytes(3000, 3000, kind="JPEG")}
    )
    assert built.checked == []
    assert texts(built, "/rss/channel/itunes:image/@href") == [
        "https://feeds.example.net/check/art/cover.jpeg"
    ]


def test_folder_of_transcripts_gets_no_feed_and_no_message(content_tree: ContentTree) -> None:
    root = content_tree({"episodes/one.md": episode_text("one")})
    built = build_feed(root)
    assert built.feed is None
    assert built.checked == []


def test_episode_checks(content_tree: ContentTree) -> None:
    episodes = {
        "one": episode_text("one", guid="shared-guid"),
        "two": episode_text("two", guid="shared-guid"),
        "three": episode_text("three").replace("check/three.mp3", "check/one.mp3"),
        "undated": episode_text("undated", dateadded="-"),
        "épisode": episode_text(
            "épisode", transcript="\n- header: A\n- line: Hi.\n  sec: 1\n  who: A"
        ),
        "ogg": episode_text("ogg").replace(".mp3", ".ogg").replace("audio/mpeg", "audio/ogg"),
        "numbers": episode_text("numbers", season="0", image="cover.webp"),
        "bare": episode_text("bare", description="-", image="art/cöver.png"),
        "clip": episode_text(
            "clip",
            quotableClips="\n- name: Too long\n  startOffset: 50\n  endOffset: 70"
            "\n- name: Too late\n  startOffset: 60\n  endOffset: 80",
        ),
    }
    built = check(content_tree, BASE_SHOW, episodes)
    assert built.checked == [
        "episodes/bare.md:1: warning: no 'description' or 'intro': the item has no description",
        "episodes/bare.md:9: warning: artwork file name 'cöver.png' is not ASCII",
        "episodes/numbers.md:10: warning: 'season' must be a number above 0, not 0; left out",
        "episodes/numbers.md:11: warning: episode artwork 'cover.webp' must be a .jpg, .jpeg or "
        ".png file; itunes:image left out",
        "episodes/ogg.md:6: warning: enclosure 'ogg.ogg' is not a format Apple Podcasts lists "
        "(.m4a, .mp3, .mov, .mp4, .m4v, .pdf)",
        "episodes/three.md:6: error: enclosure URL "
        "'https://media.example.net/check/one.mp3' is also the enclosure of "
        f"{built.root}/episodes/one.md; the episode is left out of the feed",
        "episodes/two.md:10: error: guid 'shared-guid' is also the guid of "
        f"{built.root}/episodes/one.md; the episode is left out of the feed",
        "episodes/undated.md:1: error: missing 'date' (or 'dateadded'): no publication date, so "
        "the episode is left out of the feed",
        "episodes/épisode.md:1: error: file name 'épisode' is not ASCII, so neither are the URLs "
        "of its transcript and chapter files; Apple Podcasts requires ASCII file names",
        "episodes/épisode.md:6: error: enclosure file name 'épisode.mp3' is not ASCII; Apple "
        "Podcasts requires ASCII file names",
    ]
    assert built.feed is not None
    # Soundbites running or starting past the declared duration are kept whole: the duration
    # is only itunes:duration, not the end of the stamps' timeline.
    bites = built.xpath(item(built, "clip") + "podcast:soundbite")
    assert [(bite.text, dict(bite.attrib)) for bite in bites] == [
        ("Too long", {"startTime": "50", "duration": "20"}),
        ("Too late", {"startTime": "60", "duration": "20"}),
    ]
    assert sorted(texts(built, "/rss/channel/item/guid/text()")) == [
        "bare",
        "clip",
        "numbers",
        "ogg",
        "shared-guid",
        "épisode",
    ]


def test_serial_show_needs_episode_numbers(content_tree: ContentTree) -> None:
    built = check(content_tree, BASE_SHOW + "type: serial\n")
    assert built.checked == [
        "episodes/one.md:1: warning: the show is serial ('type: serial'), so Apple Podcasts needs "
        "an 'episode' number on every episode"
    ]
    assert texts(built, "/rss/channel/itunes:type/text()") == ["serial"]


def test_long_podcast_text_is_cut_to_128_characters(content_tree: ContentTree) -> None:
    label = "Support " + "very " * 30 + "much"
    show = BASE_SHOW + f"funding:\n  - url: https://ann.example.net/\n    label: {label}\n"
    built = check(content_tree, show)
    [funding] = texts(built, "//podcast:funding/text()")
    assert len(funding) == 128 and funding.endswith("…")
    assert built.checked == [
        "show.yaml:13: warning: funding label 'Support very very very very very very ve…' is "
        f"{len(label)} characters; cut to 128, the podcast: namespace's limit"
    ]


def test_feed_without_episodes_has_no_build_date(content_tree: ContentTree) -> None:
    built = check(content_tree, BASE_SHOW, {"undated": episode_text("undated", dateadded="-")})
    assert built.feed is not None
    assert built.xpath("/rss/channel/lastBuildDate") == []
    assert built.xpath("/rss/channel/item") == []


def test_unknown_guests_are_left_out_of_the_persons(content_tree: ContentTree) -> None:
    show = BASE_SHOW + "hosts:\n  - ann\npeople: people\n"
    episodes = {
        "mixed": episode_text("mixed", guests="[nobodyhere, bo]"),
        "unknown": episode_text("unknown", guests="[nobodyhere]"),
    }
    people = {
        "people/ann.md": "---\nname: Ann Example\n---\n",
        "people/bo.md": "---\nname: Bo Guest\n---\n",
    }
    built = check(content_tree, show, episodes, people)
    # The loader's warning stays; the feed names no one by a bare id.
    assert built.checked == [
        "episodes/mixed.md:10: warning: unknown guest 'nobodyhere': no profile "
        "people/nobodyhere.md",
        "episodes/unknown.md:10: warning: unknown guest 'nobodyhere': no profile "
        "people/nobodyhere.md",
    ]
    mixed = item(built, "mixed")
    persons = [(p.get("role"), p.text) for p in built.xpath(mixed + "podcast:person")]
    assert persons == [("host", "Ann Example"), ("guest", "Bo Guest")]
    assert built.xpath("//podcast:person[text()='nobodyhere']") == []
    # With no known guest the item has no persons: the channel's host applies.
    assert built.xpath(item(built, "unknown") + "podcast:person") == []
    assert texts(built, "/rss/channel/podcast:person/text()") == ["Ann Example"]


def test_captions_shifted_for_a_video_are_not_linked(tmp_path: Path) -> None:
    report = build(CONTENT, tmp_path, BuildOptions(overrides={"offset_ms": 12_500}))
    feed: Any = etree.parse(str(tmp_path / "feed.xml"))
    types: list[Any] = feed.xpath("//item/podcast:transcript/@type", namespaces=NS)
    # The plain-text, JSON and HTML transcripts keep the audio's times: still linked.
    assert types and set(types) == {"text/plain", "application/json", "text/html"}
    assert [str(d) for d in report.warnings] == [
        f"{CONTENT}/show.yaml:1: warning: captions shifted (vtt by 12.5 s, srt by 12.5 s) do "
        "not match the audio: the feed does not link them as podcast:transcript"
    ]


#: A third-party exporter, as a distribution would ship it: a JSON transcript
#: (https://podcastindex.org/namespace/1.0#transcript lists application/json) that asks the feed
#: to link it.
THIRD_PARTY_MODULE = """
from castline.exporter import PerEpisodeExporter


class JsonTranscriptExporter(PerEpisodeExporter):
    name = "jsontranscript"
    media_type = "application/json"
    suffix = ".transcript.json"
    feed_link = "transcript"

    def render(self, context, episode):
        return '{}\\n', ()
"""


def test_a_third_party_transcript_exporter_is_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = fake_distribution(
        tmp_path / "site",
        "castline_jsontranscript",
        THIRD_PARTY_MODULE,
        {"jsontranscript": "castline_jsontranscript:JsonTranscriptExporter"},
    )
    monkeypatch.syspath_prepend(str(site))
    report = build(SHOW, tmp_path / "out", BuildOptions(only=("rss", "jsontranscript"), jobs=1))
    assert report.errors == []
    assert (tmp_path / "out" / "episodes" / "harbour-survey.transcript.json").is_file()
    feed: Any = etree.parse(str(tmp_path / "out" / "feed.xml"))
    survey = "//item[guid='harbour-survey']/"
    links = feed.xpath(
        survey + "podcast:transcript[contains(@url, '.transcript.json')]", namespaces=NS
    )
    assert [dict(link.attrib) for link in links] == [
        {
            "url": "https://feeds.example.net/tidewater/episodes/harbour-survey.transcript.json",
            "type": "application/json",
            "language": "en-gb",
        }
    ]
    # Listed after the built-in transcripts (default feed_order); not on an untranscribed item.
    types = feed.xpath(survey + "podcast:transcript/@type", namespaces=NS)
    assert types[-1] == "application/json"
    assert feed.xpath("//item[guid='tide-tables']/podcast:transcript", namespaces=NS) == []


# --- untrusted input: hostile show notes, text XML cannot hold, artwork outside the folder ----

HOSTILE_NOTES = """
Links:

* [Site](https://a.example/)
* <a href="javascript:alert(1)">Click</a> and <a href="data:text/html,x">this</a>

<script>alert("notes")</script>
<img src="https://a.example/x.png" onerror="alert(1)">
<iframe src="https://a.example/"></iframe>
<p style="color: red">Styled.</p>
"""


def test_hostile_show_notes_are_sanitised_and_reported(content_tree: ContentTree) -> None:
    built = check(content_tree, BASE_SHOW, {"one": episode_text("one") + HOSTILE_NOTES})
    assert built.checked == [
        "episodes/one.md:1: warning: show notes: removed javascript: link, data: link, <script>, "
        "<img>, <iframe>, style= (not allowed in a podcast description)"
    ]
    [notes] = texts(built, item(built, "one") + "content:encoded/text()")
    assert notes == (
        "<p>Links:</p>\n<ul>\n"
        '<li><a href="https://a.example/">Site</a></li>\n'
        "<li><a>Click</a> and <a>this</a></li>\n"
        "</ul>\n\n\n\n<p>Styled.</p>"
    )


def test_hostile_html_intro_is_sanitised_and_reported(content_tree: ContentTree) -> None:
    intro = "'Hi <b onclick=\"x()\">there</b><script>alert(1)</script>'"
    episode = episode_text("one", description="-", intro=intro)
    built = check(content_tree, BASE_SHOW, {"one": episode})
    assert built.checked == [
        "episodes/one.md:9: warning: 'intro': removed onclick=, <script> (not allowed in a "
        "podcast description)"
    ]
    assert "<description><![CDATA[Hi <b>there</b>]]></description>" in (built.feed or "")


def test_text_xml_cannot_hold_is_removed_and_reported(content_tree: ContentTree) -> None:
    episode = episode_text(
        "one",
        title='"Bell\\x07 and \\x0bvertical tab"',
        transcript='\n- header: "Part\\x01 one"\n  sec: 0\n- line: Hi.\n  sec: 1\n  who: A',
        quotableClips='\n- name: "Clip\\x10"\n  startOffset: 1\n  endOffset: 25',
    )
    show = BASE_SHOW.replace("title: Check Show", 'title: "Check\\x08 Show"')
    built = check(content_tree, show, {"one": episode})
    assert built.checked == [
        "episodes/one.md:2: warning: 'title' holds U+0007 and U+000B, which XML cannot hold; "
        "removed",
        "episodes/one.md:11: warning: 'header' holds U+0001, which XML cannot hold; removed",
        "episodes/one.md:17: warning: 'name' holds U+0010, which XML cannot hold; removed",
        "show.yaml:1: warning: 'title' holds U+0008, which XML cannot hold; removed",
    ]
    assert texts(built, "/rss/channel/title/text()") == ["Check Show"]
    assert texts(built, item(built, "one") + "title/text()") == ["Bell and vertical tab"]
    assert texts(built, item(built, "one") + "psc:chapters/psc:chapter/@title") == ["Part one"]
    assert texts(built, item(built, "one") + "podcast:soundbite/text()") == ["Clip"]


def test_a_title_of_control_characters_becomes_the_file_name(content_tree: ContentTree) -> None:
    built = check(content_tree, BASE_SHOW, {"one": episode_text("one", title='"\\x07\\x08"')})
    assert built.checked == [
        "episodes/one.md:2: warning: 'title' holds U+0007 and U+0008, which XML cannot hold; "
        "removed",
        # The loader removed them: the title is empty, so the file name stands in.
        "episodes/one.md:2: warning: no 'title'; using 'one'",
    ]
    assert texts(built, item(built, "one") + "title/text()") == ["one"]


def test_lone_surrogates_are_replaced_and_reported() -> None:
    # YAML escapes such as "\ud800" reach the model through other loaders: build on the model.
    show = load_content(SHOW).show
    episode = next(e for e in load_content(SHOW).episodes if e.slug == "harbour-survey")
    guest = dataclasses.replace(episode.guests[0], name="Oskar\udc00 Lind")
    hostile = dataclasses.replace(episode, title="Survey\ud800", guests=(guest,))
    context = BuildContext(dataclasses.replace(show, author="Tide\udfffwater"), (INFO["rss"],))
    rss = RssExporter()
    made = rss.export_episode(context, hostile)
    assert made.record is not None
    record = EpisodeRecord(episode.slug, episode.source.path, made.record)
    feed = rss.export_show(context, [record])
    root = str(SHOW) + "/"
    messages = sorted({str(d).removeprefix(root) for d in (*made.diagnostics, *feed.diagnostics)})
    assert messages == [
        "episodes/harbour-survey.md:2: warning: 'title' holds the lone surrogate U+D800, which "
        "is not text; replaced with U+FFFD",
        "people/oskarlind.md:1: warning: 'title' holds the lone surrogate U+DC00, which is not "
        "text; replaced with U+FFFD",
        "people/oskarlind.md:1: warning: web link 'http://oskar.example.net/' is not https, "
        "which podcast:person needs; not used for Oskar\ufffd Lind",
        "show.yaml:13: warning: artwork 'https://cdn.example.net/art/tidewater-cover.jpeg' is "
        "a remote URL, so castline cannot check that it is a square RGB JPEG or PNG of 1400 to "
        "3000 pixels",
        "show.yaml:9: warning: 'author' holds the lone surrogate U+DFFF, which is not text; "
        "replaced with U+FFFD",
    ]
    [artifact] = feed.artifacts
    xml: Any = etree.fromstring(artifact.text.encode("utf-8"))
    assert xml.xpath("//item/title/text()") == ["Survey\ufffd"]
    assert xml.xpath("/rss/channel/itunes:author/text()", namespaces=NS) == ["Tide\ufffdwater"]


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (
            "../outside.png",
            # the loader refuses the path; the feed says nothing more about it
            "show.yaml:5: error: 'image' must be a URL or a path inside the content folder, "
            "not '../outside.png'",
        ),
        (
            "art/../../outside.png",
            # the loader refuses the path; the feed says nothing more about it
            "show.yaml:5: error: 'image' must be a URL or a path inside the content folder, "
            "not 'art/../../outside.png'",
        ),
        (
            "/srv/art/cover.png",
            # the loader refuses the path; the feed says nothing more about it
            "show.yaml:5: error: 'image' must be a URL or a path inside the content folder, "
            "not '/srv/art/cover.png'",
        ),
        (
            "art/linked.png",
            "show.yaml:5: error: artwork 'art/linked.png' links to a file outside the content "
            "folder, so it is not published; itunes:image left out",
        ),
    ],
)
def test_artwork_outside_the_content_folder_is_an_error(
    content_tree: ContentTree, image: str, expected: str
) -> None:
    show = BASE_SHOW.replace("image: https://cdn.example.net/art/cover.png", f"image: {image}")
    root = content_tree({"art/cover.png": png(1400, 1400)})
    outside = root.parent / "outside.png"
    outside.write_bytes(png(1400, 1400))
    (root / "art" / "linked.png").symlink_to(outside)
    built = check(content_tree, show)
    assert built.checked == [expected]
    assert built.xpath("/rss/channel/itunes:image") == []
    assert RssExporter().published_files(load_content(root).show) == ()


def test_artwork_inside_the_content_folder_is_published(content_tree: ContentTree) -> None:
    show = BASE_SHOW.replace("https://cdn.example.net/art/cover.png", "art/inner.png")
    root = content_tree({"art/cover.png": png(1400, 1400)})
    (root / "art" / "inner.png").symlink_to("cover.png")  # a link that stays inside
    built = check(content_tree, show)
    assert built.checked == []
    assert texts(built, "/rss/channel/itunes:image/@href") == [
        "https://feeds.example.net/check/art/inner.png"
    ]
    assert RssExporter().published_files(load_content(root).show) == (
        PurePosixPath("art/inner.png"),
    )


@given(hostile_episodes())
def test_any_text_gives_a_feed_that_parses(episode: Episode) -> None:
    context = BuildContext(HOSTILE_SHOW, tuple(INFO[name] for name in ALL))
    rss = RssExporter()
    made = rss.export_episode(context, episode)
    assert made.record is not None
    record = EpisodeRecord(episode.slug, episode.source.path, json.loads(json.dumps(made.record)))
    feed = rss.export_show(context, [record])
    assert [str(a.path) for a in feed.artifacts] == ["feed.xml"]
    assert_writable(feed.artifacts, [*made.diagnostics, *feed.diagnostics])


def test_the_feed_times_an_episode_once_with_the_pages_and_chapters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pages, the feed and the chapter files of an episode that needs no repair share its
    timing, chapters and published transcript: the timing engine runs once for the three."""
    calls: list[str] = []
    engine = spans.time_transcript

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append("timed")
        return engine(*args, **kwargs)

    monkeypatch.setattr(spans, "time_transcript", counted)
    content = load_content(CONTENT)
    context = BuildContext(content.show, ())
    episode = content.episodes[0]
    assert episode.transcript and episode.chapters == ()
    for exporter in (SiteExporter(), RssExporter(), ChaptersExporter()):
        assert exporter.export_episode(context, episode).diagnostics == ()
    assert calls == ["timed"]
