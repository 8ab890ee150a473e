"""authoring.draft, .tables and .problems: the editor grid <-> draft, problems per row."""

from __future__ import annotations

import copy

import pytest

from alliance_lens import authoring as au
from alliance_lens.vocabulary import load_vocabulary
from tests.unit.authoring_fixtures import ms_of

VOCAB = load_vocabulary()


# ---------------------------------------------------------------- tables


@pytest.mark.parametrize("table", au.TABLES)
def test_frame_round_trip_keeps_everything(draft, table):
    frame = au.to_frame(draft, table)
    assert list(frame.columns)[-1] == au.PROBLEM_COLUMN
    assert au.from_frame(draft, table, frame) == draft


def test_repairs_round_trip(draft):
    frame = au.to_frame(draft, "repairs", episode=0)
    assert frame.loc[0, "at"] == "00:05.500"
    assert frame.loc[0, "strategies"] == ["invites_feelings_about_therapy"]
    assert au.from_frame(draft, "repairs", frame, episode=0) == draft


def test_times_are_shown_as_mm_ss_mmm(draft):
    frame = au.to_frame(draft, "episodes")
    assert list(frame["onset"]) == ["00:03.000", "00:14.000"]
    assert list(frame["markers"]) == [["minimal_response"], ["rejects_intervention"]]


def test_edited_cell_updates_the_draft_and_keeps_hidden_fields(draft):
    frame = au.to_frame(draft, "episodes")
    frame.loc[0, "onset"] = "00:03.250"
    frame.at[0, "markers"] = ["minimal_response", "denial"]
    out = au.from_frame(draft, "episodes", frame)
    ep = out["tracks"][0]["episodes"][0]
    assert ms_of(ep["onset"]) == 3250
    assert ep["markers"] == ["minimal_response", "denial"]
    assert ep["repairs"] == draft["tracks"][0]["episodes"][0]["repairs"]  # not in the table
    assert au.validate(out, vocabulary=VOCAB).doc is not None


def test_same_time_written_differently_keeps_the_files_spelling(draft):
    frame = au.to_frame(draft, "cues")
    frame.loc[0, "start"] = "1"
    assert au.from_frame(draft, "cues", frame)["tracks"][0]["cues"][0]["start"] == "00:01"


def test_deleted_and_added_rows(draft):
    frame = au.to_frame(draft, "chapters").drop(index=0)
    frame.loc[7] = ["00:20.000", "Ending", "", ""]
    out = au.from_frame(draft, "chapters", frame)
    assert [c["title"] for c in out["chapters"]] == ["Second half", "Ending"]
    assert "id" not in out["chapters"][1]  # an empty optional cell leaves the field out


def test_blank_added_row_is_ignored(draft):
    frame = au.to_frame(draft, "chapters")
    frame.loc[5] = [None, None, None, None]
    assert au.from_frame(draft, "chapters", frame) == draft


def test_invalid_edit_is_kept_and_shown_on_its_row(draft):
    frame = au.to_frame(draft, "cues")
    frame.loc[2, "start"] = "soon"
    frame.loc[3, "text"] = ""
    out = au.from_frame(draft, "cues", frame)
    assert out["tracks"][0]["cues"][2]["start"] == "soon"  # kept: the author's work
    result = au.validate(out, vocabulary=VOCAB)
    assert result.doc is None
    rows = au.map_problems(result.problems).rows["cues"]
    assert "start" in rows[2][0] and "soon" in rows[2][0]
    assert rows[3][0].startswith("text:")
    shown = au.to_frame(out, "cues", problems=rows)
    assert shown.loc[2, "start"] == "soon" and "soon" in shown.loc[2, au.PROBLEM_COLUMN]
    assert shown.loc[0, au.PROBLEM_COLUMN] == ""


def test_problems_map_to_rows_repairs_and_other(draft):
    bad = copy.deepcopy(draft)
    bad["tracks"][0]["episodes"][1]["resolved_at"] = "00:01"  # before onset: warning
    bad["tracks"][0]["episodes"][0]["repairs"][0]["strategies"] = ["nonsense"]
    bad["tracks"][0]["prompts"][1]["expected"] = "Maybe"
    bad["chapters"][1]["start"] = "99:00"
    result = au.validate(bad, vocabulary=VOCAB, duration_ms=24_000)
    mapped = au.map_problems(result.problems)
    assert "warning: resolved_at" in mapped.rows["episodes"][1][0]
    assert "strategies" in mapped.repairs[0][0][0]
    assert "repairs" in mapped.rows["episodes"][0][0]
    assert "expected" in mapped.rows["prompts"][1][0]
    assert "past the end" in mapped.rows["chapters"][1][0]
    assert not mapped.other
    bad["title"] = ""  # a file-level error: shown above the tables
    assert [p.field for p in au.map_problems(au.validate(bad).problems).other] == ["title"]


def test_problems_of_another_track_are_not_put_on_this_tracks_rows(draft):
    bad = copy.deepcopy(draft)
    bad["tracks"][1]["cues"][0]["start"] = "x"
    mapped = au.map_problems(au.validate(bad).problems, track=0)
    assert "cues" not in mapped.rows and len(mapped.other) == 1
    assert au.map_problems(au.validate(bad).problems, track=1).rows["cues"][0]
