"""The Author page in a real browser: mark with keys at the frame on screen, edit, save.

Uses the player engineer's fixtures (conftest.py) with a server of its own: the test writes
to its library and needs a private data folder for drafts.
"""

from __future__ import annotations

import os
import time

import pytest

from alliance_lens.trackfile import parse_commentary
from alliance_lens.vocabulary import load_vocabulary
from tests.e2e.apps.watch_library import FPS, build_library
from tests.e2e.conftest import VIDEO_JS, Watched, start_server, stop_server

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


def seek(w: Watched, seconds: float) -> None:
    w.page.evaluate(f"() => {{ const v = {VIDEO_JS}; v.pause(); v.currentTime = {seconds}; }}")
    w.page.wait_for_function(
        f"() => {{ const v = {VIDEO_JS}; return !v.seeking && v.readyState >= 2 }}"
    )
    time.sleep(0.4)  # let the frame callback report the frame now on screen


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
    page.locator(".al-episode[data-onset='9.04']").wait_for(state="attached", timeout=20_000)
    time.sleep(0.5)
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="Client rejects an intervention").click()
    page.keyboard.press("Escape")
    page.locator('[data-testid="stMultiSelect"]').get_by_text(
        "Client rejects an intervention"
    ).wait_for(timeout=20_000)

    seek(w, 20.0)
    press_on_player(w, "q")
    page.get_by_text("write its question").wait_for(timeout=20_000)
    question = page.get_by_label("Question")
    question.fill("What is the client telling the therapist here?")
    page.locator(".al-time").click()  # blur commits the text area
    page.get_by_text("error(s)").wait_for(state="detached", timeout=20_000)

    page.get_by_role("button", name="Save", exact=True).click()
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
