"""The Author page, second pass: undo/redo, one-choice opening, the upload widget, the editor
beside the player, marker pills, the key line from the key table, the same order everywhere.

Same harness as test_author_page.py: the page's real callbacks run before the page draws.
"""

from __future__ import annotations

from alliance_lens import authoring as au
from alliance_lens.player.keys import readme_keys
from tests.app import test_author_page as base
from tests.app.test_author_page import call, components, editor, mark, open_page, player_data

template, lib = base.template, base.lib  # the same fixtures: a copied library per test


def onsets(at) -> list[str]:
    return list(editor(at, "episodes").value["onset"])


def test_undo_and_redo_buttons_walk_the_edits_and_the_draft_file_follows(lib, tmp_path):
    at = open_page()
    assert at.button(key="author_undo").disabled and at.button(key="author_redo").disabled
    mark(at, {"kind": "onset", "at_ms": 9_040})
    mark(at, {"kind": "chapter", "at_ms": 5_000})
    assert onsets(at) == ["00:03.000", "00:09.040", "00:14.000"]
    at.button(key="author_undo").click().run()  # the chapter goes
    at.button(key="author_undo").click().run()  # then the rupture
    assert not at.exception
    assert onsets(at) == ["00:03.000", "00:14.000"]
    saved = au.read_draft("clip", tmp_path / "data").draft["tracks"][0]["episodes"]
    assert [e.get("id") for e in saved] == ["ep1", "ep2"]  # the draft file follows the undo
    assert at.button(key="author_undo").disabled and not at.button(key="author_redo").disabled
    at.button(key="author_redo").click().run()
    assert onsets(at) == ["00:03.000", "00:09.040", "00:14.000"]
    chapters = au.read_draft("clip", tmp_path / "data").draft["chapters"]
    assert "00:05.000" not in [c.get("at") for c in chapters]  # redo brought back one edit


def test_ctrl_z_from_the_player_undoes_and_a_new_edit_clears_redo(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "onset", "at_ms": 9_040})
    call(at, "handle_history", {"action": "undo"})  # the player's "history" trigger
    assert onsets(at) == ["00:03.000", "00:14.000"]
    assert any("Undone" in m.value for m in at.success)
    assert at.session_state["author_sel"] is None  # the selected rupture is gone
    mark(at, {"kind": "cue", "at_ms": 2_000})
    assert at.button(key="author_redo").disabled
    for junk in ({"action": "format_disk"}, "undo", None, {"action": ["undo"]}):
        call(at, "handle_history", junk)
        assert not at.exception


def test_one_choice_opens_a_file_and_unsaved_changes_ask_first(lib):
    at = open_page()
    assert [b.key for b in at.button if b.key == "author_open_btn"] == []
    mark(at, {"kind": "chapter", "at_ms": 5_000})
    at.selectbox(key="author_choice").set_value("new:orphan.mp4").run()
    assert any("unsaved changes" in w.value for w in at.warning)
    assert player_data(at)["video"]["src"] == "/library-media/clip.mp4"  # not switched yet
    at.button(key="author_switch_no").click().run()
    assert at.selectbox(key="author_choice").value == "entry:clip"  # the chooser comes back
    assert not any("unsaved changes" in w.value for w in at.warning)
    at.selectbox(key="author_choice").set_value("new:orphan.mp4").run()
    at.button(key="author_switch_yes").click().run()
    assert not at.exception
    assert player_data(at)["video"]["src"] == "/library-media/orphan.mp4"
    assert at.selectbox(key="author_choice").value == "new:orphan.mp4"


def test_the_upload_is_the_streaming_widget_not_st_file_uploader(lib):
    at = open_page()
    uploads = [d for d in components(at) if "token" in d]
    assert len(uploads) == 1 and uploads[0]["url"].startswith("/")
    assert not at.get("file_uploader") or all(
        "import" in f.proto.id for f in at.get("file_uploader")
    )  # only the commentary import keeps st.file_uploader (small text files)


