"""``castline init``: a new show to edit, copied from the template in ``castline/data/init``.

The template is a complete show that builds with no warning: show.yaml with every key
explained, one episode with two speakers, sections and stamps, the host's profile, artwork
that meets Apple's rules, a GitHub Actions workflow, and the JSON Schemas that editors read
through the ``yaml-language-server`` comment at the top of show.yaml
(https://github.com/redhat-developer/yaml-language-server#using-inlined-schema).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from castline.build.outfiles import write_atomic
from castline.errors import CastlineError

#: Where ``castline init`` puts the schemas, below the new show.
SCHEMA_DIR = ".castline-schemas"
#: Template files that are stored under another name than the one they get.
_RENAMED = {"github-workflow.yml": ".github/workflows/castline.yml"}


class NotEmptyError(CastlineError):
    """``castline init`` was pointed at a folder that already holds something."""


def schema_text(name: str) -> str:
    """The JSON Schema of ``show`` (show.yaml) or ``episode`` (an episode's front matter).

    Raises:
        KeyError: no schema of that name.
    """
    if name not in ("show", "episode"):
        raise KeyError(name)
    return (files("castline.data") / f"{name}.schema.json").read_text(encoding="utf-8")


def template_files() -> dict[PurePosixPath, bytes]:
    """Every file ``castline init`` writes, by its path below the new show."""
    found: dict[PurePosixPath, bytes] = {}
    _collect(files("castline.data") / "init", PurePosixPath(), found)
    for name in ("show", "episode"):
        found[PurePosixPath(SCHEMA_DIR, f"{name}.schema.json")] = schema_text(name).encode()
    return dict(sorted(found.items()))


def _collect(folder: Traversable, below: PurePosixPath, found: dict[PurePosixPath, bytes]) -> None:
    for entry in folder.iterdir():
        if entry.name.startswith("__") or entry.name.endswith(".py"):
            continue
        if entry.is_dir():
            _collect(entry, below / entry.name, found)
        else:
            relative = below / entry.name
            found[PurePosixPath(_RENAMED.get(str(relative), str(relative)))] = entry.read_bytes()


def init_show(target: Path) -> list[PurePosixPath]:
    """Write the template show into ``target`` (created if missing); return what was written.

    Raises:
        NotEmptyError: ``target`` exists and is not an empty folder; nothing is written.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise NotEmptyError(
            f"{target}: not an empty folder; castline init writes a new show only into a new "
            "or empty folder, so that nothing is overwritten"
        )
    written = []
    for relative, data in template_files().items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        written.append(relative)
    return written
