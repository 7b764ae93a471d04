"""Chapter resolution (explicit list or transcript headers) and YouTube's list rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from castline.model import Chapter, Episode, Header, SourceRef, TranscriptItem, Utterance
from castline.timing.chapters import ChapterList, resolve_chapters, youtube_chapters


def at(line: int) -> SourceRef:
    return SourceRef("e.md", line)


def episode(
    *items: TranscriptItem,
    duration_ms: int | None = 600_000,
    chapters: tuple[Chapter, ...] = (),
    key_lines: dict[str, int] | None = None,
) -> Episode:
    return Episode(
        "e",
        at(1),
        "E",
        duration_ms=duration_ms,
        transcript=items,
        chapters=chapters,
        key_lines=key_lines or {},
    )


def starts(chapters: ChapterList) -> list[tuple[int, str]]:
    return [(chapter.start_ms, chapter.title) for chapter in chapters.chapters]


def test_header_starts_at_its_own_stamp_else_at_the_next_timed_line() -> None:
    chapters, warnings = resolve_chapters(
        episode(
            Header("Intro", at(10)),
            Utterance("Hello and welcome.", "A", 92_000, at(11)),
            Header("Stamped", at(12), start_ms=150_000),
            Utterance("Untimed line after a stamped header.", "B", None, at(13)),
            Header("Before an untimed line", at(14)),
            Utterance("This line has no stamp of its own.", "A", None, at(15)),
            Utterance("Timed again.", "B", 400_000, at(16)),
        )
    )
    assert warnings == ()
    # The untimed line at 15 shares the span 92 s..400 s with the lines before it, in
    # proportion to characters (castline.timing), so its header starts inside that span.
    [intro, stamped, untimed] = chapters.chapters
    assert (intro.start_ms, intro.title, intro.source) == (92_000, "Intro", at(10))
    assert (stamped.start_ms, stamped.title) == (150_000, "Stamped")
    assert 150_000 < untimed.start_ms < 400_000
    assert chapters.end_ms == 600_000
    assert chapters.speech_start_ms == 92_000
    assert chapters.from_headers


def test_explicit_chapters_win_over_headers() -> None:
    explicit = (Chapter(0, "Cold open", at(5)), Chapter(30_000, "Main", at(6)))
    chapters, warnings = resolve_chapters(
        episode(Header("Ignored", at(10)), Utterance("Hi.", "A", 5_000, at(11)), chapters=explicit)
    )
    assert starts(chapters) == [(0, "Cold open"), (30_000, "Main")]
    assert not chapters.from_headers
    assert warnings == ()


def test_header_that_cannot_be_placed_is_reported() -> None:
    chapters, warnings = resolve_chapters(
        episode(Utterance("Only line.", "A", 0, at(10)), Header("Trailing", at(11)))
    )
    assert chapters.chapters == ()
    assert [str(w) for w in warnings] == [
        "e.md:11: warning: header 'Trailing' has no time of its own and no spoken line after "
        "it; no chapter"
    ]


def test_chapter_at_or_after_the_duration_is_kept() -> None:
    # The declared duration is itunes:duration, not the end of the stamps' timeline.
    explicit = (Chapter(0, "Start", at(5)), Chapter(61_000, "Hiring", at(6)))
    chapters, warnings = resolve_chapters(episode(duration_ms=61_000, chapters=explicit))
    assert starts(chapters) == [(0, "Start"), (61_000, "Hiring")]
    assert warnings == ()


def test_empty_section_keeps_the_header_nearest_the_speech() -> None:
    chapters, warnings = resolve_chapters(
        episode(
            Header("Podcast Introduction", at(10)),
            Header("Guest Background", at(11)),
            Utterance("Welcome, Jakob.", "A", 63_000, at(12)),
        )
    )
    assert starts(chapters) == [(63_000, "Guest Background")]
    assert [str(w) for w in warnings] == [
        "e.md:10: warning: header 'Podcast Introduction' has no line before the next header "
        "'Guest Background' (line 11): an empty section, left out"
    ]


def test_stamped_header_out_of_order_is_sorted_and_reported() -> None:
    chapters, warnings = resolve_chapters(
        episode(
            Header("First", at(10)),
            Utterance("One.", "A", 100_000, at(11)),
            Header("Typo", at(12), start_ms=50_000),
            Utterance("Two.", "A", 200_000, at(13)),
        )
    )
    assert starts(chapters) == [(50_000, "Typo"), (100_000, "First")]
    assert [str(w) for w in warnings] == [
        "e.md:12: warning: chapter 'Typo' at 0:50 comes after 'First' at 1:40; sorted by time"
    ]


def test_timing_repairs_come_with_header_chapters() -> None:
    _, warnings = resolve_chapters(
        episode(
            Header("A", at(10)),
            Utterance("One.", "A", 100_000, at(11)),
            Utterance("Typo ahead.", "A", 900_000, at(12)),
            Utterance("Three.", "A", 120_000, at(13)),
        )
    )
    assert [w.source for w in warnings] == [at(12)]
    assert "re-timed" in warnings[0].message


def test_titles_are_one_line() -> None:
    chapters, _ = resolve_chapters(
        episode(Header("Two\n  lines", at(10)), Utterance("Hi.", "A", 0, at(11)))
    )
    assert starts(chapters) == [(0, "Two lines")]


def test_end_is_the_duration_else_the_timed_end_else_unknown() -> None:
    line = Utterance("Fifteen characters.", "A", 10_000, at(11))
    assert resolve_chapters(episode(Header("H", at(10)), line))[0].end_ms == 600_000
    estimated = resolve_chapters(episode(Header("H", at(10)), line, duration_ms=None))[0]
    assert estimated.end_ms is not None and estimated.end_ms > 10_000
    bare = resolve_chapters(episode(duration_ms=None, chapters=(Chapter(0, "A", at(5)),)))[0]
    assert bare.end_ms is None
    assert bare.speech_start_ms == 0


def test_no_transcript_and_no_list_gives_no_chapters() -> None:
    chapters, warnings = resolve_chapters(episode())
    assert chapters.chapters == () and warnings == ()


# --- YouTube ------------------------------------------------------------------------------


def chapter_list(
    *chapters: tuple[int, str], end_ms: int | None = 600_000, speech: int = 0, headers: bool = True
) -> ChapterList:
    return ChapterList(
        tuple(Chapter(s, t, at(10 + i)) for i, (s, t) in enumerate(chapters)),
        end_ms,
        speech,
        headers,
    )


def youtube(
    chapters: ChapterList, lines: dict[str, int] | None = None
) -> tuple[list[tuple[int, str]], list[str]]:
    listed, warnings = youtube_chapters(episode(key_lines=lines), chapters)
    return [(c.start_ms, c.title) for c in listed], [str(w) for w in warnings]


def test_youtube_list_moves_a_first_chapter_before_the_speech_to_zero() -> None:
    chapters = chapter_list((92_000, "A"), (200_000, "B"), (300_000, "C"), speech=92_000)
    assert youtube(chapters) == ([(0, "A"), (200_000, "B"), (300_000, "C")], [])


def test_youtube_needs_three_chapters() -> None:
    chapters = chapter_list((0, "A"), (200_000, "B"), headers=False)
    assert youtube(chapters, {"chapters": 7}) == (
        [],
        ["e.md:7: warning: no YouTube chapter list: 2 chapters, YouTube needs at least 3"],
    )


def test_youtube_needs_the_first_chapter_at_zero() -> None:
    chapters = chapter_list((5_000, "A"), (200_000, "B"), (300_000, "C"), speech=2_000)
    assert youtube(chapters) == (
        [],
        [
            "e.md:10: warning: no YouTube chapter list: the first chapter 'A' starts at 0:05, "
            "YouTube needs one at 0:00"
        ],
    )


def test_youtube_needs_ten_seconds_per_chapter_as_listed() -> None:
    # 1:05.9 is listed as 1:05, so B lasts 1:15 - 1:05 = 10 s: allowed.
    ok = chapter_list((0, "A"), (65_900, "B"), (75_000, "C"))
    assert youtube(ok)[1] == []
    short = chapter_list((0, "A"), (65_000, "B"), (74_999, "C"), (90_000, "D"))
    assert youtube(short) == (
        [(0, "A"), (74_999, "C"), (90_000, "D")],
        [
            "e.md:11: warning: YouTube chapter 'B' at 1:05 lasts 9 s, YouTube needs at least "
            "10 s: merged into 'A'"
        ],
    )


def test_a_short_first_chapter_gives_0_00_to_the_next() -> None:
    short = chapter_list((0, "Intro"), (5_000, "A"), (65_000, "B"), (90_000, "C"))
    assert youtube(short) == (
        [(0, "A"), (65_000, "B"), (90_000, "C")],
        [
            "e.md:10: warning: YouTube chapter 'Intro' at 0:00 lasts 5 s, YouTube needs at "
            "least 10 s: merged into 'A'"
        ],
    )


def test_merging_below_three_chapters_gives_no_list() -> None:
    short = chapter_list((0, "A"), (65_000, "B"), (74_999, "C"))
    assert youtube(short) == (
        [],
        [
            "e.md:11: warning: YouTube chapter 'B' at 1:05 lasts 9 s, YouTube needs at least "
            "10 s: merged into 'A'",
            "e.md:10: warning: no YouTube chapter list: 2 chapters, YouTube needs at least 3",
        ],
    )


def test_youtube_last_chapter_needs_ten_seconds_before_the_end() -> None:
    chapters = chapter_list((0, "A"), (100_000, "B"), (200_000, "C"), (595_000, "D"))
    assert youtube(chapters) == (
        [(0, "A"), (100_000, "B"), (200_000, "C")],
        [
            "e.md:13: warning: YouTube chapter 'D' at 9:55 lasts 5 s, YouTube needs at least "
            "10 s: merged into 'C'"
        ],
    )
    unknown_end = chapter_list((0, "A"), (100_000, "B"), (595_000, "C"), end_ms=None)
    assert youtube(unknown_end)[1] == []


def test_youtube_list_of_no_chapters_is_silent() -> None:
    assert youtube(chapter_list()) == ([], [])


# --- invariants ---------------------------------------------------------------------------

stamps = st.one_of(st.none(), st.integers(min_value=0, max_value=700_000))


@st.composite
def transcripts(draw: st.DrawFn) -> tuple[TranscriptItem, ...]:
    items: list[TranscriptItem] = []
    for line in range(draw(st.integers(min_value=0, max_value=25))):
        if draw(st.booleans()):
            own = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=700_000)))
            items.append(Header(f"H{line}", at(line + 2), own))
        else:
            items.append(
                Utterance("word " * draw(st.integers(1, 30)), "A", draw(stamps), at(line + 2))
            )
    return tuple(items)


@given(transcripts(), st.one_of(st.none(), st.integers(min_value=1, max_value=650_000)))
def test_chapters_are_strictly_ascending_and_youtube_lists_valid(
    items: tuple[TranscriptItem, ...], duration_ms: int | None
) -> None:
    chapters, _ = resolve_chapters(episode(*items, duration_ms=duration_ms))
    found = [chapter.start_ms for chapter in chapters.chapters]
    assert found == sorted(set(found))
    assert all(start >= 0 for start in found)
    if found and chapters.end_ms is not None:
        assert chapters.end_ms > found[-1]
    listed, warnings = youtube_chapters(episode(), chapters)
    no_list = [w for w in warnings if w.message.startswith("no YouTube chapter list")]
    assert bool(listed) != bool(no_list) or not found
    assert all("merged into" in w.message for w in warnings if w not in no_list)
    if listed:
        assert listed[0].start_ms == 0 and len(listed) >= 3
        ends = [c.start_ms // 1000 for c in listed[1:]]
        if chapters.end_ms is not None:
            ends.append(chapters.end_ms // 1000)
        for chapter, end in zip(listed, ends, strict=False):
            assert (end - chapter.start_ms // 1000) * 1000 >= 10_000
