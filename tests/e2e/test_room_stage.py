"""The live room on the stage (issues 15 x 13): the console opens a room and its stage window;
two participants (one on a phone viewport) answer a free-text and a choice prompt; the tally
shows on the console, and on the stage only once the presenter chooses it; an unapproved answer
never reaches the stage's DOM, an approved one does, as text; after the clip the stage shows
the room's taps against the expert onsets, and a new tap moves that score with no Streamlit
rerun. No request leaves 127.0.0.1 and the stage never
sees the room's presenter key (its DOM, storage, requests)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg

from tests.e2e.conftest import Watched, is_rerun_request
from tests.e2e.test_room import PHONE, _participant
from tests.e2e.test_stage import Stage, connected, console_until

pytestmark = pytest.mark.e2e
UNAPPROVED = "UNAPPROVED-ANSWER-never-on-stage"
APPROVED = 'Goes quiet <img src=x onerror="window.__pwned=1"> after the question'
PANEL = "root.querySelector('.al-room-panel')"
STRIP = "root.querySelector('.al-room-strip')"


def _show(page, label: str) -> None:
    page.get_by_test_id("stButtonGroup").get_by_text(label, exact=True).click()


def _script_reruns(console: Watched) -> list[int]:
    """From now on, how many whole-script reruns the console's browser asks for (a fragment's
    timed rerun names its fragment and runs only the room panel, never the player)."""
    asked = [0]

    def sent(payload) -> None:
        if is_rerun_request(payload) and not BackMsg.FromString(payload).rerun_script.fragment_id:
            asked[0] += 1

    assert console.ws is not None
    console.ws.on("framesent", sent)
    return asked


def _focus_player(console: Watched) -> None:
    console.js("(root.querySelector('.al-player').focus(), true)")


def test_the_room_reaches_the_stage_only_as_the_presenter_chooses(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    urls: list[str] = []
    keys: set[str] = set()
    stage_requests: list[tuple[str, dict[str, str]]] = []

    def seen(r) -> None:
        urls.append(r.url)
        if r.headers.get("x-room-key"):
            keys.add(r.headers["x-room-key"])

    context.on("request", seen)
    console = Watched(context.new_page(), server)
    page = console.open("video=clip&mode=presenter")
    with context.expect_page() as popup:
        page.locator(".al-open-stage").click()
    stage = Stage(popup.value)
    stage.page.on("request", lambda r: stage_requests.append((r.url, r.headers)))
    stage.page.set_viewport_size({"width": 1280, "height": 720})
    console_until(console, connected(console))
    stage.until("v.readyState >= 2 && document.body.dataset.following === 'true'", 30_000)

    page.get_by_text("Live room").click()
    page.get_by_label("Join address").fill(server.url)
    page.get_by_role("button", name="Open a room").click()
    code_el = page.locator("code").filter(has_text=re.compile(r"^[2-9A-Z]{8}$"))
    expect(code_el).to_be_visible(timeout=30_000)
    code = code_el.text_content()
    assert code
    console.wait_idle()
    phone_ctx, phone = _participant(browser, server, code, "", **PHONE)
    laptop_ctx, laptop = _participant(browser, server, code, "Ana")
    expect(page.get_by_text("2 joined")).to_be_visible(timeout=15_000)

    # the free-text prompt at 0.52 s: both answer
    console.js("(v.currentTime = 0.2, v.play(), true)")
    for p in (phone.page, laptop.page):
        expect(p.locator("#question")).to_have_text("What do you notice in the first moment?")
    phone.page.locator("#answer-text").fill(UNAPPROVED)
    phone.page.get_by_role("button", name="Send answer").click()
    expect(phone.page.locator("#status")).to_contain_text("saved")
    laptop.page.locator("#answer-text").fill(APPROVED)
    laptop.page.get_by_role("button", name="Send answer").click()
    expect(laptop.page.locator("#status")).to_contain_text("saved")
    expect(page.get_by_text("2 answered (open)")).to_be_visible(timeout=15_000)
    expect(page.get_by_text(UNAPPROVED)).to_be_visible()

    # on the console, not yet on the stage: the presenter has chosen nothing
    _show(page, "Approved answers")
    stage.until(f"!{PANEL}.hidden && {PANEL}.textContent.includes('No answers shown yet')")
    assert "Goes quiet <img" not in stage.js("root.textContent")
    # approve one answer (the laptop's, the second): it shows, as text; the other never does
    page.get_by_text("Show on stage").nth(1).click()
    stage.until(f"{PANEL}.textContent.includes({APPROVED!r})")
    assert UNAPPROVED not in stage.js("document.documentElement.outerHTML + root.innerHTML")
    assert stage.js(f"{PANEL}.querySelectorAll('img').length") == 0
    assert stage.js("window.__pwned === undefined")

    # the choice prompt at 6.02 s: reveal and continue the first, play into the second
    _focus_player(console)
    console.page.keyboard.press("PageDown")  # reveal
    console.page.keyboard.press("PageDown")  # continue
    for p in (phone.page, laptop.page):
        expect(p.locator("#question")).to_have_text(
            "Which kind of rupture is this?", timeout=20_000
        )
    phone.page.get_by_label("Withdrawal").check()
    phone.page.get_by_role("button", name="Send answer").click()
    laptop.page.get_by_label("Confrontation").check()
    laptop.page.get_by_role("button", name="Send answer").click()
    expect(laptop.page.locator("#status")).to_contain_text("saved")
    expect(page.get_by_text("1 · Withdrawal")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("1 · Confrontation")).to_be_visible()
    stage.until(f"{PANEL}.textContent.includes('Which kind of rupture is this?')")
    assert "1 · 50%" not in stage.js("root.textContent")  # bars are not chosen yet
    _show(page, "Choice bars")
    stage.until(f"{PANEL}.textContent.includes('1 · 50%')")
    stage.until(f"{PANEL}.textContent.includes('2 answers')")
    box = stage.js(
        f"[root.querySelector('.al-stage'), {PANEL}].map(e => {{"
        " const b = e.getBoundingClientRect(); return [b.left, b.right, b.bottom]; })"
    )
    assert box[1][0] >= box[0][1] and box[1][2] <= 720  # beside the picture, on the screen

    # continue: the room taps while it plays (inside the first rupture's window, 3-13 s)
    _focus_player(console)
    console.page.keyboard.press("PageDown")  # reveal
    console.page.keyboard.press("PageDown")  # continue
    expect(phone.page.locator("#tap")).to_be_visible(timeout=15_000)
    phone.page.locator("#tap").click()
    expect(phone.page.locator("#status")).to_contain_text("Rupture noted (1 so far)")
    console.js("(v.pause(), true)")  # after the tap is saved: a paused room refuses taps
    expect(page.get_by_text("1 rupture taps")).to_be_visible(timeout=15_000)
    _show(page, "Tap density")
    stage.until(f"!{STRIP}.hidden && {STRIP}.textContent.includes('taps: 1')")
    assert stage.js(f"{PANEL}.hidden")  # the commentary is back beside the picture
    _show(page, "Room vs expert")
    stage.until(f"{STRIP}.textContent.includes('The room noticed 1 of 2 ruptures')", 20_000)
    assert stage.js(f"{STRIP}.querySelectorAll('.al-room-onset.is-hit').length") == 1
    assert stage.js(f"{STRIP}.querySelectorAll('.al-room-onset.is-miss').length") == 1
    # live: a tap in the second rupture's window (12-24 s) reaches the strip with no rerun
    console.wait_idle()
    asked = _script_reruns(console)  # the room panel's own fragment reruns are not counted
    console.js("(v.playbackRate = 0.25, v.currentTime = 16, v.play(), true)")  # past the prompt
    expect(phone.page.locator("#tap")).to_be_visible(timeout=15_000)
    phone.page.locator("#tap").click()
    expect(phone.page.locator("#status")).to_contain_text("Rupture noted (2 so far)")
    stage.until(f"{STRIP}.textContent.includes('The room noticed 2 of 2 ruptures')", 20_000)
    assert stage.js(f"{STRIP}.querySelectorAll('.al-room-onset.is-hit').length") == 2
    assert asked == [0], "the score waited for a Streamlit rerun"
    console.js("(v.pause(), v.playbackRate = 1, true)")
    _show(page, "Join code")
    stage.until(
        f"root.querySelector('.al-room-join .al-room-code')?.textContent === {code!r}"
        " && root.querySelector('.al-room-qr').complete"
        " && root.querySelector('.al-room-qr').naturalWidth > 0"
    )

    # the stage never holds the key: not in its DOM, its storage or any of its requests
    assert keys, "the console sent no presenter request"
    everything = stage.page.evaluate(
        "() => document.documentElement.outerHTML"
        " + document.getElementById('al-stage-host').shadowRoot.innerHTML"
        " + JSON.stringify(Object.assign({}, localStorage))"
        " + JSON.stringify(Object.assign({}, sessionStorage))"
        " + JSON.stringify(performance.getEntries().map(e => e.name))"
    )
    for key in keys:
        assert key not in everything
        for url, headers in stage_requests:
            assert key not in url and key not in headers.values()
    assert not [u for u, _ in stage_requests if "/presenter" in u]
    local = ("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:")
    for w in (phone, laptop):
        w.assert_clean()
    outside = [u for u in urls if not u.startswith(local)]
    assert not outside, outside
    for ctx in (phone_ctx, laptop_ctx, context):
        ctx.close()
