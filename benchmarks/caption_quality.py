"""Caption quality figures for a content folder: sizes, durations, reading speeds, gaps, words.

Usage::

    .venv/bin/python benchmarks/caption_quality.py CONTENT_DIR [--labels change|every|none]
        [--max-chars-per-line 42] [--max-lines 2] [--episodes]

Loads the folder with :func:`castline.load.load_content`, times every transcript with
:func:`castline.timing.spans.time_transcript`, cuts it with
:func:`castline.timing.cues.build_cues` (the
SubRip exporter's default policy: labels at each change of speaker) and prints:

* the number of cues;
* the share of cues within the size limit (every displayed line, label included, at most
  ``max_chars_per_line`` unless it is a single word; at most ``max_lines`` lines), within the
  duration limits (``min_cue_ms`` to ``max_cue_ms``), and within both;
* reading speed in characters per second (spoken text, spaces included, label excluded):
  p50, p95, max, and the share of cues above ``target_cps`` and ``max_cps``;
* overlaps (a cue starting before the previous one ends) and cues with ``end <= start``;
* gaps between consecutive cues shorter than ``min_gap_ms`` (2 frames), and how many of
  those follow a cue already at ``min_cue_ms`` (the only allowed reason);
* words lost (source words missing from the cues, in order, by a diff);
* for every kept stamp, the distance from the stamp to the start of its line's first cue:
  for *anchors* (the first line with each kept stamp) and, separately, for the following lines
  that share that second (which by rule share the span, so they start later).

Targets on the real corpus: 0 overlaps, 0 words lost, at least 99 % of cues within the size
and duration limits, median at most 17 cps, every anchor within 0.5 s.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from castline.load import load_content
from castline.model import Episode
from castline.timing.cues import Cue, CuePolicy, build_cues
from castline.timing.spans import time_transcript


@dataclass(slots=True)
class Figures:
    """Counts gathered over one or more episodes."""

    cues: int = 0
    within_size: int = 0
    within_duration: int = 0
    within_both: int = 0
    overlaps: int = 0
    non_positive: int = 0
    short_gaps: int = 0
    short_gaps_at_minimum: int = 0
    source_words: int = 0
    words_lost: int = 0
    #: Reading speeds, as characters * 1000 // duration_ms (integer cps).
    speeds: list[int] = field(default_factory=list)
    anchor_distances: list[int] = field(default_factory=list)
    shared_distances: list[int] = field(default_factory=list)
    warnings: int = 0

    def add(self, other: Figures) -> None:
        """Fold another episode's figures in."""
        for name in (
            "cues",
            "within_size",
            "within_duration",
            "within_both",
            "overlaps",
            "non_positive",
            "short_gaps",
            "short_gaps_at_minimum",
            "source_words",
            "words_lost",
            "warnings",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.speeds.extend(other.speeds)
        self.anchor_distances.extend(other.anchor_distances)
        self.shared_distances.extend(other.shared_distances)


def _fits(cue: Cue, policy: CuePolicy) -> bool:
    lines = cue.display_lines
    if len(lines) > policy.max_lines:
        return False
    return all(
        len(line) <= policy.max_chars_per_line or len(line.removeprefix(cue.label).split()) == 1
        for line in lines
    )


def measure(episode: Episode, policy: CuePolicy) -> Figures:
    """The figures of one episode."""
    figures = Figures()
    utterances = episode.utterances
    timed, timing_warnings = time_transcript(utterances, duration_ms=episode.duration_ms)
    cues, cue_warnings = build_cues(timed, policy)
    figures.warnings = len(timing_warnings) + len(cue_warnings)
    figures.cues = len(cues)
    previous_end = 0
    for before, after in itertools.pairwise(cues):
        if after.start_ms - before.end_ms < policy.min_gap_ms:
            figures.short_gaps += 1
            figures.short_gaps_at_minimum += before.end_ms - before.start_ms <= policy.min_cue_ms
    for cue in cues:
        duration = cue.end_ms - cue.start_ms
        size_ok = _fits(cue, policy)
        duration_ok = policy.min_cue_ms <= duration <= policy.max_cue_ms
        figures.within_size += size_ok
        figures.within_duration += duration_ok
        figures.within_both += size_ok and duration_ok
        figures.overlaps += cue.start_ms < previous_end
        figures.non_positive += duration <= 0
        if duration > 0:
            figures.speeds.append(len(cue.text) * 1000 // duration)
        previous_end = cue.end_ms
    source = [word for u in utterances for word in u.text.split()]
    output = [word for cue in cues for line in cue.lines for word in line.split()]
    figures.source_words = len(source)
    matcher = difflib.SequenceMatcher(None, source, output, autojunk=False)
    figures.words_lost = len(source) - sum(block.size for block in matcher.get_matching_blocks())

    retimed = {w.source for w in timing_warnings if "re-timed" in w.message}
    first_cue: dict[object, int] = {}
    for cue in cues:
        first_cue.setdefault(cue.source, cue.start_ms)
    last_kept: int | None = None
    for utterance in utterances:
        stamp = utterance.start_ms
        if stamp is None or utterance.source in retimed:
            continue
        start = first_cue.get(utterance.source)
        if start is not None:
            distance = abs(start - stamp)
            if last_kept is not None and stamp == last_kept:
                figures.shared_distances.append(distance)
            else:
                figures.anchor_distances.append(distance)
        last_kept = stamp
    return figures


def _percentile(values: Sequence[int], share: int) -> int:
    """The nearest-rank percentile (``share`` in percent) of integer values."""
    ordered = sorted(values)
    if not ordered:
        return 0
    rank = max(1, -(-share * len(ordered) // 100))
    return ordered[rank - 1]


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "n/a"
    return f"{part * 100 / whole:.2f} %"


def report(figures: Figures, policy: CuePolicy, episodes: int) -> list[str]:
    """The printed lines."""
    speeds = figures.speeds
    anchors = figures.anchor_distances
    shared = figures.shared_distances
    limit = f"{policy.max_chars_per_line}x{policy.max_lines}"
    durations = f"{policy.min_cue_ms}-{policy.max_cue_ms} ms"
    return [
        f"episodes with a transcript: {episodes}",
        f"cues: {figures.cues}",
        f"within {limit} characters: {_percent(figures.within_size, figures.cues)}",
        f"within {durations}: {_percent(figures.within_duration, figures.cues)}",
        f"within both: {_percent(figures.within_both, figures.cues)}",
        f"cps p50/p95/max: {_percentile(speeds, 50)} / {_percentile(speeds, 95)} / "
        f"{max(speeds, default=0)}",
        f"cues above {policy.target_cps} cps: "
        f"{_percent(sum(s > policy.target_cps for s in speeds), len(speeds))}; "
        f"above {policy.max_cps} cps: "
        f"{_percent(sum(s > policy.max_cps for s in speeds), len(speeds))}",
        f"overlaps: {figures.overlaps}",
        f"cues with end <= start: {figures.non_positive}",
        f"gaps under {policy.min_gap_ms} ms: {figures.short_gaps} "
        f"({figures.short_gaps_at_minimum} after a cue at its minimum duration)",
        f"words lost: {figures.words_lost} of {figures.source_words}",
        f"kept anchors: {len(anchors)}; distance to their line's first cue "
        f"p50/max: {_percentile(anchors, 50)} / {max(anchors, default=0)} ms; "
        f"over 500 ms: {sum(d > 500 for d in anchors)}",
        f"lines sharing an anchor's second: {len(shared)}; distance p50/max: "
        f"{_percentile(shared, 50)} / {max(shared, default=0)} ms",
        f"timing and cue warnings: {figures.warnings}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures for a content folder; exit 1 when it cannot be loaded."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("content", type=Path)
    parser.add_argument("--labels", choices=("change", "every", "none"), default="change")
    parser.add_argument("--max-chars-per-line", type=int, default=42)
    parser.add_argument("--max-lines", type=int, default=2)
    parser.add_argument("--episodes", action="store_true", help="also print each episode")
    args = parser.parse_args(argv)
    policy = CuePolicy(
        max_chars_per_line=args.max_chars_per_line,
        max_lines=args.max_lines,
        speaker_labels=args.labels,
    )
    try:
        loaded = load_content(args.content)
    except Exception as error:  # a benchmark: say why and stop
        print(f"{args.content}: {error}", file=sys.stderr)
        return 1
    total = Figures()
    count = 0
    for episode in loaded.episodes:
        if not episode.has_transcript:
            continue
        count += 1
        figures = measure(episode, policy)
        if args.episodes:
            print(f"== {episode.slug}")
            for line in report(figures, policy, 1)[1:]:
                print(f"   {line}")
        total.add(figures)
    print(f"== {args.content}")
    for line in report(total, policy, count):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
