"""Chapters: where an episode's sections start, and the rules each chapter format imposes.

An episode's chapters are

* its explicit ``chapters:`` list when the front matter has one, else
* its transcript's ``header`` items, as published (an empty section or a repeated title is
  left out: :mod:`castline.timing.sections`). A header starts at its own ``sec``/``time``
  stamp if it has one, else where the next spoken line starts once the transcript is timed by
  :func:`castline.timing.spans.time_transcript` (repaired stamps, untimed lines placed).

:func:`resolve_chapters` then makes the list every format can take: sorted by start, no two
chapters at one time. The declared duration never drops a chapter: the stamps are the
episode's timeline, and the last chapter ends where the timed transcript does (or at the
duration, when that is later). Every
chapter it drops or moves is reported at its ``path:line``; the warnings of the timing
engine come along when headers are used, since they moved the chapters.

:func:`youtube_chapters` applies the rules of a YouTube description chapter list (first at
``0:00``, at least three, ascending, each at least 10 s long: YouTube chapters help,
https://support.google.com/youtube/answer/9884579), which Apple also reads from descriptions.
It returns the chapters to list, or none and the reason.

Pure: no file I/O, no clock. Used by the ``chapters`` and ``rss`` exporters, which never import
each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from castline.diagnostics import Diagnostic, rule
from castline.memo import per_object
from castline.model import Chapter, Episode, Header, SourceRef, Utterance
from castline.text import one_line, plural
from castline.timecode import format_ms
from castline.timing.sections import published_transcript
from castline.timing.spans import TimedLine, episode_timing

#: The kinds of problem making chapters.
HEADER_WITHOUT_TIME = rule(
    "T201", "header-without-time", "a header has no time and no spoken line after it; no chapter"
)
CHAPTER_OUT_OF_ORDER = rule(
    "T202", "chapter-out-of-order", "a chapter starts before the one before it; left out"
)
CHAPTER_SAME_TIME = rule(
    "T203", "chapter-same-time", "two chapters start at the same time; one is left out"
)
YOUTUBE_CHAPTER_TOO_SHORT = rule(
    "T204", "youtube-chapter-too-short", "a chapter is shorter than YouTube allows"
)
NO_YOUTUBE_CHAPTERS = rule("T205", "no-youtube-chapters", "no YouTube chapter list can be made")

#: YouTube's minimum number of chapters in a description list.
YOUTUBE_MIN_CHAPTERS = 3
#: YouTube's minimum chapter length, in milliseconds (whole seconds as listed).
YOUTUBE_MIN_CHAPTER_MS = 10_000


@dataclass(frozen=True, slots=True)
class ChapterList:
    """An episode's chapters, ready for every format.

    Guarantees: ``chapters`` are sorted by ``start_ms`` with no two at one time; every start
    is ``>= 0`` and before :attr:`end_ms` when that is known; every title is one line of text.
    """

    chapters: tuple[Chapter, ...]
    #: Where the last chapter ends: the end of the timed transcript (the stamps' timeline) or
    #: the episode's duration, whichever is later, else ``None``.
    end_ms: int | None
    #: Where speech starts: the first timed line's start (``0`` without a transcript).
    speech_start_ms: int
    #: True when the chapters come from transcript headers, False for an explicit list.
    from_headers: bool

    def end_of(self, index: int) -> int | None:
        """Where chapter ``index`` ends: the next one's start, or :attr:`end_ms` for the last."""
        if index + 1 < len(self.chapters):
            return self.chapters[index + 1].start_ms
        return self.end_ms


