"""Build speed against the parse floor, in one run. Prints figures; asserts nothing.

For each content folder given (default: ``../shared/corpus/datatalksclub`` when it is there) and
each synthetic show (``--sizes``, default 200 episodes; see :mod:`benchmarks.synthetic`), it
measures:

- **floor**: seconds to read every Markdown file (episodes and profiles) and parse its front
  matter with ``yaml.CSafeLoader`` alone, in this process (no start-up, no model, no output),
  before the builds and again after them: the ratios are to the mean of the two, so that a
  machine whose speed drifts during the run (a shared host) moves floor and builds alike;
- a **cold build** of every exporter with ``--jobs 1`` and with the default jobs (one per CPU);
- a **no-change rebuild** and a **one-episode-changed rebuild** (default jobs);
- the **naive peer** (:mod:`benchmarks.naive_peer`: parse everything, one naive SRT per episode,
  a feedgen feed), in a fresh process too;
- ``castline --version`` against ``python -c "import yaml"`` (the best of five each).

Nothing the benchmark writes is deleted before every figure is taken. On an ext4 file system
without a journal (this host's), allocating an inode passes over each one freed in the last
minute or more, one look-up apiece (``find_inode_bit`` and ``recently_deleted`` in Linux's
``fs/ext4/ialloc.c``): a cold 200-episode build written right after the previous output was
removed took 1.52 s of system time instead of 0.67 s. Deleting each show's folder before the
next show's builds would make them pay for the benchmark's own clean-up.

Each build runs the installed ``castline`` command (the one beside this Python) in a fresh
process from a folder outside the checkout, so start-up is included and the checkout's files
are not what is measured. Times are wall seconds, a ratio to the floor and milliseconds per
episode, and CPU seconds (the process's and its workers', as ``wait4`` reports them: on a
busy machine they move less than wall time); peak memory is the largest resident set of the
build and its worker processes (``ru_maxrss`` of the child, as ``wait4`` reports it). The
machine's load average is printed: figures taken on a busy machine say so. The children may
write bytecode, and a one-episode build warms up first: an installed package has its ``.pyc``
files.

Usage (from outside the checkout, with the Python of the installation to measure)::

    cd /tmp && /path/to/.venv/bin/python /path/to/benchmarks/build_speed.py
    ... build_speed.py --sizes 200 10000 ../shared/corpus/datatalksclub
    ... build_speed.py --sizes          # the content folders only
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere; only benchmarks/ is imported
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import write_show  # noqa: E402

#: The corpus measured when no folder is given.
CORPUS = ROOT.parent / "shared" / "corpus" / "datatalksclub"
#: How often the start-up figures (tens of milliseconds) are taken; the best counts.
STARTUP_RUNS = 5


@dataclass(frozen=True, slots=True)
class Run:
    """One command's wall seconds, CPU seconds (its own and its workers') and peak resident
    set (MB)."""

    seconds: float
    cpu: float
    peak_mb: float


def markdown_files(content: Path) -> list[Path]:
    """Every Markdown file castline may parse (episodes, profiles); drafts (``_`` names) out."""
    return sorted(p for p in content.rglob("*.md") if not p.name.startswith("_"))


def parse_floor(content: Path) -> tuple[Run, int]:
    """Seconds (wall and CPU) to read every Markdown file and parse its front matter with
    CSafeLoader alone; the number of episode files (those in an episodes folder)."""
    files = markdown_files(content)
    started, cpu = time.perf_counter(), time.process_time()
    for path in files:
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---", 3)
        yaml.load(text[4:end], Loader=yaml.CSafeLoader)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    episodes = [p for p in files if p.parent.name in ("episodes", "_podcast")]
    return Run(seconds, cpu, 0.0), len(episodes) or len(files)


#: The children's environment: bytecode may be written (an installed package has its ``.pyc``
#: files; without them every start-up compiles castline's modules again).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_up(scratch: Path) -> None:
    """Build a one-episode show once, so that every module's bytecode is written."""
    content = write_show(scratch / "warm", 1)
    castline = str(Path(sys.executable).parent / "castline")
    run([castline, "build", str(content), "--out", str(scratch / "warm-out"), "-q"], scratch)


