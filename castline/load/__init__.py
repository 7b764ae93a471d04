"""The loader: a content folder in, the :mod:`castline.model` out, with every problem reported.

Content layout (``show.yaml`` is optional; a bare folder of episodes builds transcripts)::

    content/
      show.yaml          the show; names the episode and people folders
      episodes/*.md      (else _podcast/*.md, as Jekyll sites have it; else the folder itself)
      people/*.md        (else _people/*.md) guest and host profiles

Files whose names start with ``_`` are drafts or templates (the Jekyll convention,
https://jekyllrb.com/docs/collections/) and are skipped. An episode with an error is skipped
and reported; every other episode still loads. Suspicious data that has a sound repair is
repaired and reported as a warning.

One module a file kind: :mod:`~castline.load.frontmatter` (the YAML and its lines),
:mod:`~castline.load.fields` (typed fields), :mod:`~castline.load.show`,
:mod:`~castline.load.people`, :mod:`~castline.load.episode` and
:mod:`~castline.load.transcript` (the transcript grammar).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from castline.diagnostics import Diagnostic
from castline.errors import ContentError
from castline.feed.media import load_readers
from castline.load.episode import EPISODE_KEYS, MEDIA_TYPES, read_episode
from castline.load.fields import FieldReader
from castline.load.files import (
    MISSING_FOLDER,
    OUTSIDE_CONTENT,
    SKIPPED_FILE,
    UNREADABLE_FILE,
    check_size,
    inside,
    is_folder,
    not_regular,
    read_bounded,
    undecodable_name,
)
from castline.load.frontmatter import decode, parse_document, repeated_key_warnings
from castline.load.people import PROFILE_LINK_KEYS, PROFILE_LINKS, People, load_person
from castline.load.show import SHOW_FILE, Folders, ShowFile, read_limits, read_show, read_show_file
from castline.model import Episode, Show, SourceRef
from castline.paths import display_path

__all__ = [
    "DEFAULT_EPISODE_DIRS",
    "DEFAULT_PEOPLE_DIRS",
    "EPISODE_KEYS",
    "EPISODE_SUFFIXES",
    "MEDIA_TYPES",
    "PROFILE_LINKS",
    "PROFILE_LINK_KEYS",
    "SHOW_FILE",
    "LoadResult",
    "Project",
    "is_file",
    "load_content",
    "load_episode",
    "load_person",
    "open_content",
]

#: Episode file suffixes.
EPISODE_SUFFIXES = (".md", ".markdown")
#: Episode folders tried in order when show.yaml names none.
DEFAULT_EPISODE_DIRS = ("episodes", "_podcast")
#: People folders tried in order when show.yaml names none.
DEFAULT_PEOPLE_DIRS = ("people", "_people")


@dataclass(frozen=True, slots=True)
class Project:
    """A content folder after reading show.yaml and the people profiles, before the episodes."""

    show: Show
    #: The profiles, each parsed when first asked for (see :class:`~castline.load.people.People`).
    people: People
    #: Episode files to read, sorted by name.
    episode_files: tuple[Path, ...]
    #: Files skipped as drafts or templates (names starting with ``_``).
    drafts: tuple[Path, ...]
    #: Problems found in show.yaml and in listing the episodes folder (names that are no regular
    #: file); not the profiles' (see :attr:`diagnostics`).
    file_diagnostics: tuple[Diagnostic, ...]
    #: The content folder as given, and how paths are shown in messages.
    root: Path = field(default_factory=Path)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every problem of show.yaml, the profiles (each is parsed, if it was not yet) and the
        folders. A build asks for the profiles' problems one by one instead, replaying those
        of unchanged profiles from its manifest."""
        return (*self.people.diagnostics(), *self.file_diagnostics)

    def display(self, path: Path) -> str:
        """The path as messages show it: below the content folder as the user named it."""
        return display_path(self.root, path)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A whole content folder: the show, the episodes that loaded, and every problem."""

    project: Project
    episodes: tuple[Episode, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def show(self) -> Show:
        """The show."""
        return self.project.show


def load_content(root: Path) -> LoadResult:
    """Load a whole content folder: show, people and every episode.

    Raises:
        ContentError: show.yaml is unreadable (nothing can be built without it).
    """
    project = open_content(root)
    episodes: list[Episode] = []
    diagnostics = list(project.diagnostics)
    for path in project.episode_files:
        episode, found = load_episode(project, path)
        diagnostics.extend(found)
        if episode is not None:
            episodes.append(episode)
    return LoadResult(project, tuple(episodes), tuple(diagnostics))


def open_content(root: Path) -> Project:
    """Read show.yaml, list the people profiles (each is parsed when first asked for, see
    :class:`~castline.load.people.People`; the hosts' now) and the episode files.

    Raises:
        ContentError: the folder does not exist, show.yaml is unreadable, or its episodes
            folder is missing or outside the content folder.
    """
    if not is_folder(root):
        raise ContentError(MISSING_FOLDER, SourceRef(str(root), 1), "no such content folder")
    show_path = root / SHOW_FILE
    show_file = read_show_file(show_path, display_path(root, show_path))
    raw = show_file.data
    found = repeated_key_warnings(show_file.display, show_file.repeated)
    reader = FieldReader(show_file.display, show_file.lines, found)
    limits = read_limits(reader, raw)
    episodes_dir = _episodes_dir(root, show_file)
    people_dir = _choose_dir(root, raw.get("people"), DEFAULT_PEOPLE_DIRS, fallback=None)
    if people_dir is not None and not inside(people_dir):
        reader.error(
            OUTSIDE_CONTENT, "people", f"people folder '{people_dir}' is outside the content folder"
        )
        people_dir = None
    people = People(root, people_dir, limits)
    show = read_show(reader, raw, Folders(root, episodes_dir, people_dir, limits), people)
    diagnostics = found
    files, drafts = _episode_files(root, root / episodes_dir, diagnostics)
    return Project(show, people, files, drafts, tuple(diagnostics), root)


def _episodes_dir(root: Path, show_file: ShowFile) -> str:
    """The episodes folder show.yaml names (inside the content folder), else a default.

    Raises:
        ContentError: the named folder is outside the content folder or is not a folder.
    """
    raw = show_file.data
    episodes_dir = _choose_dir(root, raw.get("episodes"), DEFAULT_EPISODE_DIRS) or "."
    if "episodes" not in raw:
        return episodes_dir
    where = SourceRef(show_file.display, show_file.lines.get(("episodes",), 1))
    if not inside(str(raw["episodes"])):
        raise ContentError(
            OUTSIDE_CONTENT,
            where,
            f"episodes folder '{raw['episodes']}' is outside the content folder",
        )
    if not is_folder(root / str(raw["episodes"])):
        raise ContentError(
            MISSING_FOLDER, where, f"episodes folder '{raw['episodes']}' does not exist"
        )
    return episodes_dir


def _episode_files(
    root: Path, folder: Path, sink: list[Diagnostic]
) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """The episode files in ``folder`` and the drafts (``_`` names), each sorted by name.

    A name that is no regular file (a directory, a pipe, a dangling or looping link) is never
    opened: a warning each in ``sink``, and it is skipped.
    """
    files: list[Path] = []
    drafts: list[Path] = []
    with os.scandir(folder) as entries:  # a directory listing; a stat only for links and oddities
        names = sorted((e.name, _regular(e)) for e in entries if _is_episode_name(e.name))
    for name, regular in names:
        path = folder / name
        shown = undecodable_name(name)
        if shown is not None:
            if not name.startswith("_"):
                where = SourceRef(display_path(root, folder / shown), 1)
                sink.append(SKIPPED_FILE.warning(where, "the file name is not UTF-8; skipped"))
            continue
        if not regular:
            kind = not_regular(path)
            if kind is None:  # it became a file since the listing
                files.append(path)
            elif not name.startswith("_"):
                where = SourceRef(display_path(root, path), 1)
                sink.append(SKIPPED_FILE.warning(where, f"the episode file is {kind}; skipped"))
            continue
        (drafts if name.startswith("_") else files).append(path)
    return tuple(files), tuple(drafts)


def _regular(entry: os.DirEntry[str]) -> bool:
    """Whether a listed name is a regular file, a stat only for a link (``d_type`` tells the
    rest)."""
    try:
        return entry.is_file(follow_symlinks=False) or (
            entry.is_symlink() and not_regular(Path(entry.path)) is None
        )
    except OSError:
        return False


def _is_episode_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in EPISODE_SUFFIXES


def is_file(entry: os.DirEntry[str]) -> bool:
    """``entry.is_file()``, False where that raises (a symlink loop, a dangling link through
    a file), as ``Path.is_file`` answers."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _choose_dir(
    root: Path, named: object, defaults: tuple[str, ...], *, fallback: str | None = "."
) -> str | None:
    """The folder show.yaml names, else the first default that exists, else ``fallback``."""
    if isinstance(named, str) and named:
        return named
    for candidate in defaults:
        if is_folder(root / candidate):
            return candidate
    return fallback


