"""The cue search's time per word, Python engine against native engine. Prints figures;
asserts nothing.

The lines are those a build cuts: every ``cut_line`` call that making the SubRip and WebVTT
cues of each episode of a content folder makes (their default policies), recorded once. Two
figures per engine, each the best of ``--repeat`` runs:

- **search**: the backwards programme alone (``segment._cheapest_cuts`` or the native
  ``cheapest_cuts``) over each distinct prepared line, its inputs made beforehand;
- **cut_line**: every recorded call in build order, the Python engine's line cache emptied
  first, so that it also counts the words, their boundary kinds, the cut and the layout (the
  native engine's one call per line does all after the words' kinds).

Per word: CPU microseconds over the words of the distinct lines searched (a line that two
exporters cut alike counts once).

Usage::

    python benchmarks/cue_engine.py                                # ../shared/corpus/datatalksclub
    python benchmarks/cue_engine.py content --repeat 5
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from castline.load import load_content  # noqa: E402
from castline.timing import cues, engine, segment  # noqa: E402
from castline.timing.cues import CuePolicy, episode_cues  # noqa: E402
from castline.timing.segment import CutRules, Segment  # noqa: E402

#: The SubRip exporter's default policy (a label at each change of speaker), then WebVTT's.
POLICIES = (CuePolicy(speaker_labels="change"), CuePolicy(speaker_labels="none"))


class Call(NamedTuple):
    """One ``cut_line`` call of a build."""

    text: str
    start_ms: int
    end_ms: int
    rules: CutRules
    reserve: int
    reserve_every: bool


def recorded_calls(content: Path) -> list[Call]:
    """Every ``cut_line`` call that making each episode's cues under :data:`POLICIES` makes."""
    calls: list[Call] = []
    real = segment.cut_line

    def record(
        text: str,
        start_ms: int,
        end_ms: int,
        rules: CutRules,
        *,
        reserve: int = 0,
        reserve_every: bool = False,
    ) -> tuple[Segment, ...]:
        calls.append(Call(text, start_ms, end_ms, rules, reserve, reserve_every))
        return real(text, start_ms, end_ms, rules, reserve=reserve, reserve_every=reserve_every)

    with mock.patch.object(cues, "cut_line", record):
        for episode in load_content(content).episodes:
            for policy in POLICIES:
                episode_cues(episode, policy)
    return calls


Search = Callable[[], object]


def searches(calls: list[Call], native: bool) -> tuple[list[Search], int]:
    """One search per distinct prepared line, ready to run, and their words."""
    prepared: list[Search] = []
    seen: set[tuple[str, int, int, CutRules, int]] = set()
    words = 0
    units = segment._NATIVE_UNITS
    native_cuts = engine.native_cheapest_cuts
    for call in calls:
        width = call.rules.width
        rows_width = max(1, width - call.reserve) if call.reserve and call.reserve_every else width
        key = (call.text, call.start_ms, call.end_ms, call.rules, rows_width)
        if key in seen:
            continue
        seen.add(key)
        line = segment._Words.of(call.text, call.start_ms, call.end_ms)
        plain = segment._fills(line.offsets, width)
        fills = plain if rows_width == width else segment._fills(line.offsets, rows_width)
        reaches = segment._reaches(fills, plain, call.rules.max_lines)
        scan = segment._scanner(line, call.rules)
        words += len(line.words)
        if native and native_cuts is not None:
            rules = call.rules
            args = (
                line.offsets, line.times, line.at_sentence, line.breaks, line.kinds, fills,
                reaches, rows_width, width, rules.max_lines, rules.min_ms, rules.max_ms, units,
            )  # fmt: skip
            prepared.append(functools.partial(native_cuts, *args))
        else:
            search = segment._cheapest_cuts
            prepared.append(functools.partial(search, line, scan, rows_width, fills, reaches))
    return prepared, words


def best_seconds(run: Callable[[], None], repeat: int) -> float:
    """The least CPU time of ``repeat`` runs (CPU rather than wall: the figures hold on a
    machine other processes share)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def search_seconds(calls: list[Call], native: bool, repeat: int) -> tuple[float, int]:
    """Seconds of the search alone over every distinct line, and its words."""
    prepared, words = searches(calls, native)

    def run() -> None:
        for search in prepared:
            search()

    return best_seconds(run, repeat), words


def cut_seconds(calls: list[Call], engine_name: engine.Engine, repeat: int) -> tuple[float, int]:
    """Seconds of every recorded ``cut_line`` call in order, from an empty cache, and the words
    of the distinct lines (as for the search: the same line cut twice counts once)."""

    def run() -> None:
        segment._prepare.cache_clear()
        with mock.patch.dict(os.environ, {"CASTLINE_ENGINE": engine_name}):
            for call in calls:
                segment.cut_line(
                    call.text,
                    call.start_ms,
                    call.end_ms,
                    call.rules,
                    reserve=call.reserve,
                    reserve_every=call.reserve_every,
                )

    return best_seconds(run, repeat), searches(calls, False)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "content", nargs="?", type=Path, default=ROOT.parent / "shared/corpus/datatalksclub"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    arguments = parser.parse_args()
    if engine.native_cheapest_cuts is None:
        sys.exit("the native cue engine is not built: pip install . with a C compiler")
    calls = recorded_calls(arguments.content)
    print(f"{arguments.content}: {len(calls)} cut_line calls")
    print(f"{'figure':<10} {'engine':<7} {'words':>9} {'CPU s':>9} {'us/word':>8}")
    for label, figures in (
        ("search", [(name, search_seconds(calls, name == "native", arguments.repeat))
                    for name in ("python", "native")]),
        ("cut_line", [(name, cut_seconds(calls, name, arguments.repeat))
                      for name in ("python", "native")]),
    ):  # fmt: skip
        for name, (seconds, words) in figures:
            print(f"{label:<10} {name:<7} {words:9d} {seconds:9.3f} {seconds / words * 1e6:8.2f}")
        (_, (python, _)), (_, (native, _)) = figures
        print(f"{label:<10} python/native: {python / native:.1f}x")


if __name__ == "__main__":
    main()
