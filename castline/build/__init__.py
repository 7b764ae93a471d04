"""The build: content folder in, files in the output folder out. The only package that writes.

Order of work (:func:`build`):

0. :mod:`~castline.build.replay`: when the content folder, the output folder and the code are
   exactly as the last build left them (every file's size, times and inode), the build changes
   nothing: its report is replayed from ``.castline/replay.json`` and nothing else is read. Any
   difference, or any doubt, takes the steps below (:mod:`~castline.build.pipeline`).
1. :func:`castline.load.open_content` reads show.yaml and the profiles; the selected exporters
   are constructed with their options (an unknown name or option stops the build here).
2. :mod:`~castline.build.planner` compares each episode file with the manifest
   (:mod:`~castline.build.manifest`; one that is corrupt, truncated or edited is reported and
   read as empty, so every episode is rebuilt). One whose bytes, dependencies (guest profiles, local
   media file) and exporter settings are unchanged, and whose outputs are still there, is
   skipped **without being parsed**: its warnings come from the manifest, which names its
   records by their hash (their files, in ``.castline/records/``, are not read).
3. :mod:`~castline.build.workers` loads every other episode and hands it to each exporter's
   ``export_episode``, in worker processes when ``jobs > 1``. An episode that fails to load, or
   that an exporter fails on, is reported and skipped: its previous outputs stay as they were,
   and so does its last good record, so the feed keeps its item. A worker process that dies
   takes only its episode down.
4. Outputs of episode files that are gone are removed: only files the manifest says castline
   wrote, and only while they hold the bytes it wrote; nothing else in the output folder is
   touched, and nothing is read, written or removed through a symbolic link.
5. :mod:`~castline.build.showstep`: each exporter's ``export_show`` gets the records of every
   episode, in slug order; it is skipped when none of them (nor the settings, nor the files it
   publishes) changed. An episode whose record file cannot be used is built again first.
   Then the content files it publishes are copied.
6. Files are written atomically (:mod:`~castline.build.outfiles`), and only when their bytes
   change. The manifest is saved last (after the record files it names), and also when the
   build is interrupted, so the next build completes the work; then record files it does not
   name are removed.

The output is the same byte for byte whatever the number of jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from castline.build.options import BuildOptions, BuildReport

__all__ = ["BuildOptions", "BuildReport", "build"]


def build(
    content: Path,
    out: Path,
    options: BuildOptions | None = None,
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> BuildReport:
    """Build every output of a content folder into ``out``.

    Args:
        content: the content folder.
        out: the output folder (created if missing).
        options: what to build and how.
        progress: called with (episodes done, episodes in all, the slug of the episode that
            just finished, ``""`` before the first) as episodes finish.

    Two builds on one output folder never interleave: the second finds the folder locked
    and stops at once, writing nothing (see :func:`castline.build.manifest.locked`).

    Raises:
        ContentError: show.yaml is unreadable.
        ConfigError: an unknown exporter or option; another build holds the output folder; a
            symbolic link on the way to an output.
    """
    from castline.build.replay import Start, replayed, take_baseline

    options = options or BuildOptions()
    taken = take_baseline(content, out, options)
    report, problem = replayed(content, out, options, taken)
    if report is not None:
        if progress is not None:
            progress(report.episodes_skipped, len(report.episodes), "")
        return report
    start = Start(taken if taken is not None and taken.trusted else None, problem)
    from castline.build.pipeline import run

    return run(content, out, options, progress, start)
