"""The player in a real browser against the real app (see conftest.py).

Frame-exactness is read from the picture: the clip shows its frame number as a block
strip, decoded from a screenshot of the <video> element (tools.clips).
"""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import VIDEO_JS, Watched, is_rerun_request, start_server, stop_server
from tests.support.watch_library import FPS, SECRET_NOTE
from tools.clips import decode_frame_number

pytestmark = pytest.mark.e2e


def frame_on_screen(w: Watched) -> int | None:
    return decode_frame_number(w.page.locator(".al-video").screenshot())


def wait_prompt(w: Watched, timeout: float = 20_000) -> None:
    w.page.locator(".al-prompt").wait_for(state="visible", timeout=timeout)
    w.page.wait_for_function(
        f"() => {{ const v = {ROOT}.querySelector('.al-video'); return v.paused && !v.seeking }}",
        timeout=5000,
    )


ROOT = (
    "([...document.querySelectorAll('*')].map(e => e.shadowRoot)"
    ".find(r => r && r.querySelector('.al-player')))"
)


def expect_frame(w: Watched, at_s: float, timeout: float = 5.0) -> None:
    """The paused picture settles on the frame covering ``at_s`` (retried like ``expect``:
    the compositor may show the paused frame a moment after the pause; the video is paused
    and not seeking, so nothing but the player's own snap could change the picture)."""
    want = int(at_s * FPS + 1e-6)
    deadline = time.monotonic() + timeout
    got = frame_on_screen(w)
    while got != want and time.monotonic() < deadline:
        got = frame_on_screen(w)
    assert got == want, f"prompt at {at_s}s: frame {got} on screen, expected {want}"


def test_learner_flow_prompts_pause_on_the_covering_frame(watched):
    w = watched
    page = w.open("video=clip&mode=learner")
    w.wait_idle()
    page.locator(".al-play").click()

    # a prompt in the first second
    wait_prompt(w)
    expect_frame(w, 0.52)
    assert page.locator(".al-prompt").get_by_text("What do you notice").is_visible()
    assert "Pause and reflect" in w.js("root.querySelector('[aria-live=assertive]').textContent")
    page.locator(".al-answer").fill("Calm at first")
    page.locator(".al-reveal").click()
    assert page.locator(".al-reveal-text").get_by_text("settling in").is_visible()
    w.wait_idle()
    # the answer reached Python: it comes back in the player's data as the prompt's tick
    # (how many runs that took is Streamlit's business: it folds a request into a running run)
    expect(page.locator(".al-promptmark.is-done")).to_have_count(1, timeout=20_000)
    page.locator(".al-continue").click()
    page.wait_for_function(f"() => !{ROOT}.querySelector('.al-video').paused")

    # the running commentary follows the playhead (cuechange), in both tracks
    page.wait_for_function(f"() => {ROOT}.querySelector('li.is-active[data-id=c1]')", timeout=5000)
    page.wait_for_function(f"() => {ROOT}.querySelector('li.is-active[data-id=m1]')", timeout=5000)
    page.wait_for_function(f"() => {ROOT}.querySelector('li.is-active[data-id=c2]')", timeout=5000)
    # spoiler-free: a cue not yet played is not even in the DOM
    assert w.js("root.querySelector('li[data-id=c4]') === null")
    assert w.js("!root.querySelector('li[data-id=c1]').hidden")

    # a prompt reached after a seek; the answer given by choice, revealed with R
    w.js("(v.currentTime = 5.0, true)")
    wait_prompt(w)
    expect_frame(w, 6.02)
    page.locator(".al-choice input[value=Withdrawal]").check()
    page.keyboard.press("r")
    assert "the same as the expert" in page.locator(".al-verdict").inner_text()
    # stop and rewind: back to the episode's onset (3.0 s), playing again
    page.locator(".al-rewind").click()
    page.wait_for_function(f"() => !{ROOT}.querySelector('.al-video').paused")
    # pause at once: on a loaded machine the re-armed 6.02 s prompt could fire before the
    # next step and be mistaken for the one at 15.5 s
    t = w.js("(v.pause(), v.currentTime)")
    assert 3.0 <= t < 3.6, t

    # a prompt reached at playback rate 2
    # seek while paused and play once it is done: a bare currentTime write (not the player's
    # seek) re-arms in the "seeking" event, which under load can come after the new frame
    page.evaluate(
        "() => new Promise((done) => { const v = "
        + VIDEO_JS
        + "; v.addEventListener('seeked', done, { once: true });"
        " v.playbackRate = 2; v.currentTime = 14.0; })"
    )
    w.js("(v.play(), true)")
    wait_prompt(w)
    expect_frame(w, 15.5)
    w.assert_clean()


