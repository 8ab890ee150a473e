"""The Author page in a real browser: mark with keys at the frame on screen, edit, save.

Uses the player engineer's fixtures (conftest.py) with a server of its own: the test writes
to its library and needs a private data folder for drafts.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from alliance_lens import authoring as au
from alliance_lens.trackfile import parse_commentary
from alliance_lens.vocabulary import load_vocabulary
from tests.e2e.conftest import VIDEO_JS, Watched, start_server, stop_server
from tests.support.watch_library import FPS, build_library
from tools.clips import decode_frame_number

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def author_server(tmp_path_factory):
    root = build_library(tmp_path_factory.mktemp("author-lib"), extra=False)
    data = tmp_path_factory.mktemp("author-data")
    old = os.environ.get("ALLIANCE_LENS_DATA")
    os.environ["ALLIANCE_LENS_DATA"] = str(data)  # start_server copies os.environ
    try:
        srv, out = start_server("app.py", root, tmp_path_factory.mktemp("author-srv"))
    finally:
        if old is None:
            os.environ.pop("ALLIANCE_LENS_DATA", None)
        else:
            os.environ["ALLIANCE_LENS_DATA"] = old
    yield srv, root, data
    stop_server(srv, out)


@pytest.fixture
def author(browser, author_server):
    srv, root, data = author_server
    context = browser.new_context(viewport={"width": 1440, "height": 1400})
    w = Watched(context.new_page(), srv)
    yield w, root, data
    context.close()


def until(check: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    """Poll a condition that only Python can judge (a file, a decoded picture) until it holds."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)  # the polling interval, not a wait for something to happen
    return value


def seek(w: Watched, seconds: float) -> None:
    """Seek the paused video; return once the frame there is presented.

    A frame callback registered now runs after the player's own (registered earlier) for
    the same presented frame: when it has seen the target frame, so has the player.
    """
    w.page.evaluate(
        f"""() => {{
          const v = {VIDEO_JS}, target = Math.floor({seconds} * {FPS} + 1e-6);
          window.__alSeekDone = false;
          const check = (now, meta) => {{
            if (Math.round(meta.mediaTime * {FPS}) === target) window.__alSeekDone = true;
            else v.requestVideoFrameCallback(check);
          }};
          v.requestVideoFrameCallback(check);
          v.pause();
          v.currentTime = {seconds};
        }}"""
    )
    w.page.wait_for_function("() => window.__alSeekDone === true", timeout=20_000)


def wait_idle(w: Watched) -> None:
    """Wait until Streamlit has finished the rerun in progress (its app root says so)."""
    w.page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=20_000
    )


def press_on_player(w: Watched, key: str) -> None:
    w.page.locator(".al-time").click()  # focus out of any Streamlit input: keys go to the player
    w.page.keyboard.press(key)


def test_mark_with_keys_edit_and_save(author):
    w, root, _data = author
    page = w.page
    page.goto(f"{w.server.url}/author?video=clip")
    page.wait_for_function(
        f"() => {{ const v = {VIDEO_JS}; return v && v.readyState >= 2 }}", timeout=60_000
    )

    seek(w, 9.04)  # frame 226
    press_on_player(w, "o")
    page.get_by_text("choose its type and markers").wait_for(timeout=20_000)
    page.locator('[data-testid="stRadio"]').get_by_text("Confrontation").click()
    # once it has a type, the rupture is on the player's timeline at once
    page.locator(".al-episode[data-type='confrontation'][data-onset='9.04']").wait_for(
        state="attached", timeout=20_000
    )
    wait_idle(w)  # the rerun that sent the type (and draws the marker pills) is over
    # markers are pills: one click each, and they stay on screen for the next pick
    page.locator('[data-testid="stButtonGroup"]').get_by_text(
        "Client rejects therapist intervention", exact=True
    ).click()
    wait_draft(
        _data,
        lambda d: any(
            e.get("markers") == ["rejects_intervention"] for e in d["tracks"][0]["episodes"]
        ),
    )
    wait_idle(w)

    seek(w, 20.0)
    press_on_player(w, "q")
    page.get_by_text("write its question").wait_for(timeout=20_000)
    question = page.get_by_label("Question")
    question.fill("What is the client telling the therapist here?")
    page.locator(".al-time").click()  # blur commits the text area
    page.get_by_text("error(s)").wait_for(state="detached", timeout=20_000)

    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Save these changes").click()  # after the diff
    page.get_by_text("Saved clip.yaml").wait_for(timeout=20_000)

    result = parse_commentary(root / "commentary" / "clip.yaml", vocabulary=load_vocabulary())
    assert result.ok, result.problems
    track = result.doc.tracks[0]
    new = next(e for e in track.episodes if e.id == "ep3")
    frame_ms = 1000 / FPS
    assert abs(new.onset - 9_040) <= frame_ms
    assert new.type == "confrontation" and new.markers == ("rejects_intervention",)
    prompt = next(p for p in track.prompts if p.id == "p1")
    assert abs(prompt.at - 20_000) <= frame_ms
    assert prompt.question == "What is the client telling the therapist here?"
    assert not w.outside_requests(), w.outside_requests()


