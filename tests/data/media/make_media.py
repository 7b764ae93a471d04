"""Writes the tiny media fixtures beside this script, byte by byte, with the standard library
alone (no ffmpeg, no encoder): run ``python tests/data/media/make_media.py`` once and commit
what it writes. The files are silent and a few KB; the tests read them with mutagen.

* ``tiny.mp3`` (2,016 bytes): 56 MPEG-2 Layer III frames, 8 kbit/s, 16 kHz, mono, no CRC
  (ISO/IEC 13818-3). Each frame is its 4-byte header, a 9-byte side information block of
  zeros (no Huffman data: silence) and zero padding to the frame's 36 bytes
  (72 x 8000 / 16000); 576 samples at 16 kHz last 36 ms, so the file lasts 2.016 s.
* ``tiny.m4a``: an MP4 file (ISO/IEC 14496-12, -14) with ``ftyp M4A``, a ``moov`` holding
  ``mvhd`` and one sound track (``tkhd``, ``mdhd``, ``hdlr soun``, ``smhd``, ``dinf``, and an
  ``stbl`` whose ``stsd`` has an ``mp4a`` entry with an ``esds`` for AAC LC, 16 kHz mono,
  48 kbit/s), empty sample tables and an empty ``mdat``. Its tracks say it lasts 3.5 s; it
  holds no samples, which is all a header reader needs.
"""

from __future__ import annotations

import struct
from pathlib import Path

HERE = Path(__file__).parent


def mp3() -> bytes:
    """56 silent MPEG-2 Layer III frames."""
    header = bytes([0xFF, 0xF3, 0x18, 0xC0])  # MPEG-2, L3, no CRC; 8 kbit/s, 16 kHz; mono
    frame = header + bytes(36 - len(header))
    return frame * 56


def box(kind: bytes, payload: bytes) -> bytes:
    """One MP4 box: its size, its four-letter type, its payload."""
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full(kind: bytes, payload: bytes, flags: int = 0) -> bytes:
    """A full box: version 0 and ``flags`` before the payload."""
    return box(kind, struct.pack(">I", flags) + payload)


MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def descriptor(tag: int, payload: bytes) -> bytes:
    """An MPEG-4 descriptor (ISO/IEC 14496-1): tag, one-byte size, payload."""
    return bytes([tag, len(payload)]) + payload


def m4a() -> bytes:
    """A 3.5 s AAC LC M4A header without samples."""
    scale, duration = 1000, 3500
    mvhd = full(
        b"mvhd",
        struct.pack(">IIIIIH10x", 0, 0, scale, duration, 0x10000, 0x100) + MATRIX + bytes(24)
        + struct.pack(">I", 2),
    )
    tkhd = full(
        b"tkhd",
        struct.pack(">IIII4xI8xHHH2x", 0, 0, 1, 0, duration, 0, 0, 0x100) + MATRIX
        + struct.pack(">II", 0, 0),
        flags=7,
    )
    mdhd = full(b"mdhd", struct.pack(">IIIIHH", 0, 0, 16000, 16000 * duration // scale, 0x55C4, 0))
    hdlr = full(b"hdlr", struct.pack(">I", 0) + b"soun" + bytes(12) + b"SoundHandler\x00")
    config = descriptor(5, bytes([0x14, 0x08]))  # AAC LC, 16 kHz, 1 channel
    decoder = descriptor(4, bytes([0x40, 0x15]) + bytes(3) + struct.pack(">II", 48000, 48000) + config)
    esds = full(b"esds", descriptor(3, struct.pack(">HB", 1, 0) + decoder + descriptor(6, b"\x02")))
    mp4a = box(b"mp4a", bytes(6) + struct.pack(">H8xHHHHI", 1, 1, 16, 0, 0, 16000 << 16) + esds)
    stbl = box(
        b"stbl",
        full(b"stsd", struct.pack(">I", 1) + mp4a)
        + full(b"stts", struct.pack(">I", 0))
        + full(b"stsc", struct.pack(">I", 0))
        + full(b"stsz", struct.pack(">II", 0, 0))
        + full(b"stco", struct.pack(">I", 0)),
    )
    dinf = box(b"dinf", full(b"dref", struct.pack(">I", 1) + full(b"url ", b"", flags=1)))
    minf = box(b"minf", full(b"smhd", struct.pack(">HH", 0, 0)) + dinf + stbl)
    trak = box(b"trak", tkhd + box(b"mdia", mdhd + hdlr + minf))
    ftyp = box(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A isommp42")
    return ftyp + box(b"moov", mvhd + trak) + box(b"mdat", b"")


if __name__ == "__main__":
    (HERE / "tiny.mp3").write_bytes(mp3())
    (HERE / "tiny.m4a").write_bytes(m4a())
