"""The Watch page with a 5,000-cue track (issue 16 section 3): the commentary list is virtual.

The DOM holds a screenful of cue rows, not 5,000; the active cue is highlighted when its time
is reached (playing and after seeks), seeking to the end shows the last cues, and learner
mode holds only played cues. Speed is shown by bench/player_big_track.py, not asserted here.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ROOT_JS, Watched, start_server, stop_server
from tests.support.watch_library import big_track_yaml, make_long_clip

pytestmark = pytest.mark.e2e

N, SPACING, GROUPS = 5000, 0.2, 20  # 1,000 s of cues, 20 episodes and 20 prompts
MAX_ROWS = 300
ROWS = f"{ROOT_JS}.querySelectorAll('.al-cues li.al-cue')"


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    lib = tmp_path_factory.mktemp("big-lib")
    (lib / "media").mkdir()
    (lib / "commentary").mkdir()
    make_long_clip(lib / "media" / "big.mp4", int(N * SPACING) + 2)
    text = big_track_yaml(N, SPACING, groups=GROUPS, video="big.mp4")
    (lib / "commentary" / "big.yaml").write_text(text, encoding="utf-8")
    srv, out = start_server("app.py", lib, tmp_path_factory.mktemp("big-server"))
    yield srv
    stop_server(srv, out)


@pytest.fixture
def big(browser, big_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    w = Watched(context.new_page(), big_server)
    yield w
    context.close()


def open_big(w: Watched, mode: str):
    # loading 5,000 cues takes the server seconds (far more on a busy machine): wait longer
    # than Watched.open does, on the same conditions
    w.page.goto(f"{w.server.url}/?video=big&mode={mode}")
    w.page.wait_for_function(
        f"() => {{ const r = {ROOT_JS}; const v = r && r.querySelector('.al-video');"
        " return v && v.readyState >= 2 }",
        timeout=180_000,
        polling=250,
    )
    return w.page


def cue_at(t: float) -> int:
    return int(round(t * 1000)) // int(round(SPACING * 1000))


def wait_active(w: Watched, i: int) -> None:
    w.page.wait_for_function(
        f"() => {ROOT_JS}.querySelector('li.al-cue.is-active[data-id=c{i}][aria-current=true]')",
        timeout=30_000,
    )


def in_view(w: Watched, i: int) -> bool:
    return w.js(
        f"(() => {{ const li = root.querySelector('li[data-id=c{i}]');"
        " const a = li.getBoundingClientRect(), b = root.querySelector('.al-cues')"
        ".getBoundingClientRect(); return a.top >= b.top - 1 && a.bottom <= b.bottom + 1; })()"
    )


def test_review_renders_a_window_and_follows_the_playhead(big):
    w = big
    page = open_big(w, "review")
    page.wait_for_function(f"() => {ROWS}.length > 0", timeout=60_000)
    rows = w.js(f"{ROWS}.length")
    assert 0 < rows <= MAX_ROWS, rows
    assert w.js("root.querySelector('li.al-cue').getAttribute('aria-setsize')") == str(N + GROUPS)
    assert w.js("root.querySelector('li[data-id=c0]').getAttribute('aria-posinset')") == "1"

    # playing: the cue under the playhead is highlighted, in view
    w.js("(v.muted = true, v.currentTime = 100.05, v.play(), true)")
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.al-video').currentTime > 101.1")
    t = w.js("(v.pause(), v.currentTime)")
    wait_active(w, cue_at(t))
    assert in_view(w, cue_at(t))
    assert w.js("root.querySelectorAll('li.al-cue.is-active').length") == 1

    # a seek to the end: the last cues are rendered, the last one active and in view
    w.js(f"(v.currentTime = {N * SPACING - 0.1}, true)")
    wait_active(w, N - 1)
    assert in_view(w, N - 1)
    assert w.js(f"!!root.querySelector('li[data-id=c{N - 2}]')")
    assert w.js("!root.querySelector('li[data-id=c0]')")  # the start is no longer in the DOM
    rows = w.js(f"{ROWS}.length")
    assert 0 < rows <= MAX_ROWS, rows

    # and back to the start (the list scrolls back, rows are rebuilt there)
    w.js("(v.currentTime = 1.05, true)")
    wait_active(w, cue_at(1.05))
    assert in_view(w, cue_at(1.05))

    # a keyboard user in the list keeps focus when the playhead moves far away
    page.locator(f"li[data-id=c{cue_at(1.05)}] .al-cue-time").focus()
    w.js("(v.currentTime = 500.1, true)")
    page.wait_for_function(
        f"() => [...{ROOT_JS}.querySelector('.al-video').textTracks]"
        ".some((t) => t.kind === 'metadata' && t.activeCues.length"
        f" && t.activeCues[0].id.endsWith('c{cue_at(500.1)}'))"
    )
    focused = "root.activeElement && root.activeElement.closest('li').dataset.id"
    assert w.js(focused) == f"c{cue_at(1.05)}"
    w.assert_clean()


def test_learner_holds_only_played_cues(big):
    w = big
    page = open_big(w, "learner")
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.al-episode')", timeout=60_000)
    assert w.js(f"{ROWS}.length") == 1  # c0 starts at 0: played as soon as the video is there
    at = 500.1  # paused seeks: no prompt opens; reached moves on with the seek
    w.js(f"(v.currentTime = {at}, true)")
    i = cue_at(at)
    wait_active(w, i)
    assert in_view(w, i)
    assert w.js(f"!root.querySelector('li[data-id=c{i + 1}]')")  # not played: not in the DOM
    assert w.js("root.querySelector('li.al-cue').getAttribute('aria-setsize')") == str(i + 1)
    rows = w.js(f"{ROWS}.length")
    assert 0 < rows <= MAX_ROWS, rows
    # prompts stay out of the learner's list, and their questions out of the page
    assert w.js("!root.querySelector('.al-cue-prompt')")
    assert "What happens at moment 3?" not in w.js("root.innerHTML")
    w.assert_clean()


def test_the_track_comes_once_by_url_and_its_prompts_still_fire(big):
    """The 5,000 cues are not in the component data: the player fetches them once from the
    app's route (reruns reuse them) and a prompt armed from that data pauses the video."""
    w = big
    frames: list[int] = []
    w.page.on("websocket", lambda ws: ws.on("framereceived", lambda b: frames.append(len(b))))
    page = open_big(w, "learner")
    page.wait_for_function(f"() => {ROOT_JS}.querySelector('.al-episode')", timeout=60_000)
    fetched = [u for u in w.requests if "/library-tracks/" in u]
    assert len(fetched) == 1, fetched
    assert max(frames) < 200_000  # the data frame carries the URL, not ~1 MB of cues
    period = N * SPACING / GROUPS
    at = round(0.83 * period, 3)  # prompt p0
    w.js(f"(v.muted = true, v.currentTime = {at - 0.6}, v.play(), true)")
    page.locator(".al-prompt").wait_for(state="visible", timeout=30_000)
    assert page.locator(".al-prompt").get_by_text("What happens at moment 0?").is_visible()
    assert w.js("v.paused")
    w.wait_idle()  # the prompt's position report reran the script: the data came again
    assert [u for u in w.requests if "/library-tracks/" in u] == fetched
    w.assert_clean()