# ---------------------------------------------------------------- author mode keys


def open_clip(w: Watched, data: Path) -> None:
    for old in (data / "drafts").glob("*.yaml"):  # a fresh start: no draft to resume
        old.unlink()
    w.page.goto(f"{w.server.url}/author?video=clip")
    w.page.wait_for_function(
        f"() => {{ const v = {VIDEO_JS}; return v && v.readyState >= 2 }}", timeout=60_000
    )


def frame_on_screen(w: Watched) -> int | None:
    """The frame number burned into the picture on screen."""
    return decode_frame_number(w.page.locator(".al-video").screenshot())


def wait_still(w: Watched) -> None:
    w.page.wait_for_function(
        f"() => {{ const v = {VIDEO_JS}; return v.paused && !v.seeking && v.readyState >= 2 }}"
    )


def settled_frame(w: Watched) -> int:
    """The frame on screen once the video is still: two pictures in a row agree."""
    wait_still(w)
    seen: list[int | None] = [frame_on_screen(w)]

    def agreed() -> tuple[int] | None:  # a tuple: frame 0 is a frame, not "no answer"
        seen.append(frame_on_screen(w))
        return (seen[-1],) if seen[-1] is not None and seen[-1] == seen[-2] else None

    return until(agreed, "a still picture")[0]


def wait_frame(w: Watched, want: int, timeout: float = 15) -> None:
    """Wait until the still picture on screen is frame ``want``."""
    wait_still(w)
    seen: list[int | None] = []

    def shown() -> bool:
        seen.append(frame_on_screen(w))
        return seen[-1] == want

    try:
        until(shown, f"frame {want} on screen", timeout)
    except AssertionError:
        raise AssertionError(f"frame {seen[-1]} on screen, expected {want}") from None


def wait_draft(data: Path, check: Callable[[dict[str, Any]], bool], timeout: float = 60) -> dict:
    def matching() -> dict[str, Any] | None:
        draft = au.read_draft("clip", data)
        return draft.draft if draft is not None and check(draft.draft) else None

    return until(matching, "the draft file to change", timeout)


def new_cue(d: dict[str, Any]) -> dict[str, Any] | None:
    return next((c for c in d["tracks"][0].get("cues", []) if c.get("text") == ""), None)


def test_frame_step_keys_move_the_picture_by_exactly_one_frame(author):
    w, _root, data = author
    open_clip(w, data)
    page = w.page
    seek(w, 9.05)  # inside frame 226
    wait_frame(w, 226)
    press_on_player(w, ".")
    wait_frame(w, 227)
    page.keyboard.press(",")
    page.keyboard.press(",")  # the second press counts from the frame the first asked for
    wait_frame(w, 225)
    page.keyboard.press("Shift+Period")  # 9.00 s + 100 ms = 9.10 s: frame 227
    wait_frame(w, 227)
    page.keyboard.press("Shift+Comma")  # 9.08 s - 100 ms = 8.98 s: frame 224
    wait_frame(w, 224)
    # from playback: a step pauses, then moves one frame from the frame it paused on
    w.page.evaluate(f"() => {{ const v = {VIDEO_JS}; window.__alFrom = v.currentTime; v.play(); }}")
    w.page.wait_for_function(  # playing, and a few frames on (media time, not wall time)
        f"() => {{ const v = {VIDEO_JS};"
        " return !v.paused && v.currentTime > window.__alFrom + 0.2 }"
    )
    page.keyboard.press(".")
    first = settled_frame(w)
    assert first > 224  # it paused where playback had got to, then stepped on
    page.keyboard.press(".")
    wait_frame(w, first + 1)
    page.locator(".al-step[data-step='-1']").click()  # the buttons do the same
    wait_frame(w, first)
    assert page.locator(".al-helpbox").count() == 1
    page.locator(".al-time").click()
    page.keyboard.press("?")
    help_text = page.locator(".al-helpbox").inner_text()
    for words in ("In: the selected item starts", "Out: the selected item ends", "one frame"):
        assert words in help_text
    assert "Alt+Shift+, / Alt+Shift+." in help_text
    page.keyboard.press("Escape")
    assert not w.outside_requests(), w.outside_requests()


