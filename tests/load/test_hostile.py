"""Hostile or broken content: every problem is a ``path:line`` message, never a traceback, a hang
or a file read outside the content folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from castline.errors import ContentError
from castline.load import load_content
from castline.model import Utterance
from tests.conftest import ContentTree


def messages(root: Path) -> list[str]:
    """Every diagnostic of loading ``root``, with the folder left out of the paths."""
    return [str(d).replace(f"{root}/", "") for d in load_content(root).diagnostics]


# 1. Numbers: finite and in range where read.

STAMPS = """---
title: Stamps
transcript:
- line: Not a number.
  who: A
  sec: .nan
- line: Too far.
  who: A
  sec: 1.0e+400
- line: Absurd time.
  who: A
  time: '99999:00:00'
- line: Time stands in for a bad sec.
  who: A
  sec: .inf
  time: '1:05'
- header: Far header
  sec: .inf
---
"""


def test_a_stamp_that_is_not_finite_or_past_100_hours_is_ignored(
    content_tree: ContentTree,
) -> None:
    root = content_tree({"episodes/stamps.md": STAMPS})
    assert messages(root) == [
        "episodes/stamps.md:6: warning: 'sec' must be a finite number of seconds, not .nan; "
        "the stamp is ignored",
        "episodes/stamps.md:9: warning: 'sec' must be a finite number of seconds, not .inf; "
        "the stamp is ignored",
        "episodes/stamps.md:12: warning: 'time' '99999:00:00' must be at most 100 hours; "
        "line left untimed",
        "episodes/stamps.md:15: warning: 'sec' must be a finite number of seconds, not .inf; "
        "the stamp is ignored",
        "episodes/stamps.md:18: warning: 'sec' must be a finite number of seconds, not .inf; "
        "the stamp is ignored",
    ]
    (episode,) = load_content(root).episodes
    assert [item.start_ms for item in episode.transcript] == [None, None, None, 65_000, None]


FIELDS = """---
title: Fields
season: -1
episode: 99999999999999999999999999999999999
duration: .nan
quotableClips:
- startOffset: .inf
  endOffset: 10
- startOffset: 1
  endOffset: .nan
- startOffset: 1
  endOffset: 5
chapters:
- start: .inf
  title: Far
transcript:
- line: Hello.
  who: A
  sec: 1
