"""The Author page's Python side.

AppTest runs no JavaScript and has no file upload, and state injected into a component does
not call its ``on_*_change`` callbacks. So the app below calls the page's real callbacks
(the ones the player's triggers and the Import button call) before drawing the page, as
Streamlit runs callbacks before the script; the tests queue those calls in ``CALLS``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alliance_lens import authoring as au
from alliance_lens import formats
from alliance_lens.trackfile import parse_commentary
from tests.support.watch_library import build_library

CALLS = "test_author_calls"  # a key of this test's app, never read by the page


def _author_app() -> None:
    # runs inside AppTest: the queued callbacks, then the page as views/author.py draws it
    import streamlit as st

    from alliance_lens.ui.author import actions, render_author_page
    from alliance_lens.ui.loaders import get_library

    for name, args in st.session_state.pop("test_author_calls", []):  # CALLS
        getattr(actions, name)(*args)
    render_author_page(get_library())


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = build_library(tmp_path_factory.mktemp("lib"), extra=False)
    shutil.copyfile(root / "media" / "clip.mp4", root / "media" / "orphan.mp4")
    return root


@pytest.fixture
def lib(template, tmp_path, monkeypatch):
    root = tmp_path / "lib"
    shutil.copytree(template, root)
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(root))
    monkeypatch.setenv("ALLIANCE_LENS_DATA", str(tmp_path / "data"))
    return root


def open_page(video: str | None = "clip") -> AppTest:
    at = AppTest.from_function(_author_app, default_timeout=60)
    if video:
        at.query_params["video"] = video
    return at.run()


def call(at: AppTest, callback: str, *args) -> AppTest:
    """Run ``callback(*args)`` of ui.author.actions before the next run of the page."""
    at.session_state[CALLS] = [(callback, args)]
    return at.run()


def mark(at: AppTest, payload) -> AppTest:
    return call(at, "handle_mark", payload)  # the player's "mark" trigger


def nudge(at: AppTest, payload) -> AppTest:
    return call(at, "handle_nudge", payload)  # the player's "nudge" trigger


def save(at: AppTest) -> AppTest:
    """Save as the page does it: Save shows the diff, "Save these changes" writes it."""
    at.button(key="author_save").click().run()
    return at.button(key="author_save_confirm").click().run()


def components(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.json) for c in at.get("bidi_component")]


def player_data(at: AppTest) -> dict:
    found = [d for d in components(at) if "mode" in d]  # the uploader's data has no mode
    assert len(found) == 1
    return found[0]


def editor(at: AppTest, table: str):
    return next(e for e in at.data_editor if e.key and e.key.startswith(f"author_{table}_"))


def test_page_renders_a_library_entry_with_the_player_in_author_mode(lib):
    at = open_page()
    assert not at.exception
    data = player_data(at)
    assert data["mode"] == "author"
    assert data["video"]["src"] == "/library-media/clip.mp4"
    assert [e["id"] for e in data["tracks"][0]["episodes"]] == ["ep1", "ep2"]
    frame = editor(at, "episodes").value
    assert list(frame["onset"]) == ["00:03.000", "00:14.000"]
    assert frame["frame"].iloc[0].startswith("data:image/jpeg;base64,")
    assert "valid" in at.markdown[0].value


def test_the_page_file_itself_draws_the_same_page(lib):
    page = Path(__file__).resolve().parents[2] / "views" / "author.py"
    at = AppTest.from_file(str(page), default_timeout=60)
    at.query_params["video"] = "clip"
    at.run()
    assert not at.exception
    assert player_data(at)["video"]["src"] == "/library-media/clip.mp4"


def test_page_without_a_choice_explains_what_to_do(lib):
    at = open_page(None)
    assert not at.exception
    assert "Choose a video" in at.info[0].value


def test_editing_a_cell_updates_the_draft_and_validation(lib, tmp_path):
    at = open_page()
    key = editor(at, "cues").key
    at.session_state[key] = {
        "edited_rows": {"1": {"start": "nonsense"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    draft = au.read_draft("clip", tmp_path / "data")
    assert draft is not None and draft.draft["tracks"][0]["cues"][1]["start"] == "nonsense"
    frame = editor(at, "cues").value
    assert "nonsense" in frame.loc[1, "problem"]
    assert "error" in at.markdown[0].value
    assert at.button(key="author_save").disabled


def test_mark_trigger_adds_an_episode_at_the_ms(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "onset", "at_ms": 9_040})
    assert not at.exception
    onsets = list(editor(at, "episodes").value["onset"])
    assert onsets == ["00:03.000", "00:09.040", "00:14.000"]
    assert "choose its type" in at.success[0].value
    # the selected item is the new rupture; choosing its type shows it on the timeline
    at.radio(key=next(r.key for r in at.radio if r.key.endswith("type"))).set_value(
        "confrontation"
    ).run()
    eps = player_data(at)["tracks"][0]["episodes"]
    assert [(e["id"], e["type"]) for e in eps][1] == ("ep3", "confrontation")
    assert eps[1]["onset"] == 9.04


def test_new_onset_shows_untyped_at_once_and_is_selected(lib):
    at = open_page()
    data = player_data(at)
    assert data["dirty"] is False and data["selected"] is None
    mark(at, {"kind": "onset", "at_ms": 9_040})
    data = player_data(at)
    ep = data["tracks"][0]["episodes"][1]
    assert (ep["id"], ep["type"], ep["onset"]) == ("ep3", "untyped", 9.04)
    assert data["rupture_types"]["untyped"]["letter"] == "?"
    assert data["selected"] == {"kind": "episode", "id": "ep3", "track": "expert"}
    assert data["dirty"] is True
    # one beforeunload mechanism: the player's (no script injected by the page)
    assert not any("beforeunload" in str(h.proto) for h in at.get("html"))


def test_nudge_trigger_moves_the_selected_item(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "onset", "at_ms": 9_040})  # frame 226
    selected = player_data(at)["selected"]
    nudge(at, {"by_frames": 2, "selected": selected})
    assert not at.exception
    eps = au.read_draft("clip", tmp_path / "data").draft["tracks"][0]["episodes"]
    assert au.time_ms(eps[1]["onset"]) == 9_120  # frame 228 starts at 9.12 s
    data = player_data(at)
    assert data["tracks"][0]["episodes"][1]["onset"] == 9.12
    assert data["command"]["action"] == "seek" and data["command"]["at"] == 9.12
    nudge(at, {"by_ms": -100, "selected": selected})
    eps = au.read_draft("clip", tmp_path / "data").draft["tracks"][0]["episodes"]
    assert au.time_ms(eps[1]["onset"]) == 9_020


def test_nudge_is_refused_when_the_selection_changed_or_nothing_is_selected(lib, tmp_path):
    at = open_page()
    nudge(at, {"by_frames": 1})
    assert any("Select an item first" in w.value for w in at.warning)
    mark(at, {"kind": "onset", "at_ms": 9_040})
    stale = {"kind": "episode", "id": "ep1", "track": "expert"}
    nudge(at, {"by_frames": 1, "selected": stale})
    assert any("selection changed" in w.value for w in at.warning)
    for junk in ({"by_frames": True}, {"by_frames": 0}, {"by_ms": 10**9}, {"by": 1}, [1]):
        nudge(at, junk)
        assert not at.exception
    eps = au.read_draft("clip", tmp_path / "data").draft["tracks"][0]["episodes"]
    assert au.time_ms(eps[1]["onset"]) == 9_040  # nothing moved


def test_in_and_out_marks_set_the_selected_items_times(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "cue", "at_ms": 2_000})
    mark(at, {"kind": "in", "at_ms": 2_200})
    mark(at, {"kind": "out", "at_ms": 3_400})
    assert not at.exception
    cues = au.read_draft("clip", tmp_path / "data").draft["tracks"][0]["cues"]
    new = next(c for c in cues if not c.get("id"))
    assert (au.time_ms(new["start"]), au.time_ms(new["end"])) == (2_200, 3_400)
    data = player_data(at)
    assert data["selected"]["kind"] == "cue"
    shown = next(c for c in data["tracks"][0]["cues"] if c["id"] == data["selected"]["id"])
    assert (shown["start"], shown["end"]) == (2.2, 3.4)


def test_save_writes_a_valid_file(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "prompt", "at_ms": 20_000})
    area = next(t for t in at.text_area if t.key.endswith("question"))
    area.set_value("What just happened?").run()
    save(at)
    assert not at.exception
    result = parse_commentary(lib / "commentary" / "clip.yaml")
    assert result.ok
    prompt = result.doc.tracks[0].prompts[-1]
    assert (prompt.id, prompt.at, prompt.question) == ("p1", 20_000, "What just happened?")
    assert au.read_draft("clip", tmp_path / "data") is None  # saved: the draft is gone
    assert "Saved clip.yaml" in at.success[0].value


def test_conflict_is_refused_and_offers_reload_or_copy(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "chapter", "at_ms": 5_000})
    path = lib / "commentary" / "clip.yaml"
    theirs = path.read_text().replace("title: Frame clip", "title: Theirs")
    path.write_text(theirs)
    save(at)
    assert path.read_text() == theirs
    assert any("changed on disk" in e.value for e in at.error)
    assert au.read_draft("clip", tmp_path / "data") is not None  # nothing lost
    at.button(key="author_conflict_copy").click().run()
    copy = parse_commentary(lib / "commentary" / "clip-copy.yaml")
    assert copy.ok and [c.title for c in copy.doc.chapters] == [
        "Opening",
        "Chapter 3",
        "Second half",
    ]
    assert path.read_text() == theirs


def test_reload_from_disk_keeps_the_draft_aside(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "chapter", "at_ms": 5_000})
    path = lib / "commentary" / "clip.yaml"
    path.write_text(path.read_text().replace("title: Frame clip", "title: Theirs"))
    save(at)
    at.button(key="author_conflict_reload").click().run()
    assert not at.exception
    assert len(au.set_aside_drafts("clip", tmp_path / "data")) == 1
    assert at.text_input(key=next(t.key for t in at.text_input if "file_title" in t.key)).value == (
        "Theirs"
    )


def test_discard_sets_the_draft_aside_instead_of_deleting_it(lib, tmp_path):
    # drafts are per file, so on a shared host the draft may be someone else's work
    at = open_page()
    mark(at, {"kind": "chapter", "at_ms": 5_000})
    at.button(key="author_discard").click().run()
    at.button(key="author_discard_yes").click().run()
    assert not at.exception
    assert any("Set-aside drafts" in i.value for i in at.info)
    (aside,) = au.set_aside_drafts("clip", tmp_path / "data")
    assert "00:05" in aside.read_text()


def test_unsaved_draft_survives_a_reload(lib, tmp_path):
    at = open_page()
    mark(at, {"kind": "onset", "at_ms": 1_000})
    again = open_page()  # a new session: as after a browser reload
    assert len(editor(again, "episodes").value) == 3
    assert "Resumed" in again.info[0].value


def test_new_commentary_for_an_orphan_video(lib):
    at = open_page(None)
    at.selectbox(key="author_choice").set_value("new:orphan.mp4").run()  # one choice opens it
    assert not at.exception
    assert player_data(at)["video"]["src"] == "/library-media/orphan.mp4"
    mark(at, {"kind": "cue", "at_ms": 2_000})
    area = next(t for t in at.text_area if t.key.endswith("text"))
    area.set_value("The client looks away").run()
    save(at)
    doc = parse_commentary(lib / "commentary" / "orphan.yaml").doc
    assert doc is not None and doc.video == "orphan.mp4"
    assert doc.tracks[0].cues[0].start == 2_000


def test_import_a_vtt_arrives_as_a_new_draft_track_with_a_summary(lib):
    at = open_page()
    vtt = b"WEBVTT\n\nNOTE from the captioner\n\n00:01.000 --> 00:02.500\n<b>Imported</b> cue\n"
    call(at, "do_import", "lens.vtt", vtt, False)
    assert not at.exception
    tracks = player_data(at)["tracks"]  # author mode: drafts are shown
    assert [t["id"] for t in tracks] == ["expert", "second", "lens"]
    assert "<strong>Imported</strong> cue" in tracks[2]["cues"][0]["html"]
    # the tables stay on the track being edited, and the page says where the import went
    assert [len(editor(at, "cues").value)] == [len(tracks[0]["cues"])]
    assert any("new draft track ('lens')" in m.value for m in at.success)
    assert any("learners do not see it until you publish" in m.value for m in at.success)
    shown = " ".join(m.value for m in at.markdown)
    assert "arrived as a new draft track" in shown
    assert "Markdown \\*\\*bold\\*\\*" in shown  # the summary line, escaped as text
    assert any(t.value == "outside the cues: from the captioner" for t in at.text)
    draft = at.session_state["author_state"].draft
    assert draft["tracks"][2]["status"] == "draft"
    assert "presenter_notes" not in draft["tracks"][2]["cues"][0]
    at.button(key="author_edit_imported").click().run()  # the tables switch only when asked
    assert len(editor(at, "cues").value) == 1


def test_notes_kept_as_presenter_notes_when_the_author_chooses(lib):
    at = open_page()
    vtt = b"WEBVTT\n\n00:01.000 --> 00:02.500\nA cue\n\nNOTE look at her hands\n\n"
    vtt += b"00:03.000 --> 00:04.000\nB cue\n"
    call(at, "do_import", "lens.vtt", vtt, True)
    draft = at.session_state["author_state"].draft
    assert draft["tracks"][2]["cues"][1]["presenter_notes"] == "look at her hands"


def test_publish_a_track_and_the_file_states_what_learners_see(lib, tmp_path):
    at = open_page()
    call(at, "do_import", "lens.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.500\nNew\n", False)
    at.button(key="author_edit_imported").click().run()
    assert any("Draft track" in w.value for w in at.warning)
    at.button(key="author_publish_track").click().run()
    assert not at.exception
    assert any("published\\: learners will see it once you save" in m.value for m in at.success)
    assert "status" not in at.session_state["author_state"].draft["tracks"][2]
    at.button(key="author_unpublish_file").click().run()
    assert any("whole file is a draft" in w.value for w in at.warning)
    save(at)
    doc = parse_commentary(lib / "commentary" / "clip.yaml").doc
    assert doc.status == "draft" and doc.tracks[2].status == "published"


def test_save_shows_the_diff_first_and_cancel_writes_nothing(lib):
    at = open_page()
    path = lib / "commentary" / "clip.yaml"
    before = path.read_text()
    mark(at, {"kind": "chapter", "at_ms": 5_000})
    at.button(key="author_save").click().run()
    assert path.read_text() == before  # nothing written yet
    (code,) = [c for c in at.code if c.language == "diff"]
    assert code.value.startswith("--- a/clip.yaml\n+++ b/clip.yaml\n")
    changed = [x for x in code.value.splitlines()[2:] if x[:1] in "+-"]
    assert changed == ['+  - {start: "5", title: Chapter 3}']  # one line, in the file's style
    assert any("What saving changes in clip.yaml" in m.value for m in at.markdown)
    at.segmented_control(key="author_diff_view").set_value("Side by side").run()
    assert not at.exception and len(at.dataframe) >= 1
    at.button(key="author_save_cancel").click().run()
    assert path.read_text() == before and not at.get("code")
    save(at)
    assert path.read_text() != before and "Chapter" in path.read_text()


def test_junk_import_shows_problems_not_a_traceback(lib):
    at = open_page()
    call(at, "do_import", "junk.vtt", b"\x00\x01 not vtt", None)
    assert not at.exception
    assert any("Nothing imported" in e.value for e in at.error)


def test_unplayable_upload_is_converted_and_the_original_kept(lib):
    import time

    from tools.clips import make_frame_numbered_video

    make_frame_numbered_video(lib / "media" / "old.avi", seconds=2, codec="mjpg-avi")
    at = open_page(None)
    at.selectbox(key="author_choice").set_value("new:old.avi").run()
    assert any("Browsers cannot play" in w.value for w in at.warning)
    at.button(key="author_convert").click().run()
    deadline = time.monotonic() + 60
    while player_data(at)["video"]["src"].endswith(".avi") and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()  # the fragment polls the conversion thread
    assert player_data(at)["video"]["src"] == "/library-media/old.mp4"
    assert (lib / "media" / "old.avi").exists()


def test_history_shows_when_a_version_was_saved_in_local_summer_time(lib, monkeypatch):
    # history names hold UTC; 12:00 UTC on 4 July is 13:00 in London (BST). The old
    # mktime(...) - time.timezone arithmetic showed 12:00 here, an hour off.
    import time

    history = lib / "commentary" / ".history" / "clip"
    history.mkdir(parents=True)
    (history / "20260704T120000-000000001.yaml").write_text(
        (lib / "commentary" / "clip.yaml").read_text()
    )
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        at = open_page()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert not at.exception
    shown = [m.value for m in at.markdown if m.value.startswith("Saved before")]
    assert shown == ["Saved before 04 Jul 2026 13:00:00"]


def test_import_box_states_the_imports_own_size_limit(lib):
    # Streamlit's box would otherwise say "Limit 2GB per file" (the server's, for videos)
    at = open_page()
    boxes = [e for e in at.get("file_uploader") if e.proto.label == "Commentary file"]
    assert [b.proto.max_upload_size_mb for b in boxes] == [formats.MAX_IMPORT_BYTES // 1024**2]


def test_selected_item_labels_fit_the_box_and_say_what_the_item_is():
    from alliance_lens.ui.author.marking import LABEL_CHARS, item_label

    cue = {"start": "00:41.038", "text": "**Marker:** client\ndefends self against the therapist"}
    label = item_label("cues", cue, 0)
    assert label.startswith("00:41.038 · Cue · Marker: client defend")
    assert "*" not in label and "\n" not in label
    assert len(label) <= LABEL_CHARS and label.endswith("…")
    # a rupture's title says more than its id; a new one has neither title nor type yet
    titled = {"onset": "17.023", "id": "homework-clash", "title": "This homework"}
    assert item_label("episodes", titled, 0) == "00:17.023 · Rupture · This homework"
    assert item_label("episodes", {"onset": "9", "id": "ep3"}, 0) == (
        "00:09.000 · Rupture ep3 · type not chosen"
    )
    assert item_label("chapters", {"start": "5"}, 0) == "00:05.000 · Chapter · (empty)"