def test_in_out_marks_and_nudges_of_the_selected_item(author):
    w, _root, data = author
    open_clip(w, data)
    page = w.page
    assert page.locator(".al-mark[data-kind=in]").is_disabled()  # nothing selected yet
    assert page.locator(".al-mark[data-kind=out]").is_disabled()
    seek(w, 2.01)  # frame 50
    press_on_player(w, "m")  # a new cue at 2.00 s, selected
    wait_draft(data, lambda d: new_cue(d) is not None)
    page.locator(".al-cue.is-selected").wait_for(timeout=20_000)
    page.locator(".al-mark[data-kind=in]:not([disabled])").wait_for(timeout=20_000)

    seek(w, 2.21)  # frame 55
    press_on_player(w, ".")  # frame 56: in marks the frame on screen, 2.24 s
    wait_frame(w, 56)
    page.keyboard.press("i")
    cue = new_cue(wait_draft(data, lambda d: au.time_ms(new_cue(d)["start"]) == 2_240))
    seek(w, 3.21)  # frame 80
    press_on_player(w, "u")
    cue = new_cue(wait_draft(data, lambda d: au.time_ms(new_cue(d).get("end")) == 3_200))
    assert au.time_ms(cue["start"]) == 2_240

    # Alt+. nudges the selected item one frame later; the player shows its new first frame
    press_on_player(w, "Alt+Period")
    wait_draft(data, lambda d: au.time_ms(new_cue(d)["start"]) == 2_280)
    wait_frame(w, 57)
    page.keyboard.press("Alt+Shift+Comma")  # 100 ms earlier
    wait_draft(data, lambda d: au.time_ms(new_cue(d)["start"]) == 2_180)
    wait_frame(w, 54)  # 2.18 s lies in frame 54 (2.16-2.20 s)
    page.keyboard.press("Alt+Comma")
    page.keyboard.press("Alt+Comma")  # two presses, one trigger: two frames earlier
    # frame steps land on a frame's first ms: from frame 54 (2.18 s) to frame 52 (2.08 s)
    final = wait_draft(data, lambda d: au.time_ms(new_cue(d)["start"]) == 2_080)
    wait_frame(w, 52)
    assert au.time_ms(new_cue(final)["end"]) == 3_200  # nudges move the start only
    assert page.locator(".al-cue.is-selected").count() == 1
    assert not w.outside_requests(), w.outside_requests()


BLOCKED_JS = (
    "() => { const e = new Event('beforeunload', {cancelable: true});"
    " window.dispatchEvent(e); return e.defaultPrevented; }"
)


def beforeunload_blocked(w: Watched) -> bool:
    return w.page.evaluate(BLOCKED_JS)


def wait_blocked(w: Watched, blocked: bool = True) -> None:
    """Wait until leaving the page would (or would no longer) be held by the player."""
    js = BLOCKED_JS if blocked else f"() => !({BLOCKED_JS})()"
    w.page.wait_for_function(js, timeout=10_000)


def test_unsaved_changes_warn_before_the_page_is_left(author):
    w, _root, data = author
    open_clip(w, data)
    page = w.page
    assert not beforeunload_blocked(w)  # nothing to lose yet
    seek(w, 5.01)
    press_on_player(w, "o")  # a rupture onset without a type: on the timeline at once
    page.locator(".al-episode[data-type=untyped][data-onset='5']").wait_for(timeout=20_000)
    assert page.locator(".al-episode[data-type=untyped] .al-letter").inner_text() == "?"
    wait_blocked(w)
    assert page.locator("script", has_text="beforeunload").count() == 0  # one mechanism
    # the page's only st.html is the save bar's style (no script)
    assert page.locator('[data-testid="stHtml"]', has_text="beforeunload").count() == 0
    assert page.locator("[data-testid='stHtml'] script").count() == 0

    page.get_by_role("button", name="Discard changes").click()
    page.get_by_role("button", name="Discard", exact=True).click()
    page.get_by_text("Changes discarded").wait_for(timeout=20_000)
    wait_blocked(w, False)

    # and the browser really asks: leaving the page with unsaved changes opens its dialog
    # (dismissed by the fixture: the author stays). Headless Chromium shows none for
    # page.close(run_before_unload=True), even on a plain page; navigation does.
    press_on_player(w, "h")
    page.get_by_text("Chapter added").wait_for(timeout=20_000)
    wait_blocked(w)
    assert w.dialogs == []
    with contextlib.suppress(PlaywrightError):  # the navigation is cancelled: an error
        page.goto(f"{w.server.url}/about", timeout=5_000)
    assert w.dialogs == [""]  # the beforeunload dialog (it carries no message)
    assert page.url.endswith("/author?video=clip")
