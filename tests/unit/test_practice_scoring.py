"""Matching learner marks to expert onsets, every figure, and the summary sentences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_lens.model import CommentaryFile, Episode, Practice, Track
from alliance_lens.practice.scoring import Mark, practice_track, score, score_track, summary
from alliance_lens.vocabulary import load_vocabulary


def ep(id_: str, onset: int, type_: str = "withdrawal", markers: tuple[str, ...] = ()) -> Episode:
    return Episode(id=id_, type=type_, onset=onset, markers=markers)  # type: ignore[arg-type]


ONSET = 60_000


@pytest.mark.parametrize(
    ("at_ms", "hit"),
    [
        (ONSET - 2_000, True),  # exactly 2 s before: inside
        (ONSET - 2_001, False),
        (ONSET, True),
        (ONSET + 10_000, True),  # exactly 10 s after: inside
        (ONSET + 10_001, False),
    ],
)
def test_window_edges_are_inclusive(at_ms: int, hit: bool) -> None:
    result = score([ep("a", ONSET)], [Mark(at_ms)])
    assert (len(result.hits), len(result.misses), len(result.false_alarms)) == (
        (1, 0, 0) if hit else (0, 1, 1)
    )
    if hit:
        assert result.hits[0].latency_ms == at_ms - ONSET


def test_a_tracks_own_window_replaces_the_default() -> None:
    practice = Practice(window_before=500, window_after=3_000)
    assert score([ep("a", ONSET)], [Mark(ONSET + 3_000)], practice).hits
    assert not score([ep("a", ONSET)], [Mark(ONSET + 3_001)], practice).hits
    assert not score([ep("a", ONSET)], [Mark(ONSET - 501)], practice).hits


def test_two_marks_on_one_onset_make_one_hit_and_one_false_alarm() -> None:
    result = score([ep("a", ONSET)], [Mark(ONSET + 5_000), Mark(ONSET + 1_000)])
    assert [h.mark.at_ms for h in result.hits] == [ONSET + 1_000]  # the earliest mark
    assert [m.at_ms for m in result.false_alarms] == [ONSET + 5_000]
    assert result.precision == 0.5 and result.hit_rate == 1.0


def test_overlapping_windows_earlier_onset_takes_the_earliest_mark() -> None:
    # Onsets 4 s apart: both windows hold both marks.
    result = score([ep("b", 14_000), ep("a", 10_000)], [Mark(15_000), Mark(12_000)])
    assert [(h.episode.id, h.mark.at_ms) for h in result.hits] == [("a", 12_000), ("b", 15_000)]
    assert [h.latency_ms for h in result.hits] == [2_000, 1_000]


def test_greedy_rule_is_followed_even_when_another_pairing_would_hit_more() -> None:
    # The rule is "each onset takes the earliest unmatched mark in its window", in onset order:
    # onset 10 s takes the mark at 12 s, leaving onset 20 s nothing (12 s is 8 s before it).
    result = score([ep("a", 10_000), ep("b", 20_000)], [Mark(12_000)])
    assert [h.episode.id for h in result.hits] == ["a"] and [e.id for e in result.misses] == ["b"]


def test_no_marks_is_all_misses_with_undefined_precision() -> None:
    result = score([ep("a", 1_000), ep("b", 2_000)], [])
    assert [e.id for e in result.misses] == ["a", "b"]
    figures = result.figures()
    assert figures["hit_rate"] == 0.0
    assert figures["precision"] is None
    assert figures["median_latency_ms"] is None
    assert figures["type_agreement"] is None and figures["marker_overlap"] is None


def test_no_onsets_makes_every_mark_a_false_alarm() -> None:
    result = score([], [Mark(1_000), Mark(2_000)])
    assert result.figures() == {
        "onsets": 0,
        "marks": 2,
        "hits": 0,
        "misses": 0,
        "false_alarms": 2,
        "hit_rate": None,
        "precision": 0.0,
        "median_latency_ms": None,
        "type_agreement": None,
        "marker_overlap": None,
    }
    assert summary(result)[0].startswith("The expert marked no rupture")
    assert summary(score([], []))[1:] == []


def test_every_figure_on_a_hand_made_case() -> None:
    episodes = [
        ep("w1", 10_000, "withdrawal", ("minimal_response", "denial")),
        ep("c1", 40_000, "confrontation", ("complaints_about_therapist",)),
        ep("w2", 70_000, "withdrawal", ("avoidant_storytelling",)),
        ep("w3", 100_000, "withdrawal"),
    ]
    marks = [
        Mark(9_000, "withdrawal", ("minimal_response",)),  # -1 s, type right, J = 1/2
        Mark(44_000, "withdrawal", ("complaints_about_therapist",)),  # +4 s, wrong, J = 1
        Mark(77_000),  # +7 s, untyped, no markers
        Mark(130_000, "withdrawal"),  # false alarm
    ]
    result = score(episodes, marks)
    assert [(h.episode.id, h.latency_ms, h.type_match) for h in result.hits] == [
        ("w1", -1_000, True),
        ("c1", 4_000, False),
        ("w2", 7_000, None),
    ]
    assert [e.id for e in result.misses] == ["w3"]
    assert [m.at_ms for m in result.false_alarms] == [130_000]
    assert result.hit_rate == 0.75
    assert result.precision == 0.75
    assert result.median_latency_ms == 4_000
    assert result.type_agreement == 0.5  # over the two typed hits
    assert result.marker_overlap == pytest.approx(0.75)  # mean of 1/2 and 1
    data = result.to_json()
    assert data["hits"][1] == {
        "episode": "c1",
        "onset_ms": 40_000,
        "mark_ms": 44_000,
        "latency_ms": 4_000,
        "type_match": False,
        "marker_overlap": 1.0,
    }
    assert data["misses"] == [{"episode": "w3", "onset_ms": 100_000}]
    assert data["false_alarms"] == [{"mark_ms": 130_000}]


def test_median_of_an_even_count_is_whole_milliseconds() -> None:
    result = score([ep("a", 0), ep("b", 20_000)], [Mark(1_000), Mark(20_002)])
    assert result.median_latency_ms == 501  # (1000 + 2) // 2


def test_summary_uses_the_vocabulary_labels() -> None:
    vocab = load_vocabulary()
    episodes = [
        ep("a", 10_000),
        ep("b", 30_000),
        ep("c", 62_000, markers=("minimal_response", "denial")),
    ]
    result = score(episodes, [Mark(13_000), Mark(35_000, "withdrawal")])
    assert summary(result, vocab) == [
        "You noticed 2 of 3 ruptures, on average 4 s after they began.",
        "You missed the withdrawal at 1:02: its first marker is minimal response.",
        "You named the type the expert gave for 1 of 1 rupture you typed.",
    ]


def test_practice_track_defaults_to_the_first_track_with_episodes() -> None:
    empty = Track(id="notes", name="Notes")
    expert = Track(id="expert", name="Expert", episodes=(ep("a", 1_000),))
    second = Track(id="second", name="Second", episodes=(ep("b", 9_000),))
    doc = CommentaryFile(video="v.mp4", title="T", tracks=(empty, expert, second))
    assert practice_track(doc) == expert
    assert practice_track(doc, "second") == second
    assert practice_track(doc, "missing") is None
    chosen = doc.model_copy(update={"practice_track": "second"})
    assert practice_track(chosen) == second
    assert score_track(second, [Mark(9_000)]).hit_rate == 1.0


PRACTICE_YAML = """\
video: v.mp4
title: T
practice_track: {ref}
tracks:
  - id: expert
    name: Expert
    practice: {{window_before: 1, window_after: 00:04.5, feedback: chapter, segment_minutes: 5}}
    episodes:
      - {{id: a, type: withdrawal, onset: 00:10}}
