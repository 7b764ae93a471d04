"""Artwork read with Pillow and checked as the directories check it (castline.feed.artwork);
every image is made in the test."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from castline.feed.artwork import check_artwork, read_artwork, unchecked
from castline.model import ArtworkInfo, SourceRef
from tests.feed.imaging import image_bytes

HERE = SourceRef("show.yaml", 5)


def artwork(tmp_path: Path, name: str, data: bytes) -> ArtworkInfo:
    path = tmp_path / name
    path.write_bytes(data)
    return read_artwork(path, f"content/{name}")


def messages(info: ArtworkInfo, image: str, *, show: bool = True) -> tuple[bool, list[str]]:
    suffix = Path(image).suffix.lower()
    ok, found = check_artwork(info, image, suffix, HERE, show=show)
    return ok, [str(d) for d in found]


def test_a_square_rgb_jpeg_in_range_passes(tmp_path: Path) -> None:
    info = artwork(tmp_path, "cover.jpg", image_bytes(1400, 1400, kind="JPEG"))
    assert (info.format, info.mode, info.width, info.height) == ("JPEG", "RGB", 1400, 1400)
    assert messages(info, "art/cover.jpg") == (True, [])


def test_a_cmyk_jpeg_is_an_error(tmp_path: Path) -> None:
    info = artwork(tmp_path, "cover.jpg", image_bytes(1400, 1400, mode="CMYK", kind="JPEG"))
    assert messages(info, "art/cover.jpg") == (
        False,
        [
            "show.yaml:5: error: artwork 'art/cover.jpg' is CMYK, not in the RGB colour space; "
            "itunes:image left out"
        ],
    )


def test_a_jpeg_named_png_is_an_error(tmp_path: Path) -> None:
    info = artwork(tmp_path, "cover.png", image_bytes(1400, 1400, kind="JPEG"))
    assert messages(info, "art/cover.png") == (
        False,
        [
            "show.yaml:5: error: artwork 'art/cover.png' is a JPEG file, which its name does not "
            "say; directories take a JPEG named .jpg or .jpeg, or a PNG named .png; "
            "itunes:image left out"
        ],
    )


def test_a_gif_named_png_is_an_error(tmp_path: Path) -> None:
    info = artwork(tmp_path, "cover.png", image_bytes(1400, 1400, mode="P", kind="GIF"))
    assert messages(info, "art/cover.png")[1] == [
        "show.yaml:5: error: artwork 'art/cover.png' is a GIF file, which its name does not say; "
        "directories take a JPEG named .jpg or .jpeg, or a PNG named .png; itunes:image left out"
    ]


def test_missing_artwork_is_an_error(tmp_path: Path) -> None:
    info = read_artwork(tmp_path / "gone.png", "content/gone.png")
    assert info.missing
    assert messages(info, "gone.png") == (
        False,
        ["show.yaml:5: error: artwork 'gone.png': no such file; itunes:image left out"],
    )


def test_bytes_that_are_no_image_are_an_error(tmp_path: Path) -> None:
    info = artwork(tmp_path, "cover.png", b"\x89PNG\r\n\x1a\n not really")
    assert messages(info, "cover.png") == (
        False,
        [
            "show.yaml:5: error: artwork 'cover.png' is not an image Pillow reads; "
            "itunes:image left out"
        ],
    )


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((1200, 1200), "is 1200x1200 pixels; Apple Podcasts needs 1400x1400 to 3000x3000"),
        ((1600, 1400), "is 1600x1400 pixels; Apple Podcasts needs a square image"),
    ],
)
def test_size_out_of_range_is_an_error_but_kept(
    tmp_path: Path, size: tuple[int, int], message: str
) -> None:
    info = artwork(tmp_path, "cover.png", image_bytes(*size))
    assert messages(info, "cover.png") == (
        True,
        [f"show.yaml:5: error: artwork 'cover.png' {message}"],
    )


def test_an_episodes_faults_are_warnings(tmp_path: Path) -> None:
    info = artwork(tmp_path, "ep.jpg", image_bytes(1400, 1400, mode="CMYK", kind="JPEG"))
    assert messages(info, "ep.jpg", show=False) == (
        False,
        [
            "show.yaml:5: warning: artwork 'ep.jpg' is CMYK, not in the RGB colour space; "
            "itunes:image left out"
        ],
    )


def test_a_large_file_is_a_warning(tmp_path: Path) -> None:
    info = ArtworkInfo("content/cover.png", "PNG", "RGB", 3000, 3000, 600 * 1024)
    assert messages(info, "cover.png") == (
        True,
        ["show.yaml:5: warning: artwork 'cover.png' is 600 KB; hosts advise at most 512 KB"],
    )


def test_an_alpha_channel_on_the_show_cover_is_a_warning(tmp_path: Path) -> None:
    info = artwork(tmp_path, "cover.png", image_bytes(1400, 1400, mode="RGBA"))
    assert info.mode == "RGBA"
    assert messages(info, "cover.png") == (
        True,
        [
            "show.yaml:5: warning: artwork 'cover.png' has an alpha channel, which Apple's show "
            "cover must not"
        ],
    )
    assert messages(info, "cover.png", show=False) == (True, [])


def test_grayscale_is_not_rgb(tmp_path: Path) -> None:
    info = artwork(tmp_path, "cover.png", image_bytes(1400, 1400, mode="L"))
    assert messages(info, "cover.png") == (
        False,
        [
            "show.yaml:5: error: artwork 'cover.png' is L, not in the RGB colour space; "
            "itunes:image left out"
        ],
    )


def test_remote_artwork_is_reported_unchecked() -> None:
    assert str(unchecked("https://cdn.example.net/a.jpg", HERE)) == (
        "show.yaml:5: warning: artwork 'https://cdn.example.net/a.jpg' is a remote URL, so "
        "castline cannot check that it is a square RGB JPEG or PNG of 1400 to 3000 pixels"
    )


def test_a_decompression_bomb_is_refused_unread(tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    info = artwork(tmp_path, "bomb.png", bomb)
    assert info.problem is not None and info.problem.startswith("not an image Pillow reads (")


def test_the_file_is_read_when_a_fact_is_first_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    info = read_artwork(path, "content/cover.png")
    assert info.path == "content/cover.png"  # the name is known without reading the file
    path.write_bytes(image_bytes(1400, 1400, kind="PNG"))
    assert (info.format, info.width, info.missing) == ("PNG", 1400, False)
    path.unlink()
    assert (info.format, info.missing) == ("PNG", False)  # read once, then kept
    assert pickle.loads(pickle.dumps(info)) == info


def test_a_copy_with_another_name_holds_the_facts_read_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    path.write_bytes(image_bytes(1400, 1400, kind="PNG"))
    copy = dataclasses.replace(read_artwork(path, "content/cover.png"), path="content/c.png")
    path.unlink()
    assert copy == ArtworkInfo("content/c.png", "PNG", "RGB", 1400, 1400, copy.size_bytes)
    assert type(copy) is ArtworkInfo and copy.size_bytes > 0
