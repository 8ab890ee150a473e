"""Practice mode on the Watch page and on Reflections (Python side; AppTest runs no JS)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alliance_lens.attempts import attempts_of_learner
from alliance_lens.datadir import resolve_db_url
from alliance_lens.store import Store
from tests.support.watch_library import SECRET_NOTE, build_library

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "views" / "watch.py")
# The clip's expert track: ep1 withdrawal at 3 s (minimal_response), ep2 confrontation at 14 s.
MARKS = {
    "marks": [
        {"at_ms": 4200, "type": "withdrawal", "markers": ["minimal_response"]},  # hit, 1.2 s
        {"at_ms": 9000, "type": None, "markers": []},  # false alarm
    ],
    "reason": "finish",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return build_library(tmp_path_factory.mktemp("lib"))


def player_data(at):
    found = [el for el in at.get("bidi_component") if el.key == "watch_player"]
    assert len(found) == 1
    return json.loads(found[0].proto.json)


def _practise(token: str, payload) -> None:
    # runs inside AppTest: a browser with its token; the finish trigger's callback, then the page
    import streamlit as st

    from alliance_lens.ui import learner, practice, watch
    from alliance_lens.ui.loaders import get_library

    st.session_state[learner.TOKEN_KEY] = token
    st.session_state[watch.SLUG_KEY] = "clip"
    if payload is not None and not st.session_state.get("sent"):
        st.session_state["sent"] = True  # a trigger lives for one run
        practice.handle_practice(payload)
    watch.render_watch_page(get_library())


def practise(library, monkeypatch, token, payload=MARKS, **params):
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    at = AppTest.from_function(_practise, args=(token, payload), default_timeout=30)
    at.query_params.update({"video": "clip", "mode": "practice", **params})
    return at.run()


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # md_escape's backslashes


def test_practice_mode_sends_the_video_but_no_commentary(library, monkeypatch):
    at = practise(library, monkeypatch, str(uuid.uuid4()), payload=None)
    assert not at.exception
    data = player_data(at)
    assert data["mode"] == "practice" and data["tracks"] == [] and data["chapters"] == []
    assert data["video"]["src"] == "/library-media/clip.mp4" and data["captions"]
    text = json.dumps(data)
    for secret in (SECRET_NOTE, "Goes quiet", "Pushes back", "Client answers", "Opening"):
        assert secret not in text
    assert "Press **M**" in _text(at)
    assert at.sidebar.text_input(key="practice_cohort") is not None


def test_finish_scores_stores_and_explains_then_retry_starts_over(library, monkeypatch):
    token = str(uuid.uuid4())
    at = practise(library, monkeypatch, token)
    assert not at.exception
    text = _text(at)
    assert "You noticed 1 of 2 ruptures, on average 1 s after they began." in text
    assert "You missed the confrontation at 0:14" in text
    assert "**False alarm** at 0:09" in text and "**Hit** at 0:03" in text
    assert "Expert: Goes quiet" in text
    assert "Saved as attempt 1" in text
    with Store.open(resolve_db_url()) as store:
        me = store.find_learner(token)
        assert me is not None
        saved = attempts_of_learner(store, me.id)
    assert [(a.attempt, [m.at_ms for m in a.marks]) for a in saved] == [(1, [4200, 9000])]

    # a rerun does not store the attempt again; a replay link seeks 3 s before the onset
    at.button(key="practice_replay_0").click().run()
    assert player_data(at)["command"]["at"] == 0.0  # the hit at 3 s
    at.button(key="practice_replay_2").click().run()
    assert player_data(at)["command"]["at"] == 11.0  # the miss at 14 s
    with Store.open(resolve_db_url()) as store:
        assert len(attempts_of_learner(store, me.id)) == 1

    at.button(key="practice_retry_clip").click().run()
    assert player_data(at)["command"]["action"] == "practice_reset"
    assert "You noticed" not in _text(at)


def test_cohort_and_phase_are_stored_with_the_attempt(library, monkeypatch):
    token = str(uuid.uuid4())
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    at = AppTest.from_function(_practise, args=(token, MARKS), default_timeout=30)
    at.query_params.update({"video": "clip", "mode": "practice"})
    at.session_state["practice_cohort"] = "Spring <b>course</b>"
    at.session_state["practice_phase"] = "before"
    at.run()
    assert not at.exception
    with Store.open(resolve_db_url()) as store:
        me = store.find_learner(token)
        (a,) = attempts_of_learner(store, me.id)
    assert (a.cohort, a.phase) == ("Spring <b>course</b>", "before")


def test_garbage_from_the_browser_is_dropped_not_stored(library, monkeypatch):
    token = str(uuid.uuid4())
    junk = {
        "marks": [
            "x",
            {"at_ms": "soon"},
            {"at_ms": float("nan")},
            {"at_ms": 15_000, "type": "angry"},
        ]
    }
    at = practise(library, monkeypatch, token, payload=junk)
    assert not at.exception
    with Store.open(resolve_db_url()) as store:
        (a,) = attempts_of_learner(store, store.find_learner(token).id)
    assert [(m.at_ms, m.type) for m in a.marks] == [(15_000, None)]  # the hit on ep2


# ---------------------------------------------------------------- Reflections


def reflections(library, monkeypatch, token: str) -> AppTest:
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(library))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(str(ROOT / "views" / "reflections.py"))
    at.session_state["alliance_lens_learner_token"] = token
    return at.run()


def seed_attempts() -> tuple[str, str]:
    from alliance_lens.attempts import save_attempt
    from alliance_lens.practice.scoring import Mark

    ana_token, ben_token = str(uuid.uuid4()), str(uuid.uuid4())
    with Store.open(resolve_db_url()) as store:
        ana = store.get_or_create_learner(ana_token, "Ana Private")
        ben = store.learner_for_token(ben_token)
        save_attempt(store, ana.id, "clip", "expert", [Mark(500)], cohort="C1", phase="before")
        save_attempt(
            store,
            ana.id,
            "clip",
            "expert",
            [Mark(4_000, "withdrawal"), Mark(15_000)],
            cohort="C1",
            phase="after",
        )
        save_attempt(store, ben.id, "clip", "expert", [Mark(14_500, "withdrawal")], cohort="C1")
    return ana_token, ben_token


def test_practice_history_lists_the_learners_attempts_with_figures(library, monkeypatch):
    ana_token, _ = seed_attempts()
    at = reflections(library, monkeypatch, ana_token)
    assert not at.exception
    assert "Practice history" in [h.value for h in at.subheader]
    history = next(d.value for d in at.dataframe if "noticed" in d.value.columns)
    assert history.attempt.tolist() == [2, 1]  # newest first
    assert history.noticed.tolist() == ["2 of 2", "0 of 2"]
    assert history.phase.tolist() == ["after", "before"]


def test_cohort_view_charts_tables_and_de_identified_downloads(library, monkeypatch):
    seed_attempts()
    at = reflections(library, monkeypatch, str(uuid.uuid4()))
    at.toggle(key="reflections_educator").set_value(True).run()
    at.selectbox(key="edu_video").set_value("clip").run()
    assert not at.exception
    assert "Practice: the cohort" in [h.value for h in at.subheader]
    frames = {tuple(d.value.columns): d.value for d in at.dataframe}
    detection = next(
        f for cols, f in frames.items() if "detection rate" in cols and "episode" in cols
    )
    assert detection.episode.tolist() == ["ep1", "ep2"]
    latency = next(f for cols, f in frames.items() if "latency (s)" in cols)
    assert "Ana Private" not in latency.to_string()
    assert set(latency.learner) <= {f"L{i:03d}" for i in range(1000)}
    labels = [b.label for b in at.get("download_button")]
    assert "Download every attempt with its figures (CSV)" in labels
    assert sum("(CSV)" in label for label in labels) >= 6  # a download beside every chart
    assert len(at.get("vega_lite_chart")) >= 5


@pytest.fixture(scope="module")
def chapter_library(tmp_path_factory):
    """The clip with `feedback: chapter` on its expert track (chapters at 0 s and 10 s)."""
    root = build_library(tmp_path_factory.mktemp("chapter-lib"), extra=False)
    path = root / "commentary" / "clip.yaml"
    text = path.read_text(encoding="utf-8")
    marker = '    colour: "#0b7a75"\n'
    assert marker in text
    path.write_text(text.replace(marker, marker + "    practice: {feedback: chapter}\n", 1))
    return root


def test_a_chapters_end_shows_its_feedback_and_stores_nothing_yet(chapter_library, monkeypatch):
    token = str(uuid.uuid4())
    at = practise(chapter_library, monkeypatch, token, payload=None)
    assert player_data(at)["practice"]["stops"] == [10.0]  # where the player pauses
    chapter = {
        "marks": [{"at_ms": 4200, "type": "withdrawal", "markers": []}, {"at_ms": 8000}],
        "reason": "chapter",
        "until_ms": 10_000,
    }
    at = practise(chapter_library, monkeypatch, token, payload=chapter)
    assert not at.exception
    assert "Feedback on chapter 1, Opening" in [h.value for h in at.subheader]
    text = _text(at)
    assert "You noticed 1 of 1 rupture, on average 1 s after they began." in text
    assert "**False alarm** at 0:08" in text
    assert "0:14" not in text  # the next chapter's rupture is not scored (nor named) yet
    assert "Press **Space**" in text
    with Store.open(resolve_db_url()) as store:
        me = store.find_learner(token)
        assert me is None or attempts_of_learner(store, me.id) == []  # not an attempt yet

    # the end of the video: the whole attempt, scored and stored as usual
    end = dict(MARKS, reason="ended")
    at = practise(chapter_library, monkeypatch, token, payload=end)
    assert "Your feedback" in [h.value for h in at.subheader]
    assert "You noticed 1 of 2 ruptures" in _text(at)


def test_a_rater_saves_a_rating_sheet_and_sees_it_against_the_expert(library, monkeypatch):
    from alliance_lens.practice.ratings import SheetRow
    from alliance_lens.ratingsheets import latest_sheet, save_sheet

    token = str(uuid.uuid4())
    at = practise(library, monkeypatch, token, payload=None)
    assert not at.exception
    assert "Rating sheet (3RS style)" in [e.label for e in at.expander]
    # saving the sheet as shown (nothing ticked) stores version 1 for this browser
    at.button(key="FormSubmitter:rating_sheet_clip_form-Save my rating sheet").click().run()
    assert not at.exception
    assert "Saved as version 1." in [s.value for s in at.success]
    with Store.open(resolve_db_url()) as store:
        me = store.find_learner(token)
        assert me is not None
        first = latest_sheet(store, me.id, "clip", "expert")
        assert first is not None and [r.withdrawal for r in first.rows] == [None, None]
        # the chapters are the segments (0-10 s, 10-24 s); the expert: W then C
        save_sheet(store, me.id, "clip", "expert", [SheetRow(0, withdrawal=3), SheetRow(10_000)])
    at = practise(library, monkeypatch, token, payload=None)  # not finished: no expert yet
    assert not [d for d in at.dataframe if "agree on presence" in d.value.columns]
    assert "compared with the expert's once you finish" in _text(at)
    at = practise(library, monkeypatch, token)  # the practice is finished
    comparison = next(d.value for d in at.dataframe if "agree on presence" in d.value.columns)
    assert comparison["agree on presence"].tolist() == [True, True, True, False]
    assert comparison.segment.tolist()[:2] == ["0:00–0:10", "0:00–0:10"]
    assert "Percent agreement 75%" in _text(at)


def test_cohort_view_shows_agreement_across_raters_sheets(library, monkeypatch):
    from alliance_lens.practice.ratings import SheetRow
    from alliance_lens.ratingsheets import save_sheet

    with Store.open(resolve_db_url()) as store:
        for i, w in enumerate((4, 4, 3)):
            rater = store.get_or_create_learner(str(uuid.uuid4()), f"Rater Private {i}")
            rows = [SheetRow(0, withdrawal=w), SheetRow(10_000, confrontation=2)]
            save_sheet(store, rater.id, "clip", "expert", rows)
    at = reflections(library, monkeypatch, str(uuid.uuid4()))
    at.toggle(key="reflections_educator").set_value(True).run()
    at.selectbox(key="edu_video").set_value("clip").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Fleiss' kappa (presence)" in labels and "ICC(2,1) (significance)" in labels
    sheets = next(d.value for d in at.dataframe if "rater" in d.value.columns)
    assert "Private" not in sheets.to_string()  # raters appear as codes
    assert "Download the rating sheets (CSV)" in [b.label for b in at.get("download_button")]
