"""Broken commentary files never reach learners or presenters (in a real browser): the video
picker offers only files that play, and a link to a broken one gets one plain sentence."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import start_server, stop_server
from tests.support.watch_library import add_bad_files, build_library

pytestmark = pytest.mark.e2e
PLAIN = "This video's commentary has a problem; tell your educator."
BROKEN = ("a-tabs", "a-end-before-start", "Broken track", "Missing video")


@pytest.fixture(scope="module")
def bad_server(tmp_path_factory):
    library = add_bad_files(build_library(tmp_path_factory.mktemp("bad-lib")))
    data = tmp_path_factory.mktemp("bad-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_LENS_DATA", str(data))
        mp.delenv("ALLIANCE_LENS_DB_URL", raising=False)
        srv, out = start_server("app.py", library, tmp_path_factory.mktemp("bad-srv"))
    yield srv
    stop_server(srv, out)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("mode", ["learner", "presenter"])
def test_the_picker_offers_only_videos_that_play(page, bad_server, mode):
    page.goto(f"{bad_server.url}/?mode={mode}")
    page.locator(".al-player video").wait_for(state="attached", timeout=30_000)
    if mode == "presenter":  # settings are folded away on a shared screen
        page.get_by_text("Video, tracks and mode").click()
    picker = page.get_by_role("combobox", name="Video")
    default = picker.input_value() or page.locator("[data-testid=stSelectbox]").first.inner_text()
    # a click that lands while the page's first runs are still settling can be swallowed:
    # open the list again until it shows (each try waits on the list, not a clock)
    for _ in range(3):
        picker.click()
        try:
            page.get_by_role("option").first.wait_for(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    page.get_by_role("option").first.wait_for(timeout=10_000)
    options = page.get_by_role("option").all_inner_texts()
    assert options and all(b not in options for b in BROKEN), options
    assert all(b not in default for b in BROKEN), default
    body = page.locator("body").inner_text()
    assert "tracks[0]" not in body and ": error:" not in body and "warning" not in body.lower()


@pytest.mark.parametrize("slug", ["a-tabs", "a-end-before-start"])
def test_a_link_to_a_broken_video_gets_one_plain_sentence(page, bad_server, slug):
    page.goto(f"{bad_server.url}/?video={slug}&mode=learner")
    page.get_by_text(PLAIN).wait_for(timeout=30_000)
    page.locator(".al-player video").wait_for(state="attached", timeout=30_000)
    body = page.locator("body").inner_text()
    assert "tracks[0]" not in body and "yaml" not in body and "not tabs" not in body
