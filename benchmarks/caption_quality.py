"""Caption quality figures for a content folder: sizes, durations, reading speeds, line breaks.

Usage::

    .venv/bin/python benchmarks/caption_quality.py CONTENT_DIR [--max-chars-per-line 42]
        [--max-lines 2] [--episodes] [--no-build]

Loads the folder with :func:`castline.load.load_content` and, for each caption format's default
policy (SRT: a ``Name: `` label at each change of speaker; WebVTT: no visible label), makes every
episode's cues with :func:`castline.timing.cues.episode_cues` (timing engine, then cues) and
prints:

* the number of cues; the share within the size limit (every displayed line, label included,
  at most ``max_chars_per_line`` unless it is a single word; at most ``max_lines`` lines),
  within the duration limits (``min_cue_ms`` to ``max_cue_ms``), and within both;
* reading speed in characters per second of the *displayed* text (label included, line breaks
  counted as one space): p50, p95, max, and the share above ``target_cps``, ``max_cps`` and
  40 cps;
* cues under 500 ms, and how many of them belong to a line with a warning that reports a
  short cue or a repaired span;
* overlaps and cues with ``end <= start``; gaps under ``min_gap_ms``;
* words lost (source words missing from the cues, in order, by a diff);
* for every kept stamp, the distance from the stamp to the start of its line's first cue:
  for *anchors* (the first line with each kept stamp) and, separately, for the following lines
  that share that second (which by rule share the span, so they start later);
* two-line cues whose first line ends on an article, preposition, conjunction or possessive,
  and on a subject pronoun or auxiliary: the last word, stripped of punctuation and lower-cased,
  looked up in those lists of ``castline/data/linebreaks.json`` (a word ending in punctuation
  does not count);
* warnings, and how many mention the episode's duration (at most one per episode is the
  target).

Then, unless ``--no-build``, it builds the folder into a temporary folder with
:func:`castline.build` and counts the chapters and soundbites left out for the duration (their
warnings).

Targets on the real corpus: 0 overlaps, 0 words lost, at least 99.9 % of cues within the size
and 99 % within the duration limits, median at most 17 and p95 at most 20.7 cps, at most 0.2 %
above 40 cps, every anchor within 0.5 s.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path

from castline.build import BuildOptions, build
from castline.load import load_content
from castline.model import Episode, SourceRef
from castline.timing.cues import Cue, CuePolicy, episode_cues

#: Reading speed above which a cue cannot be read at all.
UNREADABLE_CPS = 40
#: Cues shorter than this are flashes.
FLASH_MS = 500


def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(articles, prepositions, conjunctions, possessives), (subject pronouns, auxiliaries)."""
    data = json.loads(resources.files("castline.data").joinpath("linebreaks.json").read_text())
    bad = ("articles", "prepositions", "conjunctions", "possessives")
    weak = ("subject_pronouns", "auxiliaries")
    return frozenset(w for k in bad for w in data[k]), frozenset(w for k in weak for w in data[k])


BAD_ENDS, WEAK_ENDS = _word_lists()


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
    source_words: int = 0
    words_lost: int = 0
    flashes: int = 0
    flashes_reported: int = 0
    two_line: int = 0
    two_line_bad: int = 0
    two_line_weak: int = 0
    warnings: int = 0
    duration_warnings: int = 0
    episodes_with_duration_warnings: int = 0
    max_duration_warnings: int = 0
    #: Reading speeds, as characters * 1000 // duration_ms (integer cps).
    speeds: list[int] = field(default_factory=list)
    anchor_distances: list[int] = field(default_factory=list)
    shared_distances: list[int] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        """Fold another episode's figures in."""
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            elif item.name == "max_duration_warnings":
                setattr(self, item.name, max(mine, theirs))
            else:
                setattr(self, item.name, mine + theirs)


def _fits(cue: Cue, policy: CuePolicy) -> bool:
    lines = cue.display_lines
    if len(lines) > policy.max_lines:
        return False
    return all(
        len(line) <= policy.max_chars_per_line or len(line.removeprefix(cue.label).split()) == 1
        for line in lines
    )


def _last_word(line: str) -> str | None:
    """The line's last word, lower case, or ``None`` when it ends in punctuation."""
    word = line.split()[-1].replace("\u2019", "'")
    if re.search(r"[.,;:!?\u2026\u2013\u2014\-)\]\"]$", word):
        return None
    return word.strip("\"'(\u201c\u2018").lower()