def run(command: Sequence[str], cwd: Path) -> Run:
    """Run ``command`` in ``cwd``; its wall time and peak memory (``wait4``'s ``ru_maxrss``,
    which covers the worker processes it waited for). Raises when it fails."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=cwd,
        env=CHILD_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if child.returncode not in (0, 1):  # 1: content errors, which a messy corpus may have
        raise RuntimeError(f"{' '.join(command)} exited {child.returncode}:\n{errors}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def best(command: Sequence[str], cwd: Path) -> Run:
    """The fastest of :data:`STARTUP_RUNS` runs."""
    return min((run(command, cwd) for _ in range(STARTUP_RUNS)), key=lambda r: r.seconds)


def touch_one_episode(content: Path) -> None:
    """Change one word of the middle episode file."""
    files = [p for p in markdown_files(content) if p.parent.name in ("episodes", "_podcast")]
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- line: ", "- line: Changed ", 1), encoding="utf-8")


def measure(label: str, content: Path, scratch: Path) -> None:
    """Print every figure for one content folder."""
    python = sys.executable
    castline = str(Path(python).parent / "castline")
    before, count = parse_floor(content)

    def build(out: str, *jobs: str) -> Run:
        return run([castline, "build", str(content), "--out", out, "-q", *jobs], scratch)

    rows = [
        ("cold build, --jobs 1", build("out1", "--jobs", "1")),
        (f"cold build, default jobs ({os.cpu_count()})", build("out")),
        ("no-change rebuild", build("out")),
    ]
    touch_one_episode(content)
    rows.append(("one episode changed", build("out")))
    peer = [python, str(ROOT / "benchmarks" / "naive_peer.py"), str(content), "peer"]
    rows.append(("naive peer (parse, naive SRT, feedgen)", run(peer, scratch)))
    version = best([castline, "--version"], scratch)
    import_yaml = best([python, "-c", "import yaml"], scratch)
    rows += [("castline --version", version), ('python -c "import yaml"', import_yaml)]
    after, _ = parse_floor(content)
    floor = Run((before.seconds + after.seconds) / 2, (before.cpu + after.cpu) / 2, 0.0)

    print(f"\n## {label}: {count} episodes (load average {os.getloadavg()[0]:.1f})")
    print(
        f"floor (read + CSafeLoader parse of every .md): {floor.seconds:.3f} s wall, "
        f"{floor.cpu:.3f} s CPU, the mean of {before.seconds:.3f} s before the builds and "
        f"{after.seconds:.3f} s after"
    )
    print(
        f"{'run':<40} {'wall s':>8} {'x floor':>8} {'CPU s':>8} {'x floor':>8} "
        f"{'ms/ep':>8} {'peak MB':>8}"
    )
    for name, figures in rows:
        print(
            f"{name:<40} {figures.seconds:8.3f} {figures.seconds / floor.seconds:8.3f} "
            f"{figures.cpu:8.3f} {figures.cpu / floor.cpu:8.3f} "
            f"{figures.seconds / count * 1000:8.2f} {figures.peak_mb:8.1f}"
        )
    cold = rows[1][1]
    print(
        f"castline --version / import yaml: {version.seconds / import_yaml.seconds:.2f} wall, "
        f"{version.cpu / import_yaml.cpu:.2f} CPU; default-jobs build / naive peer: "
        f"{cold.seconds / rows[4][1].seconds:.2f} wall, {cold.cpu / rows[4][1].cpu:.2f} CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="content folders to measure")
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[200], help="synthetic shows (episodes each)"
    )
    args = parser.parse_args()
    folders = args.folders or ([CORPUS] if CORPUS.is_dir() else [])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {sys.executable}")
    with tempfile.TemporaryDirectory(prefix="castline-bench-") as kept:  # removed at the end
        warm_up(scratch_dir(Path(kept), "warm-up"))
        for number, folder in enumerate(folders):
            scratch = scratch_dir(Path(kept), f"folder-{number}")
            content = scratch / "content"
            shutil.copytree(folder, content)
            measure(str(folder), content, scratch)
        for size in args.sizes:
            scratch = scratch_dir(Path(kept), f"synthetic-{size}")
            content = write_show(scratch / "content", size)
            measure(f"synthetic show ({size})", content, scratch)


def scratch_dir(parent: Path, name: str) -> Path:
    """A new empty folder for one part of the run, kept until the run ends."""
    folder = parent / name
    folder.mkdir()
    return folder


if __name__ == "__main__":
    main()
