"""The feed from real media and artwork files, soundbite selection, big feeds and the
directory profiles: loader, rss exporter, build and ``castline check --for`` together."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from lxml import etree
from typer.testing import CliRunner

from castline.build import BuildOptions, build
from castline.cli import app
from tests.conftest import DATA, ContentTree
from tests.exporters.test_rss import (
    BASE_SHOW,
    CORPUS_SHOW,
    NS,
    PODCAST_XSD,
    assert_one_document,
    build_feed,
    check,
    check_with_parsers,
    episode_text,
    item,
    texts,
)
from tests.feed.imaging import image_bytes

MP3 = (DATA / "media" / "tiny.mp3").read_bytes()
M4A = (DATA / "media" / "tiny.m4a").read_bytes()
MEDIA_SHOW = (
    BASE_SHOW + "media:\n  url: https://media.example.net/check/{slug}.mp3\n  folder: media\n"
)


def audio(url: str, length: int = 1000, media_type: str = "audio/mpeg") -> str:
    return f"\n  url: {url}\n  length: {length}\n  type: {media_type}"


def test_media_files_fill_duration_length_and_type(content_tree: ContentTree) -> None:
    episodes = {
        "one": episode_text("one", duration="-", audio="-"),
        "long": episode_text("long", duration="3600", audio="-"),
        "m4a": episode_text(
            "m4a",
            duration="-",
            audio=audio("https://media.example.net/check/m4a.m4a", 568, "audio/x-m4a"),
        ),
    }
    media = {"media/one.mp3": MP3, "media/long.mp3": MP3, "media/m4a.m4a": M4A}
    built = check(content_tree, MEDIA_SHOW, episodes, media)
    assert built.checked == [
        "episodes/long.md:5: warning: 'duration' is 1:00:00, but the media file "
        f"'{built.root}/media/long.mp3' lasts 0:00:02; itunes:duration keeps the declared one"
    ]
    assert built.feed is not None
    check_with_parsers(built.feed, 3)
    durations = {g: texts(built, item(built, g) + "itunes:duration/text()") for g in episodes}
    assert durations == {"one": ["2"], "long": ["3600"], "m4a": ["4"]}
    enclosures = {g: dict(built.xpath(item(built, g) + "enclosure")[0].attrib) for g in episodes}
    assert enclosures["one"] == {
        "url": "https://media.example.net/check/one.mp3",
        "length": "2016",
        "type": "audio/mpeg",
    }
    assert enclosures["m4a"]["type"] == "audio/x-m4a"


def test_a_wrong_type_extension_or_length_is_reported(content_tree: ContentTree) -> None:
    episodes = {
        "typed": episode_text(
            "typed",
            duration="2",
            audio=audio("https://media.example.net/check/typed.mp3", 1000, "audio/mp4"),
        ),
        "named": episode_text(
            "named",
            duration="2",
            audio=audio("https://media.example.net/check/named.m4a", 2016, "audio/x-m4a"),
        ),
    }
    media = {"media/typed.mp3": MP3, "media/named.m4a": MP3}
    built = check(content_tree, MEDIA_SHOW, episodes, media)
    root = built.root
    assert built.checked == [
        "episodes/named.md:6: error: enclosure 'named.m4a' is named as another format than its "
        f"media file '{root}/media/named.m4a', which is MP3 (MPEG-2 Layer 3); name it .mp3",
        "episodes/named.md:6: error: enclosure type 'audio/x-m4a' does not match the media file "
        f"'{root}/media/named.m4a', which is MP3 (MPEG-2 Layer 3); the feed gives type "
        "'audio/mpeg'",
        "episodes/typed.md:6: error: enclosure type 'audio/mp4' does not match the media file "
        f"'{root}/media/typed.mp3', which is MP3 (MPEG-2 Layer 3); the feed gives type "
        "'audio/mpeg'",
        "episodes/typed.md:6: warning: 'audio.length' is 1000 bytes, but the media file "
        f"'{root}/media/typed.mp3' is 2016; the enclosure length is the file's size",
    ]
    [typed] = built.xpath(item(built, "typed") + "enclosure")
    assert (typed.get("type"), typed.get("length")) == ("audio/mpeg", "2016")


def test_a_corrupt_media_file_is_a_message_at_its_path(content_tree: ContentTree) -> None:
    episodes = {"one": episode_text("one", audio="-")}
    built = check(
        content_tree, MEDIA_SHOW, episodes, {"media/one.mp3": b"\xff\xfb" + b"\x00" * 900}
    )
    assert [m.split(": warning: ")[0] for m in built.checked] == ["media/one.mp3:1"]
    assert built.checked[0].startswith("media/one.mp3:1: warning: not a valid MP3 file (")
    assert texts(built, item(built, "one") + "itunes:duration/text()") == ["60"]


def test_local_artwork_is_checked_for_the_show_and_episodes(content_tree: ContentTree) -> None:
    show = BASE_SHOW.replace("https://cdn.example.net/art/cover.png", "art/cover.png")
    art = {
        "art/cover.png": image_bytes(1400, 1400, kind="JPEG"),
        "art/ep.jpg": image_bytes(1400, 1400, mode="CMYK", kind="JPEG"),
    }
    built = check(content_tree, show, {"one": episode_text("one", image="art/ep.jpg")}, art)
    assert built.checked == [
        "episodes/one.md:10: warning: artwork 'art/ep.jpg' is CMYK, not in the RGB colour space; "
        "itunes:image left out",
        "show.yaml:5: error: artwork 'art/cover.png' is a JPEG file, which its name does not "
        "say; directories take a JPEG named .jpg or .jpeg, or a PNG named .png; itunes:image "
        "left out",
    ]
    assert built.xpath("//itunes:image") == []


def test_a_show_without_author_is_an_error(content_tree: ContentTree) -> None:
    built = check(content_tree, BASE_SHOW.replace("author: Ann Example\n", ""))
    assert built.checked == [
        "show.yaml:1: error: missing 'author': Spotify requires itunes:author (the show's "
        "creator), and Apple Podcasts shows it under the title"
    ]


# --- soundbites --------------------------------------------------------------------------

CLIPS = (
    "\n- name: Short\n  startOffset: 1\n  endOffset: 5"
    "\n- name: Fine\n  startOffset: 10\n  endOffset: 40"
    "\n- name: Chapter\n  startOffset: 100\n  endOffset: 700"
)


def soundbites(content_tree: ContentTree, option: str) -> tuple[list[str], list[str]]:
    show = BASE_SHOW + (f"exporters:\n  rss:\n    soundbites: {option}\n" if option else "")
    root = content_tree(
        {"show.yaml": show, "episodes/one.md": episode_text("one", quotableClips=CLIPS)}
    )
    report = build(root, root.parent / "out", BuildOptions(only=("rss",)))
    xml: Any = etree.parse(str(root.parent / "out" / "feed.xml"))
    titles = [str(t) for t in xml.xpath("//podcast:soundbite/text()", namespaces=NS)]
    notices = [str(d).removeprefix(f"{root}/") for d in report.diagnostics if d.code == "F120"]
    return titles, notices


def test_only_recommended_soundbites_by_default_reported_once(content_tree: ContentTree) -> None:
    assert soundbites(content_tree, "") == (
        ["Fine"],
        [
            "episodes/one.md:10: warning: 2 of 3 soundbites ('quotableClips') are outside the 15 "
            "to 120 s the podcast namespace recommends, so they are left out (4 s at line 11, "
            "600 s at line 17); the rss exporter's option 'soundbites: all' keeps them, 'none' "
            "writes none"
        ],
    )


@pytest.mark.parametrize(
    ("option", "titles"), [("all", ["Short", "Fine", "Chapter"]), ("none", [])]
)
def test_the_soundbites_option(content_tree: ContentTree, option: str, titles: list[str]) -> None:
    assert soundbites(content_tree, option) == (titles, [])


def test_a_bad_soundbites_option_stops_the_build(content_tree: ContentTree) -> None:
    root = content_tree({"show.yaml": BASE_SHOW + "exporters:\n  rss:\n    soundbites: some\n"})
    result = CliRunner().invoke(app, ["check", str(root)])
    assert result.exit_code == 1
    assert (
        "exporters.rss: 'soundbites' must be one of recommended, all, none, not 'some'"
        in result.output
    )


# --- big feeds -------------------------------------------------------------------------------


def many(content_tree: ContentTree, options: str) -> Path:
    files = {"show.yaml": BASE_SHOW + f"exporters:\n  rss:\n{options}"}
    for day in range(1, 6):
        files[f"episodes/e{day}.md"] = episode_text(f"e{day}", dateadded=f"2026-01-0{day}")
    return content_tree(files)


def test_page_size_pages_the_feed_as_rfc_5005_says(content_tree: ContentTree) -> None:
    root = many(content_tree, "    page_size: 2\n")
    out = root.parent / "out"
    report = build(root, out, BuildOptions(only=("rss",)))
    assert report.errors == []
    pages = ["feed.xml", "feed-page-2.xml", "feed-page-3.xml"]
    assert sorted(report.show_output_bytes) == sorted(pages)
    base = "https://feeds.example.net/check/"
    guids, url = [], base + "feed.xml"
    for number, name in enumerate(pages, 1):
        data = (out / name).read_bytes()
        assert report.show_output_bytes[name] == len(data)
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0
        links = {
            link["rel"]: link["href"] for link in parsed.feed.links if link["rel"] != "alternate"
        }
        assert links["self"] == url
        assert (links["first"], links["last"]) == (base + pages[0], base + pages[-1])
        assert links.get("previous") == (base + pages[number - 2] if number > 1 else None)
        podcast = podcastparser.parse(url, io.BytesIO(data))
        guids += [episode["guid"] for episode in podcast["episodes"]]
        following = podcast.get("paged_feed_next")
        assert following == (base + pages[number] if number < len(pages) else None)
        url = following or url
    assert guids == ["e5", "e4", "e3", "e2", "e1"]


def test_fewer_pages_remove_the_stale_ones(content_tree: ContentTree) -> None:
    root = many(content_tree, "    page_size: 2\n")
    out = root.parent / "out"
    build(root, out, BuildOptions(only=("rss",)))
    (root / "show.yaml").write_text(
        BASE_SHOW + "exporters:\n  rss:\n    page_size: 4\n", encoding="utf-8"
    )
    report = build(root, out, BuildOptions(only=("rss",)))
    assert [str(p) for p in report.removed] == ["feed-page-3.xml"]
    assert sorted(p.name for p in out.glob("feed*.xml")) == ["feed-page-2.xml", "feed.xml"]


def test_max_items_keeps_the_newest(content_tree: ContentTree) -> None:
    root = many(content_tree, "    max_items: 3\n")
    out = root.parent / "out"
    report = build(root, out, BuildOptions(only=("rss",)))
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert [entry.id for entry in parsed.entries] == ["e5", "e4", "e3"]
    assert [link["rel"] for link in parsed.feed.links] == ["alternate", "self"]
    assert report.show_output_bytes == {"feed.xml": (out / "feed.xml").stat().st_size}
    again = build(root, out, BuildOptions(only=("rss",)))
    assert again.written == [] and again.show_output_bytes == report.show_output_bytes


# --- directory profiles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directory", "expected"),
    [
        ("spotify", ["error: missing 'author'"]),
        ("apple", ["warning: missing 'author'"]),
        ("youtube", []),
        ("podcastindex", []),
        (None, ["error: missing 'author'"]),
    ],
)
def test_check_for_a_directory(
    content_tree: ContentTree, directory: str | None, expected: list[str]
) -> None:
    root = content_tree(
        {
            "show.yaml": BASE_SHOW.replace("author: Ann Example\n", ""),
            "episodes/one.md": episode_text("one"),
        }
    )
    arguments = ["check", str(root), "--report", str(root.parent / "r.json")]
    result = CliRunner().invoke(app, [*arguments, *(["--for", directory] if directory else [])])
    found = [
        line.split(": ", 1)[1].split(":", 1)[0] + ": " + line.split(": ", 2)[2][:16]
        for line in result.output.splitlines()
        if "missing 'author'" in line
    ]
    assert found == expected
    assert result.exit_code == (1 if expected and expected[0].startswith("error") else 0)


def test_check_for_an_unknown_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--for", "myspace"])
    assert result.exit_code == 2
    assert (
        "--for must be one of apple, spotify, podcastindex, youtube, not 'myspace'" in result.output
    )


# --- the real corpus, with a media file for every episode ------------------------------------


def test_corpus_with_media_passes_the_clients_one_message_per_episode(
    corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "content"
    for folder in ("_podcast", "_people"):
        shutil.copytree(corpus / folder, root / folder)
    (root / "show.yaml").write_text(CORPUS_SHOW, encoding="utf-8")
    (root / "media").mkdir()
    slugs = sorted(p.stem for p in (root / "_podcast").glob("*.md") if p.name[0] != "_")
    for slug in slugs:
        (root / "media" / f"{slug}.mp3").write_bytes(MP3)
    built = build_feed(root)
    assert built.feed is not None
    check_with_parsers(built.feed, len(slugs) - 1)  # one episode has no date
    assert_one_document(built.feed)
    counts: dict[tuple[str, str], int] = {}
    for diagnostic in built.diagnostics:
        assert diagnostic.code not in ("F101", "F103", "F104"), str(diagnostic)
        if diagnostic.code in ("F105", "F120"):
            key = (diagnostic.code, diagnostic.source.path)
            counts[key] = counts.get(key, 0) + 1
    assert counts and max(counts.values()) == 1
    assert {code for code, _ in counts} == {"F105", "F120"}
    durations = [int(d) for d in texts(built, "/rss/channel/item/itunes:duration/text()")]
    assert len(durations) == len(slugs) - 1 and min(durations) >= 2
    bites = built.xpath("//podcast:soundbite")
    assert bites and all(15 <= float(b.get("duration")) <= 120 for b in bites)
    if PODCAST_XSD.is_file():
        schema = etree.XMLSchema(etree.parse(str(PODCAST_XSD)))
        wrapper = etree.Element(f"{{{NS['podcast']}}}test-wrapper")
        for bite in bites:
            wrapper.append(etree.fromstring(etree.tostring(bite)))
        assert schema.validate(wrapper), schema.error_log


def test_a_rebuild_without_changes_reads_no_media(
    content_tree: ContentTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    import castline.load.episode as loader
    from castline.feed.media import probe_media

    reads: list[str] = []
    real = probe_media

    def counting(path: Path, shown: str) -> object:
        reads.append(path.name)
        return real(path, shown)

    monkeypatch.setattr(loader, "probe_media", counting)
    files: dict[str, str | bytes] = {"show.yaml": MEDIA_SHOW, "media/one.mp3": MP3}
    files["episodes/one.md"] = episode_text("one", duration="-", audio="-")
    root = content_tree(files)
    out = root.parent / "out"
    options = BuildOptions(only=("rss",), jobs=1)
    first = build(root, out, options)
    assert (first.errors, reads) == ([], ["one.mp3"])
    assert "<itunes:duration>2</itunes:duration>" in (out / "feed.xml").read_text("utf-8")
    assert build(root, out, options).written == [] and reads == ["one.mp3"]
    (root / "media" / "one.mp3").write_bytes(MP3 * 2)  # another size: read again
    build(root, out, options)
    assert reads == ["one.mp3", "one.mp3"]
    assert "<itunes:duration>4</itunes:duration>" in (out / "feed.xml").read_text("utf-8")