def _measure_cues(cues: Sequence[Cue], policy: CuePolicy, figures: Figures) -> None:
    """Sizes, durations, speeds, overlaps, gaps and line ends of the cues."""
    previous_end = 0
    for before, after in itertools.pairwise(cues):
        figures.short_gaps += after.start_ms - before.end_ms < policy.min_gap_ms
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
            figures.speeds.append(len(" ".join(cue.display_lines)) * 1000 // duration)
        previous_end = cue.end_ms
        if len(cue.lines) == 2:
            figures.two_line += 1
            last = _last_word(cue.lines[0])
            figures.two_line_bad += last in BAD_ENDS
            figures.two_line_weak += last in WEAK_ENDS


def _measure_stamps(episode: Episode, cues: Sequence[Cue], retimed: set[SourceRef]) -> Figures:
    """Distances from each kept stamp to its line's first cue."""
    figures = Figures()
    first_cue: dict[SourceRef, int] = {}
    for cue in cues:
        first_cue.setdefault(cue.source, cue.start_ms)
    last_kept: int | None = None
    for utterance in episode.utterances:
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


def measure(episode: Episode, policy: CuePolicy) -> Figures:
    """The figures of one episode."""
    cues, warnings = episode_cues(episode, policy)
    retimed = {w.source for w in warnings if "re-timed" in w.message}
    figures = _measure_stamps(episode, cues, retimed)
    figures.warnings = len(warnings)
    duration_warnings = sum("duration" in w.message for w in warnings)
    figures.duration_warnings = duration_warnings
    figures.episodes_with_duration_warnings = duration_warnings > 0
    figures.max_duration_warnings = duration_warnings
    figures.cues = len(cues)
    _measure_cues(cues, policy, figures)
    reported = {w.source for w in warnings if "short cue" in w.message or "span" in w.message}
    for cue in cues:
        if cue.end_ms - cue.start_ms < FLASH_MS:
            figures.flashes += 1
            figures.flashes_reported += cue.source in reported
    source = [word for u in episode.utterances for word in u.text.split()]
    output = [word for cue in cues for line in cue.lines for word in line.split()]
    figures.source_words = len(source)
    matcher = difflib.SequenceMatcher(None, source, output, autojunk=False)
    figures.words_lost = len(source) - sum(block.size for block in matcher.get_matching_blocks())
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
    above = {
        cps: _percent(sum(s > cps for s in speeds), len(speeds))
        for cps in (policy.target_cps, policy.max_cps, UNREADABLE_CPS)
    }
    return [
        f"episodes with a transcript: {episodes}",
        f"cues: {figures.cues}",
        f"within {limit} characters: {_percent(figures.within_size, figures.cues)}",
        f"within {durations}: {_percent(figures.within_duration, figures.cues)}",
        f"within both: {_percent(figures.within_both, figures.cues)}",
        f"cps (label counted) p50/p95/max: {_percentile(speeds, 50)} / "
        f"{_percentile(speeds, 95)} / {max(speeds, default=0)}",
        "cues above " + "; ".join(f"{cps} cps: {share}" for cps, share in above.items()),
        f"cues under {FLASH_MS} ms: {figures.flashes} ({figures.flashes_reported} reported)",
        f"overlaps: {figures.overlaps}",
        f"cues with end <= start: {figures.non_positive}",
        f"gaps under {policy.min_gap_ms} ms: {figures.short_gaps}",
        f"words lost: {figures.words_lost} of {figures.source_words}",
        f"kept anchors: {len(anchors)}; distance to their line's first cue "
        f"p50/max: {_percentile(anchors, 50)} / {max(anchors, default=0)} ms; "
        f"over 500 ms: {sum(d > 500 for d in anchors)}",
        f"lines sharing an anchor's second: {len(shared)}; distance p50/max: "
        f"{_percentile(shared, 50)} / {max(shared, default=0)} ms",
        f"two-line cues: {figures.two_line}; first line ending on an article, preposition, "
        f"conjunction or possessive: {_percent(figures.two_line_bad, figures.two_line)}; "
        f"on a subject pronoun or auxiliary: {_percent(figures.two_line_weak, figures.two_line)}",
        f"timing and cue warnings: {figures.warnings}; about the duration: "
        f"{figures.duration_warnings} in {figures.episodes_with_duration_warnings} episodes "
        f"(at most {figures.max_duration_warnings} in one)",
    ]


def dropped_for_duration(content: Path) -> list[str]:
    """Build ``content`` into a temporary folder; count what was left out for the duration."""
    with tempfile.TemporaryDirectory() as out:
        built = build(content, Path(out), BuildOptions(force=True))
    messages = [d.message for d in built.diagnostics]
    late = [m for m in messages if "duration" in m]
    chapters = sum(m.startswith("chapter") and "left out" in m for m in late)
    soundbites = sum(m.startswith("soundbite") and "left out" in m for m in late)
    return [
        f"build warnings: {len(messages)}; about the duration: {len(late)}",
        f"chapters left out for the duration: {chapters}",
        f"soundbites left out for the duration: {soundbites}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures for a content folder; exit 1 when it cannot be loaded."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("content", type=Path)
    parser.add_argument("--max-chars-per-line", type=int, default=42)
    parser.add_argument("--max-lines", type=int, default=2)
    parser.add_argument("--episodes", action="store_true", help="also print each episode")
    parser.add_argument("--no-build", action="store_true", help="skip the build's figures")
    args = parser.parse_args(argv)
    try:
        loaded = load_content(args.content)
    except Exception as error:  # a benchmark: say why and stop
        print(f"{args.content}: {error}", file=sys.stderr)
        return 1
    episodes = [episode for episode in loaded.episodes if episode.has_transcript]
    for name, labels in (("SRT", "change"), ("VTT", "none")):
        policy = CuePolicy(
            max_chars_per_line=args.max_chars_per_line,
            max_lines=args.max_lines,
            speaker_labels=labels,
        )
        total = Figures()
        for episode in episodes:
            figures = measure(episode, policy)
            if args.episodes:
                print(f"== {name} {episode.slug}")
                for line in report(figures, policy, 1)[1:]:
                    print(f"   {line}")
            total.add(figures)
        print(f"== {name} ({labels} labels) {args.content}")
        for line in report(total, policy, len(episodes)):
            print(line)
    if not args.no_build:
        print(f"== build {args.content}")
        for line in dropped_for_duration(args.content):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