---
"""


def test_a_duration_clip_chapter_or_count_out_of_range_is_a_warning_and_left_out(
    content_tree: ContentTree,
) -> None:
    root = content_tree({"episodes/fields.md": FIELDS})
    assert messages(root) == [
        "episodes/fields.md:5: warning: 'duration' must be a finite number of seconds, not .nan; "
        "ignored",
        "episodes/fields.md:3: warning: 'season' must be a whole number from 0 to 1,000,000, "
        "not -1; ignored",
        "episodes/fields.md:4: warning: 'episode' must be a whole number from 0 to 1,000,000, "
        "not a number of more than 30 digits; ignored",
        "episodes/fields.md:7: warning: clip 1: 'startOffset' must be a finite number of "
        "seconds, not .inf; the clip is left out",
        "episodes/fields.md:9: warning: clip 2: 'endOffset' must be a finite number of "
        "seconds, not .nan; the clip is left out",
        "episodes/fields.md:14: warning: chapter 1: 'start' must be a finite number of seconds, "
        "not .inf; ignored",
    ]
    (episode,) = load_content(root).episodes
    assert (episode.duration_ms, episode.season, episode.number) == (None, None, None)
    assert [(clip.start_ms, clip.duration_ms) for clip in episode.soundbites] == [(1000, 4000)]
    assert episode.chapters == ()


def test_an_audio_length_past_1_tb_is_an_error(content_tree: ContentTree) -> None:
    root = content_tree(
        {
            "episodes/big.md": "---\ntitle: Big\naudio:\n  url: https://cdn.example.org/a.mp3\n"
            "  length: 99999999999999999999\n---\n"
        }
    )
    assert messages(root) == [
        "episodes/big.md:3: error: 'audio.length' must be at most 1,000,000,000,000 bytes "
        "(1 TB), not 99999999999999999999"
    ]


# 2. Strings castline cannot write.


def test_a_guest_id_that_is_no_plain_name_is_left_out(content_tree: ContentTree) -> None:
    root = content_tree({"episodes/e.md": '---\ntitle: E\nguests: ["a\\0b", "../etc", ok]\n---\n'})
    assert messages(root) == [
        "episodes/e.md:3: warning: guest 'a\\x00b' is not a plain profile name (no '/', '..' or "
        "control characters); left out",
        "episodes/e.md:3: warning: guest '../etc' is not a plain profile name (no '/', '..' or "
        "control characters); left out",
        "episodes/e.md:3: warning: unknown guest 'ok': no profile people/ok.md",
    ]
    (episode,) = load_content(root).episodes
    assert [guest.id for guest in episode.guests] == ["ok"]


CONTROLS = (
    '---\ntitle: "Bell\\a \\a here"\ntopics: ["x\\x01", "y\\x02"]\ntranscript:\n'
    '- header: "Head\\x1b"\n- line: "Hello\\x0b there"\n  who: "A\\x08"\n  sec: 1\n---\n'
    "Body text\nwith a \x07 bell.\n"
)


def test_characters_xml_cannot_hold_are_removed_once_a_field(content_tree: ContentTree) -> None:
    root = content_tree({"people/p.md": '---\ntitle: "P\\x00 Q"\n---\n', "episodes/e.md": CONTROLS})
    assert messages(root) == [
        "people/p.md:2: warning: 'title' holds U+0000, which XML cannot hold; removed",
        "episodes/e.md:5: warning: 'header' holds U+001B, which XML cannot hold; removed",
        "episodes/e.md:6: warning: 'line' holds U+000B, which XML cannot hold; removed",
        "episodes/e.md:7: warning: 'who' holds U+0008, which XML cannot hold; removed",
        "episodes/e.md:2: warning: 'title' holds U+0007, which XML cannot hold; removed",
        "episodes/e.md:3: warning: 'topics' holds U+0001 and U+0002, which XML cannot hold;"
        " removed",
        "episodes/e.md:11: warning: 'body' holds U+0007, which XML cannot hold; removed",
    ]
    result = load_content(root)
    (episode,) = result.episodes
    assert (episode.title, episode.topics) == ("Bell  here", ("x", "y"))
    assert episode.transcript[1] == Utterance(
        "Hello there", "A", 1000, episode.transcript[1].source
    )
    assert episode.notes_markdown == "Body text\nwith a  bell."
    assert result.project.people["p"].name == "P Q"


# 3. Limits, configurable in show.yaml.


def test_a_file_larger_than_limits_file_bytes_is_not_read(content_tree: ContentTree) -> None:
    root = content_tree(
        {
            "show.yaml": "limits:\n  file_bytes: 100\n",
            "episodes/big.md": "---\ntitle: Big\n---\n" + "x" * 200,
            "episodes/small.md": "---\ntitle: Small\n---\n",
        }
    )
    assert messages(root) == [
        "episodes/big.md:1: error: the file is 219 bytes, more than limits.file_bytes (100) "
        "allows; not read"
    ]


BOMB = "\n".join(
    [
        "---",
        "title: Bomb",
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]",
        *(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 9)),
        "guests: [" + ", ".join(["*a8"] * 10) + "]",
        "---",
        "",
    ]
)


def test_aliases_that_expand_past_limits_yaml_nodes_are_refused(
    content_tree: ContentTree,
) -> None:
    root = content_tree({"episodes/bomb.md": BOMB, "episodes/loop.md": "---\na: &x [1, *x]\n---\n"})
    assert messages(root) == [
        "episodes/bomb.md:8: error: the YAML has more than 200,000 nodes (each alias counted "
        "as the nodes it repeats), more than limits.yaml_nodes allows; not read",
        "episodes/loop.md:2: error: an alias repeats a node that contains it; not read",
    ]


def test_composing_stops_past_limits_yaml_nodes(content_tree: ContentTree) -> None:
    lines = "".join(f"- line: L{i}\n" for i in range(100))
    root = content_tree(
        {
            "show.yaml": "limits: {yaml_nodes: 50}\n",
            "episodes/long.md": f"---\ntitle: Long\ntranscript:\n{lines}---\n",
        }
    )
    assert messages(root) == [
        "episodes/long.md:3: error: the YAML has more than 50 nodes (each alias counted as the "
        "nodes it repeats), more than limits.yaml_nodes allows; not read"
    ]


def test_a_transcript_or_line_past_its_limit_is_an_error(content_tree: ContentTree) -> None:
    lines = "".join(f"- line: L{i}\n  who: A\n" for i in range(11))
    root = content_tree(
        {
            "show.yaml": "limits:\n  transcript_items: 10\n  line_chars: 20\n",
            "episodes/items.md": f"---\ntitle: Items\ntranscript:\n{lines}---\n",
            "episodes/wide.md": "---\ntitle: Wide\ntranscript:\n- line: " + "w" * 21 + "\n---\n",
        }
    )
    assert messages(root) == [
        "episodes/items.md:3: error: 'transcript' has 11 items, more than "
        "limits.transcript_items (10) allows",
        "episodes/wide.md:4: error: transcript item 1: 'line' has 21 characters, more than "
        "limits.line_chars (20) allows",
    ]


def test_a_bad_limit_is_an_error_and_the_default_is_kept(content_tree: ContentTree) -> None:
    root = content_tree(
        {"show.yaml": "limits:\n  file_bytes: .inf\n  speed: 3\n", "episodes/e.md": "---\n---\n"}
    )
    assert messages(root) == [
        "show.yaml:2: error: 'limits.file_bytes' must be a positive whole number, not inf; "
        "using 5,000,000",
        "show.yaml:3: error: unknown limit 'speed' (known: file_bytes, yaml_nodes, "
        "transcript_items, line_chars); ignored",
        "episodes/e.md:1: warning: no 'title'; using 'e'",
    ]
    assert load_content(root).show.limits.file_bytes == 5_000_000


# 4. Paths that leave the content folder.


@pytest.mark.parametrize("image", ["../x.png", "/etc/passwd"])
def test_a_show_image_outside_the_content_folder_is_an_error(
    content_tree: ContentTree, image: str
) -> None:
    root = content_tree({"show.yaml": f"title: S\nimage: {image}\n", "episodes/e.md": "---\n---\n"})
    assert messages(root)[0] == (
        f"show.yaml:2: error: 'image' must be a URL or a path inside the content folder, "
        f"not '{image}'"
    )
    assert load_content(root).show.image is None


def test_folders_outside_the_content_folder_are_errors(content_tree: ContentTree) -> None:
    root = content_tree(
        {
            "show.yaml": "people: ../people\nmedia:\n  url: https://x.org/{slug}.mp3\n"
            "  folder: ../media\n",
            "episodes/e.md": "---\ntitle: E\n---\n",
        }
    )
    assert messages(root) == [
        "show.yaml:1: error: people folder '../people' is outside the content folder",
        "show.yaml:4: error: media folder '../media' is outside the content folder",
    ]
    show = load_content(root).show
    assert (show.people_dir, show.media_dir) == (None, None)
    (root / "show.yaml").write_text("episodes: ../..\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"show.yaml:1: error: episodes folder '../..' is outside"):
        load_content(root)


# 5. Names that are no regular file: never opened, reported once.


def test_odd_episode_and_profile_names_are_reported_and_never_opened(
    content_tree: ContentTree,
) -> None:
    root = content_tree(
        {"episodes/good.md": "---\ntitle: Good\n---\n", "people/other.md": "---\ntitle: O\n---\n"}
    )
    episodes, people = root / "episodes", root / "people"
    (episodes / "dangling.md").symlink_to("nowhere.md")
    (episodes / "loop.md").symlink_to("loop.md")
    os.mkfifo(episodes / "pipe.md")
    (episodes / "folder.md").mkdir()
    (episodes / "_draft-pipe.md").symlink_to("nowhere.md")  # a draft: skipped quietly
    os.mkfifo(people / "guest.md")
    (people / "zero.md").symlink_to("/dev/zero")
    (people / "dir.md").mkdir()
    assert messages(root) == [
        "people/dir.md:1: warning: the profile is a directory; skipped",
        "people/guest.md:1: warning: the profile is a named pipe (FIFO); skipped",
        "people/zero.md:1: warning: the profile is a symbolic link to a device; skipped",
        "episodes/dangling.md:1: warning: the episode file is a dangling symbolic link; skipped",
        "episodes/folder.md:1: warning: the episode file is a directory; skipped",
        "episodes/loop.md:1: warning: the episode file is a symbolic link loop; skipped",
        "episodes/pipe.md:1: warning: the episode file is a named pipe (FIFO); skipped",
    ]
    assert [episode.slug for episode in load_content(root).episodes] == ["good"]


def test_a_file_name_that_is_not_utf8_is_reported_and_skipped(content_tree: ContentTree) -> None:
    root = content_tree({"episodes/good.md": "---\ntitle: Good\n---\n"})
    (root / "people").mkdir()
    # The bytes 0xff and 0xfe are no UTF-8: Python lists them as lone surrogates (PEP 383).
    (root / "episodes" / os.fsdecode(b"0002-\xff.md")).write_text("---\ntitle: Bad\n---\n")
    (root / "episodes" / os.fsdecode(b"_draft-\xfe.md")).write_text("---\n")  # quietly
    (root / "people" / os.fsdecode(b"b\xffd.md")).write_text("---\ntitle: B\n---\n")
    assert messages(root) == [
        "people/b\\xffd.md:1: warning: the profile's file name is not UTF-8; skipped",
        "episodes/0002-\\xff.md:1: warning: the file name is not UTF-8; skipped",
    ]
    assert [episode.slug for episode in load_content(root).episodes] == ["good"]


# 6. The fuzz harness's reproducers that fall in the loader.


def test_yaml_that_cannot_be_constructed_is_an_error_at_its_line(
    content_tree: ContentTree,
) -> None:
    root = content_tree(
        {
            "episodes/tag.md": "---\ntitle: T\ndate: !!timestamp yesterday\n---\n",
            "episodes/bool.md": "---\ntitle: T\nexplicit: !!bool maybe\n---\n",
            "episodes/nul.md": "---\ntitle: T\ntranscript:\n- line: a\0b\n  sec: 1\n---\n",
            "episodes/int.md": "---\ntitle: T\nseason: !!int\n---\n",
        }
    )
    assert messages(root) == [
        "episodes/bool.md:3: error: invalid YAML: 'maybe' cannot be read as !!bool",
        "episodes/int.md:3: error: invalid YAML: '' cannot be read as !!int",
        "episodes/nul.md:4: error: invalid YAML: unacceptable character #x0000: control "
        "characters are not allowed",
        "episodes/tag.md:3: error: 'yesterday' is not a valid date (YYYY-MM-DD[ HH:MM[:SS]])",
    ]


def test_a_folder_name_too_long_for_the_file_system_is_a_missing_folder(
    content_tree: ContentTree,
) -> None:
    """Asking whether a 300-character name is a folder raises ENAMETOOLONG on Linux."""
    name = "x" * 300
    root = content_tree({"show.yaml": f"title: S\nepisodes: {name}\n"})
    with pytest.raises(ContentError) as raised:
        load_content(root)
    assert (
        str(raised.value) == f"{root}/show.yaml:2: error: episodes folder '{name}' does not exist"
    )


def test_funding_that_is_not_a_list_is_a_warning(content_tree: ContentTree) -> None:
    root = content_tree({"show.yaml": "title: S\nfunding: .nan\n", "episodes/e.md": "---\n---\n"})
    assert [str(d) for d in load_content(root).diagnostics if "funding" in d.message] == [
        f"{root}/show.yaml:2: warning: 'funding' must be a list of {{url, label}}, not a number;"
        " ignored"
    ]