def test_the_editor_sits_beside_the_player_and_the_save_bar_is_sticky(lib):
    at = open_page()
    mark(at, {"kind": "onset", "at_ms": 9_040})
    (columns,) = [
        b
        for b in at.main.children.values()
        if b.type == "flex_container"
        and any(getattr(c, "type", None) == "column" for c in b.children.values())
        and _has(b)
    ]
    player_col, editor_col = list(columns.children.values())
    assert _has(player_col, "bidi_component")
    assert _has(editor_col, "radio") and _has(editor_col, "button_group")  # type, markers
    assert any("position: sticky" in h.proto.body for h in at.get("html"))


def _has(block, kind: str = "bidi_component") -> bool:
    if getattr(block, "type", None) == kind:
        return True
    return any(_has(child, kind) for child in getattr(block, "children", {}).values())


def test_markers_are_pills_that_explain_each_marker(lib):
    at = open_page()
    mark(at, {"kind": "onset", "at_ms": 9_040})
    at.radio(key=next(r.key for r in at.radio if r.key.endswith("type"))).set_value(
        "withdrawal"
    ).run()
    pills = at.button_group(key=next(b.key for b in at.button_group if b.key.endswith("markers")))
    assert "Minimal response" in pills.proto.help and "shutting down" in pills.proto.help
    pills.set_value(["denial", "minimal_response"]).run()
    assert not at.exception
    ep = next(e for e in player_data(at)["tracks"][0]["episodes"] if e["id"] == "ep3")
    assert [m["id"] for m in ep["markers"]] == ["denial", "minimal_response"]


def test_the_key_line_comes_from_the_key_table(lib):
    at = open_page()
    assert any(
        c.value == readme_keys(author=True) + " " + readme_keys(author=False) for c in at.caption
    )


def test_videos_are_listed_by_title_as_on_the_other_pages(lib):
    from alliance_lens.library import scan_library

    at = open_page()
    library = scan_library(lib)
    options = at.selectbox(key="author_choice").options
    titles = [e.title for e in library.by_title()]
    assert [o.split("  (")[0] for o in options[: len(titles)]] == titles
    assert titles == sorted(titles, key=str.casefold)


def test_strategies_are_pills_and_every_option_has_its_definition_on_hover(lib, tmp_path):
    at = open_page()
    box = at.selectbox(key=next(s.key for s in at.selectbox if "sel_box" in s.key))
    ep1 = next(o for o in box.options if "Goes quiet" in o)
    box.set_value(au.Selection("episodes", 0)).run()
    assert ep1 and not at.exception
    pills = at.button_group(key=next(b.key for b in at.button_group if "strategies_0" in b.key))
    assert pills.value == ["invites_feelings_about_therapy"]
    pills.set_value(["invites_feelings_about_therapy", "acknowledges_contribution"]).run()
    pills = at.button_group(key=next(b.key for b in at.button_group if "strategies_0" in b.key))
    pills.set_value([*pills.value, "redirects"]).run()  # a third pick, nothing reopened
    draft = au.read_draft("clip", tmp_path / "data").draft
    assert draft["tracks"][0]["episodes"][0]["repairs"][0]["strategies"] == [
        "invites_feelings_about_therapy",
        "acknowledges_contribution",
        "redirects",
    ]
    css = "\n".join(h.proto.body for h in at.get("html"))
    # one hover/focus rule per option, the n-th button showing the n-th definition
    assert ".st-key-author_strategy_pills [role=toolbar]:has(> button:nth-of-type(10)" in css
    assert ".st-key-author_marker_pills [role=toolbar]:has(> button:nth-of-type(1):" in css
    assert ":is(:hover, :focus-visible))::after" in css
    assert "without defensiveness" in css  # acknowledges_contribution's definition


def test_markers_picked_before_a_type_give_the_rupture_its_type(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "onset", "at_ms": 9_040})
    pills = at.button_group(key=next(b.key for b in at.button_group if b.key.endswith("markers")))
    assert {"Denial", "Client rejects therapist intervention"} <= set(pills.options)  # all
    pills.set_value(["rejects_intervention"]).run()
    ep = au.read_draft("clip", tmp_path / "data").draft["tracks"][0]["episodes"][-1]
    assert ep["type"] == "confrontation" and ep["markers"] == ["rejects_intervention"]