def test_answer_reaches_python_and_is_shown_on_revisit(watched):
    w = watched
    page = w.open("video=clip&mode=learner")
    page.locator(".al-play").click()
    wait_prompt(w)
    page.locator(".al-answer").fill("My first answer")
    page.locator(".al-reveal").click()
    page.locator(".al-continue").click()
    # revisit the prompt: the answer came back from Python in the data (its tick shows it)
    expect(page.locator(".al-promptmark.is-done")).to_have_count(1)
    w.wait_idle()
    w.js("(v.currentTime = 0, true)")
    page.locator(".al-play").click() if w.js("v.paused") else None
    wait_prompt(w)
    assert page.locator(".al-earlier").get_by_text("My first answer").is_visible()
    # the answered prompt is marked done on the timeline; the others are not
    done = page.locator(".al-promptmark.is-done")
    assert done.count() == 1 and done.get_attribute("aria-label").startswith("Answered")
    assert page.locator(".al-promptmark:not(.is-done)").count() >= 1
    w.assert_clean()


def test_timeline_and_jump_list_seek(watched):
    w = watched
    page = w.open("video=clip&mode=review")
    page.locator(".al-jumpbtn", has_text="Second half").click()
    assert abs(w.js("v.currentTime") - 10.0) < 0.05
    page.locator(".al-jumpbtn", has_text="Goes quiet").click()
    assert abs(w.js("v.currentTime") - 3.0) < 0.05
    page.locator(".al-episode").nth(1).click()  # Pushes back, onset 14 s
    assert abs(w.js("v.currentTime") - 14.0) < 0.05
    box = page.locator(".al-timeline").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + 6)  # chapter row, no marker
    assert abs(w.js("v.currentTime") - 6.0) < 0.3
    # hover shows the vocabulary labels; Enter on a focused marker seeks
    page.locator(".al-episode").first.hover()
    tip = page.locator(".al-tip")
    assert "Minimal response" in tip.inner_text()
    page.locator(".al-repair").first.focus()
    assert "Invites the client" in tip.inner_text()
    page.keyboard.press("Enter")
    assert abs(w.js("v.currentTime") - 5.5) < 0.05
    w.assert_clean()


def test_timeline_tooltip_shows_the_onset_frame(watched):
    w = watched
    page = w.open("video=clip&mode=review")
    page.locator(".al-episode").first.hover()
    img = page.locator(".al-tip img.al-tip-thumb")
    img.wait_for(state="visible", timeout=5000)
    assert img.get_attribute("src").startswith("data:image/jpeg;base64,")
    assert w.js("root.querySelector('.al-tip-thumb').naturalWidth") == 160
    # the picture on screen is the onset's frame: 3.0 s is frame 75
    assert decode_frame_number(img.screenshot()) == 75
    assert "Goes quiet" in page.locator(".al-tip").inner_text()
    page.mouse.move(0, 0)
    assert w.js("root.querySelectorAll('.al-tip img').length") == 0  # cleared when hidden
    # learners: no span (so no tooltip, no picture) before the video reaches the onset
    page = w.open("video=clip&mode=learner")
    assert w.js("[...root.querySelectorAll('.al-episode')].every(e => e.hidden)")
    w.assert_clean()


def test_learner_cannot_jump_to_ruptures_not_yet_played(watched):
    w = watched
    page = w.open("video=clip&mode=learner")
    page.locator(".al-time").click()
    page.keyboard.press("]")  # nothing played yet: no rupture to jump to
    page.keyboard.press("n")
    assert w.js("v.currentTime") < 0.3
    w.assert_clean()


def test_every_keyboard_shortcut(watched):
    w = watched
    page = w.open("video=clip&mode=review")
    page.locator(".al-time").click()  # focus nothing in particular
    near = lambda t: abs(w.js("v.currentTime") - t) < 0.3  # noqa: E731
    page.keyboard.press("Space")
    page.wait_for_function(f"() => !{ROOT}.querySelector('.al-video').paused")
    page.keyboard.press("Space")
    assert w.js("v.paused")
    w.js("(v.currentTime = 8, true)")
    page.keyboard.press("ArrowRight")
    assert near(13)
    page.keyboard.press("ArrowLeft")
    assert near(8)
    page.keyboard.press("]")
    assert near(14)
    page.keyboard.press("[")
    assert near(3)
    page.keyboard.press("n")
    assert near(4)
    page.keyboard.press("n")
    assert near(8)
    page.keyboard.press("p")
    assert near(4)
    cc = "[...v.textTracks].find(t => t.kind === 'captions').mode"
    before = w.js(cc)
    page.keyboard.press("c")
    assert w.js(cc) != before
    page.keyboard.press("?")
    assert page.locator(".al-helpbox").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator(".al-helpbox").is_visible()
    page.keyboard.press("f")
    page.wait_for_function("() => !!document.fullscreenElement", timeout=3000)
    page.keyboard.press("f")
    page.wait_for_function("() => !document.fullscreenElement", timeout=3000)
    # R at a prompt: in learner mode (review never pauses)
    page = w.open("video=clip&mode=learner")
    page.locator(".al-time").click()
    page.keyboard.press("Space")
    wait_prompt(w)
    page.locator(".al-prompt-title").click()  # out of the text box: keys are shortcuts again
    page.keyboard.press("r")
    assert page.locator(".al-reveal-text").is_visible()
    w.assert_clean()


