"""Practice mode in a real browser (issue 12): keyboard marks on the frame-numbered clip (one
hit, one late miss, one false alarm made while playing), feedback, a replay, a retry, then the
attempt on Reflections and in the cohort view; no rerun while playing; axe-core clean."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from alliance_lens.attempts import attempts_of_learner
from alliance_lens.store import Store
from tests.e2e.conftest import ROOT_JS, Watched, start_server, stop_server
from tests.e2e.test_accessibility import BLOCKING, SETTLED_JS, findings

pytestmark = pytest.mark.e2e
PLAYER_JS = f"{ROOT_JS}[Symbol.for('allianceLens.player')]"


@pytest.fixture(scope="module")
def practice_server(e2e_library, tmp_path_factory):
    data = tmp_path_factory.mktemp("practice-data")  # attempts never go to the user's folder
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_LENS_DATA", str(data))
        mp.delenv("ALLIANCE_LENS_DB_URL", raising=False)
        from alliance_lens.datadir import resolve_db_url

        srv, out = start_server("app.py", e2e_library, tmp_path_factory.mktemp("practice-srv"))
        url = resolve_db_url()
    yield srv, url
    stop_server(srv, out)


def _axe_clean(w: Watched, scene: str) -> None:
    w.page.wait_for_function(SETTLED_JS, timeout=30_000)
    violations = Axe().run(w.page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{scene}:\n{findings(blocking)}"


def _on_frame(w: Watched, seconds: float) -> None:
    """Wait until the frame on screen (the player's frame callback) is the one at ``seconds``."""
    w.page.wait_for_function(
        f"() => {{ const p = {PLAYER_JS}; return p && p.frameTime != null"
        f" && Math.abs(p.frameTime - {seconds}) < 0.05 && !p.video.seeking }}",
        timeout=20_000,
    )


def test_practise_feedback_retry_history_and_cohort(browser, practice_server):
    srv, db_url = practice_server
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    w = Watched(context.new_page(), srv)
    missing: list[str] = []
    w.page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    page = w.open("video=clip&mode=practice")
    w.wait_idle()
    bar = page.locator(".al-practice")
    expect(bar).to_be_visible()
    expect(page.locator(".al-cues")).to_be_hidden()  # no commentary panel
    _axe_clean(w, "practice mode")

    # the ? overlay lists the practice keys
    page.locator(".al-player").focus()
    page.keyboard.press("?")
    expect(page.locator(".al-helpbox")).to_contain_text("Mark: a rupture starts here")
    page.keyboard.press("Escape")

    # 15 s (paused, by keyboard): a mark, named a confrontation. Expert onsets: 3 s and 14 s.
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    _on_frame(w, 15.0)
    page.keyboard.press("m")
    page.keyboard.press("2")
    expect(bar).to_have_attribute("data-marks", "1")
    expect(page.locator(".al-practice-type[data-type=confrontation]")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.keyboard.press("m")  # a slip, undone
    page.keyboard.press("u")
    expect(bar).to_have_attribute("data-marks", "1")
    expect(page.locator(".al-practice-tick")).to_have_count(1)  # the mark on the timeline

    # play from 20 s to the end; a mark while playing; nothing reaches Python until the end
    page.keyboard.press("ArrowRight")
    _on_frame(w, 20.0)
    w.wait_idle()
    requests = w.rerun_requests
    page.keyboard.press(" ")
    page.wait_for_function(
        f"() => {{ const p = {PLAYER_JS}; return !p.video.paused && p.frameTime > 20.5 }}",
        timeout=20_000,
    )
    page.keyboard.press("m")
    expect(bar).to_have_attribute("data-marks", "2")
    assert w.rerun_requests == requests, "the player asked for a rerun while playing"
    # the video ends: the marks go to Python once
    expect(bar).to_have_attribute("data-finished", "true", timeout=30_000)
    page.get_by_role("heading", name="Your feedback").wait_for(timeout=30_000)
    w.wait_idle()
    assert w.rerun_requests == requests + 1

    expect(
        page.get_by_text("You noticed 1 of 2 ruptures, on average 1 s after they")
    ).to_be_visible()
    expect(page.get_by_text("You missed the withdrawal at 0:03")).to_be_visible()
    expect(page.get_by_text("False alarm", exact=False).first).to_be_visible()
    _axe_clean(w, "feedback")

    # replay the miss from 3 s before its onset (3 s -> 0 s)
    page.get_by_role("button", name="Replay from 3 s before").first.click()
    _on_frame(w, 0.0)

    with Store.open(db_url) as store:
        (cookie,) = [c for c in context.cookies() if c["name"] == "alliance_lens_learner"]
        me = store.find_learner(cookie["value"])
        assert me is not None
        (attempt,) = attempts_of_learner(store, me.id)
        assert [(m.at_ms // 100, m.type) for m in attempt.marks[:1]] == [(150, "confrontation")]
        assert len(attempt.marks) == 2 and attempt.marks[1].at_ms > 20_500

    # retry: the feedback goes, the player forgets its marks
    page.get_by_role("button", name="Retry: a fresh attempt").click()
    expect(bar).to_have_attribute("data-marks", "0", timeout=20_000)
    expect(bar).to_have_attribute("data-finished", "false")
    expect(page.locator(".al-practice-tick")).to_have_count(0)
    expect(page.get_by_role("heading", name="Your feedback")).to_have_count(0, timeout=20_000)

    assert not missing, missing
    w.assert_clean()  # the Watch page: no console error, no outside request

    # the attempt on Reflections, and in the educators' cohort view
    page.goto(f"{srv.url}/reflections")
    page.get_by_role("heading", name="Practice history").wait_for(timeout=30_000)
    expect(page.get_by_text("No practice attempts yet")).to_have_count(0)
    page.get_by_text("Educator view").click()
    page.get_by_text("Completion").first.wait_for(timeout=30_000)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Frame clip").click()
    page.get_by_role("heading", name="Practice: the cohort").wait_for(timeout=30_000)
    expect(page.get_by_text("1 learner(s), 1 attempt(s) counted")).to_be_visible()
    expect(page.get_by_text("Download every attempt with its figures (CSV)")).to_be_visible()
    # (a page opened by its path makes Streamlit probe /reflections/_stcore/...: 404s not ours)
    assert not [u for u in missing if "/_stcore/" not in u], missing
    assert not [e for e in w.console_errors if not e.startswith("Failed to load resource")]
    assert not w.outside_requests()
    context.close()


def test_mark_button_in_view_at_1280x720_and_keys_still_mark(browser, practice_server):
    """The Mark button sits beside the picture: in view at 1280×720 without any scrolling."""
    srv, _ = practice_server
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    w = Watched(context.new_page(), srv)
    page = w.open("video=clip&mode=practice")
    w.wait_idle()
    button = page.locator(".al-practice-mark")
    expect(button).to_be_visible()
    # nothing scrolled: the page's own scroll box and the window are at the top
    assert page.evaluate(
        "() => window.scrollY === 0 && [...document.querySelectorAll('*')]"
        ".every(e => e.scrollTop === 0)"
    )
    box = button.bounding_box()
    video = page.locator(".al-video").bounding_box()
    assert box is not None and video is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= 720, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
    assert box["x"] >= video["x"] + video["width"], (box, video)  # beside the picture
    bar = page.locator(".al-practice")
    page.locator(".al-player").focus()
    page.keyboard.press("m")
    expect(bar).to_have_attribute("data-marks", "1")
    button.click()  # the button marks too
    expect(bar).to_have_attribute("data-marks", "2")
    w.assert_clean()
    context.close()


@pytest.fixture(scope="module")
def chapter_server(tmp_path_factory):
    """The clip with `feedback: chapter` on its expert track (chapters at 0 s and 10 s)."""
    from tests.support.watch_library import build_library

    root = build_library(tmp_path_factory.mktemp("chapter-lib"), extra=False)
    path = root / "commentary" / "clip.yaml"
    marker = '    colour: "#0b7a75"\n'
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(marker, marker + "    practice: {feedback: chapter}\n", 1))
    data = tmp_path_factory.mktemp("chapter-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_LENS_DATA", str(data))
        mp.delenv("ALLIANCE_LENS_DB_URL", raising=False)
        srv, out = start_server("app.py", root, tmp_path_factory.mktemp("chapter-srv"))
    yield srv
    stop_server(srv, out)


def test_practice_pauses_at_a_chapters_end_with_its_feedback(browser, chapter_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    w = Watched(context.new_page(), chapter_server)
    page = w.open("video=clip&mode=practice")
    w.wait_idle()
    bar = page.locator(".al-practice")
    page.locator(".al-player").focus()
    page.keyboard.press("ArrowRight")  # 5 s: a mark 2 s after the withdrawal's onset at 3 s
    _on_frame(w, 5.0)
    page.keyboard.press("m")
    expect(bar).to_have_attribute("data-marks", "1")
    w.wait_idle()
    requests = w.rerun_requests
    page.keyboard.press(" ")
    # the player pauses on its own at the first chapter's end (10 s), within a frame of it
    page.wait_for_function(
        f"() => {{ const p = {PLAYER_JS}; return p.video.paused && p.frameTime > 9.5 }}",
        timeout=20_000,
    )
    frame_time = page.evaluate(f"() => {PLAYER_JS}.frameTime")
    assert abs(frame_time - 10.0) <= 0.041, frame_time
    heading = page.get_by_role("heading", name="Feedback on chapter 1, Opening")
    heading.wait_for(timeout=30_000)
    w.wait_idle()
    assert w.rerun_requests == requests + 1  # the marks went to Python once, at the pause
    expect(page.get_by_text("You noticed 1 of 1 rupture, on average 2 s after")).to_be_visible()
    expect(bar).to_have_attribute("data-finished", "false")  # the attempt goes on
    expect(page.locator(".al-practice-status")).to_contain_text("End of a chapter")

    # Space goes on from the chapter's end; Finish scores the whole attempt
    page.locator(".al-player").focus()
    page.keyboard.press(" ")
    page.wait_for_function(
        f"() => {{ const p = {PLAYER_JS}; return !p.video.paused && p.frameTime > 10.2 }}",
        timeout=20_000,
    )
    page.locator(".al-practice-finish").click()
    page.get_by_role("heading", name="Your feedback").wait_for(timeout=30_000)
    expect(page.get_by_text("You noticed 1 of 2 ruptures")).to_be_visible()
    expect(heading).to_have_count(0)
    w.assert_clean()
    context.close()
