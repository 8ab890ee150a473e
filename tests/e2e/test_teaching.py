"""Issue 11 in a real browser: multi and marker prompts answered and kept in Reflections."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.apps.teaching_library import build_teaching_library
from tests.e2e.conftest import Watched, start_server, stop_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def teaching_server(tmp_path_factory):
    library = build_teaching_library(tmp_path_factory.mktemp("teach-lib"))
    data = tmp_path_factory.mktemp("teach-data")  # learner data never goes to the user's folder
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_LENS_DATA", str(data))
        mp.delenv("ALLIANCE_LENS_DB_URL", raising=False)
        srv, out = start_server("app.py", library, tmp_path_factory.mktemp("teach-srv"))
    yield srv
    stop_server(srv, out)


@pytest.fixture
def watched(browser, teaching_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    w = Watched(context.new_page(), teaching_server)
    yield w
    context.close()


def open_prompt(w: Watched, query: str):
    page = w.open(query)
    w.wait_idle()  # the cookie component has reported: the answer can be saved
    page.locator(".al-play").click()
    page.locator(".al-prompt").wait_for(state="visible", timeout=20_000)
    return page


def test_multi_prompt_ticks_are_saved_revealed_and_kept_in_reflections(watched):
    w = watched
    page = open_prompt(w, "video=teach&mode=learner")
    box = page.locator(".al-prompt")
    expect(box.get_by_role("group")).to_be_visible()
    boxes = box.get_by_role("checkbox")
    expect(boxes).to_have_count(3)
    # keyboard only: focus lands in the options; Space ticks, Tab moves
    page.keyboard.press("Space")  # Goals
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Tasks
    expect(box.get_by_role("checkbox", name="Goals")).to_be_checked()
    expect(box.get_by_role("checkbox", name="Tasks")).to_be_checked()
    expect(box.get_by_role("checkbox", name="Bond")).not_to_be_checked()
    runs = w.rerun_requests
    page.keyboard.press("r")
    verdict = box.locator(".al-verdict")
    expect(verdict).to_contain_text('The expert also chose "Bond"')
    expect(verdict).to_contain_text('The expert did not choose "Goals"')
    expect(box.locator(".al-choice.is-expected")).to_have_count(2)
    w.wait_idle()
    assert w.rerun_requests == runs + 1  # one answer for the ticks, sent on Reveal

    page.get_by_role("link", name="Reflections").click()
    expect(page.get_by_text("You chose: Goals; Tasks")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("The expert also chose", exact=False)).to_have_count(0)
    expect(page.get_by_text("1 of 2 of the expert's", exact=False)).to_be_visible()
    expect(page.get_by_text("The expert chose: Tasks; Bond")).to_be_visible()
    w.assert_clean()


def test_presenter_asks_the_room_and_reveals_the_expert_options(watched):
    w = watched
    page = open_prompt(w, "video=teach&mode=presenter")
    box = page.locator(".al-prompt")
    expect(box.get_by_text("Question for the room")).to_be_visible()
    expect(box.locator(".al-opt-letter")).to_have_count(3)
    expect(box.get_by_role("checkbox")).to_have_count(0)
    box.locator(".al-reveal").click()
    expect(box.locator(".al-choice.is-expected")).to_have_count(2)
    expect(box.locator(".al-verdict")).to_contain_text("The expert's answer")
    w.assert_clean()