@per_object
def resolve_chapters(episode: Episode) -> tuple[ChapterList, tuple[Diagnostic, ...]]:
    """The episode's chapters (explicit list, else transcript headers) and what was repaired.

    Computed once per episode object and shared by the exporters that ask (chapters, rss).

    Warnings name the chapter and what happened to it:

    * a header with no stamp and no spoken line after it cannot be placed and is left out;
    * a chapter listed after a later one is sorted into place;
    * of several chapters at one time only the last in file order is kept (the others would
      be empty).

    >>> from castline.model import SourceRef, Utterance
    >>> at = lambda line: SourceRef("e.md", line)
    >>> episode = Episode("e", at(1), "E", duration_ms=600_000, transcript=(
    ...     Header("Intro", at(5)), Utterance("Hi.", "A", 92_000, at(6)),
    ...     Header("Topic", at(7), start_ms=300_000), Utterance("So.", "B", 301_000, at(8))))
    >>> chapters, warnings = resolve_chapters(episode)
    >>> [(c.start_ms, c.title) for c in chapters.chapters], chapters.end_ms, warnings
    ([(92000, 'Intro'), (300000, 'Topic')], 600000, ())
    """
    timed, timing_warnings = episode_timing(episode)
    end_ms = max(
        (t for t in (timed[-1].end_ms if timed else None, episode.duration_ms) if t is not None),
        default=None,
    )
    speech_start_ms = timed[0].start_ms if timed else 0
    diagnostics: list[Diagnostic] = []
    from_headers = not episode.chapters
    if from_headers:
        diagnostics.extend(timing_warnings)
        diagnostics.extend(published_transcript(episode).header_diagnostics)
        candidates = _header_chapters(episode, timed, diagnostics)
    else:
        candidates = [replace(c, title=one_line(c.title)) for c in episode.chapters]
    placed = _in_file_order(candidates, diagnostics)
    kept = _one_per_time(sorted(placed, key=lambda c: c.start_ms), diagnostics)  # stable sort
    if end_ms is not None and kept and end_ms <= kept[-1].start_ms:
        end_ms = None  # an estimated end before the last explicit chapter tells nothing
    return ChapterList(tuple(kept), end_ms, speech_start_ms, from_headers), tuple(diagnostics)


def _header_chapters(
    episode: Episode, timed: Sequence[TimedLine], diagnostics: list[Diagnostic]
) -> list[Chapter]:
    """A chapter per transcript header, at its own stamp or the next spoken line's start; a
    header with neither is reported and left out. Headers left out of the published
    transcript (:func:`castline.timing.sections.published_transcript`: empty sections,
    repeated titles) give no chapter."""
    starts = {id(line.utterance): line.start_ms for line in timed}
    chapters: list[Chapter] = []
    items = published_transcript(episode).items
    for index, item in enumerate(items):
        if not isinstance(item, Header):
            continue
        start = item.start_ms
        if start is None:
            following = next((i for i in items[index + 1 :] if isinstance(i, Utterance)), None)
            start = starts.get(id(following)) if following is not None else None
        if start is None:
            diagnostics.append(
                HEADER_WITHOUT_TIME.warning(
                    item.source,
                    f"header '{item.title}' has no time of its own and no spoken line "
                    "after it; no chapter",
                )
            )
            continue
        chapters.append(Chapter(start, one_line(item.title), item.source))
    return chapters


def _in_file_order(candidates: Sequence[Chapter], diagnostics: list[Diagnostic]) -> list[Chapter]:
    """The chapters in file order; each one listed after a later one is reported."""
    placed: list[Chapter] = []
    for chapter in candidates:
        if placed and chapter.start_ms < placed[-1].start_ms:
            diagnostics.append(
                CHAPTER_OUT_OF_ORDER.warning(
                    chapter.source,
                    f"chapter '{chapter.title}' at {format_ms(chapter.start_ms)} comes after "
                    f"'{placed[-1].title}' at {format_ms(placed[-1].start_ms)}; "
                    "sorted by time",
                )
            )
        placed.append(chapter)
    return placed


def _one_per_time(ordered: Sequence[Chapter], diagnostics: list[Diagnostic]) -> list[Chapter]:
    """Of chapters sorted by start, the last of each start (the others would be empty)."""
    kept: list[Chapter] = []
    for index, chapter in enumerate(ordered):
        later = ordered[index + 1] if index + 1 < len(ordered) else None
        if later is not None and later.start_ms == chapter.start_ms:
            diagnostics.append(
                CHAPTER_SAME_TIME.warning(
                    chapter.source,
                    f"chapter '{chapter.title}' starts at the same time as '{later.title}' "
                    f"({format_ms(chapter.start_ms)}); left out",
                )
            )
            continue
        kept.append(chapter)
    return kept


