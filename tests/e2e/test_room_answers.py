"""Many long approved answers on the stage (issue 15 leftover): the stage shows whole answers
only, in pages that turn by themselves with a line saying how many more; an answer too long
for the panel gets smaller type (never below 16 px) rather than being cut. At 1280×720 and
1920×1080; screenshots in /tmp/alliance-lens-stage-shots for a person to look at."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.test_stage import (  # noqa: F401  (room: the console+stage fixture)
    _axe,
    _shot_dir,
    console_until,
    key,
    room,
)

pytestmark = pytest.mark.e2e
CONSOLE = "root[Symbol.for('allianceLens.player')][Symbol.for('allianceLens.console')]"
SENTENCE = "the client goes quiet after the question and the therapist names it gently; "
LONGEST = ("A whole answer at the length limit. " * 40)[:1000]
ANSWERS = [LONGEST] + [f"Answer {i:02d}: " + SENTENCE * (1 + i % 4) for i in range(2, 32)]
PAGE_MS = 12_000  # room_pages.js: the timer's pace (checked in the stage below)
PAGE_MS_JS = "async () => (await import('/stage-assets/js/room_pages.js')).PAGE_MS"
SHOWN = """(() => {
  const list = root.querySelector('.al-room-texts');
  const panel = root.querySelector('.al-room-panel');
  if (!list || panel.hidden) return null;
  const lb = list.getBoundingClientRect(), pb = panel.getBoundingClientRect();
  const shown = [...list.children].filter(li => !li.hidden);
  return {
    n: shown.length,
    whole: shown.every(li => { const b = li.getBoundingClientRect();
      return b.top >= lb.top - 0.5 && b.bottom <= lb.bottom + 0.5
        && li.scrollHeight <= li.clientHeight + 1; }),
    on_screen: lb.bottom <= pb.bottom + 0.5 && pb.bottom <= innerHeight + 0.5,
    min_px: Math.min(...shown.map(li => parseFloat(getComputedStyle(li).fontSize))),
    first: shown.length ? shown[0].textContent.slice(0, 9) : '',
    page: list.dataset.page,
    pager: root.querySelector('.al-room-pager').textContent,
  };
})()"""


def _last_shown(pager: str) -> int:
    """The last answer a page shows, from its line: "2–4 of 31 answers · ..." or "1 of 31 ..."."""
    return int(pager.split(" of ")[0].split("–")[-1])


def _whole_page(stage) -> dict:
    got = stage.js(SHOWN)
    assert got and got["n"] >= 1 and got["whole"] and got["on_screen"], got
    assert got["min_px"] >= 16, got
    return got


def test_many_long_approved_answers_page_whole_on_the_stage(room):  # noqa: F811
    console, stage, _context, _urls = room
    view = {"display": "approved", "question": "What do you notice?", "texts": ANSWERS}
    console.js(f"({CONSOLE}.send('room-display', {{view: {json.dumps(view)}}}), true)")
    for width, height in ((1280, 720), (1920, 1080)):
        stage.page.set_viewport_size({"width": width, "height": height})
        stage.until("root.querySelector('.al-room-pager')?.textContent.includes('of 31 answers')")
        stage.until(f"innerWidth === {width}")
        first = _whole_page(stage)
        assert first["first"] == LONGEST[:9] and first["page"] == "0"  # the longest, whole
        end = _last_shown(first["pager"])
        assert (
            first["pager"].startswith(("1 of", "1–")) and f"{31 - end} more next" in first["pager"]
        )
        stage.page.screenshot(path=str(_shot_dir() / f"room-answers-{width}x{height}.png"))
        # the next page turns by itself (a calm pace: PAGE_MS) and starts where this one ended
        stage.until("root.querySelector('.al-room-texts').dataset.page === '1'", 40_000)
        second = _whole_page(stage)
        assert second["pager"].startswith((f"{end + 1} of", f"{end + 1}–")), (first, second)
        assert second["first"] == f"Answer {end + 1:02d}"[:9]
        stage.page.screenshot(path=str(_shot_dir() / f"room-answers-{width}x{height}-p2.png"))
        # off the stage and back: from the first page again, for the next size
        console.js(f"({CONSOLE}.send('room-display', {{view: null}}), true)")
        stage.until("root.querySelector('.al-room-panel').hidden")
        console.js(f"({CONSOLE}.send('room-display', {{view: {json.dumps(view)}}}), true)")


def test_several_choice_bars_say_their_shares_add_up_to_over_100(room):  # noqa: F811
    from alliance_lens.rooms.reports import share_note

    console, stage, _context, _urls = room
    counts = {"Silence": 20, "Shrug": 17, "Topic shift": 9, "Short answers": 14}
    bars = [{"label": k, "count": n, "pct": round(100 * n / 23)} for k, n in counts.items()]
    note = share_note("multi", 23)
    view = {"display": "bars", "question": "Which markers?", "answered": 23, "bars": bars}
    view["note"] = note
    console.js(f"({CONSOLE}.send('room-display', {{view: {json.dumps(view)}}}), true)")
    total = "root.querySelector('.al-room-panel .al-room-total')"
    stage.until(f"{total}?.textContent === {note!r}")
    box = stage.js(
        f"(() => {{ const t = {total}.getBoundingClientRect();"
        " const p = root.querySelector('.al-room-panel').getBoundingClientRect();"
        " return [t.bottom <= p.bottom + 0.5, p.bottom <= innerHeight + 0.5]; })()"
    )
    assert box == [True, True]  # the sentence is on the screen, not cut off below the bars
    assert "87%" in stage.js("root.querySelector('.al-room-panel').textContent")  # 20 of 23
    stage.page.screenshot(path=str(_shot_dir() / "room-bars-multi-1280x720.png"))


STAGE_PAGE = "root.querySelector('.al-room-texts')?.dataset.page"
STAGE_LINE = "root.querySelector('.al-room-pager')?.textContent"
CONSOLE_LINE = "root.querySelector('.al-con-room-line').textContent"


def _stage_on(stage, console, page: int) -> str:
    """Wait until the stage shows answer page `page` and the console says the same line."""
    stage.until(f"{STAGE_PAGE} === '{page}'", 30_000)
    line = stage.js(STAGE_LINE)
    console_until(console, f"{CONSOLE_LINE} === {json.dumps(line)}")
    return line


def test_the_presenter_turns_the_answer_pages_and_the_timer_then_stops(room):  # noqa: F811
    """PageDown/PageUp and the console's buttons turn the stage's answers at once; after a turn
    by hand the timer no longer turns them (the page's clock is driven by the test); a new
    display starts on the first page, timed again."""
    console, stage, _context, _urls = room
    clock = stage.page.clock  # the context's clock: both windows' timers wait for the test
    clock.install()
    clock.pause_at(datetime.fromtimestamp(stage.js("Date.now()") / 1000 + 1))
    assert stage.page.evaluate(PAGE_MS_JS) == PAGE_MS
    view = {"display": "approved", "question": "What do you notice?", "texts": ANSWERS}
    send = f"({CONSOLE}.send('room-display', {{view: {json.dumps(view)}}}), true)"
    console.js(send)
    first = _stage_on(stage, console, 0)
    assert first.startswith(("1 of 31", "1–")) and "more next" in first
    box = console.page.locator(".al-con-room")
    expect(box).to_be_visible()
    expect(console.page.get_by_role("button", name="Previous answers")).to_be_disabled()
    # the timer turns a page by itself (PAGE_MS), as before
    clock.run_for(PAGE_MS + 500)
    second = _stage_on(stage, console, 1)
    t0 = console.js("v.currentTime")
    key(console, "PageDown")  # the clicker: the stage turns at once
    third = _stage_on(stage, console, 2)
    assert (
        third != second
        and stage.js(f"{STAGE_PAGE} && root.querySelector('.al-room-texts').dataset.byHand")
        == "true"
    )
    assert _last_shown(second) + 1 == int(third.split(" of ")[0].split("–")[0])
    assert console.js("v.currentTime") == t0  # the key turned the answers, not the video
    console.page.screenshot(path=str(_shot_dir() / "room-answers-console-by-hand.png"))
    stage.page.screenshot(path=str(_shot_dir() / "room-answers-stage-by-hand.png"))
    clock.run_for(3 * PAGE_MS)  # three times the timer's span: the page stays put
    assert stage.js(STAGE_PAGE) == "2"
    key(console, "PageUp")
    assert _stage_on(stage, console, 1) == second
    console.page.get_by_role("button", name="Next answers").click()
    assert _stage_on(stage, console, 2) == third
    # a newly approved answer (the same display, redrawn) keeps the page, by hand
    more = {**view, "texts": [*ANSWERS, "Answer 32: " + SENTENCE]}
    console.js(f"({CONSOLE}.send('room-display', {{view: {json.dumps(more)}}}), true)")
    stage.until(f"{STAGE_LINE}.includes('of 32 answers')")
    clock.run_for(3 * PAGE_MS)
    assert stage.js(STAGE_PAGE) == "2"
    # a new display starts on page 1, and the timer turns it again
    console.js(f"({CONSOLE}.send('room-display', {{view: null}}), true)")
    console_until(console, "root.querySelector('.al-con-room').hidden")
    console.js(send)
    assert _stage_on(stage, console, 0) == first
    clock.run_for(PAGE_MS + 500)
    assert _stage_on(stage, console, 1) == second
    clock.resume()
    _axe(console.page, "console with the room's answers in pages")
    _axe(stage.page, "stage with the room's answers in pages")
    # to the last page by key: "Next answers" is then off, and the next key goes on to the
    # next moment (a clicker never gets stuck)
    n = console.js(f"{CONSOLE}.roomPager.info.n")
    assert n >= 3
    console.js("(root.querySelector('.al-player').focus(), true)")
    page = int(stage.js(STAGE_PAGE))
    while page < n - 1:
        key(console, "PageDown")
        stage.until(f"Number({STAGE_PAGE}) > {page}")  # by hand now: the timer is off
        page = int(stage.js(STAGE_PAGE))
    assert _stage_on(stage, console, n - 1).endswith(" of 31 answers")  # no "then from..."
    expect(console.page.get_by_role("button", name="Next answers")).to_be_disabled()
    assert console.js("v.currentTime") == t0  # the answers' keys moved no video
    key(console, "PageDown")
    console_until(console, f"v.currentTime > {t0}")
    # another question's answers are a new display: its first page, timed again
    other = {**view, "question": "What would you say next?"}
    console.js(f"({CONSOLE}.send('room-display', {{view: {json.dumps(other)}}}), true)")
    stage.until(f"root.querySelector('.al-room-q').textContent === {other['question']!r}")
    assert _stage_on(stage, console, 0) == first
    assert stage.js("root.querySelector('.al-room-texts').dataset.byHand") == "false"
