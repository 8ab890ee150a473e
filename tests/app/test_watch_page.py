"""The Watch page's Python side (AppTest runs no JavaScript): what the player is sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.watch_library import BAD_FILES, SECRET_NOTE, add_bad_files, build_library

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "watch.py")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return build_library(tmp_path_factory.mktemp("lib"))


@pytest.fixture
def app(library, monkeypatch):
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))

    def make(**params):
        at = AppTest.from_file(PAGE, default_timeout=30)
        at.query_params.update(params)
        return at.run()

    return make


def player_data(at):
    found = [el for el in at.get("bidi_component") if el.key == "watch_player"]
    assert len(found) == 1, "expected exactly one player"
    return json.loads(found[0].proto.json)


def test_learner_is_default_and_gets_no_presenter_notes(app):
    at = app(video="clip")
    assert not at.exception
    data = player_data(at)
    assert data["mode"] == "learner"
    assert data["video"]["src"] == "/library-media/clip.mp4"
    assert data["video"]["fps"] == 25 and data["video"]["duration"] == 24.0
    assert data["captions"]["src"] == "/library-media/clip.vtt" and data["captions"]["on"]
    assert [t["id"] for t in data["tracks"]] == ["expert", "second"]
    assert SECRET_NOTE not in json.dumps(data)


@pytest.mark.parametrize("mode", ["presenter", "learner"])
def test_presenter_notes_never_sent(app, mode):
    data = player_data(app(video="clip", mode=mode))
    assert data["mode"] == mode
    assert SECRET_NOTE not in json.dumps(data)


def test_presenter_notes_sent_only_while_a_stage_follows_the_console(app):
    at = app(video="clip", mode="presenter")
    console = player_data(at)["console"]
    assert console["stage_url"] == "/stage/clip?tracks=expert%2Csecond"
    assert console["notes"] == [] and console["notes_held"] == 1
    at.session_state["watch_stage_open"] = {"clip": True}  # what handle_stage keeps
    data = player_data(at.run())
    assert SECRET_NOTE in json.dumps(data["console"]) and SECRET_NOTE not in json.dumps(
        data["tracks"]
    )
    at.session_state["watch_stage_open"] = {"clip": False}
    assert SECRET_NOTE not in json.dumps(player_data(at.run()))


def test_stage_trigger_keeps_whether_a_stage_is_open():
    def script():
        import streamlit as st

        from alliance_lens.ui.watch_session import SLUG_KEY, handle_stage, stage_open

        st.session_state[SLUG_KEY] = "clip"
        for payload in ({"open": True}, {"open": "yes"}, {"open": True}, "junk", {"open": False}):
            handle_stage(payload)
            st.text(str(stage_open("clip")))

    at = AppTest.from_function(script).run()
    assert [t.value for t in at.text] == ["True", "False", "True", "True", "False"]


def test_presenter_mode_hides_streamlit_chrome(app):
    at = app(video="clip", mode="presenter")
    css = "".join(m.value for m in at.markdown)
    assert 'data-testid="stSidebar"' in css and "display: none" in css
    assert "stSidebar" not in "".join(m.value for m in app(video="clip").markdown)


def test_review_mode_gets_notes(app):
    data = player_data(app(video="clip", mode="review"))
    assert data["mode"] == "review"
    assert SECRET_NOTE in json.dumps(data)


def test_unknown_mode_falls_back_to_learner(app):
    assert player_data(app(video="clip", mode="author"))["mode"] == "learner"
    assert player_data(app(video="clip", mode="<x>"))["mode"] == "learner"


def test_video_query_param_picks_the_entry(app):
    at = app(video="xss")
    assert at.selectbox(key="watch_video").value == "xss"
    data = player_data(at)
    # *_html fields hold richtext output only; plain fields go in with textContent
    html = [v for k, v in _walk(data) if k == "html" or k.endswith("_html")]
    assert html and not any("<img" in v or "<script" in v or "<svg" in v for v in html)
    assert data["tracks"][0]["cues"][0]["html"].startswith("<p>&lt;script&gt;")


def _walk(node, key=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)
    elif isinstance(node, str):
        yield key, node


def test_track_pills_choose_tracks(app):
    at = app(video="clip")
    at.pills(key="watch_tracks_clip").set_value(["second"]).run()
    assert [t["id"] for t in player_data(at)["tracks"]] == ["second"]


def test_mode_switch_updates_query_param(app):
    at = app(video="clip")
    at.segmented_control(key="watch_mode").set_value("review").run()
    assert at.query_params["mode"] == "review"
    assert player_data(at)["mode"] == "review"


def test_review_mode_lists_a_broken_files_errors_folded_and_still_plays(app):
    at = app(video="broken", mode="review")
    assert "Learners and presenters do not see this video" in at.error[0].value
    details = next(x for x in at.expander if "error(s)" in x.label)
    text = "\n".join(m.value for m in details.markdown)
    assert "commentary/broken.yaml:8:10: error: tracks[0].cues[0].start" in text
    data = player_data(at)
    assert data["tracks"] == [] and data["video"]["src"] == "/library-media/clip.mp4"


def test_missing_video_says_so_and_names_the_file(app):
    at = app(video="missing", mode="review")
    warnings = "\n".join(w.value for w in at.warning)
    assert "Video not found\\: media/nowhere.mp4" in warnings  # escaped: the name is the file's
    data = player_data(at)
    assert data["video"]["src"] is None and "nowhere.mp4" in data["video"]["problem"]
    assert data["tracks"]  # the commentary itself is fine


def test_unplayable_video_says_how_to_convert(tmp_path, monkeypatch):
    from tools.clips import make_frame_numbered_video

    lib = tmp_path
    (lib / "media").mkdir()
    (lib / "commentary").mkdir()
    make_frame_numbered_video(lib / "media" / "old.avi", seconds=1, codec="mp4v")
    (lib / "commentary" / "old.yaml").write_text(
        "video: old.avi\ntitle: Old\ntracks:\n  - {id: t, name: T}\n", encoding="utf-8"
    )
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(lib))
    learner_view = AppTest.from_file(PAGE, default_timeout=30).run()
    assert [w.value for w in learner_view.warning] == [
        "This video cannot be played here; tell your educator."
    ]
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["mode"] = "review"
    at.run()
    warnings = "\n".join(w.value for w in at.warning)
    assert "alliance-lens transcode media/old.avi media/old.mp4" in warnings
    assert "MPEG-4 Part 2" in warnings


def test_empty_library(tmp_path, monkeypatch):
    (tmp_path / "commentary").mkdir()
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(tmp_path))
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert "No commentary files" in at.info[0].value
    assert not at.get("bidi_component")


def _with_hooks(payloads: list) -> None:
    # runs inside AppTest: call the trigger hooks as the callbacks would, then draw
    import streamlit as st

    from alliance_lens.ui import watch
    from alliance_lens.ui.loaders import get_library

    st.session_state[watch.SLUG_KEY] = "clip"
    for kind, payload in payloads:
        getattr(watch, f"handle_{kind}")(payload)
    watch.render_watch_page(get_library())


def test_answer_hook_keeps_answers_and_player_shows_them(app, library, monkeypatch):
    at = AppTest.from_function(
        _with_hooks,
        args=(
            [
                ("answer", {"track": "expert", "prompt": "first", "text": "calm", "at_ms": 520}),
                ("answer", {"track": "expert", "prompt": "choice", "choice": "Withdrawal"}),
                ("answer", {"track": "expert", "prompt": "x"}),  # neither text nor choice
                ("answer", "junk"),
                ("position", {"at_ms": 6020, "reason": "prompt"}),
                ("event", {"type": "video_error", "code": 4, "message": "Cannot play."}),
            ],
        ),
        default_timeout=30,
    )
    at.query_params["video"] = "clip"
    at.run()
    assert not at.exception
    data = player_data(at)
    assert data["answers"] == {
        "expert/first": {"text": "calm", "at_ms": 520},
        "expert/choice": {"choice": "Withdrawal", "at_ms": None},
    }
    assert at.session_state["watch_positions"]["clip"] == {"at_ms": 6020, "reason": "prompt"}
    assert "This video cannot be played here" in "\n".join(w.value for w in at.warning)


def test_start_time_query_param_becomes_a_seek_command_once(app):
    at = app(video="clip", t="6.5")
    cmd = player_data(at)["command"]
    assert cmd["action"] == "seek" and cmd["at"] == 6.5 and cmd["nonce"]
    at.run()
    assert player_data(at)["command"] is None


# ---------------------------------------------------------------- the store behind the page


def _as_browser(token: str, payloads: list) -> None:
    # runs inside AppTest: a browser whose cookie component has reported its token
    import streamlit as st

    from alliance_lens.ui import learner, watch
    from alliance_lens.ui.loaders import get_library

    st.session_state[learner.TOKEN_KEY] = token
    st.session_state[watch.SLUG_KEY] = "clip"
    for kind, payload in payloads:
        getattr(watch, f"handle_{kind}")(payload)
    watch.render_watch_page(get_library())


def test_answers_and_position_are_stored_and_the_page_resumes_after_reload(library, monkeypatch):
    import uuid

    from alliance_lens.datadir import resolve_db_url
    from alliance_lens.store import Store

    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    token = str(uuid.uuid4())
    with Store.open(resolve_db_url()) as store:
        me = store.get_or_create_learner(token, "Sam")
    answered = {"track": "expert", "prompt": "first", "text": "She withdrew.", "at_ms": 520}
    at = AppTest.from_function(
        _as_browser,
        args=(token, [("answer", answered), ("position", {"at_ms": 7040, "reason": "pause"})]),
        default_timeout=30,
    )
    at.query_params["video"] = "clip"
    at.run()
    assert not at.exception and not at.warning
    with Store.open(resolve_db_url()) as store:
        saved = store.latest_answers(me.id, "clip")[("expert", "first")]
        assert saved.text == "She withdrew." and store.get_position(me.id, "clip") == 7040

    # a reload: a new session of the same browser
    again = AppTest.from_function(_as_browser, args=(token, []), default_timeout=30)
    again.query_params["video"] = "clip"
    again.run()
    data = player_data(again)
    assert data["answers"]["expert/first"] == {"text": "She withdrew."}
    assert data["command"]["action"] == "seek" and data["command"]["at"] == 7.04
    assert any("Resumed where you left off, at 00:07.040" in c.value for c in again.caption)
    again.button(key="watch_start_over_clip").click().run()
    assert player_data(again)["command"]["at"] == 0


def test_several_ticked_options_are_stored_as_one_answer_and_come_back_as_a_list(
    library, monkeypatch
):
    import uuid

    from alliance_lens.answers import decode
    from alliance_lens.datadir import resolve_db_url
    from alliance_lens.store import Store

    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    token = str(uuid.uuid4())
    with Store.open(resolve_db_url()) as store:
        me = store.get_or_create_learner(token, "Sam")
    ticked = ["Confrontation", "Withdrawal; or both"]
    answered = {"track": "expert", "prompt": "choice", "choices": ticked, "at_ms": 6020}
    at = AppTest.from_function(_as_browser, args=(token, [("answer", answered)]))
    at.query_params["video"] = "clip"
    at.run(timeout=30)
    assert not at.exception and not at.warning
    with Store.open(resolve_db_url()) as store:
        saved = store.latest_answers(me.id, "clip")[("expert", "choice")]
        assert decode(saved.choice) == tuple(ticked) and saved.text is None
    again = AppTest.from_function(_as_browser, args=(token, []))
    again.query_params["video"] = "clip"
    again.run(timeout=30)
    assert player_data(again)["answers"]["expert/choice"] == {"choices": ticked}


def test_a_first_answer_without_a_name_is_stored_and_survives_a_reload(library, monkeypatch):
    import uuid

    from alliance_lens.datadir import resolve_db_url
    from alliance_lens.store import Store

    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    token = str(uuid.uuid4())
    answered = {"track": "expert", "prompt": "first", "text": "Before a name.", "at_ms": 520}
    at = AppTest.from_function(
        _as_browser, args=(token, [("answer", answered)]), default_timeout=30
    )
    at.query_params["video"] = "clip"
    at.run()
    assert not at.exception and not at.warning  # saved: nothing to warn about
    assert at.sidebar.text_input[0].label == "Name or pseudonym"  # offered, not required
    assert any("linked to this browser by a cookie" in c.value for c in at.sidebar.caption)
    with Store.open(resolve_db_url()) as store:
        me = store.find_learner(token)
        assert me is not None and me.label == f"Unnamed learner #{me.id:04d}"

    again = AppTest.from_function(_as_browser, args=(token, []), default_timeout=30)
    again.query_params["video"] = "clip"
    again.run()
    assert player_data(again)["answers"]["expert/first"] == {"text": "Before a name."}


def test_rupture_onsets_carry_a_small_thumbnail(app):
    data = player_data(app(video="clip", mode="learner"))
    eps = data["tracks"][0]["episodes"]
    assert [e["onset"] for e in eps] == [3.0, 14.0]
    for ep in eps:
        assert ep["thumb"].startswith("data:image/jpeg;base64,")
        assert len(ep["thumb"]) < 8_000  # 160 px wide, JPEG quality 70
    assert data["dirty"] is False and data["selected"] is None


def test_a_file_that_is_not_even_yaml_still_plays_the_video_named_like_it(tmp_path, monkeypatch):
    from tools.clips import make_frame_numbered_video

    (tmp_path / "media").mkdir()
    (tmp_path / "commentary").mkdir()
    make_frame_numbered_video(tmp_path / "media" / "session.mp4", seconds=1)
    (tmp_path / "commentary" / "session.yaml").write_text("tracks: [ {broken\n")
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(tmp_path))
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["mode"] = "review"
    at.run()
    assert "invalid YAML" in "\n".join(m.value for x in at.expander for m in x.markdown)
    assert player_data(at)["video"]["src"] == "/library-media/session.mp4"


@pytest.fixture(scope="module")
def bad_library(tmp_path_factory):
    return add_bad_files(build_library(tmp_path_factory.mktemp("badlib")))


def _all_text(at) -> str:
    parts = [
        el.value
        for kind in ("error", "warning", "info", "markdown", "caption", "code")
        for el in getattr(at, kind)
    ]
    parts += [str(o) for sb in at.selectbox for o in sb.options]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("mode", ["learner", "presenter"])
def test_learners_and_presenters_are_offered_only_videos_that_play(bad_library, monkeypatch, mode):
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(bad_library))
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["mode"] = mode
    at.run()
    assert not at.exception
    offered = at.selectbox(key="watch_video").options
    for broken in ("a-tabs", "a-end-before-start", "Broken track", "Missing video"):
        assert broken not in offered
    # the default plays: a file whose only problem is a warning (unknown marker) plays too
    assert at.selectbox(key="watch_video").value in ("a-unknown-marker", "clip", "xss")
    assert player_data(at)["tracks"] and player_data(at)["video"]["src"]
    assert not at.error and "tracks[0]" not in _all_text(at) and "warning" not in _all_text(at)


@pytest.mark.parametrize("slug", ["a-tabs", "a-end-before-start", "broken", "missing"])
@pytest.mark.parametrize("mode", ["learner", "presenter"])
def test_a_link_to_a_broken_video_gets_one_plain_sentence(bad_library, monkeypatch, mode, slug):
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(bad_library))
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params.update(video=slug, mode=mode)
    at.run()
    assert [w.value for w in at.warning] == [
        "This video's commentary has a problem; tell your educator."
    ]
    assert not at.error and ": error: " not in _all_text(at) and "yaml" not in _all_text(at)
    assert at.query_params["video"] != slug and player_data(at)["video"]["src"]


def test_review_mode_still_lists_every_file(bad_library, monkeypatch):
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(bad_library))
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params.update(video="a-unknown-marker", mode="review")
    at.run()
    assert {"a-tabs", "a-end-before-start"} <= set(at.selectbox(key="watch_video").options)
    assert any("warning(s)" in x.label for x in at.expander)


def test_a_library_with_only_broken_files_says_nothing_is_ready(tmp_path, monkeypatch):
    (tmp_path / "commentary").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "commentary" / "t.yaml").write_text(BAD_FILES["a-tabs"])
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(tmp_path))
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception and not at.error and "No video is ready" in at.info[0].value


@pytest.mark.parametrize("t", ["inf", "-inf", "nan", "1e400", "-5", "soon"])
def test_garbled_start_time_links_do_not_break_the_page(app, t):
    at = app(video="clip", t=t)
    assert not at.exception
    cmd = player_data(at)["command"]
    assert cmd is None or 0 <= cmd["at"] <= 360_000


def test_an_answer_over_the_limit_is_refused_with_a_message_not_cut(library, monkeypatch):
    import uuid

    from alliance_lens.datadir import resolve_db_url
    from alliance_lens.store import MAX_ANSWER_CHARS, Store

    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    token = str(uuid.uuid4())
    with Store.open(resolve_db_url()) as store:
        me = store.get_or_create_learner(token, "Long writer")
    text = "x" * (MAX_ANSWER_CHARS + 1)
    at = AppTest.from_function(
        _as_browser,
        args=(token, [("answer", {"track": "expert", "prompt": "first", "text": text})]),
        default_timeout=30,
    )
    at.query_params["video"] = "clip"
    at.run()
    assert any("20,001" in w.value and "20,000" in w.value for w in at.warning)
    assert player_data(at)["answers"]["expert/first"]["text"] == text  # kept, not cut
    with Store.open(resolve_db_url()) as store:
        assert store.latest_answers(me.id, "clip") == {}


@pytest.fixture
def draft_library(tmp_path, monkeypatch):
    """The clip with its second track marked draft, and a whole draft file beside it."""
    root = build_library(tmp_path, extra=False)
    text = (root / "commentary" / "clip.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    name: Mentalization lens\n", "    name: Mentalization lens\n    status: draft\n"
    )
    (root / "commentary" / "clip.yaml").write_text(text, encoding="utf-8")
    unpublished = text.replace("title: Frame clip\n", "title: Unpublished clip\nstatus: draft\n")
    (root / "commentary" / "unpublished.yaml").write_text(unpublished, encoding="utf-8")
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(root))
    return root


def test_learners_never_see_drafts_presenters_preview_them(draft_library):
    def run(mode):
        at = AppTest.from_file(PAGE, default_timeout=30)
        at.query_params.update(video="clip", mode=mode)
        return at.run()

    learner = run("learner")
    assert not learner.exception
    assert learner.selectbox(key="watch_video").options == ["Frame clip"]
    assert [t["id"] for t in player_data(learner)["tracks"]] == ["expert"]
    assert "Second track cue" not in json.dumps(player_data(learner))

    presenter = run("presenter")
    assert sorted(presenter.selectbox(key="watch_video").options) == [
        "Frame clip",
        "Unpublished clip",
    ]
    assert [t["id"] for t in player_data(presenter)["tracks"]] == ["expert", "second"]
