"""3RS-style rating sheets: segments, the expert sheet (derived or authored) and agreement."""

from __future__ import annotations

import pytest

from alliance_lens.model import (
    Chapter,
    CommentaryFile,
    Episode,
    Practice,
    Repair,
    SegmentRating,
    Track,
)
from alliance_lens.practice.ratings import (
    Segment,
    SheetRow,
    cohort_presence,
    cohort_significance,
    expert_sheet,
    fixed_segments,
    presence_agreement,
    segments_for,
)

MIN = 60_000

EPISODES = (
    Episode(
        id="w",
        type="withdrawal",
        onset=2 * MIN,
        resolved_at=6 * MIN,
        salience=4,
        markers=("minimal_response",),
        resolution="partly",
        repairs=(Repair(at=5 * MIN + 30_000, strategies=("redirects",)),),
    ),
    Episode(id="c", type="confrontation", onset=11 * MIN),  # never resolved: a point
)
TRACK = Track(id="expert", name="Expert", episodes=EPISODES)


def doc(chapters: tuple[Chapter, ...] = (), track: Track = TRACK) -> CommentaryFile:
    return CommentaryFile(video="v.mp4", title="T", chapters=chapters, tracks=(track,))


def test_segments_default_to_chapters_and_cover_the_start() -> None:
    chapters = (Chapter(start=30_000, title="Opening"), Chapter(start=5 * MIN, title="Repair"))
    segs = segments_for(doc(chapters), TRACK, duration_ms=12 * MIN)
    assert segs == [Segment(0, 5 * MIN, "Opening"), Segment(5 * MIN, 12 * MIN, "Repair")]


def test_segments_without_chapters_are_five_minutes_and_fixed_n_on_request() -> None:
    assert [s.start_ms for s in segments_for(doc(), TRACK, duration_ms=12 * MIN)] == [
        0,
        5 * MIN,
        10 * MIN,
    ]
    three = TRACK.model_copy(update={"practice": Practice(segment_minutes=3)})
    segs = segments_for(doc(track=three), three)  # no duration: the content decides the end
    assert [s.start_ms for s in segs] == [0, 3 * MIN, 6 * MIN, 9 * MIN]
    assert segs[-1].end_ms == 11 * MIN + 1
    with pytest.raises(ValueError, match="positive"):
        fixed_segments(0, MIN)


def test_expert_sheet_derived_from_overlapping_episodes() -> None:
    rows = expert_sheet(TRACK, fixed_segments(5 * MIN, 15 * MIN))
    assert rows == [
        SheetRow(0, 4, None, frozenset({"minimal_response"}), frozenset(), 3),
        SheetRow(5 * MIN, 4, None, frozenset({"minimal_response"}), frozenset({"redirects"}), 3),
        SheetRow(10 * MIN, None, 3, frozenset(), frozenset(), None),  # salience defaults to 3
    ]


def test_an_episode_ending_exactly_at_a_segment_start_is_present_there() -> None:
    ep = Episode(id="e", type="withdrawal", onset=MIN, resolved_at=5 * MIN, resolution="resolved")
    track = Track(id="t", name="T", episodes=(ep,))
    rows = expert_sheet(track, fixed_segments(5 * MIN, 10 * MIN))
    assert [(r.withdrawal, r.resolution) for r in rows] == [(3, 5), (3, 5)]


def test_an_authored_sheet_overrides_the_derived_one() -> None:
    practice = Practice(
        sheet=(SegmentRating(start=5 * MIN, confrontation=2, markers=("denial",), resolution=4),)
    )
    track = TRACK.model_copy(update={"practice": practice})
    rows = expert_sheet(track, fixed_segments(5 * MIN, 15 * MIN))
    assert rows == [
        SheetRow(0),
        SheetRow(5 * MIN, None, 2, frozenset({"denial"}), frozenset(), 4),
        SheetRow(10 * MIN),
    ]


def test_presence_agreement_is_kappa_over_segments_by_types() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    expert = expert_sheet(TRACK, fixed_segments(5 * MIN, 15 * MIN))
    # Learner: withdrawal in the first segment only, and a confrontation in the second.
    learner = [SheetRow(0, 2), SheetRow(5 * MIN, None, 3)]
    result = presence_agreement(learner, expert)
    mine = [True, False, False, True, False, False]
    theirs = [True, False, True, False, False, True]
    assert result.items == 6
    assert result.kappa == pytest.approx(sklearn_metrics.cohen_kappa_score(mine, theirs))
    assert result.percent_agreement == pytest.approx(100 * 3 / 6)


def test_presence_agreement_when_both_see_nothing_is_undefined_not_an_error() -> None:
    expert = [SheetRow(0), SheetRow(5 * MIN)]
    result = presence_agreement([], expert)
    assert result.kappa is None and result.percent_agreement == 100.0
    assert "undefined" in result.reading


def test_cohort_agreement_across_learners() -> None:
    starts = [0, 5 * MIN]
    sheets = [
        [SheetRow(0, 4), SheetRow(5 * MIN, None, 2)],
        [SheetRow(0, 5), SheetRow(5 * MIN, None, 2)],
        [SheetRow(0, 4), SheetRow(5 * MIN)],
    ]
    presence = cohort_presence(sheets, starts)
    assert (presence.subjects, presence.raters) == (4, 3)
    assert presence.kappa is not None and -1 <= presence.kappa <= 1
    significance = cohort_significance(sheets, starts)
    assert (significance.subjects, significance.raters) == (4, 3)
    assert significance.icc is not None and significance.icc > 0.75


def test_cohort_agreement_degenerate_cases() -> None:
    starts = [0, 5 * MIN]
    one = [[SheetRow(0, 3)]]
    assert cohort_presence(one, starts).kappa is None
    assert "only one" in cohort_significance(one, starts).reading
    nothing = [[], [], []]
    assert cohort_presence(nothing, starts).kappa is None
    assert cohort_significance(nothing, starts).icc is None


def test_an_authored_row_rates_the_segment_its_start_falls_in() -> None:
    # The first chapter starts at 0:30 but its segment covers 0:00, so a row at 0:30 rates it.
    chapters = (Chapter(start=30_000, title="Opening"), Chapter(start=5 * MIN, title="Repair"))
    practice = Practice(sheet=(SegmentRating(start=30_000, withdrawal=5),))
    track = TRACK.model_copy(update={"practice": practice})
    segs = segments_for(doc(chapters, track), track, duration_ms=12 * MIN)
    assert [r.withdrawal for r in expert_sheet(track, segs)] == [5, None]
