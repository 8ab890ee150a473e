"""practicereport: the browser's marks in, feedback/history/cohort rows out."""

from __future__ import annotations

from alliance_lens import practicereport as report
from alliance_lens.attempts import Attempt
from alliance_lens.model import Episode, Track
from alliance_lens.practice.scoring import Mark, score_track
from alliance_lens.store import Learner
from alliance_lens.vocabulary import load_vocabulary

TRACK = Track(
    id="expert",
    name="Expert",
    episodes=(
        Episode(id="a", type="withdrawal", onset=2_000, markers=("minimal_response",)),
        Episode(id="b", type="confrontation", onset=30_000),
    ),
)
VOCAB = load_vocabulary()


def attempt(id_, learner, no, marks, phase=None, cohort=""):
    return Attempt(id_, learner, "v", "expert", no, tuple(marks), cohort, phase, 1_000 * id_)


def test_feedback_rows_in_time_order_with_replay_3_s_before_clamped_at_zero():
    result = score_track(TRACK, [Mark(3_000, "withdrawal", ("minimal_response",)), Mark(9_000)])
    items = report.feedback_items(result, VOCAB)
    assert [(i["outcome"], i["at_ms"], i["replay_ms"]) for i in items] == [
        ("hit", 2_000, 0),
        ("false alarm", 9_000, 6_000),
        ("missed", 30_000, 27_000),
    ]
    hit = items[0]
    assert (hit["latency_ms"], hit["type_match"], hit["marker_overlap"]) == (1_000, True, 1.0)
    assert hit["markers"] == ["Minimal response"] and hit["title"] == "Withdrawal rupture"


def test_timeline_has_expert_and_learner_rows():
    rows = report.timeline_rows(score_track(TRACK, [Mark(3_000), Mark(9_000)]))
    assert {(r["who"], r["outcome"]) for r in rows} == {
        ("Expert", "hit"),
        ("Expert", "missed"),
        ("You", "hit"),
        ("You", "false alarm"),
    }


def test_history_rows_newest_first_and_unknown_tracks_without_figures():
    rows = report.history_rows(
        [attempt(1, 1, 1, [Mark(3_000)]), attempt(2, 1, 2, [])],
        {("v", "expert"): TRACK},
        {"v": "Video"},
    )
    assert [r["attempt"] for r in rows] == [2, 1]
    assert rows[1]["noticed"] == "1 of 2" and rows[1]["hit rate"] == "50%"
    gone = report.history_rows([attempt(1, 1, 1, [])], {}, {})
    assert "noticed" not in gone[0] and gone[0]["video"] == "v"


def test_cohort_counts_each_learners_latest_attempt_per_phase():
    ana, ben = Learner(1, "t1", "Ana", 0), Learner(2, "t2", "", 0)
    pairs = [
        (ana, attempt(1, 1, 1, [Mark(40_000)], "before")),
        (ana, attempt(2, 1, 2, [Mark(2_500)], "before")),
        (ana, attempt(3, 1, 3, [Mark(2_500), Mark(31_000)], "after")),
        (ben, attempt(4, 2, 1, [], None)),
    ]
    entries = report.cohort_entries(pairs)
    assert sorted((e.learner, e.phase, len(e.marks)) for e in entries) == [
        (1, "after", 2),
        (1, "before", 1),
        (2, None, 0),
    ]
    assert len(report.cohort_entries(pairs, latest=False)) == 4
    det = report.detection_rows(TRACK, entries)
    assert [(d["episode"], d["noticed"], d["learners"]) for d in det] == [("a", 2, 3), ("b", 1, 3)]
    assert {r["learner"] for r in report.latency_rows(TRACK, entries)} == {"L001"}
    phases = {r["phase"]: r for r in report.phase_rows(TRACK, entries)}
    assert (phases["before"]["noticed"], phases["after"]["noticed"]) == (1, 2)


def test_exports_are_de_identified_unless_names_are_asked_for():
    ana = Learner(1, "t1", "Ana Secret", 0)
    pairs = [(ana, attempt(1, 1, 1, [Mark(3_000)]))]
    plain = report.attempt_export_rows(pairs, TRACK)
    assert plain[0]["learner"] == "L001" and "Ana Secret" not in str(plain)
    assert "t1" not in str(plain)  # nor the browser token
    named = report.attempt_export_rows(pairs, TRACK, identify=True)
    assert named[0]["name"] == "Ana Secret"
