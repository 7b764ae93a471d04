"""Which ``quotableClips`` become ``podcast:soundbite`` tags.

The Podcasting 2.0 namespace recommends soundbites of 15 to 120 seconds
(https://podcastindex.org/namespace/1.0#soundbite): a clip a player can share or preview.
Real episodes list chapter-sized segments as clips, so by default (``recommended``) only the
clips within that range are written, and the others are reported once per episode. The rss
exporter's ``soundbites`` option (show.yaml ``exporters: {rss: {soundbites: all}}``) takes
every clip (``all``) or none (``none``).
"""

from __future__ import annotations

from collections.abc import Sequence

from castline.diagnostics import Diagnostic, rule
from castline.model import Soundbite, SourceRef

SOUNDBITE_LENGTH = rule(
    "F120",
    "soundbite-length",
    "soundbites outside the namespace's recommended 15 to 120 s are left out",
)

#: The values of the ``soundbites`` option.
POLICIES = ("recommended", "all", "none")
#: The namespace's recommended range, in milliseconds.
SHORTEST_MS, LONGEST_MS = 15_000, 120_000
#: How many left-out clips a message names.
_NAMED = 3


def select_soundbites(
    clips: Sequence[Soundbite], policy: str, where: SourceRef
) -> tuple[list[Soundbite], list[Diagnostic]]:
    """The clips to write under ``policy`` (one of :data:`POLICIES`), and at most one warning
    at ``where`` (the episode's ``quotableClips``) naming those left out for their length.

    >>> from castline.model import SourceRef
    >>> here = SourceRef("e.md", 3)
    >>> clips = [Soundbite(0, 30_000, "a", here), Soundbite(60_000, 600_000, "b", here)]
    >>> kept, found = select_soundbites(clips, "recommended", here)
    >>> [clip.title for clip in kept], len(found)
    (['a'], 1)
    """
    if policy == "none":
        return [], []
    if policy == "all":
        return list(clips), []
    kept = [clip for clip in clips if SHORTEST_MS <= clip.duration_ms <= LONGEST_MS]
    dropped = [clip for clip in clips if not SHORTEST_MS <= clip.duration_ms <= LONGEST_MS]
    if not dropped:
        return kept, []
    named = ", ".join(
        f"{clip.duration_ms / 1000:g} s at line {clip.source.line}" for clip in dropped[:_NAMED]
    )
    more = f" and {len(dropped) - _NAMED} more" if len(dropped) > _NAMED else ""
    message = (
        f"{len(dropped)} of {len(clips)} soundbites ('quotableClips') are outside the "
        f"15 to 120 s the podcast namespace recommends, so they are left out ({named}{more}); "
        "the rss exporter's option 'soundbites: all' keeps them, 'none' writes none"
    )
    return kept, [SOUNDBITE_LENGTH.warning(where, message)]
