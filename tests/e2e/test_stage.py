"""The presenter's console and its stage window, in one Chromium context (issue 13).

The console is the Watch page in presenter mode; the stage is the page it opens. Both follow
each other over a BroadcastChannel; every wait here is on a condition in the pages.
"""

from __future__ import annotations

import contextlib
import json
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT_JS, VIDEO_JS, Watched
from tests.e2e.test_accessibility import BLOCKING, findings
from tests.support.stage_pair import STAGE_JS, STAGE_VIDEO_JS, open_stage
from tests.support.watch_library import SECRET_NOTE

REVEALS = ("Nothing yet", "The client moves away", "Staying curious")
STAGE_ROOT = STAGE_JS
STAGE_VIDEO = STAGE_VIDEO_JS
FRAME = 1 / 25


class Stage:
    """The stage page: its shadow root and video, read in the page."""

    def __init__(self, page) -> None:
        self.page = page

    def js(self, expr: str):
        return self.page.evaluate(
            f"() => {{ const root = {STAGE_ROOT}; const v = {STAGE_VIDEO}; return ({expr}); }}"
        )

    def until(self, expr: str, timeout: float = 30_000) -> None:
        self.page.wait_for_function(
            f"() => {{ const root = {STAGE_ROOT}; if (!root) return false;"
            f" const v = {STAGE_VIDEO}; return !!v && ({expr}); }}",
            timeout=timeout,
        )


def console_until(w: Watched, expr: str, timeout: float = 30_000) -> None:
    w.page.wait_for_function(
        f"() => {{ const root = {ROOT_JS}; const v = {VIDEO_JS}; return !!root && ({expr}); }}",
        timeout=timeout,
    )


def connected(w: Watched) -> str:
    return "root.querySelector('.al-con-status').dataset.state === 'connected'"