def youtube_chapters(
    episode: Episode, chapters: ChapterList
) -> tuple[tuple[Chapter, ...], tuple[Diagnostic, ...]]:
    """The chapters of a YouTube description list, or none and a warning saying why.

    YouTube's rules: the first chapter at ``0:00``, at least three chapters, in ascending order,
    each at least 10 seconds long, as listed (whole seconds). A first chapter that starts
    before anyone speaks (a header at the top of the transcript; the lead-in is music or an
    ad) is listed at ``0:00``; one that starts later cannot be, and then no list is made. A
    chapter shorter than 10 s is merged into the one before it (the first into the one after
    it, which then starts at ``0:00``), with a warning; fewer than three left give no list.
    An episode without chapters gets no list and no warning.

    >>> from castline.model import SourceRef
    >>> at = lambda line: SourceRef("e.md", line)
    >>> listed = ChapterList((Chapter(0, "A", at(2)), Chapter(65_000, "B", at(3)),
    ...     Chapter(70_000, "C", at(4)), Chapter(90_000, "D", at(5))), 600_000, 0, False)
    >>> shown, warnings = youtube_chapters(Episode("e", at(1), "E"), listed)
    >>> [c.title for c in shown]
    ['A', 'C', 'D']
    >>> warnings[0].message
    "YouTube chapter 'B' at 1:05 lasts 5 s, YouTube needs at least 10 s: merged into 'A'"
    """
    listed = chapters.chapters
    if not listed:
        return (), ()
    first = listed[0]
    if first.start_ms >= 1000 and first.start_ms > chapters.speech_start_ms:
        return (), (
            _no_list(
                first.source,
                f"the first chapter '{first.title}' starts at {format_ms(first.start_ms)}, "
                "YouTube needs one at 0:00",
            ),
        )
    shown, merges = _merge_short([replace(first, start_ms=0), *listed[1:]], chapters.end_ms)
    if len(shown) < YOUTUBE_MIN_CHAPTERS:
        where = episode.where("chapters") if not chapters.from_headers else first.source
        count = plural(len(shown), "chapter")
        reason = f"{count}, YouTube needs at least {YOUTUBE_MIN_CHAPTERS}"
        return (), (*merges, _no_list(where, reason))
    return tuple(shown), tuple(merges)


def _merge_short(
    shown: list[Chapter], end_ms: int | None
) -> tuple[list[Chapter], list[Diagnostic]]:
    """The chapters with each one under 10 s (in whole seconds) merged into its neighbour:
    the previous one, or for the first the next one (moved to 0:00); one warning each."""
    merges: list[Diagnostic] = []
    while len(shown) > 1:
        seconds = [chapter.start_ms // 1000 for chapter in shown]
        if end_ms is not None:
            seconds.append(end_ms // 1000)
        short = next(
            (
                k
                for k in range(len(seconds) - 1)
                if (seconds[k + 1] - seconds[k]) * 1000 < YOUTUBE_MIN_CHAPTER_MS
            ),
            None,
        )
        if short is None:
            break
        chapter = shown[short]
        length = seconds[short + 1] - seconds[short]
        into = shown[short - 1] if short else shown[1]
        merges.append(
            YOUTUBE_CHAPTER_TOO_SHORT.warning(
                chapter.source,
                f"YouTube chapter '{chapter.title}' at {format_ms(seconds[short] * 1000)} lasts "
                f"{length} s, YouTube needs at least {YOUTUBE_MIN_CHAPTER_MS // 1000} s: "
                f"merged into '{into.title}'",
            )
        )
        if short == 0:
            shown = [replace(shown[1], start_ms=0), *shown[2:]]
        else:
            del shown[short]
    return shown, merges


def _no_list(source: SourceRef, reason: str) -> Diagnostic:
    return NO_YOUTUBE_CHAPTERS.warning(source, f"no YouTube chapter list: {reason}")
