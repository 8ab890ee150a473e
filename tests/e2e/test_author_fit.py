"""The Author page as an educator meets it: at 1280×720 with the sidebar open every button's
label is whole, Save stays in view and never covers a focused control; one Ctrl+Z takes back
exactly one edit (one Ctrl+Shift+Z or Ctrl+Y makes exactly one again); Ctrl+Z in a text field
is the browser's.

Runs app.py on a library of its own (the fixtures of test_author.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from alliance_lens import authoring as au
from tests.e2e import test_author as base
from tests.e2e.test_author import open_clip, press_on_player, seek, wait_draft, wait_idle

pytestmark = pytest.mark.e2e
author_server, author = base.author_server, base.author  # a server and library of this module

# Buttons (pills and tabs are buttons too) whose text is cut: an element inside a visible
# button whose content is wider than its box ("Sta…", "Discard ch…", "U" for "Undo").
CUT_BUTTONS_JS = """() => {
  const cut = [];
  for (const b of document.querySelectorAll('[data-testid=stMain] button')) {
    if (!b.offsetParent) continue;
    const over = [b, ...b.querySelectorAll('*')].find((e) => e.scrollWidth > e.clientWidth + 1);
    if (over) cut.push(`${b.innerText.trim()} (${over.scrollWidth} > ${over.clientWidth})`);
  }
  return cut;
}"""


def onsets(d) -> list[int | None]:
    return [au.time_ms(e.get("onset")) for e in d["tracks"][0].get("episodes", [])]


def mark_onset(w, seconds: float) -> None:
    seek(w, seconds)
    press_on_player(w, "o")
    w.page.locator(f".al-episode[data-onset='{round(seconds, 1):g}']").wait_for(timeout=30_000)


def test_every_button_label_is_whole_and_save_in_view_at_1280x720(author):
    w, _root, data = author
    page = w.page
    page.set_viewport_size({"width": 1280, "height": 720})
    open_clip(w, data)
    expect(page.locator("[data-testid=stSidebar]")).to_have_attribute("data-collapsed", "false")
    mark_onset(w, 5.01)  # a rupture selected: its editor (nudges, type, marker pills) shows
    wait_idle(w)
    page.locator(".st-key-author_marker_pills [role=toolbar] > button").first.wait_for()
    assert page.evaluate(CUT_BUTTONS_JS) == []
    save = page.get_by_role("button", name="Save", exact=True)
    expect(save).to_be_in_viewport()
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollBy(0, 1e6)")
    expect(page.get_by_role("tab", name="History")).to_be_in_viewport()
    expect(save).to_be_in_viewport()  # sticky: reachable from the bottom of the page too
    # a control that takes focus while scrolled under the bar comes out below it (WCAG 2.4.11)
    end_here = page.get_by_role("button", name="End here")
    page.evaluate(
        """(b) => { const main = document.querySelector('[data-testid=stMain]');
          const bar = document.querySelector('.st-key-author_save_bar').getBoundingClientRect();
          main.scrollBy(0, b.getBoundingClientRect().top - (bar.top + bar.bottom) / 2); }""",
        end_here.element_handle(),
    )
    end_here.focus()
    bar_bottom = page.locator(".st-key-author_save_bar").evaluate(
        "e => e.getBoundingClientRect().bottom"
    )
    assert end_here.evaluate("e => e.getBoundingClientRect().top") >= bar_bottom
    for tab in ("Ruptures", "Import / export", "History"):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
        assert page.evaluate(CUT_BUTTONS_JS) == [], tab


def test_one_ctrl_z_takes_back_one_edit_and_one_redo_makes_one_again(author):
    w, _root, data = author
    page = w.page
    open_clip(w, data)
    mark_onset(w, 5.01)
    wait_draft(data, lambda d: 5_000 in onsets(d))
    w.wait_idle()
    mark_onset(w, 7.01)
    wait_draft(data, lambda d: 7_000 in onsets(d))
    w.wait_idle()
    for undo, redo in (("Control+z", "Control+Shift+z"), ("Control+z", "Control+y")):
        press_on_player(w, undo)
        wait_draft(data, lambda d: 7_000 not in onsets(d))
        w.wait_idle()  # every run the key press caused is over: a second undo would show
        d = wait_draft(data, lambda d: True)
        assert 5_000 in onsets(d) and 7_000 not in onsets(d)
        press_on_player(w, redo)
        wait_draft(data, lambda d: 7_000 in onsets(d))
        w.wait_idle()
        d = wait_draft(data, lambda d: True)
        assert 5_000 in onsets(d) and 7_000 in onsets(d)
        expect(page.get_by_role("button", name="Redo")).to_be_disabled()


def chapters(d) -> list[int | None]:
    return [au.time_ms(c.get("start")) for c in d.get("chapters", [])]


def test_keys_pressed_while_the_page_is_busy_are_each_applied_once_in_order(author):
    """A rupture, a chapter and Ctrl+Z in a burst: Ctrl+Z takes back the chapter only.

    While the rupture's run is under way the chapter's rerun request waits, and Streamlit
    folds the undo's request into it (of two triggers of one component only the newer
    survives): the chapter was lost and Ctrl+Z took back the rupture, two edits at once.
    With Streamlit's fast reruns a second script thread also applied edits while the first
    was still applying them (a mark twice, an undo before its mark): fastReruns is off.
    """
    w, _root, data = author
    open_clip(w, data)
    mark_onset(w, 5.01)
    before = wait_draft(data, lambda d: 5_000 in onsets(d))
    w.wait_idle()
    seek(w, 7.01)
    # three keys within a few ms, faster than any hand: all arrive while the rupture's run
    # is under way (hundreds of ms)
    press_on_player(w, "o")
    w.page.keyboard.press("h")
    w.page.keyboard.press("Control+z")
    w.page.get_by_text("Undone.").wait_for(timeout=30_000)
    w.wait_idle()
    d = wait_draft(data, lambda d: True)
    assert onsets(d) == sorted([*onsets(before), 7_000]), onsets(d)
    assert chapters(d) == chapters(before), chapters(d)


def test_ctrl_z_in_a_text_field_is_the_browsers_undo_not_the_drafts(author):
    w, _root, data = author
    page = w.page
    open_clip(w, data)
    mark_onset(w, 5.01)
    wait_draft(data, lambda d: 5_000 in onsets(d))
    w.wait_idle()
    title = page.get_by_label("Short title")
    title.click()
    page.keyboard.type("Homework")
    page.keyboard.press("Control+z")  # the browser's own undo of the typing
    expect(title).not_to_have_value("Homework")
    title.press("Tab")  # leaving the field sends what is in it
    w.wait_idle()
    d = wait_draft(data, lambda d: True)
    assert 5_000 in onsets(d)  # the mark was not taken back
    expect(page.get_by_text("Undone.")).to_have_count(0)