def _open_room(browser, server, video: str, size=(1280, 720)):
    """A console (1400×1000) on `video` and the stage it opens (`size`), one context."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    console = Watched(context.new_page(), server)
    console.open(f"video={video}&mode=presenter")
    assert SECRET_NOTE not in console.js("root.innerHTML")  # no stage yet: no notes shown
    stage = Stage(open_stage(context, console.page, size))
    console.js("(root.querySelector('.al-player').focus(), true)")  # keys not to the button
    return console, stage, context, urls


def _close_room(context, urls: list[str]) -> None:
    local = ("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:")
    outside = [u for u in urls if not u.startswith(local)]
    assert not outside, outside
    context.close()


@pytest.fixture
def room(browser, server):
    """A console and its stage on the clip; every URL kept (none may leave the app)."""
    console, stage, context, urls = _open_room(browser, server, "clip")
    yield console, stage, context, urls
    _close_room(context, urls)


def key(w: Watched, name: str) -> None:
    w.page.keyboard.press(name)


def test_console_drives_the_stage_and_the_stage_never_holds_notes_or_answers(room, server):
    console, stage, _context, _urls = room
    # what the stage's page is sent: no notes, no reveal texts, no expected answers
    with urllib.request.urlopen(f"{server.url}/stage-data/clip?tracks=expert,second") as r:
        sent = r.read().decode()
    data = json.loads(sent)
    assert data["mode"] == "stage" and data["tracks"][0]["prompts"]
    assert SECRET_NOTE not in sent and not [t for t in REVEALS if t in sent]
    assert "Withdrawal" not in json.dumps(data["tracks"][0]["prompts"][1].get("expected"))
    # the console shows its notes now that a stage is open
    console_until(console, f"root.innerHTML.includes({SECRET_NOTE!r})")

    # seek on the console: the stage shows the same frame
    console.js("(v.currentTime = 2.2, true)")
    stage.until(f"Math.abs(v.currentTime - 2.2) < {FRAME}")
    # play: the stage plays; pause: it stops on the console's frame
    key(console, "Space")
    stage.until("!v.paused && v.currentTime > 2.2")
    key(console, "Space")
    console_until(console, "v.paused")
    stage.until(
        f"v.paused && Math.abs(v.currentTime - {console.js('v.currentTime')}) < {FRAME / 2 + 1e-3}"
    )

    # PageDown steps through moments: onset 3, repair 5.5, then the choice prompt at 6.02
    for want in (3.0, 5.5, 6.02):
        key(console, "PageDown")
        stage.until(f"Math.abs(v.currentTime - {want}) < {FRAME}")
    key(console, "Space")  # plays into the prompt on this frame: it opens on both
    stage.until("!!root.querySelector('.al-prompt:not([hidden]) .al-question')")
    assert "Which kind of rupture" in stage.js("root.querySelector('.al-question').textContent")
    html = stage.js("root.innerHTML")
    assert SECRET_NOTE not in html and not [t for t in REVEALS if t in html]
    assert stage.js("root.querySelectorAll('.al-choice').length") == 2
    assert stage.js("v.paused")

    # reveal on the console: only now does the stage receive the text
    key(console, "r")
    stage.until("!!root.querySelector('.al-reveal-text')")
    assert "The client moves away" in stage.js("root.querySelector('.al-reveal-text').textContent")
    assert "Withdrawal" in stage.js("root.querySelector('.al-verdict').textContent")
    # question, options and reveal sit beside the picture, whole, in the 1280x720 window
    boxes = stage.js(
        "['.al-stage', '.al-question', '.al-reveal-text', '.al-prompt'].map(s => {"
        " const b = root.querySelector(s).getBoundingClientRect();"
        " return [s, b.left, b.top, b.right, b.bottom]; })"
    )
    picture, question, reveal, box = boxes
    assert picture[3] <= question[1] and box[2] >= 0 and box[4] <= 720, boxes
    assert reveal[4] <= box[4] and stage.js("root.querySelector('.al-prompt').scrollTop") == 0

    # blank and back (B and .)
    key(console, "b")
    stage.until("!root.querySelector('.al-blank').hidden")
    assert stage.js("getComputedStyle(root.querySelector('.al-blank')).backgroundColor") == (
        "rgb(0, 0, 0)"
    )
    key(console, ".")
    stage.until("root.querySelector('.al-blank').hidden")

    # captions and rate follow too
    console.js("(v.playbackRate = 1.5, true)")
    stage.until("v.playbackRate === 1.5")
    key(console, "c")
    stage.until("[...v.textTracks].every(t => t.kind !== 'captions' || t.mode !== 'showing')")

    # continue (PageDown after the reveal): the prompt closes on the stage and it plays
    key(console, "PageDown")
    stage.until("!v.paused && root.querySelector('.al-prompt').hidden")
    key(console, "Space")
    stage.until("v.paused")
    assert SECRET_NOTE not in stage.js("root.innerHTML") + stage.page.content()


def test_stage_fits_1280x720_and_a_reloaded_stage_catches_up(room):
    console, stage, _context, _urls = room
    console.js("(v.currentTime = 9.3, true)")
    stage.until(f"Math.abs(v.currentTime - 9.3) < {FRAME}")
    boxes = stage.js(
        "['.al-stage', '.al-timeline', '.al-side', '.al-cues'].map(s => {"
        " const b = root.querySelector(s).getBoundingClientRect();"
        " return [s, b.left, b.top, b.right, b.bottom]; })"
    )
    for name, left, top, right, bottom in boxes:
        assert 0 <= left < right <= 1280 and 0 <= top < bottom <= 720, (name, boxes)
    video = next(b for b in boxes if b[0] == ".al-stage")
    assert (video[3] - video[1]) >= 0.55 * 1280, boxes  # the picture gets most of the width
    assert stage.page.evaluate(
        "() => document.scrollingElement.scrollHeight <= innerHeight"
        " && document.scrollingElement.scrollWidth <= innerWidth"
    )
    assert "Back on track" in stage.js("root.querySelector('.al-side').textContent")
    stage.page.screenshot(path=str(_shot_dir() / "stage-1280x720.png"))
    stage.page.set_viewport_size({"width": 1920, "height": 1080})
    stage.page.wait_for_function(
        f"() => {STAGE_ROOT}.querySelector('.al-stage').getBoundingClientRect().width > 1100"
    )
    assert stage.page.evaluate(
        "() => document.scrollingElement.scrollHeight <= innerHeight"
        " && document.scrollingElement.scrollWidth <= innerWidth"
    )
    assert stage.js("root.querySelector('.al-side').getBoundingClientRect().bottom") <= 1080

    stage.page.reload()  # a reloaded stage asks and catches up at once
    stage.until(f"Math.abs(v.currentTime - 9.3) < {FRAME} && v.paused", 30_000)
    console_until(console, connected(console))


def test_second_console_is_told_and_can_take_over(room, server):
    first, stage, context, _urls = room
    second = Watched(context.new_page(), server)
    second.open("video=clip&mode=presenter")
    console_until(second, "root.querySelector('.al-con-status').dataset.state === 'busy'")
    assert "Another console drives the stage" in second.js(
        "root.querySelector('.al-con-status').textContent"
    )
    second.js("(v.currentTime = 12, true)")  # a busy console does not move the stage
    console_until(first, connected(first))
    assert abs(stage.js("v.currentTime") - 12) > 1
    second.page.locator(".al-take-over").click()
    console_until(second, connected(second))
    console_until(first, "root.querySelector('.al-con-status').dataset.state === 'busy'")
    stage.until(f"Math.abs(v.currentTime - 12) < {FRAME}")


def test_keyboard_only_run_of_the_sample_from_the_console(room):
    """The whole sample from the console's keyboard (a clicker's keys: PageDown, B, .)."""
    console, stage, _context, _urls = room
    prompt_open = "!!root.querySelector('.al-prompt:not([hidden]) .al-question')"

    def question_on_both(words: str) -> None:
        console_until(console, f"{prompt_open} && root.textContent.includes({words!r})")
        stage.until(f"{prompt_open} && root.textContent.includes({words!r})")

    def reveal_and_go_on() -> None:
        key(console, "PageDown")  # at a prompt: reveal ...
        stage.until("!!root.querySelector('.al-reveal-text')")
        key(console, "PageDown")  # ... then continue
        stage.until("root.querySelector('.al-prompt').hidden && !v.paused")

    def step_to(at: float) -> None:
        key(console, "PageDown")
        stage.until(f"Math.abs(v.currentTime - {at}) < {FRAME}")

    key(console, "Space")
    question_on_both("first moment")
    reveal_and_go_on()
    key(console, "Space")  # pause, then step from moment to moment
    stage.until("v.paused")
    for at in (3.0, 5.5, 6.02):
        step_to(at)
    key(console, "Space")
    question_on_both("Which kind of rupture")
    reveal_and_go_on()
    key(console, "Space")
    stage.until("v.paused")
    for at in (14.0, 15.5):
        step_to(at)
    key(console, "Space")
    question_on_both("What is the therapist doing")
    reveal_and_go_on()
    key(console, "b")  # blank while the end plays, then show the stage again
    stage.until("!root.querySelector('.al-blank').hidden")
    key(console, ".")
    stage.until("root.querySelector('.al-blank').hidden")
    for _ in range(2):
        key(console, "ArrowRight")
    console_until(console, "v.ended", 30_000)
    stage.until("v.paused && v.currentTime > 23", 30_000)
    key(console, "PageUp")  # back to the last moment: the prompt at 15.5 s
    stage.until(f"Math.abs(v.currentTime - 15.5) < {FRAME}")


def test_pointer_and_ink_are_mirrored_on_the_stage(room):
    console, stage, _context, _urls = room
    page = console.page
    box = page.locator(".al-ink").bounding_box()
    assert box and console.js("root.querySelector('.al-ink').classList.contains('is-drawable')")
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    stage.until("root.querySelector('.al-ink').dataset.pointer === '0.5,0.5'")
    page.mouse.down()
    for i in range(1, 8):
        page.mouse.move(cx + 10 * i, cy + 6 * i)
    page.mouse.up()
    stage.until("root.querySelector('.al-ink').dataset.strokes === '1'")
    key(console, "x")  # clear the ink
    stage.until("root.querySelector('.al-ink').dataset.strokes === '0'")
    page.mouse.down()
    for i in range(1, 5):
        page.mouse.move(cx - 10 * i, cy)
    page.mouse.up()
    stage.until("root.querySelector('.al-ink').dataset.strokes === '1'")
    key(console, "Space")  # playing clears it, and the picture is no longer drawable
    stage.until("root.querySelector('.al-ink').dataset.strokes === '0' && !v.paused")
    assert not console.js("root.querySelector('.al-ink').classList.contains('is-drawable')")


def test_room_display_hook_shows_text_over_the_stage(room):
    console, stage, _context, _urls = room
    console.js(
        "(root[Symbol.for('allianceLens.player')][Symbol.for('allianceLens.console')]"
        ".roomDisplay('Withdrawal: 7  Confrontation: 2'), true)"
    )
    stage.until("root.querySelector('.al-room-display').textContent.includes('Withdrawal: 7')")
    assert stage.js("!root.querySelector('.al-room-display').hidden")


def test_watch_address_opens_the_watch_page(watched):
    page = watched.page
    page.goto(f"{watched.server.url}/watch?video=clip&mode=presenter")
    page.locator(".al-player video").wait_for(state="attached", timeout=30_000)
    assert page.url.endswith("/?video=clip&mode=presenter")
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator(".al-open-stage").count() == 1
    watched.assert_clean()


def test_stage_follows_the_consoles_choice_of_tracks(room):
    console, stage, _context, _urls = room
    assert stage.page.url.endswith("/stage/clip?tracks=expert%2Csecond")
    page = console.page
    console.wait_idle()  # the run the stage's connection caused
    page.get_by_text("Video, tracks and mode").click()
    lens = page.get_by_role("button", name="Mentalization lens")
    # leave that track out. A click on the pill can still be lost (1 run in 4 here: the pill
    # stayed pressed, nothing was sent): click again while it is still pressed
    for _ in range(3):
        lens.click()
        with contextlib.suppress(AssertionError):
            expect(lens).to_have_attribute("aria-pressed", "false", timeout=10_000)
            break
    stage.page.wait_for_url("**/stage/clip?tracks=expert", timeout=30_000)
    stage.until("document.body.dataset.following === 'true' && v.readyState >= 2", 30_000)
    console_until(console, connected(console))
    tracks = stage.page.evaluate("() => window.allianceLensStage.p.data.tracks.map(t => t.id)")
    assert tracks == ["expert"]


def test_hostile_commentary_runs_nothing_on_the_stage(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    console = Watched(context.new_page(), server)
    console.open("video=xss&mode=presenter")
    stage = Stage(open_stage(context, console.page))
    console.js("(v.currentTime = 19.9, v.play(), true)")  # into the hostile prompt at 20 s
    stage.until("!!root.querySelector('.al-prompt:not([hidden]) .al-question')")
    console.page.keyboard.press("r")
    stage.until("!!root.querySelector('.al-reveal-text')")
    assert stage.page.evaluate("() => window.__pwned === undefined")
    assert stage.js("root.querySelectorAll('script, iframe, img[src=x]').length") == 0
    local = ("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:")
    assert not [u for u in urls if not u.startswith(local)]
    context.close()


# the stage's reveal, as the room sees it: every box wholly in the window, none cut off
REVEAL_FITS = """(() => {
  const out = [];
  for (const s of ['.al-prompt', '.al-reveal-view', '.al-verdict', '.al-question']) {
    const n = root.querySelector(s);
    const b = n.getBoundingClientRect();
    if (b.top < 0 || b.left < 0 || b.bottom > innerHeight + 0.5 || b.right > innerWidth + 0.5
        || n.scrollHeight > n.clientHeight + 1) out.push([s, b.top, b.bottom, n.scrollHeight,
        n.clientHeight, innerHeight]);
  }
  const view = root.querySelector('.al-reveal-view');
  const paged = root.querySelector('.al-prompt').classList.contains('is-paged');
  if (!paged && view.scrollWidth > view.clientWidth + 1) out.push('reveal cut off at the side');
  const beside = root.querySelector('.al-prompt').getBoundingClientRect().left
    >= root.querySelector('.al-stage').getBoundingClientRect().right;
  if (!beside) out.push('not beside the video');
  const px = parseFloat(getComputedStyle(root.querySelector('.al-reveal-text')).fontSize);
  if (px < 16) out.push(['type too small', px]);
  return out;
})()"""
PAGE_NO = "root.querySelector('.al-page-no')"
CONSOLE_PLAYER = f"{ROOT_JS}[Symbol.for('allianceLens.player')]"


def test_a_long_reveal_fits_the_stage_and_pages_from_the_console(browser, room_server):
    """The room library (conftest's room_server): a prompt at 3.02 s with a reveal far too
    long for one screen."""
    console, stage, context, urls = _open_room(browser, room_server, "room")
    try:
        console.js("(v.currentTime = 2.9, v.play(), true)")  # into the long prompt at 3.02 s
        stage.until("!!root.querySelector('.al-prompt:not([hidden]) .al-question')")
        key(console, "r")
        stage.until(f"!!root.querySelector('.al-reveal-text') && !{PAGE_NO}.closest('[hidden]')")
        assert stage.js(REVEAL_FITS) == []
        page_no = stage.js(f"{PAGE_NO}.textContent")
        first, n = (int(x) for x in page_no.split("/"))
        assert first == 1 and n > 1, page_no
        assert stage.js("root.querySelector('.al-prompt').scrollTop") == 0
        stage.page.screenshot(path=str(_shot_dir() / "stage-long-reveal-1280x720.png"))

        # the console's PageDown turns the stage's page (once the stage has told it how many)
        console.page.wait_for_function(f"() => {CONSOLE_PLAYER}.farPages.can(1)")
        key(console, "PageDown")
        stage.until(f"{PAGE_NO}.textContent === '2/{n}'")
        assert stage.js("root.querySelector('.al-reveal-view').scrollLeft") > 0
        assert stage.js(REVEAL_FITS) == []
        assert stage.js("v.paused") and console.js("v.paused")  # a page turn, not a moment

        # a reloaded stage shows the page the console shows the room
        stage.page.reload()
        stage.until(f"!!root.querySelector('.al-page-no') && {PAGE_NO}.textContent === '2/{n}'")
        assert stage.js(REVEAL_FITS) == []
        key(console, "PageUp")
        stage.until(f"{PAGE_NO}.textContent === '1/{n}'")

        # 1920x1080: still beside the video, whole, in readable type (paged or not)
        stage.page.set_viewport_size({"width": 1920, "height": 1080})
        stage.until("root.querySelector('.al-stage').getBoundingClientRect().width > 1100")
        stage.until("!!root.querySelector('.al-reveal-view')")
        assert stage.js(REVEAL_FITS) == []
        assert stage.page.evaluate("() => document.scrollingElement.scrollHeight <= innerHeight")
        stage.page.screenshot(path=str(_shot_dir() / "stage-long-reveal-1920x1080.png"))

        # a narrow console has no pages of its own (prompt under the video): PageDown still
        # turns the stage's page, and does not go on to the next moment while it has one
        stage_n = int(stage.js(f"{PAGE_NO}.textContent").split("/")[1])
        assert stage_n > 1 and stage.js(f"{PAGE_NO}.textContent") == f"1/{stage_n}"
        console.page.set_viewport_size({"width": 700, "height": 900})
        console.page.wait_for_function(f"() => {CONSOLE_PLAYER}.revealPages === null")
        console.page.wait_for_function(f"() => {CONSOLE_PLAYER}.farPages.can(1)")
        key(console, "PageDown")
        stage.until(f"{PAGE_NO}.textContent === '2/{stage_n}'")
        assert console.js("v.paused && !root.querySelector('.al-prompt').hidden")
    finally:
        _close_room(context, urls)


def _shot_dir():
    from pathlib import Path

    out = Path("/tmp/alliance-lens-stage-shots")
    out.mkdir(exist_ok=True)
    return out


# ---------------------------------------------------------------- accessibility (axe-core)


def _axe(page, scene: str) -> None:
    """axe-core (bundled by axe-playwright-python, no CDN) on the page: nothing serious."""
    result = Axe().run(page)
    blocking = [v for v in result.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{scene}:\n{findings(blocking)}"


SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}


@pytest.mark.parametrize("size", list(SIZES))
def test_axe_on_the_stage_waiting_with_a_cue_with_a_prompt_and_revealed(browser, server, size):
    w, h = SIZES[size]
    # before any console: a calm title card, centred in the window, over everything
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    page.goto(f"{server.url}/stage/clip?tracks=expert,second")
    page.wait_for_function(  # loaded, and following no one
        f"() => {{ const r = {STAGE_JS}; const v = r && r.querySelector('.al-video');"
        " return !!v && v.readyState >= 2 && !document.body.dataset.following; }",
        timeout=30_000,
    )
    card = page.locator(".al-stage-wait")
    expect(card).to_be_visible()
    expect(page.locator(".al-stage-wait-title")).to_have_text("Frame clip")
    box = page.locator(".al-stage-wait-msg").bounding_box()
    assert box and abs(box["x"] + box["width"] / 2 - w / 2) < 2, box  # centred, not at an edge
    assert abs(box["y"] + box["height"] / 2 - h / 2) < h / 6, box
    _axe(page, f"waiting {size}")
    context.close()

    console, stage, context, urls = _open_room(browser, server, "clip", SIZES[size])
    try:
        expect(stage.page.locator(".al-stage-wait")).to_be_hidden()
        # nothing played yet: the commentary's column says what will come there
        expect(stage.page.locator(".al-empty")).to_have_text(
            "Commentary appears here as the video reaches each moment."
        )
        _axe(stage.page, f"connected, at the start {size}")
        console.js("(v.currentTime = 9.3, true)")  # a cue on the stage
        stage.until(f"Math.abs(v.currentTime - 9.3) < {FRAME}")
        stage.until("root.querySelector('.al-side').textContent.includes('Back on track')")
        expect(stage.page.locator(".al-empty")).to_be_hidden()
        _axe(stage.page, f"a cue {size}")
        console.js("(v.currentTime = 5.9, v.play(), true)")  # into the choice prompt at 6.02 s
        stage.until("!!root.querySelector('.al-prompt:not([hidden]) .al-question')")
        _axe(stage.page, f"a prompt {size}")
        key(console, "r")
        stage.until("!!root.querySelector('.al-reveal-text')")
        _axe(stage.page, f"a revealed prompt {size}")
    finally:
        _close_room(context, urls)


# ---------------------------------------------------------------- sound refused by the browser

SOUND_NOTE = "root.querySelector('.al-con-sound')"


@pytest.fixture(scope="module")
def strict_browser(browser):
    """Debian's Chromium with its usual rule: no sound in a window before a click in it."""
    args = [a for a in CHROMIUM_ARGS if not a.startswith("--autoplay-policy")]
    strict = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*args, "--autoplay-policy=document-user-activation-required"],
    )
    yield strict
    strict.close()


