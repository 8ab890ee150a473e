"""Take docs/screenshots/{practice,practice-feedback,episode-card}.png from a running app.

Usage (the bundled library; Sample 1's first rupture begins at 15.3 s):
    PYTHONPATH=. python tests/e2e/apps/teaching_screenshots.py http://127.0.0.1:8501 [shot ...]

Every picture is 1280x720, the size the README promises works without scrolling.
"""

import sys
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIDEO_JS

OUT = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
SLUG = "withdrawal-direct-repair"
SIZE = {"width": 1280, "height": 720}


def _open(page: Page, url: str, mode: str) -> None:
    page.goto(f"{url}/?video={SLUG}&mode={mode}")
    page.wait_for_function(f"() => {{ const v = {VIDEO_JS}; return v && v.readyState >= 2 }}")


def _at(page: Page, seconds: float) -> None:
    page.evaluate(f"() => {{ const v = {VIDEO_JS}; v.currentTime = {seconds}; }}")
    page.wait_for_function(
        f"() => {{ const v = {VIDEO_JS}; return !v.seeking && Math.abs(v.currentTime - {seconds})"
        " < 0.05 }"
    )


def practice(page: Page, url: str) -> None:
    _open(page, url, "practice")
    page.locator(".al-player").focus()
    for at, key in ((9.0, None), (18.4, "1")):
        _at(page, at)
        page.keyboard.press("m")
        if key:
            page.keyboard.press(key)
    page.locator(".al-practice-markers .al-chip").first.click()  # a marker, too
    page.wait_for_timeout(600)  # fonts and the frame settle (a picture, not a test)
    page.screenshot(path=str(OUT / "practice.png"))
    page.locator(".al-practice-finish").click()
    heading = page.get_by_role("heading", name="Your feedback")
    heading.wait_for(timeout=30_000)
    page.locator(
        "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg"
    ).first.wait_for(timeout=30_000)  # the chart has drawn
    heading.evaluate("h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1200)
    page.screenshot(path=str(OUT / "practice-feedback.png"))


def episode_card(page: Page, url: str) -> None:
    _open(page, url, "review")
    _at(page, 19.0)
    page.locator(".al-episode").first.focus()  # a prompt's mark sits over its start
    page.keyboard.press("Enter")
    expect(page.locator(".al-card")).to_be_visible()
    page.locator(".al-episode").first.evaluate("e => e.blur()")  # no tooltip over the picture
    page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
    page.wait_for_timeout(600)
    page.screenshot(path=str(OUT / "episode-card.png"))


def main(url: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for shot in [globals()[name] for name in (sys.argv[2:] or ("practice", "episode_card"))]:
            context = browser.new_context(viewport=SIZE)
            shot(context.new_page(), url)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1])