def test_typing_in_a_text_field_is_not_a_shortcut(watched):
    w = watched
    page = w.open("video=clip&mode=learner")
    page.locator(".al-play").click()
    wait_prompt(w)
    page.locator(".al-answer").press_sequentially("nrc f ")
    assert page.locator(".al-answer").input_value() == "nrc f "
    assert w.js("v.paused") and not page.locator(".al-reveal-text").is_visible()
    w.assert_clean()


def test_presenter_mode_large_text_no_notes_no_text_box(watched):
    w = watched
    page = w.open("video=clip&mode=review")
    learner_size = float(
        w.js("parseFloat(getComputedStyle(root.querySelector('.al-cue-text')).fontSize)")
    )
    assert SECRET_NOTE in w.js("root.innerHTML")  # review shows them: the check is real
    page = w.open("video=clip&mode=presenter")
    w.js("(v.currentTime = 9, true)")
    page.wait_for_function(f"() => {ROOT}.querySelector('li[data-id=c4]:not([hidden])')")
    size = float(
        w.js(
            "parseFloat(getComputedStyle("
            "root.querySelector('li[data-id=c4] .al-cue-text')).fontSize)"
        )
    )
    assert size >= 1.5 * learner_size, (size, learner_size)
    assert SECRET_NOTE not in page.content() and SECRET_NOTE not in w.js("root.innerHTML")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('[data-testid="stHeader"]').is_visible()
    w.js("(v.currentTime = 0, true)")
    page.locator(".al-play").click()
    wait_prompt(w)
    assert page.locator(".al-answer").count() == 0
    assert "Question for the room" in page.locator(".al-prompt-title").text_content()
    page.locator(".al-prompt-title").click()
    page.keyboard.press("r")
    assert page.locator(".al-reveal-text").is_visible()
    w.assert_clean()


def test_hostile_track_executes_nothing(watched):
    w = watched
    page = w.open("video=xss&mode=review")
    for loc in page.locator(".al-episode, .al-marker, .al-cue a, .al-cue b").all():
        loc.hover()
    page.locator(".al-jumpbtn").first.click()
    for link in page.locator(".al-cue-text a").all():
        link.click()
    # let anything the clicks started run: two rendering frames and a task after them
    page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
        "() => setTimeout(r, 0))))"
    )
    assert page.evaluate("() => window.__pwned") is None
    assert w.dialogs == []
    assert w.js("root.querySelectorAll('script, img, svg, iframe').length") == 0
    # hostile text is shown as text
    assert "window.__pwned=3" in w.js("root.querySelector('li[data-id=x1]').textContent")
    assert not any(u.endswith("/x") or "example.com" in u for u in w.requests)
    w.assert_clean()


def test_no_rerun_during_ten_seconds_of_playback(watched):
    # Counted from outside, in the websocket: the server's script_finished messages and the
    # browser's rerun_script requests (every trigger is one). Ten seconds of video, however
    # long they take on this machine.
    w = watched
    page = w.open("video=clip&mode=review")
    w.wait_idle()
    runs, asks = w.script_runs, w.rerun_requests
    page.locator(".al-play").click()
    page.wait_for_function(
        f"() => {{ const v = {ROOT}.querySelector('.al-video'); return v.currentTime >= 10 }}",
        timeout=60_000,
    )
    assert not w.js("v.paused")
    assert (w.script_runs, w.rerun_requests) == (runs, asks)
    # the pause is a deliberate moment: one rerun, and the count sees it
    with w.ws.expect_event("framesent", predicate=is_rerun_request):
        w.js("v.pause()")
    w.wait_idle()
    assert (w.script_runs, w.rerun_requests) == (runs + 1, asks + 1)
    w.assert_clean()


def test_author_mode_marks_the_frame_on_screen(browser, e2e_library, tmp_path):
    srv, out = start_server("tests/e2e/apps/author_app.py", e2e_library, tmp_path)
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        w = Watched(context.new_page(), srv)
        page = w.open("")
        w.js("(v.currentTime = 2.5, true)")
        # the frame on screen is the one the mark must carry: wait until the player has it
        page.wait_for_function(
            f"() => {{ const r = {ROOT}; const p = r[Symbol.for('allianceLens.player')];"
            " return !p.video.seeking && Math.round(p.frameTime * 25) === 62 }"
        )
        page.locator(".al-time").click()
        page.keyboard.press("o")
        page.locator(".al-mark[data-kind=chapter]").click()
        page.get_by_text('"kind": "chapter"').wait_for(timeout=10_000)
        marks = json.loads(page.locator("code").last.inner_text())
        assert [m["kind"] for m in marks] == ["onset", "chapter"]
        # the time of the frame on screen (frame 62 covers 2.48-2.52 s), not currentTime
        shown = frame_on_screen(w)
        assert shown == 62
        assert all(m["at_ms"] == shown * 1000 // FPS for m in marks), marks
        w.assert_clean()
        context.close()
    finally:
        stop_server(srv, out)