def warm_up(show: Show) -> None:
    """Load now what reading this show's episodes loads on first use: the media readers, when
    it has a media folder (:func:`castline.feed.media.load_readers`). A build calls it before
    it forks worker processes, which then share them."""
    if show.media_dir:
        load_readers()


def load_episode(
    project: Project, path: Path, raw: bytes | None = None
) -> tuple[Episode | None, list[Diagnostic]]:
    """Read one episode file (or its bytes, when the caller has read them already).

    Returns ``None`` (and the error) when it cannot be built.
    """
    display = project.display(path)
    diagnostics: list[Diagnostic] = []
    limits = project.show.limits
    try:
        if raw is None:
            data = read_bounded(path, display, limits.file_bytes)
        else:
            check_size(raw, display, limits.file_bytes)
            data = raw
        document = parse_document(decode(data, display), display, max_nodes=limits.yaml_nodes)
        diagnostics.extend(repeated_key_warnings(display, document.repeated))
        episode = read_episode(project.show, project.people, path, display, document, diagnostics)
    except ContentError as error:
        diagnostics.append(error.diagnostic)
        return None, diagnostics
    except OSError as error:
        diagnostics.append(
            UNREADABLE_FILE.error(SourceRef(display, 1), f"cannot read: {error.strerror}")
        )
        return None, diagnostics
    return episode, diagnostics
