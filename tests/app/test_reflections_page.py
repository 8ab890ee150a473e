"""AppTest for the Reflections page, started from app.py with ``switch_page`` (so page links
resolve; AppTest then runs the page file as a page of app.py).

The browser's identity: AppTest cannot send cookies, so each test plays a browser whose cookie
component has already reported its token, by putting the token in
``st.session_state[learner.TOKEN_KEY]``, the key the component's callback fills in a real
browser. No test-only code path exists in the app.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alliance_lens.datadir import resolve_db_url
from alliance_lens.store import Store
from alliance_lens.ui import learner as learner_ui
from tests.support.journal_library import make_library

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "views" / "reflections.py")
VIDEO = "homework"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_LENS_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("ALLIANCE_LENS_LIBRARY", str(tmp_path / "lib"))
    monkeypatch.delenv("ALLIANCE_LENS_DB_URL", raising=False)
    make_library(tmp_path / "lib")
    return tmp_path


@pytest.fixture
def store(env):
    with Store.open(resolve_db_url()) as s:
        yield s


def page(token: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(PAGE)
    if token:
        at.session_state[learner_ui.TOKEN_KEY] = token
    return at.run()


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def seed(store: Store) -> str:
    token = str(uuid.uuid4())
    ana = store.get_or_create_learner(token, "Ana <script>alert(1)</script>").id
    store.save_answer(ana, VIDEO, "expert", "later", text="She went quiet.")
    store.save_answer(ana, VIDEO, "expert", "later", text="<script>alert(2)</script> angry")
    store.save_answer(ana, VIDEO, "expert", "what-next", choice="Explain")
    store.save_answer(ana, VIDEO, "expert", "edited-out", text="Kept although removed.")
    other = store.get_or_create_learner(str(uuid.uuid4()), "Ben").id
    store.save_answer(other, VIDEO, "expert", "later", text="Ben's view.")
    return token


def test_journal_shows_answers_beside_commentary(store):
    at = page(seed(store))
    assert not at.exception and not at.error
    md = [m.value for m in at.markdown]
    assert md[0].startswith("Your journal, **Ana \\<script\\>alert(1)\\</script\\>**")
    assert "What might the client feel *now*?" in md
    assert any(m.startswith("Blamed, perhaps") for m in md)  # the revealed commentary
    # newest attempt first, as plain text (st.text: no Markdown, no HTML)
    shown = texts(at)
    assert shown.index("<script>alert(2)</script> angry") < shown.index("She went quiet.")
    assert "You chose: Explain  (the expert chose otherwise)" in shown
    assert "Ben's view." not in shown
    assert "Kept although removed." in shown
    assert "(prompt removed from the track)" in [c.value for c in at.caption]
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download Markdown"]
    links = [p.proto for p in at.get("page_link")]
    back = [p for p in links if p.label == "Back to this moment"]
    assert back and "video=homework" in back[0].query_string and "t=" in back[0].query_string


def test_no_learner_yet_shows_the_name_form_then_the_empty_journal(store):
    at = page(str(uuid.uuid4()))
    assert not at.exception
    assert at.text_input[0].label == "Name or pseudonym"
    assert at.text_input[0].max_chars == 80  # the store's limit, enforced as you type
    at.text_input[0].input("   ")
    at.button[0].click().run()
    assert "Please write a name or pseudonym first." in [w.value for w in at.warning]
    at.text_input[0].input("Sam")
    at.button[0].click().run()
    assert not at.exception
    assert at.markdown[0].value.startswith("Your journal, **Sam**: no reflections yet.")
    assert "Reflections are collected on the **Watch** page" in at.info[0].value


def test_before_the_browser_reports_its_token_nothing_breaks(env):
    at = page(None)
    assert not at.exception
    assert "Getting this browser ready…" in [c.value for c in at.caption]
    assert any(e.type == "bidi_component" for e in at.get("bidi_component"))


def test_delete_my_data_after_typed_confirmation(store):
    token = seed(store)
    ana = store.find_learner(token)
    at = page(token)
    at.button(key="reflections_delete").click().run()
    assert "permanently deletes" in at.warning[0].value
    at.text_input(key="reflections_delete_name").input("Ana")
    at.button(key="reflections_delete_go").click().run()
    assert "does not match: nothing was deleted" in at.error[0].value
    assert store.answers_for_learner(ana.id)
    at.text_input(key="reflections_delete_name").input(ana.display_name)
    at.button(key="reflections_delete_go").click().run()
    assert not at.exception
    assert "4 answers to 3 prompts in 1 video" in at.success[0].value
    assert "Ana \\<script\\>" in at.success[0].value  # Markdown-escaped
    assert store.find_learner(token) is None
    assert store.answers_for_learner(ana.id) == []
    assert [p.text for _, p in store.answers_for_prompt(VIDEO, "expert", "later")] == [
        "Ben's view."
    ]
    assert at.text_input[0].label == "Name or pseudonym"  # a fresh start in this browser


def test_educator_view_lists_everyones_answers_and_completion(store):
    at = page(seed(store))
    at.toggle(key="reflections_educator").set_value(True).run()
    assert not at.exception
    at.selectbox(key="edu_prompt_homework_expert").set_value("later").run()
    frames = [d.value for d in at.dataframe]
    answers, completion = frames[0], frames[-1]
    assert answers.learner.tolist() == ["Ana <script>alert(1)</script>"] * 2 + ["Ben"]
    assert answers.attempt.tolist() == [1, 2, 1]
    assert "choice" not in answers.columns  # a text prompt: only the column it uses
    assert [b.label for b in at.get("download_button")] == ["Download these answers (CSV)"]
    counts = dict(zip(completion.prompt, completion["learners answered"], strict=True))
    assert counts == {"what-next": 1, "later": 2, "rewind": 0, "edited-out": 1}
    at.selectbox(key="edu_prompt_homework_expert").set_value("what-next").run()
    choices = at.dataframe[0].value
    assert choices.values.tolist() == [["Explain", 1, ""], ["Acknowledge", 0, "✓"]]


def test_unreachable_database_is_a_clear_error(env, monkeypatch):
    monkeypatch.setenv("ALLIANCE_LENS_DB_URL", "postgresql://al:s3cret@127.0.0.1:1/nowhere")
    at = page(str(uuid.uuid4()))
    assert not at.exception
    message = at.error[0].value
    assert "Check the environment variable ALLIANCE_LENS_DB_URL" in message
    assert "s3cret" not in message
    monkeypatch.setenv("ALLIANCE_LENS_DB_URL", "not a url")
    assert "ALLIANCE_LENS_DB_URL" in page(None).error[0].value


def test_answer_saved_through_the_watch_hook_is_on_the_page_after_reload(store):
    """The watch page's on_answer callback calls learner.save_answer; a new session (a page
    reload in the same browser: same token) shows the answer."""
    token = str(uuid.uuid4())
    store.get_or_create_learner(token, "Sam")

    def watch_hook(token: str) -> None:
        import streamlit as st

        from alliance_lens.ui import learner

        st.session_state[learner.TOKEN_KEY] = token
        st.session_state["saved"] = learner.save_answer(
            "homework", "expert", "later", text="Saved from the player."
        )
        st.session_state["resume"] = learner.saved_answers("homework")
        st.session_state["problem"] = learner.save_answer("homework", "expert", "x", text="")

    hook = AppTest.from_function(watch_hook, args=(token,)).run()
    assert hook.session_state["saved"] is None
    assert hook.session_state["resume"] == {"expert/later": {"text": "Saved from the player."}}
    assert hook.session_state["problem"] is None  # an empty text is a valid answer
    at = page(token)
    assert "Saved from the player." in texts(at)


def test_watch_hooks_without_a_learner_or_with_bad_input(store):
    def hooks() -> None:
        import streamlit as st

        from alliance_lens.ui import learner

        st.session_state["no_learner"] = learner.save_answer("v", "t", "p", text="x")
        st.session_state[learner.TOKEN_KEY] = st.session_state["token"]
        st.session_state["too_long"] = learner.save_answer("v", "t", "p", text="x" * 20_001)
        st.session_state["position"] = learner.save_position("v", 12_345)
        st.session_state["resume_at"] = learner.saved_position("v")

    token = str(uuid.uuid4())
    store.get_or_create_learner(token, "Sam")
    at = AppTest.from_function(hooks)
    at.session_state["token"] = token
    at.run()
    assert "still getting ready" in at.session_state["no_learner"]  # no token yet: nothing to key
    assert at.session_state["too_long"] == (
        "Not saved: text is 20,001 characters long; the limit is 20,000 characters."
    )
    assert at.session_state["position"] is None and at.session_state["resume_at"] == 12_345


def test_database_from_secrets_in_the_st_connection_convention(env):
    url = f"sqlite:///{env / 'elsewhere' / 'reflections.sqlite3'}"
    token = str(uuid.uuid4())
    with Store.open(url) as other:
        sam = other.get_or_create_learner(token, "Sam")
        other.save_answer(sam.id, VIDEO, "expert", "later", text="Kept in the secrets' database.")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["connections"] = {"alliance_lens": {"url": url}}
    at.switch_page(PAGE)
    at.session_state[learner_ui.TOKEN_KEY] = token
    at.run()
    assert not at.exception
    assert "Kept in the secrets' database." in texts(at)


# ---------------------------------------------------------------- answers before a name


def test_first_answers_are_kept_without_a_name_and_a_later_name_applies_to_them(store):
    def answer_in_watch(token: str) -> None:
        import streamlit as st

        from alliance_lens.ui import learner

        st.session_state[learner.TOKEN_KEY] = token
        st.session_state["saved"] = learner.save_answer(
            "homework", "expert", "later", text="Early."
        )

    token = str(uuid.uuid4())
    hook = AppTest.from_function(answer_in_watch, args=(token,)).run()
    assert not hook.exception
    assert hook.session_state["saved"] is None
    unnamed = store.find_learner(token)
    assert unnamed is not None and not unnamed.named

    # a new session of the same browser (a reload): the answer is there, a name is offered
    at = page(token)
    assert not at.exception
    assert at.markdown[0].value.startswith("Your journal (no name yet): 1 answer")
    assert "Early." in texts(at)
    assert any("linked to this browser by a cookie" in c.value for c in at.caption)
    assert any("Delete my data" in c.value for c in at.caption)
    at.text_input[0].input("Sam")
    at.button[0].click().run()
    assert at.markdown[0].value.startswith("Your journal, **Sam**: 1 answer")
    named = store.find_learner(token)
    assert named is not None and named.id == unnamed.id and named.display_name == "Sam"
    assert [a.text for a in store.answers_for_learner(named.id)] == ["Early."]


def test_educator_view_shows_unnamed_learners_as_such(store):
    anon = store.learner_for_token(str(uuid.uuid4()))
    store.save_answer(anon.id, VIDEO, "expert", "later", text="Anonymous view.")
    at = page(str(uuid.uuid4()))
    at.toggle(key="reflections_educator").set_value(True).run()
    at.selectbox(key="edu_prompt_homework_expert").set_value("later").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["learner"]) == [f"Unnamed learner #{anon.id:04d}"]
    assert list(frame["text"]) == ["Anonymous view."]


def test_an_unnamed_learner_deletes_by_typing_delete(store):
    token = str(uuid.uuid4())
    anon = store.learner_for_token(token)
    store.save_answer(anon.id, VIDEO, "expert", "later", text="Mine.")
    at = page(token)
    at.button(key="reflections_delete").click().run()
    assert at.text_input(key="reflections_delete_name").label == "Type DELETE to confirm"
    at.text_input(key="reflections_delete_name").input("DELETE")
    at.button(key="reflections_delete_go").click().run()
    assert not at.exception and "1 answer to 1 prompt" in at.success[0].value
    assert store.find_learner(token) is None and store.answers_for_learner(anon.id) == []
