"""A fuzz campaign: N mutated content files, each built by ``castline build`` in its own process.

Usage::

    python benchmarks/fuzz.py N [--seed S] [--jobs J] [--timeout T] [--keep DIR] [--exec]
    python benchmarks/fuzz.py --replay DIR/<finding>/<trial>      # rebuild one kept input

Each trial takes an intact copy of the demo show (``content/``) or of the real corpus
(``../shared/corpus/datatalksclub``, when present), mutates one file of it (an episode, a
profile or show.yaml; bytes, YAML values or the file system: the engine of
``tests/fuzz/mutations.py``) and runs ``castline build CONTENT --out OUT --jobs 1`` on it in a
child process with a timeout. Trial ``i`` of seed ``S`` is the same on every run
(``random.Random(f"{S}:{i}")``) whatever ``--jobs`` is.

A child is, by default, forked from this process after castline is imported (the build runs
``castline.cli.main`` exactly as ``python -m castline`` does, without paying the interpreter's
start-up on every trial); ``--exec`` runs ``python -m castline`` instead. Peak memory is the
child's ``ru_maxrss`` (``os.wait4``).

Reported: files, tracebacks grouped by exception type and the castline frame that raised,
hangs (timeouts), exits other than 0/1/2 (signals included), builds that broke the promise
without a traceback (an intact episode not built, a write outside the output folder, a ``.tmp``
file left, a stderr line that is not ``path:line: severity: message``), peak memory max/p95 and
the total time. ``--keep DIR`` saves every failing input with its description and stderr.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tests.fuzz.harness import (  # noqa: E402
    Base,
    bad_stderr_lines,
    copy_tree,
    describe_base,
    limit_memory,
    listing,
    listing_changes,
    missing_outputs,
    temporaries,
)
from tests.fuzz.mutations import (  # noqa: E402
    Mutation,
    RandomChooser,
    mutate_file,
    unreadable_is_effective,
)

CONTENT = ROOT / "content"
CORPUS = ROOT.parent / "shared" / "corpus" / "datatalksclub"
#: Expansion bound of the campaign's long strings, nesting and aliases (the tests use 2,000).
CAMPAIGN_BOUND = 1_000_000
#: Mutation levels, weighted: values and bytes most, the file system now and then.
LEVELS = ("yaml", "yaml", "yaml", "yaml", "bytes", "bytes", "bytes", "bytes", "fs")
#: Roles, weighted (show.yaml exists in the demo show only).
ROLES = ("episode", "episode", "episode", "episode", "episode", "episode", "profile", "profile")
TRACEBACK = "Traceback (most recent call last)"
_FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$')


@dataclass
class Prepared:
    """A base content folder, with an output folder built from it once (for incremental trials:
    the mutated file is rebuilt, the intact episodes are checked without being rebuilt)."""

    base: Base
    out: Path | None


@dataclass
class Trial:
    index: int
    base: str
    role: str
    mutation: Mutation
    work: Path
    command: list[str]
    incremental: bool
    started: float = 0.0
    pid: int = 0
    before: dict[str, tuple[str, int, int]] = field(default_factory=dict)


@dataclass
class Outcome:
    trial: Trial
    code: int | None
    signal: int | None
    hung: bool
    seconds: float
    max_rss_kb: int
    stderr: str
    problems: list[str]


# --------------------------------------------------------------------------- preparing


def prepare_bases(folder: Path, names: list[str]) -> dict[str, Prepared]:
    """Copy each base into ``folder`` and build it once (the corpus is read-only)."""
    from castline.build import BuildOptions, build

    prepared: dict[str, Prepared] = {}
    for name in names:
        source = CONTENT if name == "demo" else CORPUS
        if not source.is_dir():
            print(f"{name}: {source} is absent, left out", file=sys.stderr)
            continue
        root = folder / name / "content"
        copy_tree(source, root)
        out = folder / name / "out"
        build(root, out, BuildOptions(jobs=1))
        prepared[name] = Prepared(describe_base(name, root).with_outputs(out), out)
    return prepared


def plan(index: int, seed: int, bases: dict[str, Prepared], work: Path, args: Any) -> Trial:
    """Trial ``index``: a mutated copy of one base under ``work``, and its command."""
    c = RandomChooser(random.Random(f"{seed}:{index}"))
    name = c.choice(sorted(bases))
    prepared = bases[name]
    base = prepared.base
    roles = [*ROLES, *(["show"] if base.show else [])]
    role = c.choice(roles)
    target = c.choice(base.targets(role))
    original = (base.root / target).read_bytes()
    mutation = mutate_file(c, target, original, role=role, levels=LEVELS, bound=CAMPAIGN_BOUND)
    if mutation.fs == "unreadable" and not unreadable_is_effective():
        mutation = Mutation(
            target, "fs", "fifo", f"{target} made a fifo (not unreadable)", fs="fifo"
        )
    # The demo is built from scratch; the corpus mostly incrementally (a full build is 1.5 s),
    # one trial in 20 from scratch.
    incremental = name != "demo" and c.integer(0, 19) > 0
    content, out = work / "content", work / "out"
    copy_tree(base.root, content, writable=False)  # the bases are writable copies already
    if incremental and prepared.out is not None:
        copy_tree(prepared.out, out, writable=False)
    mutation.apply(content)
    command = ["build", str(content), "--out", str(out), "--jobs", "1"]
    if c.integer(0, 19) == 0:  # now and then through the process pool
        command[-1] = "2"
    trial = Trial(index, name, role, mutation, work, command, incremental)
    trial.before = listing(work, skip=[out])
    return trial


# --------------------------------------------------------------------------- running


def _child(command: list[str], work: Path, memory_mb: int) -> None:
    """In the forked child: run the CLI as ``python -m castline`` would, then exit."""
    code = 1
    try:
        os.setsid()
        limit_memory(memory_mb)
        stdin = os.open(os.devnull, os.O_RDONLY)
        stdout = os.open(work / "stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        stderr = os.open(work / "stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(stdin, 0)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        sys.argv = ["castline", *command]
        from castline.cli import main

        main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def start(trial: Trial, *, exec_mode: bool, memory_mb: int) -> None:
    trial.started = time.monotonic()
    if exec_mode:
        with (
            open(trial.work / "stdout", "wb") as out,
            open(trial.work / "stderr", "wb") as err,
        ):
            process = subprocess.Popen(
                [sys.executable, "-m", "castline", *trial.command],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=trial.work,
                start_new_session=True,
                preexec_fn=lambda: limit_memory(memory_mb),
            )
        trial.pid = process.pid
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.chdir(trial.work)
        _child(trial.command, trial.work, memory_mb)
    trial.pid = pid


def finish(trial: Trial, status: int | None, rusage: Any, prepared: Prepared) -> Outcome:
    seconds = time.monotonic() - trial.started
    hung = status is None
    code = sig = None
    if status is not None:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
        else:
            code = os.WEXITSTATUS(status)
    stderr = (trial.work / "stderr").read_text(encoding="utf-8", errors="replace")
    out = trial.work / "out"
    problems: list[str] = []
    if not hung:
        changes = listing_changes(trial.before, listing(trial.work, skip=[out]))
        changes = [c for c in changes if c not in ("created stdout", "created stderr")]
        if changes:
            problems.append(f"wrote outside the output folder: {changes[:5]}")
        left = temporaries(out)
        if left:
            problems.append(f"left temporary files: {left[:5]}")
        if TRACEBACK not in stderr:
            bad = bad_stderr_lines(stderr)
            if bad:
                problems.append(f"stderr lines that are not diagnostics: {bad[:3]}")
        if code in (0, 1):
            missing = missing_outputs(
                out, prepared.base.expected_outputs(trial.mutation, trial.role)
            )
            if missing:
                problems.append(f"intact episodes not built: {missing[:5]}")
        if code == 2 and trial.role != "show":
            problems.append("exit 2 (a usage error) for a content problem")
    rss = int(rusage.ru_maxrss) if rusage is not None else 0
    return Outcome(trial, code, sig, hung, seconds, rss, stderr, problems)


def crash_site(stderr: str) -> tuple[str, str, str]:
    """``(exception type, castline frame, exception line)`` of the last traceback in stderr."""
    text = stderr[stderr.rfind(TRACEBACK) :]
    lines = text.splitlines()
    frames = [m for line in lines if (m := _FRAME.match(line))]
    exception = next((line for line in reversed(lines) if line and not line.startswith(" ")), "?")
    kind = exception.split(":", 1)[0]
    site = "?"
    for frame in reversed(frames):
        path = frame["file"]
        for marker in ("/castline/", "/exporters/"):
            if marker in path and "/site-packages/yaml" not in path:
                relative = path[path.rfind(marker) + 1 :]
                site = f"{relative}:{frame['line']}:{frame['func']}"
                break
        if site != "?":
            break
    if site == "?" and frames:
        last = frames[-1]
        site = f"{Path(last['file']).name}:{last['line']}:{last['func']}"
    return kind, site, exception[:300]


def keep_input(keep: Path, group: str, outcome: Outcome, base_root: Path) -> None:
    """Save a failing input: the mutated file, its description and the build's stderr."""
    trial = outcome.trial
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", group)[:120]
    folder = keep / slug / f"trial-{trial.index}"
    if folder.exists():
        return
    folder.mkdir(parents=True)
    mutated = trial.work / "content" / trial.mutation.target
    saved = folder / "mutated" / trial.mutation.target
    saved.parent.mkdir(parents=True, exist_ok=True)
    if trial.mutation.data is not None:
        saved.write_bytes(trial.mutation.data)
    info = {
        "trial": trial.index,
        "base": trial.base,
        "base_root": str(base_root),
        "role": trial.role,
        "target": trial.mutation.target,
        "level": trial.mutation.level,
        "kind": trial.mutation.kind,
        "fs": trial.mutation.fs,
        "description": trial.mutation.description,
        "incremental": trial.incremental,
        "command": trial.command,
        "exit": outcome.code,
        "signal": outcome.signal,
        "hung": outcome.hung,
        "problems": outcome.problems,
        "exists": mutated.exists() or mutated.is_symlink(),
    }
    (folder / "mutation.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    (folder / "stderr.txt").write_text(outcome.stderr[-20000:], encoding="utf-8")


def classify(outcome: Outcome) -> str | None:
    """The finding a trial's outcome is, or None for a clean build."""
    trial = outcome.trial
    if TRACEBACK in outcome.stderr:
        kind, site, _ = crash_site(outcome.stderr)
        return f"traceback {kind} at {site}"
    if outcome.hung:
        return f"hang {trial.mutation.level}/{trial.mutation.kind} {trial.role}"
    if outcome.signal is not None:
        return f"signal {outcome.signal}"
    if outcome.code not in (0, 1, 2):
        return f"exit {outcome.code}"
    if outcome.problems:
        return "promise " + re.sub(r":.*", "", outcome.problems[0])
    return None


def supervise(index: int, args: argparse.Namespace, bases: dict[str, Prepared], work: Path) -> None:
    """In a forked supervisor: prepare trial ``index``, run its build with a timeout, check it,
    and write ``work/outcome.json``. Trials prepare and run in parallel this way."""
    summary: dict[str, Any] = {"index": index}
    try:
        trial = plan(index, args.seed, bases, work, args)
        start(trial, exec_mode=args.exec, memory_mb=args.memory_limit)
        status = rusage = None
        while True:
            pid, status_now, rusage_now = os.wait4(trial.pid, os.WNOHANG)
            if pid:
                status, rusage = status_now, rusage_now
                break
            if time.monotonic() - trial.started > args.timeout:
                with _suppress():
                    os.killpg(trial.pid, signal.SIGKILL)
                _, _, rusage = os.wait4(trial.pid, 0)
                break
            time.sleep(0.002)
        outcome = finish(trial, status, rusage, bases[trial.base])
        group = classify(outcome)
        if group is not None and args.keep:
            keep_input(Path(args.keep), group, outcome, bases[trial.base].base.root)
        mutation = trial.mutation
        summary.update(
            base=trial.base,
            role=trial.role,
            target=mutation.target,
            level=mutation.level,
            kind=mutation.kind,
            description=mutation.description[:400],
            size=len(mutation.data or b""),
            code=outcome.code,
            signal=outcome.signal,
            hung=outcome.hung,
            seconds=outcome.seconds,
            rss_kb=outcome.max_rss_kb,
            problems=outcome.problems[:3],
            group=group,
            line=crash_site(outcome.stderr)[2] if TRACEBACK in outcome.stderr else "",
        )
    except BaseException:
        summary["harness_error"] = traceback.format_exc()
    (work / "outcome.json").write_text(json.dumps(summary), encoding="utf-8")


def run_campaign(args: argparse.Namespace) -> int:
    total_start = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="castline-fuzz-campaign-"))
    names = ["demo", "corpus"] if not args.bases else args.bases.split(",")
    bases = prepare_bases(scratch / "bases", names)
    if not bases:
        print("no base content folder", file=sys.stderr)
        return 2
    # Import everything a build uses before forking, so children start warm.
    import castline.cli  # noqa: F401
    from castline import registry

    for entry in registry.available().values():
        entry.load()

    indices = iter(range(args.start, args.start + args.count))
    running: dict[int, tuple[int, Path, float]] = {}
    summaries: list[dict[str, Any]] = []
    exhausted = False
    last_print = time.monotonic()
    deadline = total_start + args.max_minutes * 60 if args.max_minutes else None
    interrupted = False

    def stop(signum: int, frame: object) -> None:
        nonlocal interrupted
        interrupted = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        if interrupted or (deadline is not None and time.monotonic() > deadline):
            exhausted = True
        while not exhausted and len(running) < args.jobs:
            index = next(indices, None)
            if index is None:
                exhausted = True
                break
            work = scratch / f"t{index}"
            work.mkdir()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                try:
                    supervise(index, args, bases, work)
                finally:
                    os._exit(0)
            running[pid] = (index, work, time.monotonic())
        if not running:
            break
        pid, _, _ = os.wait4(-1, os.WNOHANG)
        if not pid:
            now = time.monotonic()
            for other, (_, _, started) in list(running.items()):
                if now - started > args.timeout + 120:  # a supervisor stuck itself
                    with _suppress():
                        os.kill(other, signal.SIGKILL)
            time.sleep(0.005)
            continue
        index, work, _ = running.pop(pid)
        try:
            summary = json.loads((work / "outcome.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = {"index": index, "harness_error": "the supervisor died"}
        summaries.append(summary)
        shutil.rmtree(work, ignore_errors=True)
        if time.monotonic() - last_print > 30:
            last_print = time.monotonic()
            elapsed = last_print - total_start
            failing = sum(1 for x in summaries if x.get("group") or x.get("harness_error"))
            print(
                f"... {len(summaries)} files in {elapsed:.0f} s "
                f"({len(summaries) / elapsed:.1f}/s), {failing} failing",
                file=sys.stderr,
                flush=True,
            )
    shutil.rmtree(scratch, ignore_errors=True)
    groups = report(summaries, time.monotonic() - total_start, args)
    return 1 if any(g.startswith(("traceback", "hang", "signal", "exit")) for g in groups) else 0


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, tb: object) -> bool:
        return isinstance(value, ProcessLookupError | PermissionError | ChildProcessError)


def _p95(values: list[int]) -> int:
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def report(
    summaries: list[dict[str, Any]], seconds: float, args: argparse.Namespace
) -> dict[str, list[dict[str, Any]]]:
    """Print the campaign's figures and findings; return the findings by group."""
    groups: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    harness = [x for x in summaries if "harness_error" in x]
    done = [x for x in summaries if "harness_error" not in x]
    for summary in done:
        if summary["group"]:
            groups[summary["group"]].append(summary)

    def count(*prefixes: str) -> int:
        return sum(len(v) for k, v in groups.items() if k.startswith(prefixes))

    rss = [x["rss_kb"] for x in done if not x["hung"]]
    hung_rss = [x["rss_kb"] for x in done if x["hung"]]
    exits = collections.Counter(
        "hang" if x["hung"] else f"signal {x['signal']}" if x["signal"] else str(x["code"])
        for x in done
    )
    mix = collections.Counter(f"{x['base']}/{x['role']}/{x['level']}" for x in done)
    print(f"castline fuzz campaign: seed {args.seed}, trials {args.start}..", end="")
    print(
        f"{args.start + args.count - 1}, jobs {args.jobs}, timeout {args.timeout:.0f} s, ", end=""
    )
    print("exec" if args.exec else "fork")
    print(f"files:       {len(done)}")
    print(f"tracebacks:  {count('traceback')}")
    print(f"hangs:       {count('hang')} (over {args.timeout:.0f} s)")
    print(f"bad exits:   {count('signal', 'exit')} (not 0, 1 or 2)")
    print(f"promise broken without a traceback: {count('promise')}")
    print(f"harness errors: {len(harness)}")
    print(f"exit codes:  {dict(sorted(exits.items()))}")
    if rss:
        print(
            f"peak memory: max {max(rss) / 1024:.0f} MiB, p95 {_p95(rss) / 1024:.0f} MiB, "
            f"median {sorted(rss)[len(rss) // 2] / 1024:.0f} MiB (ru_maxrss per build)"
        )
    if hung_rss:
        print(f"peak memory of the hung builds (when killed): max {max(hung_rss) / 1024:.0f} MiB")
    times = sorted(x["seconds"] for x in done if not x["hung"])
    if times:
        print(
            f"build time:  median {times[len(times) // 2]:.2f} s, "
            f"p95 {times[int(len(times) * 0.95)]:.2f} s, max {times[-1]:.2f} s"
        )
    print(f"total time:  {seconds:.0f} s ({len(summaries) / max(seconds, 1e-9):.1f} files/s)")
    print("mix: " + ", ".join(f"{k} {v}" for k, v in sorted(mix.items())))
    for summary in harness[:3]:
        print(f"harness error in trial {summary['index']}: {summary['harness_error'][-600:]}")
    if groups:
        print("\nfindings (grouped; smallest input first):")
    for group, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"\n  {len(members):5d} x {group}")
        for summary in sorted(members, key=lambda x: (x["size"], len(x["description"])))[:2]:
            print(
                f"        trial {summary['index']} ({summary['base']}, {summary['target']}): "
                f"{summary['description'][:160]}"
            )
            detail = summary["line"] or (summary["problems"] or [""])[0][:300]
            if detail:
                print(f"          -> {detail}")
    return groups


