"""Cue building (castline.timing.cues): segmentation, line breaks, timing, speakers, offset.

The Hypothesis properties run over generated transcripts: any
speakers, Unicode text, long paragraphs, repeated, missing and out-of-order stamps, with and
without a duration, and any caption policy.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castline.load import load_content
from castline.model import Episode, SourceRef, Utterance
from castline.timing.cues import (
    UNKNOWN_CHANGE,
    Cue,
    CuePolicy,
    build_cues,
    episode_cues,
    speaker_name,
)
from castline.timing.spans import TimedLine, time_transcript
from tests.timing.strategies import paragraphs

DATA = Path(__file__).resolve().parents[1] / "data" / "captions"
#: Example counts come from the profile in tests/conftest.py (HYPOTHESIS_PROFILE=thorough).
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _line(text: str, start: int, end: int, speaker: str | None = "Ann", line: int = 1) -> TimedLine:
    return TimedLine(Utterance(text, speaker, start, SourceRef("ep.md", line)), start, end, True)


def _fixture(slug: str) -> Episode:
    loaded = load_content(DATA)
    return next(episode for episode in loaded.episodes if episode.slug == slug)


# --- Examples ------------------------------------------------------------------------------


def test_short_line_is_one_cue_on_one_line() -> None:
    cues, warnings = build_cues([_line("Hello there.", 1000, 3000)], CuePolicy())
    assert cues == (Cue(1000, 3000, "Ann", ("Hello there.",), SourceRef("ep.md", 1)),)
    assert warnings == ()


def test_sentences_become_cues_in_proportion_to_characters() -> None:
    text = "We met at the harbour at dawn. The ferry was late again, as it always is."
    cues, _ = build_cues([_line(text, 0, 7300)], CuePolicy())
    assert [c.lines for c in cues] == [
        ("We met at the harbour at dawn.",),
        ("The ferry was late again, as it always is.",),
    ]
    # 31 of 73 characters (with the space after the first sentence); the first cue leaves a
    # 2-frame gap (83 ms) before the second.
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 3017), (3100, 7300)]


def test_two_lines_when_the_text_is_longer_than_a_line() -> None:
    text = "When the tide turns, the captain checks the charts and the weather."
    cues, _ = build_cues([_line(text, 0, 6000)], CuePolicy())
    # After the comma the second line would be 46 characters: the next best break is taken,
    # never one after an article ("the | charts").
    assert [c.lines for c in cues] == [
        ("When the tide turns, the captain", "checks the charts and the weather.")
    ]


def test_long_sentence_runs_over_several_cues() -> None:
    text = (
        "The harbour master told us that the ferries would keep running through the storm, "
        "although most of the passengers had already decided to stay at home that night."
    )
    cues, _ = build_cues([_line(text, 0, 10_000)], CuePolicy())
    assert [c.lines for c in cues] == [
        ("The harbour master told us", "that the ferries would keep running"),
        ("through the storm,", "although most of the passengers"),
        ("had already decided", "to stay at home that night."),
    ]
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 3830), (3913, 6997), (7080, 10_000)]


def test_single_long_word_may_exceed_the_line() -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis-like"
    cues, _ = build_cues([_line(f"It was {word} indeed.", 0, 5000)], CuePolicy())
    # "was" is an auxiliary: no line or cue ends on it when another place exists.
    assert [c.lines for c in cues] == [("It was",), (word, "indeed.")]


def test_short_cue_borrows_time_from_a_slow_neighbour() -> None:
    lines = [
        _line("Yes.", 0, 300, "Ann", 1),
        _line("Well, I think so.", 300, 9000, "Bob", 2),
    ]
    # Bob's stamp (0) is not his line's start (300): his cue may start later.
    lines[1] = TimedLine(Utterance("Well, I think so.", "Bob", 0, SourceRef("ep.md", 2)), 300, 9000)
    cues, _ = build_cues(lines, CuePolicy())
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 833), (833, 7300)]


def test_cue_starting_a_line_on_its_stamp_never_moves() -> None:
    lines = [_line("Yes.", 0, 300, "Ann", 1), _line("Well, I think so.", 300, 9000, "Bob", 2)]
    cues, _ = build_cues(lines, CuePolicy())
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 300), (300, 7300)]


def test_long_cue_is_cut_to_max_duration() -> None:
    cues, _ = build_cues([_line("Silence, then a word.", 0, 60_000)], CuePolicy())
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 7000)]


def test_speaker_labels_at_each_change() -> None:
    lines = [
        _line("First.", 0, 1000, "Ann", 1),
        _line("Second.", 1000, 2000, "Ann", 2),
        _line("Third.", 2000, 3000, "Bob:", 3),
        _line("Fourth.", 3000, 4000, None, 4),
    ]
    change, _ = build_cues(lines, CuePolicy(speaker_labels="change"))
    every, _ = build_cues(lines, CuePolicy(speaker_labels="every"))
    none, _ = build_cues(lines, CuePolicy())
    assert [c.display_lines for c in change] == [
        ("Ann: First.",),
        ("Second.",),
        ("Bob: Third.",),
        (">> Fourth.",),
    ]
    # A change to an unknown speaker is marked whatever the labels (YouTube's ">>").
    assert [c.label for c in every] == ["Ann: ", "Ann: ", "Bob: ", ">> "]
    assert [c.label for c in none] == ["", "", "", ">> "]


def test_label_room_is_kept_in_the_first_line() -> None:
    text = "Today we talk about the ferry timetable."  # 40 characters: fits 42 alone
    cues, _ = build_cues([_line(text, 0, 4000, "Mira")], CuePolicy(speaker_labels="change"))
    assert [c.display_lines for c in cues] == [
        ("Mira: Today we talk", "about the ferry timetable.")
    ]


def test_empty_lines_give_no_cue() -> None:
    lines = [_line("  ", 0, 1000, line=1), _line("Words.", 1000, 2000, line=2)]
    cues, _ = build_cues(lines, CuePolicy())
    assert [c.source.line for c in cues] == [2]


def test_cues_keep_a_two_frame_gap_but_not_below_the_minimum_duration() -> None:
    lines = [
        _line("One.", 0, 2000, "Ann", 1),
        _line("Two.", 2000, 2880, "Bob", 2),
        _line("Three.", 2880, 5000, "Ann", 3),
    ]
    cues, _ = build_cues(lines, CuePolicy())
    # The second cue (880 ms) can give only 47 ms before it would drop below 833 ms.
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 1917), (2000, 2833), (2880, 5000)]


def test_positive_offset_shifts_every_cue() -> None:
    cues, warnings = build_cues([_line("Hi.", 0, 1000)], CuePolicy(), offset_ms=12_500)
    assert [(c.start_ms, c.end_ms) for c in cues] == [(12_500, 13_500)]
    assert warnings == ()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_chars_per_line": 0}, "'max_chars_per_line' must be a positive whole number, not 0"),
        ({"max_lines": True}, "'max_lines' must be a positive whole number, not True"),
        ({"min_cue_ms": 8000}, "'min_cue_ms' must not be more than 'max_cue_ms'"),
        ({"min_gap_ms": -1}, "'min_gap_ms' must be a whole number of ms, not -1"),
        (
            {"speaker_labels": "all"},
            "'speaker_labels' must be one of change, every, none, not 'all'",
        ),
    ],
)
def test_policy_rejects_bad_values(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(") + "$"):
        CuePolicy(**options)  # type: ignore[arg-type]


def test_speaker_name() -> None:
    assert speaker_name("  Juan   Pablo ") == "Juan Pablo"
    assert speaker_name("Theo:") == "Theo"
    assert speaker_name(" ") is None


# --- Exact warnings from fixtures (acceptance 4) --------------------------------------------


def test_repaired_stamp_warning() -> None:
    _, warnings = episode_cues(_fixture("repaired-stamp"), CuePolicy())
    assert [(w.source.line, w.message) for w in warnings] == [
        (11, "out-of-order stamp 1:35 (next kept stamp 0:40): re-timed to 0:28.888")
    ]
    assert str(warnings[0]).endswith(
        "captions/episodes/repaired-stamp.md:11: warning: "
        "out-of-order stamp 1:35 (next kept stamp 0:40): re-timed to 0:28.888"
    )


def test_suspect_stamp_warning() -> None:
    _, warnings = episode_cues(_fixture("suspect-stamp"), CuePolicy())
    assert [(w.source.line, w.message) for w in warnings] == [
        (
            8,
            "suspect stamp 0:07.500: 1 line of 62 characters since 0:05 (line 5) leave "
            "24 characters per second (more than 22)",
        )
    ]


def test_impossible_span_warning() -> None:
    cues, warnings = episode_cues(_fixture("impossible-span"), CuePolicy())
    assert [(w.source.line, w.message) for w in warnings] == [
        (
            8,
            "stamp 0:07 makes an impossible span: 173 characters between stamps 0:05 and 0:07 "
            "(86 characters per second): re-timed to 0:29.027",
        )
    ]
    assert max(len(" ".join(c.display_lines)) * 1000 // (c.end_ms - c.start_ms) for c in cues) < 20


def test_stamps_past_the_duration_warning() -> None:
    cues, warnings = episode_cues(_fixture("past-duration"), CuePolicy())
    assert [(w.source.line, w.message) for w in warnings] == [
        (
            8,
            "the stamps run to 1:02, 0:22 past the episode's duration 0:40: the duration is "
            "only itunes:duration, the stamps keep their times",
        )
    ]
    assert [c.start_ms for c in cues] == [20_000, 45_000, 62_000]


def test_who_that_is_not_a_name_warning_and_unknown_speaker_marker() -> None:
    cues, warnings = episode_cues(_fixture("who-not-a-name"), CuePolicy(speaker_labels="change"))
    assert [(w.source.line, w.message) for w in warnings] == [
        (
            8,
            "'who' is not a name (75 characters: 'So we started with a small tea...'): shown "
            "as an unknown speaker",
        )
    ]
    assert [c.display_lines for c in cues] == [
        ("Mira: Welcome to the show.",),
        (">> Jon",),
        ("Mira: Thanks, that was great.",),
        (">> And who says this?",),
    ]


def test_clipped_and_dropped_cue_warnings() -> None:
    cues, warnings = episode_cues(_fixture("early-start"), CuePolicy(), offset_ms=-2500)
    assert [(w.source.line, w.message) for w in warnings] == [
        (5, "the offset of -2.5 s moves 1 cue (1 word) of this line before 0:00: dropped"),
        (8, "the offset of -2.5 s moves a cue to -0:00.500: clipped to start at 0:00"),
    ]
    assert cues[0].start_ms == 0
    assert cues[0].lines == ("Hello and welcome.",)


# --- Properties (acceptance 1) --------------------------------------------------------------

#: Missing, whole-second (often repeated) and arbitrary (out-of-order, negative) stamps.
_stamp = st.one_of(
    st.none(), st.integers(0, 3_000).map(lambda s: s * 1000), st.integers(-10, 4_000_000)
)
_speaker = st.one_of(
    st.none(), st.sampled_from(["Ann", "Bob:", " Juan Pablo ", "Ωμέγα", "A&B <x>"])
)
_transcripts = st.lists(st.tuples(paragraphs, _speaker, _stamp), max_size=25).map(
    lambda items: [
        Utterance(text, who, stamp, SourceRef("ep.md", 1 + 2 * n))
        for n, (text, who, stamp) in enumerate(items)
    ]
)
_durations = st.one_of(st.none(), st.integers(0, 5_000_000))
_policies = st.builds(
    CuePolicy,
    max_chars_per_line=st.integers(8, 70),
    max_lines=st.integers(1, 3),
    min_gap_ms=st.sampled_from([0, 83, 1000]),
    speaker_labels=st.sampled_from(["change", "every", "none"]),
)


def _shown_chars(cue: Cue) -> int:
    """The characters a viewer reads: label included, lines joined by one space."""
    return len(" ".join(cue.display_lines))


@PROPERTY
@given(_transcripts, _durations, _policies)
def test_the_gap_never_pushes_a_cue_over_max_cps(
    utterances: list[Utterance], duration_ms: int | None, policy: CuePolicy
) -> None:
    timed, _ = time_transcript(utterances, duration_ms=duration_ms)
    gapless, _ = build_cues(timed, replace(policy, min_gap_ms=0))
    cues, _ = build_cues(timed, policy)
    assert [c.start_ms for c in cues] == [c.start_ms for c in gapless]
    for cue, whole in zip(cues, gapless, strict=True):
        if cue.end_ms < whole.end_ms:  # shortened for the gap
            duration = cue.end_ms - cue.start_ms
            assert _shown_chars(cue) * 1000 <= policy.max_cps * duration or (
                duration <= max(policy.min_cue_ms, 1)
            )


@PROPERTY
@given(
    st.lists(st.sampled_from(["Ann", "Bob", "Juan Pablo Montoya"]), min_size=1, max_size=6),
    st.integers(1, 40),
)
def test_labels_get_their_share_of_time(speakers: list[str], seconds: int) -> None:
    # One line per speaker, each cut into several cues: a labelled cue gets time for its label
    # as for its words, so within a line each cue's share of time follows its shown characters.
    text = "Yes. We did that. Then we did this other thing. And it worked."
    timed = [
        TimedLine(
            Utterance(text, who, None, SourceRef("ep.md", n)),
            n * seconds * 1000,
            (n + 1) * seconds * 1000,
        )
        for n, who in enumerate(speakers)
    ]
    policy = CuePolicy(min_cue_ms=0, min_gap_ms=0, max_cue_ms=10**9, speaker_labels="change")
    cues, _ = build_cues(timed, policy)
    assert cues[0].label == f"{speakers[0]}: "
    for line in timed:
        own = [c for c in cues if c.source == line.utterance.source]
        if not own[0].label:
            continue  # same speaker as before: no label, nothing to time
        total = sum(_shown_chars(c) for c in own)
        span = line.end_ms - line.start_ms
        for cue in own:
            assert abs((cue.end_ms - cue.start_ms) - span * _shown_chars(cue) / total) <= 2


def _check_cues(utterances: list[Utterance], cues: tuple[Cue, ...], policy: CuePolicy) -> None:
    """The invariants every cue list must meet (offset 0)."""
    # Sorted, non-overlapping, positive durations, whole milliseconds.
    for cue in cues:
        assert type(cue.start_ms) is int and type(cue.end_ms) is int
        assert 0 <= cue.start_ms < cue.end_ms
        assert cue.end_ms - cue.start_ms <= policy.max_cue_ms
    for before, after in itertools.pairwise(cues):
        assert before.end_ms <= after.start_ms
        # A 2-frame gap unless the earlier cue is down to its minimum duration or its
        # reading speed would pass max_cps.
        gap, duration = after.start_ms - before.end_ms, before.end_ms - before.start_ms
        need = -(-_shown_chars(before) * 1000 // policy.max_cps)
        assert gap >= policy.min_gap_ms or duration <= max(policy.min_cue_ms, need, 1)
    # Every word, in order, and each cue's words are a run of one line's words.
    assert [w for c in cues for line in c.lines for w in line.split()] == [
        w for u in utterances for w in u.text.split()
    ]
    by_source = {u.source: u for u in utterances}
    position = {u.source: 0 for u in utterances}
    for cue in cues:
        utterance = by_source[cue.source]
        assert cue.speaker == utterance.speaker
        words = cue.text.split()
        at = position[cue.source]
        assert utterance.text.split()[at : at + len(words)] == words
        position[cue.source] = at + len(words)
    # A speaker change starts a cue: no cue holds words of two lines (checked above), and the
    # lines of each cue hold no white space but single spaces.
    for cue in cues:
        assert cue.lines and all(line == " ".join(line.split()) and line for line in cue.lines)
        assert len(cue.lines) <= policy.max_lines
        for number, line in enumerate(cue.display_lines):
            shown = line.removeprefix(cue.label) if number == 0 else line
            assert len(line) <= policy.max_chars_per_line or len(shown.split()) == 1
    # Labels: at each change of speaker, on every cue, or never.
    previous: str | None = None
    for index, cue in enumerate(cues):
        name = speaker_name(cue.speaker)
        first_of_line = index == 0 or cues[index - 1].source != cue.source
        if name is None:
            # A change to an unknown speaker is marked on its first cue, whatever the labels.
            marked = index > 0 and speaker_name(previous) is not None and first_of_line
            assert cue.label == (UNKNOWN_CHANGE if marked else "")
        elif policy.speaker_labels == "none":
            assert cue.label == ""
        elif policy.speaker_labels == "every":
            assert cue.label == f"{name}: "
        else:
            changed = index == 0 or speaker_name(previous) != name
            assert cue.label == (f"{name}: " if changed and first_of_line else "")
        previous = cue.speaker


@PROPERTY
@given(_transcripts, _durations, _policies)
def test_cue_invariants(
    utterances: list[Utterance], duration_ms: int | None, policy: CuePolicy
) -> None:
    timed, timing_warnings = time_transcript(utterances, duration_ms=duration_ms)
    cues, cue_warnings = build_cues(timed, policy)
    _check_cues(utterances, cues, policy)
    # A cue shorter than min_cue_ms only where the stamps leave no room, and then reported.
    reported = {w.source for w in cue_warnings}
    assert all(w.message.startswith("short cue of ") for w in cue_warnings)
    last_stamped = max((i for i, t in enumerate(timed) if t.stamped), default=0)
    bounded = {t.utterance.source for t in timed[:last_stamped]}
    for cue in cues:
        if cue.end_ms - cue.start_ms < policy.min_cue_ms and cue.source in bounded:
            assert cue.source in reported
    # The declared duration moves no cue: the stamps are the timeline.
    assert build_cues(time_transcript(utterances, duration_ms=None)[0], policy) == (
        cues,
        cue_warnings,
    )
    assert sum("duration" in w.message for w in timing_warnings) <= 1


@PROPERTY
@given(_transcripts, _durations, st.integers(-200_000, 200_000))
def test_offset_shifts_clips_or_drops_and_reports(
    utterances: list[Utterance], duration_ms: int | None, offset_ms: int
) -> None:
    timed, _ = time_transcript(utterances, duration_ms=duration_ms)
    policy = CuePolicy()
    plain, _ = build_cues(timed, policy)
    shifted, warnings = build_cues(timed, policy, offset_ms=offset_ms)
    expected = [
        (max(0, c.start_ms + offset_ms), c.end_ms + offset_ms)
        for c in plain
        if c.end_ms + offset_ms > 0
    ]
    assert [(c.start_ms, c.end_ms) for c in shifted] == expected
    dropped = len(plain) - len(shifted)
    clipped = sum(1 for c in plain if c.start_ms + offset_ms < 0 < c.end_ms + offset_ms)
    assert (
        sum(
            int(w.message.split(" moves ")[1].split()[0])
            for w in warnings
            if "dropped" in w.message
        )
        == dropped
    )
    assert sum("clipped" in w.message for w in warnings) == clipped
    assert clipped <= 1
    assert all(w.severity.value == "warning" for w in warnings)


@PROPERTY
@given(_transcripts, _durations)
def test_cues_are_deterministic(utterances: list[Utterance], duration_ms: int | None) -> None:
    timed, _ = time_transcript(utterances, duration_ms=duration_ms)
    assert build_cues(timed, CuePolicy(speaker_labels="change")) == build_cues(
        list(timed), CuePolicy(speaker_labels="change")
    )
