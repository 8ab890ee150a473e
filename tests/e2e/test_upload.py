"""The upload widget in Debian's Chromium against the real upload route (`streamlit run`
of tests/e2e/apps/upload_app.py): a real video streams to disk with progress and lands in
media/; a cancelled upload leaves nothing behind; a refused type says why.

Chromium's upload is throttled through the DevTools protocol so the upload is slow enough
to be seen midway (progress under 100 %, a part file growing on the server).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from alliance_lens.upload_route import UPLOAD_ROUTE
from tests.e2e.conftest import Watched, start_server, stop_server
from tools.clips import make_frame_numbered_video, pad_mp4

pytestmark = pytest.mark.e2e

APP = "tests/e2e/apps/upload_app.py"
UPLOADER_JS = (
    "([...document.querySelectorAll('*')].map(e => e.shadowRoot)"
    ".find(r => r && r.querySelector('.al-upload')))"
)
PROGRESS_JS = (
    f"(() => {{ const r = {UPLOADER_JS}; "
    "return r ? r.querySelector('.al-up-progress').value : -1 })()"
)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("upload-lib")
    (root / "media").mkdir()
    return root


@pytest.fixture(scope="module")
def videos(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("upload-src")
    clip = make_frame_numbered_video(folder / "clip.mp4", seconds=1, size=(160, 90))
    return {
        "small": pad_mp4(clip, folder / "Séance 1 (final).mp4", 2 * 1024 * 1024),
        "large": pad_mp4(clip, folder / "long session.mp4", 8 * 1024 * 1024),
    }


@pytest.fixture(scope="module")
def upload_server(library, tmp_path_factory):
    srv, out = start_server(APP, library, tmp_path_factory.mktemp("upload-srv"))
    yield srv
    stop_server(srv, out)


@pytest.fixture
def page(browser, upload_server):
    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    watched = Watched(page, upload_server)
    page.goto(upload_server.url)
    page.locator(".al-up-drop").wait_for(timeout=30_000)
    yield page
    watched.assert_clean()  # no console errors, nothing asked of another host
    context.close()


def throttle_upload(page, bytes_per_s: int) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_s},
    )


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def parts(library: Path) -> list[Path]:
    return list((library / "media").glob(".upload-*.part"))


def test_a_video_uploads_with_progress_and_lands_in_media(page, library, videos):
    source = videos["small"]
    throttle_upload(page, 512 * 1024)
    page.locator(".al-up-input").set_input_files(source)
    expect(page.locator(".al-up-message")).to_contain_text("Uploading Séance 1 (final).mp4")
    expect(page.get_by_role("button", name="Cancel upload")).to_be_focused()
    # midway: the bar moves, and the server is writing a part file as the bytes arrive
    page.wait_for_function(f"(() => {{ const v = {PROGRESS_JS}; return v > 0 && v < 100 }})")
    wait_until(lambda: any(p.stat().st_size > 0 for p in parts(library)), "a growing part file")
    expect(page.locator(".al-up-message")).to_contain_text(
        "was added to the library as seance-1-final.mp4", timeout=60_000
    )
    expect(page.get_by_text("Saved: seance-1-final.mp4")).to_be_visible()  # Python believed it
    assert (library / "media" / "seance-1-final.mp4").read_bytes() == source.read_bytes()
    assert parts(library) == []
    expect(page.locator(".al-up-input")).to_be_focused()  # ready for the next file


def test_a_cancelled_upload_leaves_nothing_behind(page, library, videos):
    before = sorted(p.name for p in (library / "media").iterdir())
    throttle_upload(page, 256 * 1024)
    page.locator(".al-up-input").set_input_files(videos["large"])
    wait_until(lambda: any(p.stat().st_size > 0 for p in parts(library)), "a growing part file")
    page.wait_for_function(f"{PROGRESS_JS} > 0")
    page.get_by_role("button", name="Cancel upload").press("Enter")  # by keyboard
    expect(page.locator(".al-up-message")).to_contain_text(
        "Upload of long session.mp4 cancelled; nothing was kept"
    )
    expect(page.get_by_role("button", name="Cancel upload")).to_be_hidden()
    wait_until(lambda: parts(library) == [], "the server to drop the part file")
    assert sorted(p.name for p in (library / "media").iterdir()) == before


def test_a_file_that_is_not_a_video_is_refused_in_the_page(page, library, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video")
    before = sorted(p.name for p in (library / "media").iterdir())
    page.locator(".al-up-input").set_input_files(notes)
    expect(page.locator(".al-up-message")).to_contain_text(
        "Not uploaded: notes.txt is not a video file this app reads; expected one of: .avi"
    )
    assert sorted(p.name for p in (library / "media").iterdir()) == before


def test_the_real_app_mounts_the_upload_route(server):
    """app.py (what `streamlit run app.py` serves) answers uploads, and refuses strangers."""
    import urllib.error
    import urllib.request

    url = f"{server.url}{UPLOAD_ROUTE}?name=clip.mp4"
    req = urllib.request.Request(
        url, data=b"x" * 100, method="PUT", headers={"Origin": "http://evil.example"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=30)
    assert refused.value.code == 403
    assert "did not come from this app's own page" in refused.value.read().decode()