# --------------------------------------------------------------------------- replay


def replay(folder: Path) -> int:
    """Rebuild a kept input: a fresh copy of its base, the mutated file put back, the CLI."""
    info = json.loads((folder / "mutation.json").read_text(encoding="utf-8"))
    source = CONTENT if info["base"] == "demo" else CORPUS
    with tempfile.TemporaryDirectory(prefix="castline-replay-") as scratch:
        content = Path(scratch) / "content"
        copy_tree(source, content)
        target = content / info["target"]
        if info["fs"]:
            Mutation(info["target"], "fs", info["kind"], info["description"], fs=info["fs"]).apply(
                content
            )
        else:
            target.write_bytes((folder / "mutated" / info["target"]).read_bytes())
        print(f"replaying trial {info['trial']}: {info['description']}", file=sys.stderr)
        command = [sys.executable, "-m", "castline", "build", str(content)]
        command += ["--out", str(Path(scratch) / "out"), "--jobs", "1"]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, timeout=60, check=False)
        except subprocess.TimeoutExpired:
            print("hang: no exit within 60 s", file=sys.stderr)
            return 124
        return done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=300, help="files to mutate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per build")
    parser.add_argument("--keep", help="save failing inputs under this folder")
    parser.add_argument("--start", type=int, default=0, help="first trial index")
    parser.add_argument("--bases", help="comma-separated: demo,corpus (default both)")
    parser.add_argument("--exec", action="store_true", help="run python -m castline per trial")
    parser.add_argument(
        "--max-minutes", type=float, default=0, help="stop starting trials after this long"
    )
    parser.add_argument(
        "--memory-limit",
        type=int,
        default=2048,
        help="address-space cap of each build in MiB (0: none); a build over it fails with "
        "a MemoryError, reported as a traceback",
    )
    parser.add_argument("--replay", help="rebuild one input kept by --keep")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(Path(args.replay))
    return run_campaign(args)


if __name__ == "__main__":
    sys.exit(main())
