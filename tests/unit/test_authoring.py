"""The author's core: tables <-> draft, per-row problems, marks, nudges, drafts, uploads, saving."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
import yaml

from alliance_lens import authoring as au
from alliance_lens.errors import TrackFileError
from alliance_lens.library import scan_library
from alliance_lens.trackfile import (
    TrackConflictError,
    content_digest,
    history,
    parse_commentary,
    restore,
)
from alliance_lens.vocabulary import load_vocabulary
from tests.e2e.apps.watch_library import TRACK, build_library

VOCAB = load_vocabulary()


@pytest.fixture
def draft() -> au.Draft:
    doc = parse_commentary("clip.yaml", text=TRACK).doc
    assert doc is not None
    return au.draft_from_doc(doc)


def ms_of(value: str) -> int:
    t = au.time_ms(value)
    assert t is not None
    return t


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


# ---------------------------------------------------------------- marks and nudges


def test_mark_onset_adds_an_episode_at_the_ms_in_time_order(draft):
    r = au.apply_mark(draft, "onset", 9_040)
    eps = r.draft["tracks"][0]["episodes"]
    assert r.selection == au.Selection("episodes", 1)
    assert eps[1]["id"] == "ep3" and ms_of(eps[1]["onset"]) == 9_040
    assert "type" in r.message
    # no type yet: an error on that row, nothing else
    mapped = au.map_problems(au.validate(r.draft, vocabulary=VOCAB).errors)
    assert list(mapped.rows["episodes"]) == [1] and not mapped.other


def test_mark_resolution_resolves_the_episode_in_progress(draft):
    r = au.apply_mark(draft, "resolution", 16_520)
    assert ms_of(r.draft["tracks"][0]["episodes"][1]["resolved_at"]) == 16_520
    assert au.apply_mark(draft, "resolution", 1_000).draft == draft  # no onset before


def test_mark_cue_prompt_chapter(draft):
    r = au.apply_mark(draft, "cue", 4_560)
    cue = r.draft["tracks"][0]["cues"][r.selection.row]
    assert ms_of(cue["start"]) == 4_560 and cue["episode"] == "ep1" and cue["text"] == ""
    r = au.apply_mark(draft, "prompt", 20_000)
    prompt = r.draft["tracks"][0]["prompts"][-1]
    assert prompt["id"] == "p1" and ms_of(prompt["at"]) == 20_000 and "episode" not in prompt
    r = au.apply_mark(draft, "chapter", 5_000)
    assert [c["title"] for c in r.draft["chapters"]][1] == "Chapter 3"


def test_in_and_out_set_the_selected_items_times(draft):
    sel = au.Selection("cues", 0)
    r = au.apply_mark(draft, "out", 1_960, selection=sel)
    assert ms_of(r.draft["tracks"][0]["cues"][0]["end"]) == 1_960
    r = au.apply_mark(r.draft, "in", 1_200, selection=sel)
    assert ms_of(r.draft["tracks"][0]["cues"][0]["start"]) == 1_200
    assert au.apply_mark(draft, "in", 5, selection=None).draft == draft


def test_nudge_by_frame_and_by_100_ms(draft):
    sel = au.Selection("episodes", 0)
    one = au.nudge(draft, sel, frames=1, fps=25)
    assert ms_of(one["tracks"][0]["episodes"][0]["onset"]) == 3_040
    back = au.nudge(one, sel, frames=-2, fps=25)
    assert ms_of(back["tracks"][0]["episodes"][0]["onset"]) == 2_960
    ms = au.nudge(draft, sel, ms=-100)
    assert ms_of(ms["tracks"][0]["episodes"][0]["onset"]) == 2_900
    end = au.nudge(draft, sel, ms=100, end=True)
    assert ms_of(end["tracks"][0]["episodes"][0]["resolved_at"]) == 7_100
    zero = au.nudge(draft, au.Selection("chapters", 0), frames=-1, fps=25)
    assert ms_of(zero["chapters"][0]["start"]) == 0


def test_frame_nudge_lands_inside_the_frame_at_ntsc_rates():
    d = au.new_draft("v.mp4", "V")
    d = au.apply_mark(d, "onset", 0).draft
    out = au.nudge(d, au.Selection("episodes", 0), frames=1, fps=29.97)
    at = ms_of(out["tracks"][0]["episodes"][0]["onset"])
    assert int(at / 1000 * 29.97 + 1e-6) == 1  # the player's frameOf: frame 1, not 0


def test_lenient_doc_shows_valid_marks_and_leaves_out_only_broken_items(draft):
    d = au.apply_mark(draft, "cue", 4_560).draft  # no text yet: shown with a placeholder
    d = au.apply_mark(d, "onset", 9_000).draft  # no type yet: left out of the player only
    d["tracks"][0]["cues"][0]["start"] = "later"  # broken
    doc = au.lenient_doc(d)
    assert doc is not None
    track = doc.tracks[0]
    assert [e.id for e in track.episodes] == ["ep1", "ep2"]
    assert 4_560 in [c.start for c in track.cues] and len(track.cues) == 6
    assert len(d["tracks"][0]["cues"]) == 7  # the draft keeps all


def test_player_view_shows_an_onset_without_a_type_as_untyped(draft):
    d = au.apply_mark(draft, "onset", 9_000).draft  # no type yet
    view = au.player_view(d, au.Selection("episodes", 1))
    assert view.doc is not None
    assert [e.id for e in view.doc.tracks[0].episodes] == ["ep1", "ep3", "ep2"]
    assert view.untyped == {("expert", "ep3")}
    assert view.selected is not None
    assert view.selected.to_json() == {"kind": "episode", "id": "ep3", "track": "expert"}
    assert "type" not in d["tracks"][0]["episodes"][1]  # the stand-in type is not in the draft
    d["tracks"][0]["episodes"][1]["type"] = "confrontation"
    assert au.player_view(d).untyped == frozenset()


def test_player_view_names_cues_and_chapters_without_ids(draft):
    d = au.apply_mark(draft, "cue", 4_560).draft
    d = au.apply_mark(d, "chapter", 5_000).draft
    cue_row = next(
        i for i, c in enumerate(d["tracks"][0]["cues"]) if c["start"] == au.ms_text(4_560)
    )
    view = au.player_view(d, au.Selection("cues", cue_row))
    assert view.selected is not None and view.selected.kind == "cue"
    assert view.selected.id == f"draft-cue-{cue_row + 1}"
    assert view.selected.id in [c.id for c in view.doc.tracks[0].cues]
    chapter = au.player_view(d, au.Selection("chapters", 1)).selected
    assert chapter is not None and chapter.to_json() == {
        "kind": "chapter",
        "id": "draft-chapter-2",
        "track": None,
    }
    assert "id" not in d["chapters"][1]  # stand-in ids are the player's only


def test_player_view_selects_nothing_that_is_not_shown(draft):
    d = au.apply_mark(draft, "prompt", 20_000).draft
    d["tracks"][0]["prompts"][-1]["at"] = "soon"  # broken: left out of the player
    assert au.player_view(d, au.Selection("prompts", 3)).selected is None
    assert au.player_view(d, au.Selection("prompts", 99)).selected is None
    assert au.player_view(d, None).selected is None


# ---------------------------------------------------------------- drafts on disk


def test_draft_survives_write_and_reload(tmp_path, draft):
    state = au.DraftFile("clip", str(tmp_path / "clip.yaml"), "abc", draft)
    path = au.write_draft(state, tmp_path)
    assert path == tmp_path / "drafts" / "clip.yaml"
    again = au.read_draft("clip", tmp_path)
    assert again is not None and again.draft == draft and again.base_digest == "abc"
    assert not list(path.parent.glob(".*.tmp"))  # atomic: no temp files left
    au.discard_draft("clip", tmp_path)
    assert au.read_draft("clip", tmp_path) is None


def test_damaged_draft_is_reported_and_left_in_place(tmp_path):
    path = au.draft_path("x", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("[not: a draft", encoding="utf-8")
    with pytest.raises(TrackFileError):
        au.read_draft("x", tmp_path)
    assert path.exists()


def test_set_aside_keeps_the_draft(tmp_path, draft):
    au.write_draft(au.DraftFile("clip", "c.yaml", None, draft), tmp_path)
    moved = au.set_aside_draft("clip", tmp_path)
    assert moved is not None and au.set_aside_drafts("clip", tmp_path) == [moved]
    assert au.read_draft("clip", tmp_path) is None
    assert au.read_draft("clip", path=moved).draft == draft


def test_draft_path_cannot_escape(tmp_path):
    assert au.draft_path("../../etc/passwd", tmp_path).parent == tmp_path / "drafts"


# ---------------------------------------------------------------- saving without loss


@pytest.fixture
def lib(tmp_path):
    return build_library(tmp_path / "lib", extra=False)


def opened(lib: Path) -> au.DraftFile:
    path = lib / "commentary" / "clip.yaml"
    result = parse_commentary(path)
    return au.DraftFile("clip", str(path), result.digest, au.draft_from_doc(result.doc))


def test_save_writes_a_valid_file_with_history(lib):
    state = opened(lib)
    state.draft["title"] = "Renamed"
    digest, _ = au.save(state, vocabulary=VOCAB)
    path = Path(state.track_path)
    assert content_digest(path.read_text()) == digest
    assert parse_commentary(path).doc.title == "Renamed"
    assert len(history(path)) == 1


def test_save_refuses_when_the_file_changed_on_disk_and_save_as_copy_keeps_both(lib):
    state = opened(lib)
    state.draft["title"] = "Mine"
    path = Path(state.track_path)
    theirs = path.read_text().replace("title: Frame clip", "title: Theirs")
    path.write_text(theirs)
    with pytest.raises(TrackConflictError):
        au.save(state)
    assert path.read_text() == theirs  # their edit is untouched
    copy_state, digest = au.save_as_copy(state, lib / "commentary")
    assert Path(copy_state.track_path).name == "clip-copy.yaml"
    assert parse_commentary(copy_state.track_path).doc.title == "Mine"
    again, _ = au.save_as_copy(state, lib / "commentary")
    assert Path(again.track_path).name == "clip-copy-2.yaml"  # never overwrites
    names = {e.slug for e in scan_library(lib).entries}
    assert {"clip", "clip-copy", "clip-copy-2"} <= names


def test_save_refuses_a_draft_with_errors(lib):
    state = opened(lib)
    state.draft["tracks"][0]["cues"][0]["start"] = "nope"
    before = Path(state.track_path).read_text()
    with pytest.raises(TrackFileError):
        au.save(state)
    assert Path(state.track_path).read_text() == before


def test_new_file_save_refuses_if_the_name_appeared(lib):
    path = lib / "commentary" / "new.yaml"
    state = au.DraftFile("new", str(path), None, au.new_draft("clip.mp4", "New"))
    path.write_text("someone else's")
    with pytest.raises(TrackConflictError):
        au.save(state)
    assert path.read_text() == "someone else's"


def test_restore_from_history(lib):
    state = opened(lib)
    path = Path(state.track_path)
    original = parse_commentary(path).doc
    state.draft["title"] = "Second"
    digest, _ = au.save(state)
    versions = history(path)
    restore(path, versions[0], expected_digest=digest)
    assert parse_commentary(path).doc == original
    assert len(history(path)) == 2


# ---------------------------------------------------------------- uploads


def test_upload_gets_a_safe_unique_name_and_never_overwrites(tmp_path):
    media = tmp_path / "media"
    first = au.save_upload(io.BytesIO(b"x" * 10), "../../Séance 1.MP4", media)
    second = au.save_upload(io.BytesIO(b"y" * 10), "séance 1.mp4", media)
    assert first == media / "seance-1.mp4" and second == media / "seance-1-2.mp4"
    assert first.read_bytes() == b"x" * 10
    assert [p.name for p in media.iterdir()] and not list(media.glob(".upload-*"))


def test_upload_size_limit_and_junk_are_refused_without_leftovers(tmp_path):
    media = tmp_path / "media"
    with pytest.raises(au.UploadError, match="limit"):
        au.save_upload(io.BytesIO(b"x" * 100), "big.mp4", media, max_bytes=99, chunk=10)
    with pytest.raises(au.UploadError, match="not a video"):
        au.save_upload(io.BytesIO(b"x"), "notes.exe", media)
    with pytest.raises(au.UploadError, match="empty"):
        au.save_upload(io.BytesIO(b""), "empty.mp4", media)
    assert list(media.iterdir()) == []


def test_thumbnail_uris_are_data_uris(lib, tmp_path):
    uris = au.thumbnail_uris(lib / "media" / "clip.mp4", [3000, 14000], cache_dir=tmp_path / "t")
    assert all(u.startswith("data:image/jpeg;base64,") for u in uris) and uris[0] != uris[1]


def test_new_commentary_path_is_unique(lib):
    assert au.new_commentary_path(lib / "commentary", Path("clip.mp4")).name == "clip-2.yaml"
    assert yaml.safe_load(au.draft_yaml(au.new_draft("a b.mov", "A b")))["video"] == "a b.mov"
