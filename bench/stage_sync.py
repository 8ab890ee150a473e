# ruff: noqa: E501  (the embedded JS reads better unwrapped)
"""Stage sync benchmark: how soon the stage window follows the presenter's console.

One app server (`streamlit run app.py`) on the test library (the 25 fps frame-numbered clip),
one Chromium context: the console (Watch page, presenter mode) and the stage window it opens.
For each command (play, pause, seek; 20 trials each) the console page notes the time, runs
the command on its own <video>, and both pages note when their video fires the matching event
(`play`, `pause`, `seeked`). Times are `performance.timeOrigin + performance.now()` in each
page (one machine clock). Reported per command: the console's own event delay (the baseline,
measured in the same run), the stage's, the ratio, and how many stage events came within one
frame time (40 ms) of the console's. After each pause: how many frames apart the two pictures'
times are. No request leaves 127.0.0.1.

Usage: python bench/stage_sync.py   (writes bench/results/stage_sync.txt)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import VIDEO_JS, start_server, stop_server  # noqa: E402
from tests.support.stage_pair import STAGE_VIDEO_JS, open_console_and_stage  # noqa: E402
from tests.support.watch_library import build_library  # noqa: E402
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TRIALS = 20
FRAME_MS = 40.0
OUT = Path(__file__).resolve().parent / "results" / "stage_sync.txt"
STAGE_VIDEO = STAGE_VIDEO_JS
NOW = "(performance.timeOrigin + performance.now())"
LISTEN = (
    "(v) => { window.__ev = {}; for (const k of ['play', 'pause', 'seeked'])"
    " v.addEventListener(k, () => { window.__ev[k] = " + NOW + "; }); return true; }"
)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="stage-bench-"))
    server, log = start_server("app.py", build_library(tmp / "lib"), tmp)
    rows: dict[str, list[tuple[float, float]]] = {"play": [], "pause": [], "seek": []}
    apart: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            urls: list[str] = []
            context.on("request", lambda r: urls.append(r.url))
            console, stage = open_console_and_stage(context, server.url, "clip")
            console.evaluate(f"() => ({LISTEN})({VIDEO_JS})")
            stage.evaluate(f"() => ({LISTEN})({STAGE_VIDEO})")
            commands = {
                "play": ("play", "v.play()"),
                "pause": ("pause", "v.pause()"),
                "seek": ("seeked", "v.currentTime = 1 + Math.random() * 5"),
            }
            console.evaluate(f"() => {{ const v = {VIDEO_JS}; v.currentTime = 1; }}")
            for trial in range(TRIALS):
                for name in ("seek", "play", "pause"):
                    event, code = commands[name]
                    if name == "play":  # from well before the next prompt (0.52, 6.02, 15.5 s)
                        console.evaluate(f"() => {{ {VIDEO_JS}.currentTime = 7 + {trial % 5}; }}")
                        stage.wait_for_function(
                            f"() => Math.abs({STAGE_VIDEO}.currentTime - {7 + trial % 5}) < 0.05"
                        )
                    console.evaluate("() => { window.__ev = {}; }")
                    stage.evaluate("() => { window.__ev = {}; }")
                    t0 = console.evaluate(
                        f"() => {{ const v = {VIDEO_JS}; const t0 = {NOW}; {code}; return t0; }}"
                    )
                    console.wait_for_function(f"() => window.__ev[{event!r}] !== undefined")
                    stage.wait_for_function(f"() => window.__ev[{event!r}] !== undefined")
                    own = console.evaluate(f"() => window.__ev[{event!r}]") - t0
                    other = stage.evaluate(f"() => window.__ev[{event!r}]") - t0
                    rows[name].append((own, other))
                    if name == "pause":
                        stage.wait_for_function(
                            f"() => {STAGE_VIDEO}.paused && !{STAGE_VIDEO}.seeking"
                        )
                        a = console.evaluate(f"() => {VIDEO_JS}.currentTime")
                        b = stage.evaluate(f"() => {STAGE_VIDEO}.currentTime")
                        apart.append(abs(a - b) * 25)
            outside = [
                u
                for u in urls
                if not u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:"))
            ]
            browser.close()
    finally:
        stop_server(server, log)
    lines = [
        f"stage sync: {TRIALS} trials per command, console and stage in one Chromium context",
        f"load average: {os.getloadavg()[0]:.2f} (2 shared cores)",
        "command  console own event ms (median/p90)  stage event ms (median/p90)  ratio  stage - console <= 1 frame",
    ]
    for name, pairs in rows.items():
        own = sorted(x for x, _ in pairs)
        st = sorted(y for _, y in pairs)
        gap = [y - x for x, y in pairs]
        within = sum(1 for g in gap if g <= FRAME_MS)
        p90 = lambda xs: xs[int(0.9 * (len(xs) - 1))]  # noqa: E731
        lines.append(
            f"{name:7}  {statistics.median(own):7.1f} / {p90(own):7.1f}"
            f"                  {statistics.median(st):7.1f} / {p90(st):7.1f}"
            f"             {statistics.median(st) / max(statistics.median(own), 0.01):5.2f}"
            f"  {within}/{len(gap)} (median gap {statistics.median(gap):.1f} ms)"
        )
    lines.append(
        f"after pause, frames apart (console vs stage currentTime x 25): "
        f"median {statistics.median(apart):.2f}, max {max(apart):.2f}"
    )
    lines.append(f"requests outside 127.0.0.1: {len(outside)}")
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