"""


def test_practice_settings_from_a_file_are_milliseconds(tmp_path) -> None:
    from alliance_lens.trackfile import parse_commentary

    result = parse_commentary(tmp_path / "t.yaml", text=PRACTICE_YAML.format(ref="expert"))
    assert result.ok, [str(p) for p in result.problems]
    track = practice_track(result.doc)  # type: ignore[arg-type]
    assert track is not None and track.practice is not None
    assert (track.practice.window_before, track.practice.window_after) == (1_000, 4_500)
    assert track.practice.feedback == "chapter"
    assert score_track(track, [Mark(14_500)]).hits and not score_track(track, [Mark(8_999)]).hits


def test_an_unknown_practice_track_is_a_located_error(tmp_path) -> None:
    from alliance_lens.trackfile import parse_commentary

    result = parse_commentary(tmp_path / "t.yaml", text=PRACTICE_YAML.format(ref="nope"))
    assert not result.ok
    [problem] = result.errors
    assert problem.line == 3 and problem.field == "practice_track" and "'nope'" in problem.message


times = st.integers(min_value=0, max_value=120_000)


@settings(max_examples=300, deadline=None)
@given(onsets=st.lists(times, max_size=8), marks=st.lists(times, max_size=10))
def test_matching_invariants(onsets: list[int], marks: list[int]) -> None:
    episodes = [ep(f"e{i}", t) for i, t in enumerate(onsets)]
    result = score(episodes, [Mark(t) for t in marks])
    # Every onset is a hit or a miss, every mark a hit or a false alarm, each exactly once.
    assert len(result.hits) + len(result.misses) == len(onsets)
    assert len(result.hits) + len(result.false_alarms) == len(marks)
    assert sorted([h.mark.at_ms for h in result.hits] + [m.at_ms for m in result.false_alarms]) == (
        sorted(marks)
    )
    for hit in result.hits:
        assert -2_000 <= hit.latency_ms <= 10_000
    # A miss had no mark left in its window when its turn came: no false alarm lies in it,
    # nor any mark taken by a later onset.
    for miss in result.misses:
        later = [h.mark.at_ms for h in result.hits if h.episode.onset > miss.onset]
        for at in [m.at_ms for m in result.false_alarms] + later:
            assert not miss.onset - 2_000 <= at <= miss.onset + 10_000
