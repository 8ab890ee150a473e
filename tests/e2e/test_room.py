"""The live room end to end: the presenter opens a room on the Watch page; two participants
join (one on a phone viewport); the player opens a prompt, which reaches both pages; both
answer; the console's tally shows it; a reload keeps the answer; the room ends and exports.
The participant page passes axe-core and the app's Content-Security-Policy (no console
errors, no request outside the app)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import Watched

pytestmark = pytest.mark.e2e
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def _participant(browser, server, code: str, pseudonym: str, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    w = Watched(page, server)
    page.goto(f"{server.url}/join/{code}")
    expect(page.locator("#join-form")).to_be_visible()
    page.locator("#pseudonym").fill(pseudonym)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#waiting")).to_be_visible()
    return context, w


def test_room_from_open_to_export(browser, server):
    console_ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    w = Watched(console_ctx.new_page(), server)
    page = w.open("video=clip&mode=presenter")
    page.get_by_text("Live room").click()
    page.get_by_label("Join address").fill(server.url)
    page.get_by_role("button", name="Open a room").click()
    code_el = page.locator("code").filter(has_text=re.compile(r"^[2-9A-Z]{8}$"))
    expect(code_el).to_be_visible(timeout=30_000)
    code = code_el.text_content()
    assert code
    expect(page.get_by_text(f"{server.url}/join/{code}")).to_be_visible()
    w.wait_idle()

    phone_ctx, phone = _participant(browser, server, code, "", **PHONE)
    laptop_ctx, laptop = _participant(browser, server, code, "Ana Secret")
    expect(page.get_by_text("2 joined")).to_be_visible(timeout=15_000)

    # the player reaches the choice prompt (6.02 s) and pauses: the room gets the question
    w.js("(v.currentTime = 5.6, true)")
    page.locator(".al-play").click()
    for p in (phone.page, laptop.page):
        expect(p.locator("#question")).to_have_text("Which kind of rupture is this?")
    csp = phone.page.request.get(f"{server.url}/join/{code}").headers["content-security-policy"]
    policy = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert policy["default-src"] == "'self'" and "unsafe-inline" not in policy["script-src"]
    result = Axe().run(phone.page)
    serious = [
        v["id"] for v in result.response["violations"] if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, serious

    phone.page.get_by_label("Withdrawal").check()
    phone.page.get_by_role("button", name="Send answer").click()
    expect(phone.page.locator("#status")).to_contain_text("saved")
    laptop.page.get_by_label("Confrontation").check()
    laptop.page.get_by_role("button", name="Send answer").click()
    expect(laptop.page.locator("#status")).to_contain_text("saved")
    laptop.page.get_by_label("Withdrawal").check()  # changed while the question is open
    laptop.page.get_by_role("button", name="Change answer").click()
    expect(laptop.page.locator("#status")).to_contain_text("saved")

    expect(page.get_by_text("2 answered (open)")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("2 · Withdrawal (100%)")).to_be_visible()  # share of who answered
    expect(page.get_by_text("2 answers", exact=True)).to_be_visible()  # how to read the shares

    phone.page.reload()  # the token and the answer survive a reload
    expect(phone.page.locator("#question")).to_have_text("Which kind of rupture is this?")
    expect(phone.page.get_by_label("Withdrawal")).to_be_checked()

    page.reload()  # a reloaded console takes its room back: the key is not lost
    expect(page.locator("code").filter(has_text=code)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("2 answered (open)")).to_be_visible(timeout=15_000)
    w.wait_idle()

    page.get_by_role("button", name="End the room").click()
    for p in (phone.page, laptop.page):
        expect(p.locator("#ended")).to_be_visible()
    expect(page.get_by_text("This room has ended. Export")).to_be_visible()
    w.wait_idle()  # the rerun that ended the room has drawn the export button anew
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Export answers (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted((r["participant"], r["choices"]) for r in rows) == [
        ("P001", "Withdrawal"),
        ("P002", "Withdrawal"),
    ]
    assert "Ana Secret" not in text
    for watched in (phone, laptop, w):
        watched.assert_clean()
    for ctx in (phone_ctx, laptop_ctx, console_ctx):
        ctx.close()
