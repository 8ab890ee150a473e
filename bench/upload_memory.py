"""Server memory while a 1 GB video is uploaded: our upload route vs ``st.file_uploader``.

Run from the repository root: ``python bench/upload_memory.py`` (one to three minutes).
A valid 1 GiB MP4 is made in a moment in a temporary folder under /tmp (a 1-second clip plus
a sparse ``free`` box) and deleted afterwards. For each way of uploading, a real
``streamlit run`` server starts on 127.0.0.1, headless Chromium opens the page and uploads the
file through the page's own widget (ours: tests/e2e/apps/upload_app.py, the upload widget
and route; baseline: a two-line app with ``st.file_uploader``), while the server's resident
memory (RSS of the process and its children, from /proc) is sampled every 20 ms. Prints the
figures and the ratio; writes bench/results/upload_memory.txt. Target: ours grows <= 100 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.serve_memory import free_port, rss_mb  # noqa: E402
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tools.clips import make_frame_numbered_video, pad_mp4  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "upload_memory.txt"
OUR_APP = ROOT / "tests" / "e2e" / "apps" / "upload_app.py"
FILE_UPLOADER_APP = """
import streamlit as st
up = st.file_uploader("A video file", type=["mp4"])
if up is not None:
    st.text(f"received {up.size} bytes")
"""
TARGET_MB = 100


class Sampler:
    """Peak RSS of a server while something runs, sampled every 20 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb(self.pid))


def start_server(script: Path, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """``streamlit run`` from the repository root (its .streamlit/config.toml applies)."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--server.maxUploadSize", "2048"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not start for {script}")


def settle(pid: int) -> float:
    """RSS once it stops moving (imports and the first script run are done)."""
    last = rss_mb(pid)
    for _ in range(50):
        time.sleep(0.2)
        now = rss_mb(pid)
        if abs(now - last) < 0.5:
            return now
        last = now
    return last


def measure(
    label: str,
    script: Path,
    env: dict[str, str],
    upload: Callable[[object, str], None],
    video: Path,
) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**env, "PYTHONPATH": str(ROOT)}
    proc = start_server(script, env, port)
    try:
        start = settle(proc.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("input[type=file]").first.wait_for(state="attached", timeout=60_000)
            opened = settle(proc.pid)
            t0 = time.perf_counter()
            with Sampler(proc.pid) as sampler:
                upload(page, str(video))
            seconds = time.perf_counter() - t0
            browser.close()
        after = settle(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    return {
        "label": label,
        "start": start,
        "page": opened,
        "peak": sampler.peak,
        "after": after,
        "growth": sampler.peak - opened,
        "seconds": seconds,
    }


def upload_ours(page, path: str) -> None:
    from playwright.sync_api import expect

    page.locator(".al-up-input").set_input_files(path)
    expect(page.locator(".al-up-message")).to_contain_text(
        "was added to the library as", timeout=600_000
    )


def upload_st(page, path: str) -> None:
    from playwright.sync_api import expect

    page.locator("input[type=file]").first.set_input_files(path)
    size = Path(path).stat().st_size
    expect(page.get_by_text(f"received {size} bytes")).to_be_visible(timeout=600_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024, help="upload size in MiB (default 1024)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="upload-bench-", dir="/tmp"))
    try:
        clip = make_frame_numbered_video(work / "clip.mp4", seconds=1, size=(160, 90))
        video = pad_mp4(clip, work / "long session.mp4", args.mb * 1024 * 1024)
        library = work / "library"
        (library / "media").mkdir(parents=True)
        baseline_app = work / "file_uploader_app.py"
        baseline_app.write_text(FILE_UPLOADER_APP, encoding="utf-8")
        lib_env = {"ALLIANCE_LENS_LIBRARY": str(library), "ALLIANCE_LENS_DATA": str(work)}
        rows = [
            measure("upload route (ours)", OUR_APP, lib_env, upload_ours, video),
            measure("st.file_uploader", baseline_app, {}, upload_st, video),
        ]
        saved = [p for p in (library / "media").iterdir()]
        assert [p.stat().st_size for p in saved] == [video.stat().st_size], saved
        report(rows, video.stat().st_size)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(rows: list[dict[str, object]], size: int) -> None:
    ours, theirs = rows
    mb = size / 1024**2
    lines = [
        f"Server memory while one {mb:,.0f} MiB video is uploaded through the page in headless",
        "Chromium (RSS of the streamlit process and its children, sampled every 20 ms;",
        f"load average at the end: {os.getloadavg()[0]:.2f})",
        "",
        "start: server up; page: page opened; peak: highest during the upload;",
        "growth: peak - page; after: once the upload is done and memory settled",
        "",
        f"{'uploading through':<22}{'start MB':>9}{'page MB':>9}{'peak MB':>9}"
        f"{'growth MB':>11}{'after MB':>10}{'seconds':>9}",
    ]
    for r in rows:
        lines.append(
            f"{r['label']:<22}{r['start']:>9.0f}{r['page']:>9.0f}{r['peak']:>9.0f}"
            f"{r['growth']:>11.0f}{r['after']:>10.0f}{r['seconds']:>9.1f}"
        )
    growth_ours, growth_theirs = float(ours["growth"]), float(theirs["growth"])  # type: ignore[arg-type]
    lines += [
        "",
        f"memory growth st.file_uploader / ours: {growth_theirs / max(growth_ours, 1):.1f}x",
        f"ours: {growth_ours:.0f} MB for a {mb:,.0f} MiB file "
        f"(target <= {TARGET_MB} MB: {'met' if growth_ours <= TARGET_MB else 'NOT met'});",
        f"st.file_uploader: {growth_theirs:.0f} MB ({growth_theirs / mb:.1f}x the file)",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
