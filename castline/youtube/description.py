"""The chapter block castline keeps in a video's description, and YouTube's limits on it.

The block is a chapter list between two marker lines::

    Chapters:
    0:00 Introduction
    1:32 About Anna and METRO
    (chapters end)

:func:`splice` replaces the block in a description, keeping every other character the owner
wrote, or adds it at the end after a blank line when the description has none. The block found
is the last ``Chapters:`` line before the first ``(chapters end)`` line, so an owner's own
``Chapters:`` line further up is never taken for castline's.

YouTube's rules (https://developers.google.com/youtube/v3/docs/videos#snippet.description): a
description holds at most 5,000 bytes of UTF-8 and no ``<`` or ``>``; chapter titles with
those get the look-alikes U+2039 and U+203A, as the SubRip captions do.
"""

from __future__ import annotations

from collections.abc import Sequence

from castline.model import Chapter
from castline.timecode import format_clock

#: The line that opens castline's chapter block.
BLOCK_START = "Chapters:"
#: The line that closes it.
BLOCK_END = "(chapters end)"
#: The longest description YouTube takes, in bytes of UTF-8.
DESCRIPTION_LIMIT_BYTES = 5000
#: Characters a description cannot hold, and what is written instead.
FORBIDDEN = str.maketrans({"<": "\u2039", ">": "\u203a"})


def chapter_block(chapters: Sequence[Chapter]) -> str:
    """The block: the start marker, one ``M:SS Title`` line per chapter, the end marker.

    >>> from castline.model import SourceRef
    >>> print(chapter_block([Chapter(0, "Intro", SourceRef("e.md", 1)),
    ...                      Chapter(75_000, "<Q&A>", SourceRef("e.md", 2))]))
    Chapters:
    0:00 Intro
    1:15 \u2039Q&A\u203a
    (chapters end)
    """
    lines = [f"{format_clock(c.start_ms)} {c.title.translate(FORBIDDEN)}" for c in chapters]
    return "\n".join([BLOCK_START, *lines, BLOCK_END])


def find_block(description: str) -> tuple[int, int] | None:
    """The line range ``[start, end]`` (inclusive) of castline's block, or ``None``."""
    lines = description.split("\n")
    ends = [i for i, line in enumerate(lines) if line.strip() == BLOCK_END]
    if not ends:
        return None
    starts = [i for i in range(ends[0]) if lines[i].strip() == BLOCK_START]
    return (starts[-1], ends[0]) if starts else None


def splice(description: str, block: str) -> str:
    """``description`` with castline's block replaced by ``block`` (or added at the end).

    >>> splice("Intro text.\\n\\nChapters:\\n0:00 Old\\n(chapters end)\\nSubscribe!", "B")
    'Intro text.\\n\\nB\\nSubscribe!'
    >>> splice("Intro text.\\n", "B"), splice("", "B")
    ('Intro text.\\n\\nB', 'B')
    """
    found = find_block(description)
    if found is None:
        kept = description.rstrip()
        return f"{kept}\n\n{block}" if kept else block
    lines = description.split("\n")
    start, end = found
    return "\n".join([*lines[:start], block, *lines[end + 1 :]])


def over_limit(description: str) -> str | None:
    """Why YouTube would refuse ``description`` (too long), or ``None``."""
    size = len(description.encode("utf-8"))
    if size <= DESCRIPTION_LIMIT_BYTES:
        return None
    return (
        f"the description would be {size} bytes with the chapter block; YouTube takes at most "
        f"{DESCRIPTION_LIMIT_BYTES}"
    )
