"""Build speed against the parse floor. Prints figures; asserts nothing.

For each synthetic show (200, 1,000 and 10,000 episodes shaped like the corpus, see
:mod:`benchmarks.synthetic`) and for any content folder given as an argument, it measures in one
run:

- **floor**: seconds to read every episode file and parse its front matter with
  ``yaml.CSafeLoader`` alone (nothing else: no model, no exporter);
- a **cold build** of all exporters with ``--jobs 1`` and with the default jobs;
- a **no-change rebuild** and a **one-episode-changed rebuild** (default jobs);
- **peak memory** (max RSS) of the build process and of its largest worker.

Each build runs in a fresh process (``python -m castline build``), so start-up is included
and memory is measured per build. Times are printed as seconds and as a ratio to the floor.

Usage::

    python benchmarks/build_speed.py                 # 200, 1000, 10000 synthetic episodes
    python benchmarks/build_speed.py --sizes 200     # just one size
    python benchmarks/build_speed.py ../shared/corpus/datatalksclub
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import write_show  # noqa: E402
from castline.load import open_content  # noqa: E402

#: Runs a build in a child process and prints its own and its workers' peak memory.
_RUNNER = """
import json, resource, sys, time
from pathlib import Path
from castline.build import BuildOptions, build
started = time.perf_counter()
report = build(Path(sys.argv[1]), Path(sys.argv[2]), BuildOptions(jobs=int(sys.argv[3])))
seconds = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "own_kb": own, "worker_kb": workers,
                  "built": report.episodes_built, "skipped": report.episodes_skipped,
                  "failed": report.episodes_failed, "errors": len(report.errors)}))
"""


def parse_floor(content: Path) -> tuple[float, int]:
    """Seconds to read and parse every episode's front matter with CSafeLoader alone."""
    files = open_content(content).episode_files
    started = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---", 3)
        yaml.load(text[4:end], Loader=yaml.CSafeLoader)
    return time.perf_counter() - started, len(files)


def run_build(content: Path, out: Path, jobs: int) -> dict[str, float]:
    """One build in a fresh process; wall seconds (including start-up) and peak memory."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(content), str(out), str(jobs)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    return figures


def touch_one_episode(content: Path) -> Path:
    """Change one word of the middle episode; return its path."""
    files = open_content(content).episode_files
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- line: ", "- line: Changed ", 1), encoding="utf-8")
    return path


def single_episode_seconds(content: Path, episode: Path, scratch: Path) -> float:
    """Wall seconds of a cold ``--jobs 1`` build of a show holding only ``episode``."""
    alone = scratch / "alone"
    shutil.copytree(content, alone, ignore=shutil.ignore_patterns("*.md"))
    episodes = Path(open_content(content).show.episodes_dir)
    (alone / episodes).mkdir(parents=True, exist_ok=True)
    for profile in open_content(content).people.values():
        if profile.source is not None:
            source = Path(profile.source.path)
            target = alone / source.relative_to(content)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    shutil.copy(episode, alone / episodes / episode.name)
    return run_build(alone, scratch / "alone-out", 1)["wall"]


def measure(label: str, content: Path, scratch: Path) -> None:
    """Print every figure for one content folder."""
    jobs = os.cpu_count() or 1
    floor, count = parse_floor(content)
    rows: list[tuple[str, dict[str, float]]] = []
    cold1 = run_build(content, scratch / "out1", 1)
    rows.append(("cold build, --jobs 1", cold1))
    out = scratch / "out"
    rows.append((f"cold build, --jobs {jobs} (default)", run_build(content, out, 0)))
    rows.append(("no-change rebuild", run_build(content, out, 0)))
    changed = touch_one_episode(content)
    one = run_build(content, out, 0)
    rows.append(("one episode changed", one))
    own = single_episode_seconds(content, changed, scratch)

    print(f"\n## {label}: {count} episodes")
    print(
        f"floor (read + CSafeLoader parse): {floor:.3f} s ({floor / count * 1000:.2f} ms/episode)"
    )
    print(f"{'run':<34} {'seconds':>9} {'x floor':>9} {'ms/ep':>8} {'peak MB':>8} {'worker MB':>9}")
    for name, figures in rows:
        seconds = figures["wall"]
        print(
            f"{name:<34} {seconds:9.3f} {seconds / floor:9.3f} "
            f"{seconds / count * 1000:8.2f} {figures['own_kb'] / 1024:8.1f} "
            f"{figures['worker_kb'] / 1024:9.1f}"
        )
    target = 0.05 * floor + own
    print(
        f"one-episode target: 0.05 x floor + that episode alone ({own:.3f} s) = {target:.3f} s; "
        f"measured {one['wall']:.3f} s"
    )
    print(f"episodes built/skipped in the last run: {one['built']:.0f}/{one['skipped']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="content folders to measure too")
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 1000, 10000])
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="castline-bench-") as scratch:
            content = write_show(Path(scratch) / "content", size)
            measure("synthetic show", content, Path(scratch))
    for folder in args.folders:
        with tempfile.TemporaryDirectory(prefix="castline-bench-") as scratch:
            content = Path(scratch) / "content"
            shutil.copytree(folder, content)
            measure(str(folder), content, Path(scratch))


if __name__ == "__main__":
    main()
