"""authoring.marks and .playable: marks at the frame on screen, nudges, the player view."""

from __future__ import annotations

from alliance_lens import authoring as au
from alliance_lens.vocabulary import load_vocabulary
from tests.unit.authoring_fixtures import ms_of

VOCAB = load_vocabulary()


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
