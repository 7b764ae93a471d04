"""The naive peer of :mod:`benchmarks.build_speed`: what a plain script does with a content folder.

It parses every Markdown file's front matter with ``yaml.CSafeLoader`` (episodes and profiles),
writes one naive SubRip file per episode (one cue per transcript line, from its ``sec`` to the
next line's, no line breaking, no checks) and one RSS feed with feedgen. It is the cost of the
job done with no care: castline's build is measured against it.

Usage::

    python benchmarks/naive_peer.py CONTENT_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from feedgen.feed import FeedGenerator


def front_matter(path: Path) -> dict[str, Any]:
    """The YAML between the first two ``---`` lines, parsed by libyaml (``{}`` when none)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    data = yaml.load(text[3:end], Loader=yaml.CSafeLoader)
    return data if isinstance(data, dict) else {}


def srt_time(seconds: float) -> str:
    """``HH:MM:SS,mmm``."""
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def naive_srt(transcript: list[Any]) -> str:
    """One cue per line that has text, ending where the next stamped line starts."""
    rows = [row for row in transcript if isinstance(row, dict) and row.get("line")]
    blocks = []
    start = 0.0
    for number, row in enumerate(rows, start=1):
        start = float(row.get("sec", start))
        following = [float(r["sec"]) for r in rows[number:] if "sec" in r]
        end = following[0] if following and following[0] > start else start + 5
        blocks.append(f"{number}\n{srt_time(start)} --> {srt_time(end)}\n{row['line']}\n")
    return "\n".join(blocks)


def main() -> None:
    content, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    show_file = content / "show.yaml"
    show = yaml.load(show_file.read_text("utf-8"), Loader=yaml.CSafeLoader) or {}
    feed = FeedGenerator()
    feed.title(str(show.get("title", content.name)))
    feed.link(href=str(show.get("link", "https://example.org/")))
    feed.description(str(show.get("description", "A show.")))
    for path in sorted(content.rglob("*.md")):
        if path.name.startswith("_"):
            continue
        data = front_matter(path)
        transcript = data.get("transcript")
        if not isinstance(transcript, list):
            continue  # a profile
        (out / f"{path.stem}.srt").write_text(naive_srt(transcript), encoding="utf-8")
        item = feed.add_entry()
        item.id(path.stem)
        item.title(str(data.get("title", path.stem)))
        item.description(str(data.get("description", "")))
    feed.rss_file(str(out / "feed.xml"))


if __name__ == "__main__":
    main()
