"""Directory profiles: which of castline's feed rules each directory documents, and how hard.

``castline check --for apple`` (or ``spotify``, ``podcastindex``, ``youtube``) reports what that
directory would reject or advises against: a feed rule the directory does not document is
left out, and one it documents takes the directory's severity. Rules no directory owns (a
broken file, a duplicate guid, a timing repair) are always reported. Without ``--for``, every
rule is reported at the severity castline emits it at.

Sources (each row of :data:`PROFILES` names its own):

* Apple Podcasts: https://podcasters.apple.com/support/823-podcast-requirements,
  https://podcasters.apple.com/support/896-artwork-requirements and the RSS guide
  https://help.apple.com/itc/podcasts_connect/#/itcb54353390.
* Spotify: the Podcast Delivery Specification,
  https://support.spotify.com/us/podcasters/article/podcast-specification-doc/.
* Podcast Index: the podcast namespace, https://podcastindex.org/namespace/1.0.
* YouTube: https://support.google.com/youtube/answer/13525207 (podcasts delivered by RSS).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from castline.diagnostics import Diagnostic, Severity, rule

MISSING_AUTHOR = rule(
    "F130", "missing-author", "show.yaml has no 'author', which Spotify requires (itunes:author)"
)

#: The directories ``--for`` names.
DIRECTORIES = ("apple", "spotify", "podcastindex", "youtube")

APPLE = "https://podcasters.apple.com/support/823-podcast-requirements"
APPLE_ART = "https://podcasters.apple.com/support/896-artwork-requirements"
APPLE_GUIDE = "https://help.apple.com/itc/podcasts_connect/#/itcb54353390"
SPOTIFY = "https://support.spotify.com/us/podcasters/article/podcast-specification-doc/"
INDEX = "https://podcastindex.org/namespace/1.0"
YOUTUBE = "https://support.google.com/youtube/answer/13525207"
ARTWORK_HOSTS = "https://help.captivate.fm/en/articles/3315645-podcast-artwork-specifications"

E, W = Severity.ERROR, Severity.WARNING

#: Per rule code, per directory: its severity there and the public page that documents it.
PROFILES: Mapping[str, Mapping[str, tuple[Severity, str]]] = {
    "F003": {"apple": (E, APPLE)},
    "F009": {"apple": (W, APPLE_GUIDE), "spotify": (W, SPOTIFY)},
    "F010": {"apple": (W, APPLE_GUIDE), "spotify": (E, SPOTIFY)},
    "F011": {"apple": (W, APPLE_GUIDE)},
    "F012": {"apple": (E, APPLE_ART), "spotify": (E, SPOTIFY), "youtube": (E, YOUTUBE)},
    "F014": {"apple": (E, APPLE_ART), "spotify": (E, SPOTIFY), "youtube": (E, YOUTUBE)},
    "F015": {"apple": (E, APPLE_ART)},
    "F016": {"apple": (W, APPLE_GUIDE), "podcastindex": (W, INDEX + "#episode")},
    "F017": {"apple": (W, APPLE_GUIDE)},
    "F019": {"podcastindex": (E, INDEX)},
    "F020": {"apple": (E, APPLE_GUIDE), "spotify": (E, SPOTIFY)},
    "F021": {"apple": (W, APPLE_GUIDE), "spotify": (E, SPOTIFY), "youtube": (E, YOUTUBE)},
    "F022": {"apple": (E, APPLE_GUIDE)},
    "F023": {"apple": (E, "https://podcasters.apple.com/support/1691-apple-podcasts-categories")},
    "F024": {"podcastindex": (E, INDEX + "#medium")},
    "F025": {"podcastindex": (E, INDEX + "#guid")},
    "F026": {"podcastindex": (W, INDEX + "#guid")},
    "F029": {"podcastindex": (W, INDEX)},
    "F103": {"apple": (E, APPLE), "spotify": (E, SPOTIFY), "youtube": (E, YOUTUBE)},
    "F104": {"apple": (E, APPLE_GUIDE), "spotify": (E, SPOTIFY)},
    "F105": {"apple": (W, APPLE_GUIDE), "spotify": (W, SPOTIFY)},
    "F110": {"apple": (E, APPLE_ART), "spotify": (E, SPOTIFY), "youtube": (E, YOUTUBE)},
    "F111": {"apple": (E, APPLE_ART), "spotify": (E, SPOTIFY)},
    "F112": {"apple": (E, APPLE), "spotify": (E, SPOTIFY)},
    "F113": {"apple": (W, ARTWORK_HOSTS), "spotify": (W, ARTWORK_HOSTS)},
    "F114": {"apple": (W, APPLE), "spotify": (W, SPOTIFY), "youtube": (W, YOUTUBE)},
    "F115": {"apple": (W, APPLE_ART)},
    "F120": {"podcastindex": (W, INDEX + "#soundbite")},
    "F130": {"apple": (W, APPLE_GUIDE), "spotify": (E, SPOTIFY)},
}


def for_directory(diagnostics: Iterable[Diagnostic], directory: str) -> list[Diagnostic]:
    """``diagnostics`` as ``directory`` (one of :data:`DIRECTORIES`) sees them: a rule of
    :data:`PROFILES` the directory does not list is left out, one it lists takes its
    severity; every other diagnostic is kept as it is.

    >>> from castline.model import SourceRef
    >>> author = MISSING_AUTHOR.error(SourceRef("show.yaml", 1), "missing 'author'")
    >>> [d.severity.value for d in for_directory([author], "apple")]
    ['warning']
    >>> for_directory([author], "youtube")
    []
    """
    if directory not in DIRECTORIES:
        raise ValueError(f"unknown directory {directory!r} (one of {', '.join(DIRECTORIES)})")
    kept = []
    for diagnostic in diagnostics:
        profile = PROFILES.get(diagnostic.code)
        if profile is None:
            kept.append(diagnostic)
        elif directory in profile:
            kept.append(diagnostic.with_severity(profile[directory][0]))
    return kept


def profiles_table() -> str:
    """The README's table of directory rules: each rule, and per directory its severity and
    the public page that documents it. Regenerate the README section with
    ``python -c "import castline.feed.directories as d; print(d.profiles_table())"``."""
    from castline.diagnostics import RULES, register_all

    register_all()
    rows = [
        "| code | name | " + " | ".join(DIRECTORIES) + " |",
        "| --- | --- |" + " --- |" * len(DIRECTORIES),
    ]
    for code in sorted(PROFILES):
        cells = []
        for directory in DIRECTORIES:
            entry = PROFILES[code].get(directory)
            cells.append("—" if entry is None else f"[{entry[0].value}]({entry[1]})")
        rows.append(f"| {code} | {RULES[code].name} | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"
