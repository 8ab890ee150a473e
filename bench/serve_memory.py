"""Server memory while three clients stream a large video: our media route vs ``st.video``.

Run from the repository root: ``python bench/serve_memory.py`` (about two minutes; the first
run also generates a >= 300 MB H.264 file in bench/.cache/). For each way of serving, a real
``streamlit run`` server starts, headless Chromium opens the page to learn the video's URL,
then three client threads read the whole file with HTTP Range requests (8 MiB each, as a
browser does while seeking and buffering) while the server's resident memory (RSS, from
/proc) is sampled every 20 ms. Prints the figures and the ratios; writes
bench/results/serve_memory.txt.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tools.clips import make_frame_numbered_video, make_large_video  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results" / "serve_memory.txt"
CHUNK = 8 * 1024 * 1024
CLIENTS = 3

ST_VIDEO_APP = """
import os
import streamlit as st
st.video(os.environ["BENCH_VIDEO"])
"""

TRACK = """version: 1
video: {video}
title: Memory benchmark
tracks:
  - id: bench
    name: Bench
    cues:
      - start: 00:01
        text: Streaming from disk.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(k) for k in kids]
    for k in list(out):
        out.extend(_children(k))
    return out


def start_server(script: Path, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.address",
        "127.0.0.1",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=script.parent,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not start for {script}")


def video_url(page_url: str) -> str:
    """Open the page in headless Chromium and return the <video>'s absolute src."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(page_url)
        video = page.locator("video").first
        video.wait_for(state="attached", timeout=60_000)
        src = video.evaluate("v => v.currentSrc || v.src")
        browser.close()
    if not src:
        raise RuntimeError(f"no video source on {page_url}")
    return str(src)


def stream_whole_file(url: str, size: int, errors: list[str]) -> None:
    offset = 0
    while offset < size:
        end = min(offset + CHUNK, size) - 1
        req = urllib.request.Request(url, headers={"Range": f"bytes={offset}-{end}"})
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                if resp.status != 206:
                    errors.append(f"status {resp.status} for a Range request")
                    return
                got = len(resp.read())
        except OSError as exc:
            errors.append(str(exc))
            return
        offset += got


def measure(name: str, script: Path, env: dict[str, str], page_path: str, size: int) -> dict:
    port = free_port()
    proc = start_server(script, env, port)
    try:
        time.sleep(1.0)
        start = rss_mb(proc.pid)  # before any page: st.video reads the file when the page runs
        url = video_url(f"http://127.0.0.1:{port}/{page_path}")
        time.sleep(1.0)
        idle = rss_mb(proc.pid)
        peak = idle
        errors: list[str] = []
        clients = [
            threading.Thread(target=stream_whole_file, args=(url, size, errors))
            for _ in range(CLIENTS)
        ]
        started = time.perf_counter()
        for c in clients:
            c.start()
        while any(c.is_alive() for c in clients):
            peak = max(peak, rss_mb(proc.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        after = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    return {
        "name": name,
        "start": start,
        "idle": idle,
        "peak": peak,
        "after": after,
        "seconds": seconds,
        "errors": errors,
        "url": url.split(f":{port}", 1)[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-mb", type=int, default=300, help="size of the test video")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    video = CACHE / f"large-{args.min_mb}mb.mp4"
    if not video.exists() or video.stat().st_size < args.min_mb * 1_000_000:
        print(f"generating {video.name} (>= {args.min_mb} MB)...", file=sys.stderr)
        make_large_video(video, args.min_mb * 1_000_000)
    size = video.stat().st_size

    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "library"
        (library / "media").mkdir(parents=True)
        (library / "commentary").mkdir()
        # a hard link keeps the route's "no symlinks" rule and costs no disk
        try:
            os.link(video, library / "media" / video.name)
        except OSError:
            import shutil

            shutil.copy(video, library / "media" / video.name)
        (library / "commentary" / "bench.yaml").write_text(TRACK.format(video=video.name))
        st_video_app = Path(tmp) / "st_video_app.py"
        st_video_app.write_text(ST_VIDEO_APP)

        ours = measure(
            "media route (Starlette StaticFiles)",
            ROOT / "app.py",
            {"ALLIANCE_LENS_LIBRARY": str(library), "ALLIANCE_LENS_DATA": str(Path(tmp) / "data")},
            "?video=bench&mode=review",
            size,
        )
        base = measure("st.video(path)", st_video_app, {"BENCH_VIDEO": str(video)}, "", size)
        # the same app on a 1 MB video: what the page costs whatever the file's size
        small = Path(tmp) / "small"
        (small / "media").mkdir(parents=True)
        (small / "commentary").mkdir()
        make_frame_numbered_video(small / "media" / "small.mp4", seconds=10)
        (small / "commentary" / "bench.yaml").write_text(TRACK.format(video="small.mp4"))
        small_size = (small / "media" / "small.mp4").stat().st_size
        tiny = measure(
            f"media route, {small_size / 1e6:.1f} MB video",
            ROOT / "app.py",
            {"ALLIANCE_LENS_LIBRARY": str(small), "ALLIANCE_LENS_DATA": str(Path(tmp) / "data")},
            "?video=bench&mode=review",
            small_size,
        )

    lines = [
        f"Server memory while {CLIENTS} clients stream a {size / 1e6:.0f} MB H.264 file "
        f"with {CHUNK // 2**20} MiB Range requests",
        f"(load average at the end: {os.getloadavg()[0]:.2f}; RSS of the streamlit process "
        "and its children)",
        "",
        "start: server up, no page opened yet; page: after opening the page; peak: highest",
        "while the three clients streamed; growth: peak - start",
        "",
        f"{'serving':<38} {'start MB':>8} {'page MB':>8} {'peak MB':>8} {'growth MB':>10} "
        f"{'seconds':>8}",
    ]
    for r in (ours, tiny, base):
        lines.append(
            f"{r['name']:<38} {r['start']:8.0f} {r['idle']:8.0f} {r['peak']:8.0f} "
            f"{r['peak'] - r['start']:10.0f} {r['seconds']:8.1f}"
        )
        if r["errors"]:
            lines.append(f"  errors: {r['errors'][:3]}")
    growth_ours = max(ours["peak"] - ours["start"], 1.0)
    growth_base = base["peak"] - base["start"]
    file_cost_ours = ours["peak"] - tiny["peak"]
    lines += [
        "",
        f"peak RSS ratio st.video / ours: {base['peak'] / ours['peak']:.1f}x",
        f"memory growth ratio st.video / ours: {growth_base / growth_ours:.1f}x "
        f"(ours grew {ours['peak'] - ours['start']:.0f} MB for a {size / 1e6:.0f} MB file)",
        f"memory that depends on the file, ours: {file_cost_ours:+.0f} MB (peak with the "
        f"{size / 1e6:.0f} MB file minus peak with the small one); st.video: "
        f"{base['idle'] - base['start']:.0f} MB taken when the page opened",
        f"streaming itself (peak - page): ours {ours['peak'] - ours['idle']:.0f} MB, "
        f"st.video {base['peak'] - base['idle']:.0f} MB",
        "Our page's own growth is the app's imports (pandas, OpenCV, SQLAlchemy), not the video.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    return 0 if not ours["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
