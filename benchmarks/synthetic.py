"""Synthetic shows shaped like the real corpus, for benchmarks and build tests.

Each episode: about 130 transcript lines of about 60 words, a section header every ~12 lines,
two or three speakers, some lines sharing the previous line's second, some untimed
continuation lines, a guest profile, quotable clips and an ISO 8601 duration. Deterministic
for a given seed, so two runs compare like with like.
"""

from __future__ import annotations

import random
import re
import struct
import textwrap
import zlib
from pathlib import Path

WORDS = (
    "data model team pipeline feature metric customer product question answer people "
    "really think know because actually something building production experiment result "
    "analysis platform learning training deploy monitor quality source schema warehouse "
    "dashboard forecast season weather ferry library branch spreadsheet baseline error "
    "latency budget hiring career mentor project roadmap stakeholder decision review the "
    "a an of to in and or but so we you they it is was were be have had do did make made "
    "with from about into over under after before while when where why how what which"
).split()

SHOW_YAML = """title: Synthetic Show
description: A generated show for benchmarks.
language: en
base_url: https://bench.example.org/show/
link: https://bench.example.org/
author: Bench
owner:
  name: Bench Owner
  email: bench@example.org
categories:
  - Technology
explicit: false
image: cover.png
timezone: UTC
media:
  url: https://media.example.org/{slug}.mp3
  folder: media
hosts:
  - host
"""


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + rng.choice([".", ".", ".", "?", "!"])


def _paragraph(rng: random.Random, words: int) -> str:
    parts: list[str] = []
    left = words
    while left > 0:
        size = min(left, rng.randint(6, 18))
        parts.append(_sentence(rng, size))
        left -= size
    return " ".join(parts)


def episode_text(index: int, *, lines: int = 130, words: int = 60, seed: int = 0) -> str:
    """The front matter and body of synthetic episode ``index``."""
    rng = random.Random(seed * 1_000_003 + index)
    out = [
        "---",
        f"title: Synthetic episode {index}",
        f"season: {1 + index // 50}",
        f"episode: {index + 1}",
        "guests:",
        f"- guest{index % 20}",
        f"description: Generated episode number {index}.",
        f"dateadded: 2024-{1 + index % 12:02d}-{1 + index % 28:02d}",
        "quotableClips:",
        "- name: A clip",
        "  startOffset: 60",
        "  endOffset: 95",
        "transcript:",
    ]
    second = 5
    pending = 0  # characters spoken since the last new stamp
    speakers = ["Host", "Guest", "Cohost"] if index % 3 == 0 else ["Host", "Guest"]
    speaker = 0
    for number in range(lines):
        if number % 12 == 0:
            out.append(f"- header: Section {number // 12 + 1} of episode {index}")
        text = _paragraph(rng, max(3, int(rng.gauss(words, words / 3))))
        # Folded like PyYAML writes it (and the real files are): continuation lines indented.
        out.append("- line: " + "\n    ".join(textwrap.wrap(text, 76)))
        roll = rng.random()
        if roll < 0.6 or number == 0:
            # A new turn, stamped when the text before it has been spoken (about 14 cps).
            speaker = (speaker + 1) % len(speakers) if number else 0
            second += -(-pending // 14) + rng.randint(0, 2)
            pending = 0
            out += [f"  sec: {second}", f"  time: '{second // 60}:{second % 60:02d}'"]
        elif roll < 0.8:
            # The same second as the line before (a monologue split into paragraphs).
            out += [f"  sec: {second}", f"  time: '{second // 60}:{second % 60:02d}'"]
        # else: an untimed continuation line.
        pending += len(text)
        out.append(f"  who: {speakers[speaker]}")
    second += pending // 14
    duration = second + 30
    hours, minutes, seconds = duration // 3600, duration % 3600 // 60, duration % 60
    out.insert(8, f"duration: PT{hours:02d}H{minutes:02d}M{seconds:02d}S")
    out += ["---", "", f"Notes for episode {index} with a [link](https://example.org/{index}).", ""]
    return "\n".join(out)


def square_png(side: int) -> bytes:
    """A plain ``side`` x ``side`` RGB PNG (artwork that passes the feed's checks)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = (b"\0" + b"\x20\x40\x80" * side) * side
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def write_show(root: Path, episodes: int, *, seed: int = 0) -> Path:
    """Write a synthetic show of ``episodes`` episodes under ``root`` and return it."""
    (root / "episodes").mkdir(parents=True, exist_ok=True)
    (root / "cover.png").write_bytes(square_png(1400))
    (root / "people").mkdir(exist_ok=True)
    (root / "media").mkdir(exist_ok=True)
    (root / "show.yaml").write_text(SHOW_YAML, encoding="utf-8")
    (root / "people" / "host.md").write_text("---\ntitle: The Host\n---\n", encoding="utf-8")
    for guest in range(20):
        (root / "people" / f"guest{guest}.md").write_text(
            f"---\ntitle: Guest Number {guest}\nlinkedin: guest-{guest}\n---\nA guest.\n",
            encoding="utf-8",
        )
    for index in range(episodes):
        slug = f"{index:05d}-synthetic"
        text = episode_text(index, seed=seed)
        (root / "episodes" / f"{slug}.md").write_text(text, encoding="utf-8")
        hours, minutes, seconds = re.findall(r"duration: PT(\d+)H(\d+)M(\d+)S", text)[0]
        length = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
        (root / "media" / f"{slug}.mp3").write_bytes(silent_mp3(length))
    return root


def silent_mp3(seconds: int) -> bytes:
    """A few hundred bytes of MP3 that media readers take for ``seconds`` long: a Xing frame
    giving the stream's frame count (https://www.codeproject.com/Articles/8295/MPEG-Audio-Frame-Header),
    then eight silent MPEG-2 Layer III frames (8 kbit/s, 16 kHz, mono: 576 samples each)."""
    header = bytes([0xFF, 0xF3, 0x18, 0xC0])
    frames = round(seconds * 16000 / 576)
    xing = header + bytes(9) + b"Xing" + struct.pack(">II", 1, frames)  # after the side info
    return xing + bytes(36 - len(xing)) + (header + bytes(32)) * 8
