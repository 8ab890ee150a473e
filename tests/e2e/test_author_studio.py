"""The Author page's second pass in a real browser: a video uploaded through the page opens at
once; Ctrl+Z / Ctrl+Shift+Z undo and redo from the player; the tab stays where it was left.

Runs app.py (the real app, with its upload and media routes) on a library of its own.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from alliance_lens import authoring as au
from tests.e2e import test_author as base
from tests.e2e.conftest import VIDEO_JS
from tests.e2e.test_author import open_clip, press_on_player, seek, wait_draft, wait_idle
from tools.clips import make_frame_numbered_video, pad_mp4

pytestmark = pytest.mark.e2e
author_server, author = base.author_server, base.author  # a server and library of this module


def onsets(d) -> list[int | None]:
    return [au.time_ms(e.get("onset")) for e in d["tracks"][0].get("episodes", [])]


def test_a_video_uploaded_on_the_author_page_streams_to_media_and_opens(author, tmp_path):
    w, root, _data = author
    page = w.page
    clip = make_frame_numbered_video(tmp_path / "clip.mp4", seconds=1, size=(160, 90))
    source = pad_mp4(clip, tmp_path / "Session 7 (raw).mp4", 1024 * 1024)
    page.goto(f"{w.server.url}/author")
    page.get_by_text("Choose a video above, or upload one").wait_for(timeout=30_000)
    page.locator(".al-up-input").set_input_files(source)  # inline: no popover to keep open
    expect(page.locator(".al-up-message")).to_contain_text("was added", timeout=60_000)
    # one upload, and the new file is open: the player plays it, the chooser names it
    page.wait_for_function(
        f"() => {{ const v = {VIDEO_JS}; return v && v.src.endsWith('/session-7-raw.mp4') }}",
        timeout=30_000,
    )
    chooser = page.get_by_role("combobox", name="Video and commentary")
    expect(chooser).to_have_value("New commentary for session-7-raw.mp4")
    assert (root / "media" / "session-7-raw.mp4").read_bytes() == source.read_bytes()
    assert list((root / "media").glob(".upload-*")) == []
    assert not w.outside_requests(), w.outside_requests()


def test_ctrl_z_undoes_and_ctrl_shift_z_redoes_a_mark(author):
    w, _root, data = author
    open_clip(w, data)
    page = w.page
    seek(w, 5.01)
    press_on_player(w, "o")
    page.locator(".al-episode[data-type=untyped][data-onset='5']").wait_for(timeout=20_000)
    wait_idle(w)
    press_on_player(w, "Control+z")
    page.locator(".al-episode[data-type=untyped]").wait_for(state="detached", timeout=20_000)
    wait_draft(data, lambda d: 5_000 not in onsets(d))
    page.get_by_text("Undone.").wait_for(timeout=20_000)
    wait_idle(w)
    press_on_player(w, "Control+Shift+z")
    page.locator(".al-episode[data-type=untyped][data-onset='5']").wait_for(timeout=20_000)
    wait_draft(data, lambda d: 5_000 in onsets(d))
    wait_idle(w)
    expect(page.get_by_role("button", name="Redo")).to_be_disabled()
    assert not w.outside_requests(), w.outside_requests()


def test_the_tab_stays_where_it_was_left_after_an_edit(author):
    w, _root, data = author
    open_clip(w, data)
    page = w.page
    page.get_by_role("tab", name="Chapters").click()
    expect(page.get_by_role("tab", name="Chapters")).to_have_attribute("aria-selected", "true")
    wait_idle(w)
    seek(w, 6.01)
    press_on_player(w, "h")  # a chapter: a rerun that rebuilds every editor
    page.get_by_text("Chapter added").wait_for(timeout=20_000)
    wait_idle(w)
    expect(page.get_by_role("tab", name="Chapters")).to_have_attribute("aria-selected", "true")


def test_dragging_the_selected_rupture_moves_its_onset_to_a_frame_and_keys_still_work(author):
    w, _root, data = author
    open_clip(w, data)
    page = w.page
    seek(w, 5.01)
    press_on_player(w, "o")  # a new rupture at 5.00 s, selected
    span = page.locator(".al-episode.is-selected[data-onset='5']")
    span.wait_for(timeout=20_000)
    wait_idle(w)
    fps = 25
    duration = page.evaluate(f"() => {VIDEO_JS}.duration")
    line = page.locator(".al-timeline").bounding_box()
    r = span.bounding_box()
    y = r["y"] + r["height"] / 2
    x1 = line["x"] + 8.02 / duration * line["width"]
    page.mouse.move(r["x"] + 4, y)  # the body of the span: its start moves
    page.mouse.down()
    page.mouse.move(x1, y, steps=8)
    page.mouse.up()
    want = int((x1 - line["x"]) / line["width"] * duration * fps + 1e-6) * 1000 // fps
    d = wait_draft(data, lambda d: 5_000 not in onsets(d) and want in onsets(d))
    assert want % (1000 // fps) == 0 and abs(want - 8_020) <= 1000 // fps  # on a frame
    assert len(onsets(d)) == 3  # moved, not added
    # the keys still work on the moved rupture: Alt+. nudges it one frame later
    wait_idle(w)
    page.locator(f".al-episode.is-selected[data-onset='{want / 1000:g}']").wait_for(timeout=20_000)
    press_on_player(w, "Alt+Period")
    wait_draft(data, lambda d: want + 40 in onsets(d))
    assert not w.outside_requests(), w.outside_requests()


def test_save_stays_in_view_when_the_page_scrolls(author):
    w, _root, data = author
    open_clip(w, data)
    page = w.page
    page.set_viewport_size({"width": 1280, "height": 700})
    save = page.get_by_role("button", name="Save", exact=True)
    history = page.get_by_role("tab", name="History")
    history.scroll_into_view_if_needed()  # the bottom of the page: tabs under the player
    expect(history).to_be_in_viewport()
    expect(save).to_be_in_viewport()
    assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop") > 0
