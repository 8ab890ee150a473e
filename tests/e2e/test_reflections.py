"""Reflections in a real browser: the cookie the component sets, the name form, answers shown as
text, the link back to the moment, deletion. What AppTest cannot do (it runs no JavaScript and
sends no cookies)."""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from alliance_lens.datadir import resolve_db_url
from alliance_lens.store import Store
from tests.e2e.conftest import (
    VIDEO_JS,
    Watched,
    is_rerun_request,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.e2e
HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def reflections_server(e2e_library, tmp_path_factory):
    # Its own server with its own data folder: learner data never goes to the user's folder.
    data = tmp_path_factory.mktemp("e2e-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_LENS_DATA", str(data))
        mp.delenv("ALLIANCE_LENS_DB_URL", raising=False)
        srv, out = start_server("app.py", e2e_library, tmp_path_factory.mktemp("e2e-refl"))
        url = resolve_db_url()
    yield srv, url
    stop_server(srv, out)


def test_first_visit_cookie_name_answers_link_and_delete(browser, reflections_server):
    srv, db_url = reflections_server
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    w = Watched(page, srv)
    page.goto(f"{srv.url}/reflections")

    # The component set a random token and told Python, so the name form is there.
    name = page.get_by_role("textbox", name="Name or pseudonym")
    name.fill(HOSTILE)
    page.get_by_role("button", name="Save name").click()
    page.get_by_text("no reflections yet").wait_for(timeout=20_000)
    (cookie,) = [c for c in context.cookies() if c["name"] == "alliance_lens_learner"]
    assert cookie["sameSite"] == "Strict" and cookie["expires"] > 0 and cookie["path"] == "/"

    # What the watch page will save, straight into the store for this browser's learner.
    with Store.open(db_url) as store:
        learner = store.find_learner(cookie["value"])
        assert learner is not None and learner.display_name == HOSTILE
        store.save_answer(learner.id, "clip", "expert", "first", text=HOSTILE + " she paused")
        store.save_answer(learner.id, "clip", "expert", "choice", choice="Withdrawal")

    page.reload()  # a new session: the cookie now arrives with the websocket
    page.get_by_text(HOSTILE + " she paused").wait_for(timeout=20_000)
    page.get_by_text("You chose: Withdrawal").wait_for()
    assert page.get_by_text("Nothing yet, just").count() == 1  # the revealed commentary
    assert page.evaluate("() => window.__pwned") is None

    back = page.get_by_role("link", name="Back to this moment").first
    # the Watch page is the default page, so the link is "?video=...&t=..."
    assert back.get_attribute("href").endswith("?video=clip&t=0.520")
    back.click()
    page.wait_for_url("**?video=clip&t=0.520*", timeout=20_000)

    page.goto(f"{srv.url}/reflections")
    page.get_by_role("button", name="Delete my data…").click()
    confirm = page.get_by_role("textbox", name="Type your name to confirm")
    confirm.fill(HOSTILE)
    confirm.press("Enter")
    w.wait_idle()  # the rerun that takes the typed name
    delete = page.get_by_role("button", name="Delete everything")
    expect(delete).to_be_enabled()
    delete.click()
    page.get_by_text("Nothing of yours is left").wait_for(timeout=20_000)
    with Store.open(db_url) as store:
        assert store.find_learner(cookie["value"]) is None
        assert store.answers_for_learner(learner.id) == []
    assert not w.dialogs
    assert not w.outside_requests(), w.outside_requests()
    context.close()


def test_answer_in_the_player_reload_resume_and_see_it_in_reflections(browser, reflections_server):
    srv, db_url = reflections_server
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    w = Watched(page, srv)
    # through the sidebar, as a person would: a typed deep link makes Streamlit's own
    # frontend probe /reflections/_stcore/... first (404s in the console, not ours)
    page.goto(srv.url)
    # the Watch page has a name form in its sidebar too: be on Reflections before typing
    go_to_reflections(w)
    # typing and a click that land while a rerun redraws the form can be lost too (CI saw the
    # name never saved): fill and save again while the form is still offered
    for _ in range(3):
        page.get_by_role("textbox", name="Name or pseudonym").fill("Robin")
        page.get_by_role("button", name="Save name").click()
        with contextlib.suppress(PlaywrightTimeoutError):
            page.get_by_text("no reflections yet").wait_for(timeout=20_000)
            break
    page.get_by_text("no reflections yet").wait_for(timeout=20_000)
    (cookie,) = [c for c in context.cookies() if c["name"] == "alliance_lens_learner"]
    with Store.open(db_url) as store:
        me = store.find_learner(cookie["value"])
    assert me is not None

    # answer the first prompt in the player itself
    w.open("video=clip&mode=learner")
    w.page.locator(".al-play").click()
    page.locator(".al-prompt").wait_for(state="visible", timeout=20_000)
    page.locator(".al-answer").fill("Answered in the browser")
    # the answer is a trigger; its callback stores it before the script runs
    with w.ws.expect_event("framesent", predicate=is_rerun_request):
        page.locator(".al-reveal").click()
    w.wait_idle()
    with Store.open(db_url) as store:
        saved = store.latest_answers(me.id, "clip").get(("expert", "first"))
        assert saved is not None and saved.text == "Answered in the browser"

    # play on past the 3 s from which resuming counts, pause: saved at the pause, not while playing
    page.locator(".al-continue").click()
    page.wait_for_function(
        "() => { const v = " + VIDEO_JS + "; return v.currentTime > 3.5 }", timeout=20_000
    )
    w.wait_idle()
    with w.ws.expect_event("framesent", predicate=is_rerun_request):
        page.locator(".al-play").click()  # pause: its position is a trigger
    paused_at = w.js("v.currentTime")
    w.wait_idle()
    with Store.open(db_url) as store:
        position = store.get_position(me.id, "clip")
    assert position is not None and position > 3000 and abs(position / 1000 - paused_at) < 0.2

    # reload: a new session of the same browser resumes there
    page.reload()
    page.wait_for_function(
        "() => { const v = " + VIDEO_JS + "; return v && v.readyState >= 2 }", timeout=30_000
    )
    page.wait_for_function(
        "() => { const v = " + VIDEO_JS + f"; return Math.abs(v.currentTime - {position / 1000})"
        " < 0.1 }",
        timeout=20_000,
    )
    expect(page.get_by_text("Resumed where you left off")).to_be_visible()

    # and the answer is in the journal
    go_to_reflections(w)
    page.get_by_text("Answered in the browser").wait_for(timeout=20_000)
    w.assert_clean()
    context.close()


def _eventually(check, timeout: float = 60.0):
    """Poll the database (the condition itself) until ``check`` returns something."""
    deadline = time.monotonic() + timeout
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return value


def go_to_reflections(w: Watched) -> None:
    """From the Watch page to Reflections by the sidebar link, once the page is settled.

    The cookie component reports this browser's token a moment after the first run, and its
    rerun request carries the page the browser shows until the server confirms a new one:
    sent just after a click on the link, it took the app back to Watch (CI saw it). So wait
    until the sidebar knows the browser (its name form, or the name) and nothing runs.
    """
    page = w.page
    sidebar = page.locator("[data-testid=stSidebar]")
    known = sidebar.get_by_role("textbox", name="Name or pseudonym").or_(
        sidebar.get_by_text("Keeping reflections for")
    )
    known.first.wait_for(timeout=60_000)
    w.wait_idle(timeout=60_000)
    for _ in range(3):  # a click that lands while a rerun redraws the sidebar can be lost
        page.get_by_role("link", name="Reflections").click()
        with contextlib.suppress(PlaywrightTimeoutError):
            page.get_by_role("heading", name="Reflections").wait_for(timeout=20_000)
            break
    page.get_by_role("heading", name="Reflections").wait_for(timeout=20_000)
    expect(page).to_have_url(re.compile(r"/reflections"))
    w.wait_idle(timeout=60_000)


def test_an_answer_before_any_name_survives_a_reload_and_a_later_name_applies(
    browser, reflections_server
):
    srv, db_url = reflections_server
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    w = Watched(page, srv)
    w.open("video=clip&mode=learner")  # never visits Reflections, never sees a name form
    page.locator(".al-play").click()
    page.locator(".al-prompt").wait_for(state="visible", timeout=20_000)
    page.locator(".al-answer").fill("Answered before choosing a name")
    page.locator(".al-reveal").click()
    (cookie,) = [c for c in context.cookies() if c["name"] == "alliance_lens_learner"]
    with Store.open(db_url) as store:
        me = _eventually(lambda: store.find_learner(cookie["value"]))
        assert me is not None and not me.named
        saved = _eventually(lambda: store.latest_answers(me.id, "clip").get(("expert", "first")))
        assert saved is not None and saved.text == "Answered before choosing a name"

    page.reload()  # the session is gone; the answer is not
    go_to_reflections(w)
    page.get_by_text("Answered before choosing a name").wait_for(timeout=20_000)
    # Streamlit draws the page element by element: wait for each, do not just look once
    expect(page.get_by_text("Your journal (no name yet)")).to_be_visible()
    expect(page.get_by_text("linked to this browser by a cookie").first).to_be_visible()
    w.wait_idle(timeout=60_000)
    for _ in range(3):  # typing and a click on a form a rerun is redrawing can be lost
        page.get_by_role("textbox", name="Name or pseudonym").fill("Kim")
        page.get_by_role("button", name="Save name").click()
        with contextlib.suppress(PlaywrightTimeoutError):
            page.get_by_text("Your journal, Kim").wait_for(timeout=20_000)
            break
    page.get_by_text("Your journal, Kim").wait_for(timeout=20_000)
    with Store.open(db_url) as store:
        named = store.find_learner(cookie["value"])
        assert named is not None and named.id == me.id and named.display_name == "Kim"
        assert [a.text for a in store.answers_for_learner(me.id)] == [saved.text]
    w.assert_clean()
    context.close()
