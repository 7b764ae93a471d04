"""The names of castline's own files in an output folder: its state folder and what the build
keeps there besides the manifest (:mod:`castline.build.manifest`). A module of names alone, so
that the no-change fast path (:mod:`castline.build.replay`) knows them without loading the
build's writers."""

from __future__ import annotations

#: The state folder, at the top of the output folder.
STATE_DIR = ".castline"
#: The file a build locks (:func:`castline.build.manifest.locked`).
LOCK_FILE = "lock"
#: The no-change replay file (:mod:`castline.build.replay`).
REPLAY_FILE = "replay.json"