def test_a_stage_refused_sound_plays_muted_in_sync_and_the_console_plays_it(strict_browser, server):
    context = strict_browser.new_context(viewport={"width": 1400, "height": 1000})
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    console = Watched(context.new_page(), server)
    console.open("video=clip&mode=presenter")
    # opened by the console's button (a click there), the stage may play with sound
    with context.expect_page() as popup:
        console.page.locator(".al-open-stage").click()
    console.js("(root.querySelector('.al-player').focus(), true)")
    console_until(console, connected(console), 30_000)
    console.js("(v.currentTime = 7, true)")  # clear of the prompts at 6.02 and 15.5 s
    key(console, "Space")
    opened = Stage(popup.value)
    opened.until("!v.paused && !v.muted", 30_000)
    assert console.js(f"v.muted && {SOUND_NOTE}.hidden")  # one window plays the sound
    key(console, "Space")
    opened.until("v.paused")
    opened.page.close()  # the presenter closes it, and later opens the address by hand
    console_until(console, f"!({connected(console)})")

    # a stage opened without a click (its address typed, or restored): the browser refuses its
    # sound. It is left alone until it has tried to play, since a Playwright evaluation in a
    # page counts as a click there (user activation) and would let it play with sound.
    stage = Stage(context.new_page())
    stage.page.set_viewport_size({"width": 1280, "height": 720})
    stage.page.goto(f"{server.url}/stage/clip?tracks=expert%2Csecond")
    console_until(console, connected(console), 30_000)
    key(console, "Space")
    # the console says so and plays the sound itself (same computer, same speakers)
    console_until(console, f"!v.paused && !{SOUND_NOTE}.hidden && !v.muted", 30_000)
    assert "click once in the stage window" in console.js(f"{SOUND_NOTE}.textContent")
    stage.until("!v.paused && v.muted", 30_000)  # the stage plays on, muted
    expect(stage.page.locator(".al-sound")).to_be_visible()
    _axe(stage.page, "sound refused")  # (an evaluation there: from now on it may have sound)

    # sync holds: a pause lands on the console's frame, a seek follows
    key(console, "Space")
    console_until(console, "v.paused")
    stage.until(
        f"v.paused && Math.abs(v.currentTime - {console.js('v.currentTime')}) < {FRAME / 2 + 1e-3}"
    )
    console.js("(v.currentTime = 9.3, true)")
    stage.until(f"Math.abs(v.currentTime - 9.3) < {FRAME}")

    # one click in the stage window moves the sound there; the console is muted again
    stage.page.locator(".al-sound").click()
    stage.until("!v.muted && root.querySelector('.al-sound').hidden")
    console_until(console, f"v.muted && {SOUND_NOTE}.hidden")
    key(console, "Space")
    stage.until("!v.paused && !v.muted")
    console_until(console, "!v.paused && v.muted")
    key(console, "Space")
    stage.until("v.paused")
    _close_room(context, urls)
