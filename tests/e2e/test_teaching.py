"""Issue 11 in a real browser: multi and marker prompts answered and kept in Reflections."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.apps.teaching_library import build_teaching_library
from tests.e2e.conftest import VIDEO_JS, Watched, start_server, stop_server

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


def seek(w: Watched, t: float) -> None:
    w.js(f"(v.currentTime = {t}, true)")
    w.page.wait_for_function(
        f"() => {{ const v = {VIDEO_JS};"
        f" return !v.seeking && Math.abs(v.currentTime - {t}) < 0.05 }}"
    )


def test_learner_card_opens_once_the_moment_has_played(watched):
    w = watched
    page = w.open("video=teach&mode=learner")
    w.wait_idle()
    span = page.locator(".al-episode[data-id=ep1]")
    expect(span).to_be_hidden()  # not reached: nothing on the timeline yet
    expect(page.locator(".al-repair-unhelpful")).to_be_hidden()
    seek(w, 5.0)
    span.focus()  # the keyboard opens the card too
    page.keyboard.press("Enter")
    card = page.locator(".al-card")
    expect(card).to_be_visible()
    expect(card.locator(".al-card-title")).to_have_text("Goes quiet")
    expect(card.locator(".al-card-locked")).to_be_visible()  # its moment has not played yet
    expect(card.locator(".al-element")).to_have_count(0)
    expect(card).not_to_contain_text("sounds like blame")
    seek(w, 9.5)
    expect(card.locator(".al-card-locked")).to_have_count(0)
    expect(card.locator(".al-element")).to_have_text(
        [
            "TasksAgreement on what to do in sessions to get there.",
            "BondThe mutual trust, respect and liking that lets the work happen.",
        ]
    )
    chip = card.locator(".al-element").first
    expect(chip.locator(".al-element-def")).to_be_hidden()
    chip.focus()
    expect(chip.locator(".al-element-def")).to_be_visible()
    expect(card.locator(".al-card-label", has_text="Significance")).to_be_visible()
    expect(card).to_contain_text("4 of 5")
    expect(card).to_contain_text("3 of 5")
    expect(card.locator(".al-card-text em")).to_have_text("single words")
    repairs = card.locator(".al-card-repair")
    expect(repairs).to_have_count(2)
    expect(repairs.first).to_have_class("al-card-repair is-unhelpful")
    expect(repairs.first.locator(".al-card-outcome")).to_have_text("Did not help")
    expect(repairs.first).to_contain_text("The rationale sounds like blame")
    expect(repairs.nth(1)).to_contain_text("exploratory, direct")
    # the timeline: a distinct glyph for the move that did not help, a legend, the note
    bad = page.locator(".al-repair-unhelpful")
    expect(bad).to_have_text("✕")
    expect(page.locator(".al-legend")).to_contain_text("Repair move that did not help")
    bad.hover()
    expect(page.locator(".al-tip")).to_contain_text("The rationale sounds like blame")
    assert page.evaluate("() => window.__pwned") is None
    w.assert_clean()


def test_a_cue_of_an_episode_shows_its_alliance_elements_once_unlocked(watched):
    w = watched
    page = w.open("video=teach&mode=learner")
    w.wait_idle()
    seek(w, 5.0)
    cue = page.locator("li.al-cue[data-id=c3]")
    expect(cue).to_be_visible()  # the cue has played...
    row = cue.locator(".al-cue-elements")
    expect(row).to_be_hidden()  # ...but which elements are strained is still the question
    seek(w, 9.5)  # the episode's moment has played
    expect(row).to_be_visible()
    expect(row.locator(".al-element")).to_have_count(2)
    expect(row.locator(".al-element").first).to_contain_text("Tasks")
    chip = row.locator(".al-element").nth(1)
    chip.focus()
    expect(chip.locator(".al-element-def")).to_have_text(
        "The mutual trust, respect and liking that lets the work happen."
    )
    row.get_by_role("button", name="Open the rupture card: Goes quiet").click()
    card = page.locator(".al-card")
    expect(card.locator(".al-card-title")).to_have_text("Goes quiet")
    expect(card.locator(".al-element")).to_have_count(2)
    expect(page.locator("li.al-cue[data-id=c1] .al-cue-elements")).to_have_count(0)
    w.assert_clean()

    page = w.open("video=teach&mode=review")  # review: at once, before anything has played
    w.wait_idle()
    expect(page.locator("li.al-cue[data-id=c3] .al-cue-elements")).to_be_visible()
    w.assert_clean()


def test_review_card_shows_everything_at_once(watched):
    w = watched
    page = w.open("video=teach&mode=review")
    w.wait_idle()
    page.locator(".al-episode[data-id=ep1]").click(position={"x": 3, "y": 3})
    card = page.locator(".al-card")
    expect(card.locator(".al-element")).to_have_count(2)
    expect(card.locator(".al-card-repair")).to_have_count(2)
    card.get_by_role("button", name="Close the rupture card").click()
    expect(card).to_be_hidden()
    w.assert_clean()


def test_presenter_card_is_large_and_spoiler_free(watched):
    w = watched
    page = w.open("video=teach&mode=presenter")
    w.wait_idle()
    seek(w, 3.0)
    page.locator(".al-episode[data-id=ep1]").click(position={"x": 3, "y": 3})
    card = page.locator(".al-card")
    expect(card.locator(".al-card-locked")).to_be_visible()
    seek(w, 9.5)
    expect(card.locator(".al-element")).to_have_count(2)
    size = w.js("parseFloat(getComputedStyle(root.querySelector('.al-card')).fontSize)")
    base = w.js("parseFloat(getComputedStyle(root.querySelector('.al-cues')).fontSize)")
    assert size >= 1.25 * base, (size, base)
    w.assert_clean()


def click_timeline_at(page, fraction: float) -> None:
    box = page.locator(".al-timeline").bounding_box()
    # the chapters row's empty part: no marker there (markers seek themselves)
    page.locator(".al-timeline").click(position={"x": box["width"] * fraction, "y": 4})


def current_time(w: Watched) -> float:
    return w.js("v.currentTime")


def test_learner_chapters_headings_and_skipping_questions_ask_first(watched):
    w = watched
    page = w.open("video=teach&mode=learner")
    w.wait_idle()
    jump = page.locator(".al-jump")
    expect(jump.get_by_text("Welcome")).to_be_visible()  # safe_to_show_early
    expect(jump.get_by_text("The therapist names it")).to_be_hidden()
    expect(jump.get_by_role("heading", name="Ruptures")).to_be_hidden()  # nothing reached
    expect(page.locator(".al-chapter[data-reveal-at]")).to_have_count(1)

    click_timeline_at(page, 0.9)
    ask = page.get_by_role("alertdialog")
    expect(ask).to_contain_text("You will skip 3 questions.")
    expect(ask.get_by_role("button", name="Watch from here")).to_be_focused()
    page.keyboard.press("Enter")  # watch from here: no seek
    expect(ask).to_have_count(0)
    assert current_time(w) < 0.5

    click_timeline_at(page, 0.9)
    page.get_by_role("alertdialog").get_by_role("button", name="Skip").click()
    page.wait_for_function(f"() => {VIDEO_JS}.currentTime > 20")
    expect(jump.get_by_text("The therapist names it")).to_be_visible()
    expect(jump.get_by_role("heading", name="Ruptures")).to_be_visible()
    # back and forth inside what was already played asks nothing
    click_timeline_at(page, 0.5)
    page.wait_for_function(f"() => Math.abs({VIDEO_JS}.currentTime - 12) < 1")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    w.assert_clean()


@pytest.mark.parametrize("mode", ["review", "presenter"])
def test_other_modes_show_chapters_and_seek_without_asking(watched, mode):
    w = watched
    page = w.open(f"video=teach&mode={mode}")
    w.wait_idle()
    if mode == "review":  # presenters have no jump list; the timeline names the chapters
        jump = page.locator(".al-jump")
        expect(jump.get_by_text("The therapist names it")).to_be_visible()
        expect(jump.get_by_role("heading", name="Ruptures")).to_be_visible()
    expect(page.get_by_role("button", name="Chapter: The therapist names it")).to_be_visible()
    click_timeline_at(page, 0.9)
    page.wait_for_function(f"() => {VIDEO_JS}.currentTime > 20")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    w.assert_clean()


def test_learner_reveal_about_an_episode_opens_its_card(watched):
    w = watched
    page = w.open("video=teach&mode=learner")
    w.wait_idle()
    seek(w, 9.8)  # just before the marker prompt about ep1 (at 10 s)
    card = page.locator(".al-card")
    expect(card).to_be_hidden()
    page.locator(".al-play").click()
    box = page.locator(".al-prompt")
    box.wait_for(state="visible", timeout=20_000)
    box.get_by_text("Minimal response").click()  # one correct option: a radio button
    box.locator(".al-reveal").click()
    expect(box.locator(".al-verdict")).to_be_visible()
    expect(card).to_be_visible()  # opened on its own, unlocked by the answer
    expect(card.locator(".al-card-title")).to_have_text("Goes quiet")
    expect(card.locator(".al-card-locked")).to_have_count(0)
    expect(card.locator(".al-card-repair")).to_have_count(2)
    w.wait_idle()  # the answer's rerun redraws the card, still open
    expect(card.locator(".al-card-title")).to_have_text("Goes quiet")
    w.assert_clean()
