"""Local media files read for what they are (castline.feed.media), on the tiny committed
fixtures that tests/data/media/make_media.py writes."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from castline.feed.media import (
    DURATION_TOLERANCE_MS,
    check_duration,
    check_enclosure,
    probe_media,
    sniff,
)
from castline.model import MediaInfo, SourceRef
from tests.conftest import DATA

MEDIA = DATA / "media"
HERE = SourceRef("episodes/one.md", 7)


def test_the_mp3_fixture_is_read_from_its_frames() -> None:
    assert probe_media(MEDIA / "tiny.mp3", "tiny.mp3") == MediaInfo(
        "tiny.mp3", "mp3", "MPEG-2 Layer 3", 2016, 8000, 2016
    )


def test_the_m4a_fixture_is_read_from_its_boxes() -> None:
    size = (MEDIA / "tiny.m4a").stat().st_size
    assert size < 4096
    assert probe_media(MEDIA / "tiny.m4a", "tiny.m4a") == MediaInfo(
        "tiny.m4a", "mp4", "mp4a.40.2", 3500, 48000, size
    )


def test_the_fixtures_are_what_their_script_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_media", MEDIA / "make_media.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert (MEDIA / "tiny.mp3").read_bytes() == script.mp3()
    assert (MEDIA / "tiny.m4a").read_bytes() == script.m4a()


def test_the_name_is_not_what_tells_the_format(tmp_path: Path) -> None:
    disguised = tmp_path / "episode.m4a"
    disguised.write_bytes((MEDIA / "tiny.mp3").read_bytes())
    found = probe_media(disguised, "media/episode.m4a")
    assert isinstance(found, MediaInfo) and found.container == "mp3"


def test_a_file_of_no_known_format_gets_a_message(tmp_path: Path) -> None:
    path = tmp_path / "zeros.mp3"
    path.write_bytes(b"\0" * 1000)
    assert probe_media(path, "zeros.mp3") == (
        "not an audio or video file castline knows (MP3, MP4, Ogg, FLAC, WAV, AAC)"
    )


def test_a_truncated_mp4_gets_a_message(tmp_path: Path) -> None:
    path = tmp_path / "cut.m4a"
    path.write_bytes((MEDIA / "tiny.m4a").read_bytes()[:100])
    found = probe_media(path, "cut.m4a")
    assert isinstance(found, str) and found.startswith("not a valid MP4 file (")


def test_a_missing_file_gets_a_message(tmp_path: Path) -> None:
    assert probe_media(tmp_path / "gone.mp3", "gone.mp3") == (
        "cannot read: No such file or directory"
    )


@settings(max_examples=200, deadline=None)
@given(
    head=st.sampled_from([b"ID3", b"\x00\x00\x00\x18ftyp", b"OggS", b"fLaC", b"\xff\xfb", b""]),
    body=st.binary(max_size=600),
)
def test_hostile_bytes_never_raise(head: bytes, body: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.mp3"
        path.write_bytes(head + body)
        found = probe_media(path, "hostile.mp3")
    assert isinstance(found, str | MediaInfo)
    if isinstance(found, MediaInfo):
        assert found.duration_ms > 0


def test_sniff_tells_containers_by_their_first_bytes() -> None:
    assert sniff(b"RIFF\0\0\0\0WAVE") == ["wav"]
    assert sniff(b"\xff\xfb\x90\x00") == ["mp3"]
    assert sniff(b"<html>") == []


MP3 = MediaInfo("content/media/one.mp3", "mp3", "MPEG-1 Layer 3", 61_000, 128_000, 976_000)


def test_an_mp3_typed_audio_mp4_is_an_error_and_retyped() -> None:
    media_type, found = check_enclosure(MP3, "audio/mp4", ".mp3", "one.mp3", HERE)
    assert media_type == "audio/mpeg"
    assert [str(d) for d in found] == [
        "episodes/one.md:7: error: enclosure type 'audio/mp4' does not match the media file "
        "'content/media/one.mp3', which is MP3 (MPEG-1 Layer 3); the feed gives type "
        "'audio/mpeg'"
    ]
    assert [d.code for d in found] == ["F103"]


def test_an_mp3_named_m4a_is_an_error() -> None:
    media_type, found = check_enclosure(MP3, "audio/mpeg", ".m4a", "one.m4a", HERE)
    assert media_type == "audio/mpeg"
    assert [str(d) for d in found] == [
        "episodes/one.md:7: error: enclosure 'one.m4a' is named as another format than its "
        "media file 'content/media/one.mp3', which is MP3 (MPEG-1 Layer 3); name it .mp3"
    ]


def test_a_matching_enclosure_passes() -> None:
    assert check_enclosure(MP3, "audio/mpeg; charset=binary", ".mp3", "one.mp3", HERE) == (
        "audio/mpeg; charset=binary",
        [],
    )


def test_duration_comes_from_the_media_when_none_is_declared() -> None:
    assert check_duration(MP3, None, HERE) == (61_000, [])


def test_a_declared_duration_within_the_tolerance_is_kept_silently() -> None:
    assert check_duration(MP3, 61_000 + DURATION_TOLERANCE_MS, HERE) == (63_000, [])


def test_a_declared_duration_far_from_the_media_is_kept_and_reported() -> None:
    duration, found = check_duration(MP3, 3_600_000, HERE)
    assert duration == 3_600_000
    assert [str(d) for d in found] == [
        "episodes/one.md:7: warning: 'duration' is 1:00:00, but the media file "
        "'content/media/one.mp3' lasts 0:01:01; itunes:duration keeps the declared one"
    ]
