"""The teaching fields: outcomes, 3RS ratings, both-kind markers, participants, new prompts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from alliance_lens.file_rules import semantic_problems
from alliance_lens.model import CommentaryFile
from alliance_lens.playerdata import PlayerOptions, VideoSource, build_player_data
from alliance_lens.trackfile import parse_commentary
from alliance_lens.vocabulary import load_vocabulary

VOCAB = load_vocabulary()


def doc(episode: dict[str, Any] | None = None, **extra: Any) -> CommentaryFile:
    ep = {"id": "e", "type": "withdrawal", "onset": "00:10", "resolved_at": "00:30"}
    track: dict[str, Any] = {"id": "t", "name": "T", "episodes": [ep | (episode or {})]}
    track |= extra.pop("track", {})
    data = {"video": "v.mp4", "title": "T", "tracks": [track]} | extra
    return CommentaryFile.model_validate(data)


def findings(d: CommentaryFile) -> list[tuple[str, str, str]]:
    return [(s, ".".join(map(str, p)), m) for s, p, m in semantic_problems(d, VOCAB)]


def test_outcome_is_one_of_three() -> None:
    d = doc({"repairs": [{"at": "00:20", "outcome": "did_not_help"}]})
    assert d.tracks[0].episodes[0].repairs[0].outcome == "did_not_help"
    with pytest.raises(ValidationError):
        doc({"repairs": [{"at": "00:20", "outcome": "worked"}]})


def test_repair_after_resolution_warns() -> None:
    d = doc({"repairs": [{"at": "00:29"}, {"at": "00:31"}]})
    assert findings(d) == [
        (
            "warning",
            "tracks.0.episodes.0.repairs.1.at",
            "repair at 00:31.000 is after the episode's resolution 00:30.000",
        )
    ]


def test_markers_of_both_kinds_are_allowed_but_one_must_match_the_type() -> None:
    both = doc({"type": "confrontation", "markers": ["rejects_intervention", "minimal_response"]})
    assert findings(both) == []
    other = doc({"type": "confrontation", "markers": ["minimal_response"]})
    assert [f[1] for f in findings(other)] == ["tracks.0.episodes.0.type"]


def test_ratings_and_the_older_salience() -> None:
    ep = doc({"significance": 4, "resolution_rating": 2}).tracks[0].episodes[0]
    assert (ep.rated_significance, ep.resolution_rating) == (4, 2)
    assert doc({"salience": 3}).tracks[0].episodes[0].rated_significance == 3  # old files load
    assert "older name" in findings(doc({"salience": 3, "significance": 4}))[0][2]
    with pytest.raises(ValidationError):
        doc({"resolution_rating": 6})


def test_participants_and_involved() -> None:
    people = [
        {"id": "ann", "name": "Ann", "role": "member"},
        {"id": "lee", "name": "Lee", "role": "leader"},
    ]
    assert findings(doc({"involved": ["ann", "lee"]}, participants=people)) == []
    bad = findings(doc({"involved": ["bob"]}, participants=people + people[:1]))
    assert [(s, p) for s, p, _ in bad] == [
        ("error", "participants.2.id"),
        ("error", "tracks.0.episodes.0.involved.0"),
    ]
    undeclared = findings(doc({"involved": ["bob"]}))
    assert [(s, p) for s, p, _ in undeclared] == [("warning", "tracks.0.episodes.0.involved.0")]
    with pytest.raises(ValidationError):
        doc(participants=[{"id": "x", "name": "X", "role": "observer"}])


def prompt(**fields: Any) -> CommentaryFile:
    base = {"id": "p", "at": "00:12", "question": "Q?", "reveal": "R"}
    return doc(track={"prompts": [base | fields]})


def test_multi_prompt_needs_correct_options() -> None:
    ok = prompt(kind="multi", options=["Goals", "Tasks", "Bond"], correct=["Tasks", "Bond"])
    assert findings(ok) == []
    assert [f[:2] for f in findings(prompt(kind="multi", options=["A", "B"]))] == [
        ("warning", "tracks.0.prompts.0.correct")
    ]
    wrong = findings(prompt(kind="multi", options=["A", "B"], correct=["C"], expected="A"))
    assert [(s, p) for s, p, _ in wrong] == [
        ("warning", "tracks.0.prompts.0.expected"),
        ("error", "tracks.0.prompts.0.correct.0"),
    ]
    assert findings(prompt(kind="choice", options=["A", "B"], correct=["A"]))[0][0] == "warning"


def test_marker_prompt_options_are_vocabulary_ids_shown_as_labels() -> None:
    d = prompt(kind="marker", options=["minimal_response", "denial"], correct=["minimal_response"])
    assert findings(d) == []
    sent = build_player_data(d, VOCAB, VideoSource(src=None))["tracks"][0]["prompts"][0]
    assert sent["options"] == ["Minimal response", "Denial"]
    assert sent["correct"] == ["Minimal response"]
    unknown = findings(prompt(kind="marker", options=["sulking", "denial"], correct=["denial"]))
    assert [(s, p) for s, p, _ in unknown] == [("warning", "tracks.0.prompts.0.options.0")]


def test_teaching_fields_reach_every_mode_and_notes_stay_out_of_learner() -> None:
    d = doc(
        {
            "significance": 4,
            "resolution_rating": 3,
            "involved": ["lee"],
            "repairs": [{"at": "00:20", "outcome": "partly", "stages": ["disembedding"]}],
        },
        participants=[{"id": "lee", "name": "Lee", "role": "leader"}],
        chapters=[{"start": 0, "title": "Opening", "safe_to_show_early": True}],
        track={"cues": [{"start": 1, "text": "x", "presenter_notes": "secret"}]},
    )
    for mode in ("learner", "presenter", "review"):
        data = build_player_data(d, VOCAB, VideoSource(src=None), PlayerOptions(mode=mode))
        ep = data["tracks"][0]["episodes"][0]
        assert (ep["significance"], ep["resolution_rating"], ep["involved"]) == (4, 3, ["lee"])
        assert ep["repairs"][0]["outcome"] == "partly"
        assert ep["repairs"][0]["stages"][0]["label"].startswith("Disembedding")
        assert data["chapters"][0]["safe_to_show_early"] is True
        assert data["participants"] == [{"id": "lee", "name": "Lee", "role": "leader"}]
        assert ("notes_html" in data["tracks"][0]["cues"][0]) == (mode == "review")


def test_files_without_the_new_fields_still_load(tmp_path: Path) -> None:
    text = (
        "video: v.mp4\ntitle: T\ntracks:\n  - id: a\n    name: A\n    episodes:\n"
        "      - {id: e, type: withdrawal, onset: 1, salience: 2, resolution: partly}\n"
    )
    result = parse_commentary(tmp_path / "t.yaml", text=text, vocabulary=VOCAB)
    assert result.ok and not result.problems


def test_strategy_defaults_follow_the_documented_rule() -> None:
    assert VOCAB.strategy_defaults["invites_feelings_about_therapy"] == ("exploratory", "direct")
    assert VOCAB.strategy_defaults["changes_tasks_goals"] == ("immediate", "indirect")
    assert set(VOCAB.strategy_defaults) == set(VOCAB.strategies)
