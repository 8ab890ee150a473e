"""Opening a presenter's console and the stage window it opens, in one Playwright context.

One place for the browser tests (tests/e2e/test_stage.py), the sync benchmark
(bench/stage_sync.py) and the screenshot tool (tools/stage_screenshots.py). Every step waits
on a condition in the pages: the console's video has a frame, the console says "connected",
the stage's video has a frame and the stage follows the console.
"""

from __future__ import annotations

from tests.e2e.conftest import ROOT_JS, VIDEO_JS

STAGE_JS = "document.getElementById('al-stage-host').shadowRoot"
STAGE_VIDEO_JS = f"{STAGE_JS}.querySelector('.al-video')"
CONNECTED_JS = f"{ROOT_JS}.querySelector('.al-con-status').dataset.state === 'connected'"
STAGE_READY_JS = (
    f"(() => {{ const r = {STAGE_JS}; const v = r && r.querySelector('.al-video');"
    " return !!v && v.readyState >= 2 && document.body.dataset.following === 'true'; })()"
)


def open_console(page, url: str, video: str, timeout: float = 30_000):
    """The Watch page in presenter mode on `video`, once its video shows a frame."""
    page.goto(f"{url}/?video={video}&mode=presenter")
    page.wait_for_function(
        f"() => {{ const v = {VIDEO_JS}; return !!v && v.readyState >= 2 }}", timeout=timeout
    )
    return page


def open_stage(context, console, size=(1280, 720), timeout: float = 30_000):
    """Click the console's "Open stage": the new window, once connected and following."""
    with context.expect_page() as popup:
        console.locator(".al-open-stage").click()
    stage = popup.value
    stage.set_viewport_size({"width": size[0], "height": size[1]})
    console.wait_for_function(f"() => {CONNECTED_JS}", timeout=timeout)
    stage.wait_for_function(f"() => {STAGE_READY_JS}", timeout=timeout)
    return stage


def open_console_and_stage(context, url: str, video: str, size=(1280, 720)):
    """A new console page on `video` and the stage it opens: (console, stage) pages."""
    console = open_console(context.new_page(), url, video)
    return console, open_stage(context, console, size)
