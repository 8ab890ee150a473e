# ruff: noqa: E501  (the in-page JavaScript reads better unwrapped)
"""The player with a 10,000-cue track: long tasks (and whose they are), mount time, DOM size,
data sent, active-cue lateness.

One run, two code paths of the real app (`streamlit run app.py` on 127.0.0.1, one temporary
library holding a 1-hour video and a track of 10,000 cues, 100 episodes, 100 prompts):
  ours      this working tree: the track is served by the app's route (trackdata.py), fetched
            once and parsed and drawn in slices (player/js/trackload.js)
  baseline  the player with the track in the component data (virtual list already):
            `git archive` of ``BASE``, unpacked in a temp folder and run from there (the bench
            checks that the server really serves that commit's player.js)
Each opens Watch in Debian's Chromium in review and learner mode and records, in the page:
long tasks (PerformanceObserver 'longtask', from navigation on) during mount and during
20 s of playback with 3 seeks; the time from navigation to the player showing the track;
the cue rows in the DOM; the websocket bytes the page received and the track data fetched;
and active-cue lateness: the video's currentTime when a cue's row turns active minus the
cue's start, against the same figure read in a plain `cuechange` listener on the player's
own metadata track (the native level).

Whose long tasks: Chromium's CPU profiler samples the page throughout (1 ms); each long task
is matched to the samples inside it, and the time spent in the player's code (its modules,
and Streamlit's BidiComponent, which parses the component data and calls the player) is
summed. Streamlit's own page (React, styles) makes long tasks with or without the player on
a loaded machine; the target is about the player's: "player tasks" are long tasks with
player code in them, and "player code in a task" is how much of one task was the player's.

Usage: python bench/player_big_track.py   (writes bench/results/player_big_track.txt)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import ROOT_JS, Server, _free_port  # noqa: E402
from tests.support.watch_library import big_track_yaml, make_long_clip  # noqa: E402
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SECONDS = 3600
N_CUES, N_EPISODES, N_PROMPTS = 10_000, 100, 100  # an episode and a prompt every 36 s
SPACING = 0.36  # s between cue starts: 10,000 cues in an hour (an ELAN transcript import)
PLAY = [(0.2, 5.0), (1800.2, 5.0), (3500.2, 5.0), (108.2, 5.0)]  # (seek to, play for): 20 s
BASE = "7a95dff"  # main when this branch started: the track in the component data


def build_library(root: Path) -> Path:
    (root / "media").mkdir(parents=True)
    (root / "commentary").mkdir()
    make_long_clip(root / "media" / "big.mp4", SECONDS)
    # prompts at 36 k + 29.9 s: outside the played windows, so learner playback is not paused
    text = big_track_yaml(N_CUES, SPACING, groups=N_EPISODES, video="big.mp4")
    (root / "commentary" / "big.yaml").write_text(text, encoding="utf-8")
    return root


def start(tree: Path, library: Path, log: Path) -> Server:
    """`streamlit run app.py` from `tree` (its own code first on the path) on 127.0.0.1."""
    port = _free_port()
    env = dict(os.environ, ALLIANCE_LENS_LIBRARY=str(library), PYTHONPATH=str(tree))
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=tree, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                return Server(url, proc)
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(log.read_text())


def stop(srv: Server) -> None:
    srv.proc.terminate()
    try:
        srv.proc.wait(10)
    except subprocess.TimeoutExpired:
        srv.proc.kill()


def baseline_tree(dest: Path) -> Path:
    dest.mkdir()
    archive = subprocess.run(["git", "archive", BASE], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


# Installed before any page script: long tasks, the first frame the track shows, and the
# row/cuechange lateness records (the player's shadow root is found once it exists).
INIT_JS = """
window.__lt = []; window.__rowLate = []; window.__cueLate = []; window.__seekAt = -1;
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push([e.startTime, e.duration]); })
  .observe({type: 'longtask', buffered: true});
const startOf = (id) => Number(id.slice(1)) * %(spacing)s;
const find = () => {
  const root = %(root)s;
  const list = root && root.querySelector('.al-cues');
  const ready = list && root.querySelector('.al-episode') &&
    (list.children.length || root.querySelector('.al-player').dataset.mode === 'learner');
  if (!ready) return requestAnimationFrame(find);
  window.__ready = performance.now();
  const v = root.querySelector('.al-video');
  const note = (arr, id) => {
    const s = startOf(id), t = v.currentTime;
    if (!v.paused && s > window.__seekAt + 0.05 && t >= s - 0.05) arr.push(t - s);
  };
  v.addEventListener('seeking', () => { window.__seekAt = v.currentTime; });
  const tt = [...v.textTracks].find((t) => t.kind === 'metadata');
  tt.addEventListener('cuechange', () => {
    const ids = [...tt.activeCues].map((c) => c.id.split('\\u241f')[1]);
    if (ids.length) note(window.__cueLate, ids[ids.length - 1]);
  });
  const seen = new Set();
  new MutationObserver((muts) => {
    for (const m of muts) {
      const nodes = m.type === 'attributes' ? [m.target] : [...m.addedNodes];
      for (const n of nodes) {
        if (n.nodeType !== 1 || !n.classList.contains('is-active') || seen.has(n.dataset.id)) continue;
        seen.add(n.dataset.id); note(window.__rowLate, n.dataset.id);
      }
    }
  }).observe(list, {subtree: true, childList: true, attributes: true, attributeFilter: ['class']});
};
requestAnimationFrame(find);
"""


PLAYER_CODE = ("/bidi-components/alliance-lens.player/", "BidiComponent")
MARK_JS = "() => (function __benchMark() { const t = performance.now(); while (performance.now() - t < 20) {} return t; })()"


def player_ms(profile: dict, mark_at: float, tasks: list[list[float]]) -> tuple[list[float], float]:
    """For each long task [start, duration] (performance.now ms), the ms the CPU profile spent
    in player code inside it; and the clock offset (profile and trace ms minus performance.now
    ms), found from a 20 ms busy mark made at a known time."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    mine: dict[int, bool] = {}

    def is_player(node_id: int) -> bool:
        if node_id not in mine:
            frame = nodes[node_id]["callFrame"]
            here = any(k in frame["url"] for k in PLAYER_CODE)
            up = parent.get(node_id)
            mine[node_id] = here or (up is not None and is_player(up))
        return mine[node_id]

    t, stamps = profile["startTime"], []
    for sid, dt in zip(profile["samples"], profile["timeDeltas"], strict=True):
        t += dt
        stamps.append((t / 1000, sid))
    marks = [ts for ts, sid in stamps if nodes[sid]["callFrame"]["functionName"] == "__benchMark"]
    offset = marks[0] - mark_at  # profile ms minus performance.now ms
    out = []
    for start, dur in tasks:
        lo, hi = start + offset, start + dur + offset
        ms = 0.0
        for (ts, sid), (nxt, _) in zip(stamps, stamps[1:], strict=False):
            if ts < hi and nxt > lo and is_player(sid):
                ms += min(nxt, hi) - max(ts, lo)  # a sample stands for the time to the next
        out.append(ms)
    return out, offset


def task_cpu(trace: dict, offset: float, tasks: list[list[float]]) -> list[float]:
    """For each long task [start, duration] (performance.now ms), the CPU time (ms) of the
    renderer main thread's task that ran then: on a loaded machine a task's wall time
    includes the time its thread waited for a core; its CPU time is what the code cost."""
    events = trace["traceEvents"]
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
        and e["args"].get("name") == "CrRendererMain"
    }  # fmt: skip
    runs = sorted(
        (e["ts"] / 1000 - offset, e["dur"] / 1000, e.get("tdur", 0) / 1000)
        for e in events
        if e.get("ph") == "X"
        and e.get("name", "").endswith("RunTask")  # ThreadControllerImpl::RunTask
        and (e["pid"], e["tid"]) in mains
    )
    out = []
    for start, dur in tasks:  # the task that overlaps the long task most
        overlap = [(min(s + d, start + dur) - max(s, start), c) for s, d, c in runs]
        best = max(overlap, default=(0.0, float("nan")))
        out.append(best[1] if best[0] > dur / 2 else float("nan"))
    return out


def run_page(browser, url: str, mode: str) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.add_init_script(INIT_JS % {"spacing": SPACING, "root": ROOT_JS})
    ws_bytes: list[int] = []
    fetched: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: ws_bytes.append(len(p))))
    page.on(
        "response",
        lambda r: "/library-tracks/" in r.url and fetched.append(len(r.body())),
    )
    cdp = context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 1000})
    cdp.send("Profiler.start")
    browser.start_tracing(page=page, categories=["toplevel"])
    page.goto(f"{url}/?video=big&mode={mode}")
    page.wait_for_function("() => window.__ready", timeout=300_000, polling=200)
    page.wait_for_function(
        f"() => {ROOT_JS}.querySelector('.al-video').readyState >= 2", timeout=60_000
    )
    time.sleep(2)  # let anything the mount scheduled finish before splitting the long tasks
    split = page.evaluate("() => performance.now()")
    r = ROOT_JS
    mount = page.evaluate(
        f"() => ({{ready: window.__ready, rows: {r}.querySelectorAll('.al-cues > li.al-cue').length, nodes: {r}.querySelectorAll('*').length}})"
    )
    v = f"{ROOT_JS}.querySelector('.al-video')"
    for at, secs in PLAY:
        page.evaluate(
            f"() => {{ const v = {v}; v.muted = true; v.currentTime = {at}; return v.play(); }}"
        )
        time.sleep(secs)
        page.evaluate(f"() => {v}.pause()")
    time.sleep(1)  # the last pause's rerun
    got = page.evaluate("() => ({lt: window.__lt, row: window.__rowLate, cue: window.__cueLate})")
    mark_at = page.evaluate(MARK_JS)
    profile = cdp.send("Profiler.stop")["profile"]
    trace = json.loads(browser.stop_tracing())
    context.close()
    mine, offset = player_ms(profile, mark_at, got["lt"])
    cpu = task_cpu(trace, offset, got["lt"])
    # (start, wall, player code, CPU) of every long task
    tasks = [(s, d, m, c) for (s, d), m, c in zip(got["lt"], mine, cpu, strict=True)]
    return {
        "ready_ms": mount["ready"],
        "rows": mount["rows"],
        "nodes": mount["nodes"],
        "ws_kb": sum(ws_bytes) / 1024,
        "ws_max_kb": max(ws_bytes, default=0) / 1024,
        "fetched_kb": [b / 1024 for b in fetched],
        "lt_mount": [d for s, d, _, _ in tasks if s < split],
        "lt_play": [d for s, d, _, _ in tasks if s >= split],
        "cpu_mount": [c for s, _, _, c in tasks if s < split and c == c],
        "cpu_play": [c for s, _, _, c in tasks if s >= split and c == c],
        "mine_mount": [(d, m, c) for s, d, m, c in tasks if s < split and m >= 1],
        "mine_play": [(d, m, c) for s, d, m, c in tasks if s >= split and m >= 1],
        "row_late": [x * 1000 for x in got["row"]],
        "cue_late": [x * 1000 for x in got["cue"]],
    }


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def p95(xs: list[float]) -> float:
    return sorted(xs)[int(0.95 * (len(xs) - 1))] if xs else float("nan")


def longest(rows: list[tuple[float, ...]], i: int) -> float:
    return max((r[i] for r in rows if r[i] == r[i]), default=0)  # r[i] != r[i]: NaN


def describe(name: str, mode: str, r: dict) -> list[str]:
    got = ", ".join(f"{kb:.0f} KiB" for kb in r["fetched_kb"]) or "none"
    return [
        f"{name:8} {mode:7}  ready {r['ready_ms'] / 1000:6.2f} s  rows in DOM {r['rows']:6}  "
        f"player nodes {r['nodes']:6}  websocket {r['ws_kb']:7.0f} KiB (largest frame {r['ws_max_kb']:.0f} KiB)  "
        f"track data fetched: {got}",
        f"{'':17}mount: {len(r['lt_mount'])} long tasks, longest {max(r['lt_mount'], default=0):5.0f} ms, "
        f"total {sum(r['lt_mount']):5.0f} ms, most CPU in one {max(r['cpu_mount'], default=0):4.0f} ms;  "
        f"playback+seeks: {len(r['lt_play'])} long tasks, longest {max(r['lt_play'], default=0):4.0f} ms, "
        f"most CPU in one {max(r['cpu_play'], default=0):4.0f} ms",
        f"{'':17}player tasks (long tasks with player code): mount {len(r['mine_mount'])}, longest "
        f"{longest(r['mine_mount'], 0):4.0f} ms wall / {longest(r['mine_mount'], 2):4.0f} ms CPU, "
        f"most player code in one {longest(r['mine_mount'], 1):4.0f} ms;  "
        f"playback {len(r['mine_play'])}, longest {longest(r['mine_play'], 0):4.0f} ms wall / "
        f"{longest(r['mine_play'], 2):4.0f} ms CPU, most player code in one {longest(r['mine_play'], 1):4.0f} ms",
        f"{'':17}active-cue lateness: row highlight median {med(r['row_late']):5.1f} ms p95 {p95(r['row_late']):5.1f} ms "
        f"(n={len(r['row_late'])});  native cuechange median {med(r['cue_late']):5.1f} ms p95 {p95(r['cue_late']):5.1f} ms (n={len(r['cue_late'])})",
    ]


def main() -> None:
    results: dict[tuple[str, str], dict] = {}
    with tempfile.TemporaryDirectory(prefix="al-bigtrack-") as tmp:
        lib = build_library(Path(tmp) / "library")
        base = baseline_tree(Path(tmp) / "baseline")
        expected = subprocess.run(
            ["git", "show", f"{BASE}:alliance_lens/player/js/player.js"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, tree in (("baseline", base), ("ours", ROOT)):
                srv = start(tree, lib, Path(tmp) / f"{name}.log")
                try:
                    with urllib.request.urlopen(
                        srv.url + "/_stcore/bidi-components/alliance-lens.player/player.js"
                    ) as resp:
                        served = resp.read()
                    assert (served == expected) == (name == "baseline"), (
                        f"{name}: wrong player served"
                    )
                    for mode in ("review", "learner"):
                        results[(name, mode)] = run_page(browser, srv.url, mode)
                        print("\n".join(describe(name, mode, results[(name, mode)])), flush=True)
                finally:
                    stop(srv)
            browser.close()
    lines = [
        f"Player with {N_CUES:,} cues, {N_EPISODES} episodes, {N_PROMPTS} prompts (1-hour video), "
        f"Debian Chromium, load average {os.getloadavg()[0]:.1f}",
        f"baseline = player at {BASE} (track in the component data); ours = this tree (track by URL). Times in ms unless noted.",
        "",
    ]
    for key, r in results.items():
        lines += describe(*key, r)
    lines.append("")
    for mode in ("review", "learner"):
        b, o = results[("baseline", mode)], results[("ours", mode)]
        lb, lo = max(b["lt_mount"], default=0), max(o["lt_mount"], default=0)
        pb = max(longest(b["mine_mount"], 0), longest(b["mine_play"], 0))
        po = max(longest(o["mine_mount"], 0), longest(o["mine_play"], 0))
        cb = max(longest(b["mine_mount"], 2), longest(b["mine_play"], 2))
        co = max(longest(o["mine_mount"], 2), longest(o["mine_play"], 2))
        lines.append(
            f"{mode}: longest task with player code baseline/ours {pb:.0f}/{po:.0f} ms wall, "
            f"{cb:.0f}/{co:.0f} ms CPU (target <= 50 ms); "
            f"longest mount task (anyone's) {lb:.0f}/{lo:.0f} ms; "
            f"largest websocket frame {b['ws_max_kb']:.0f}/{o['ws_max_kb']:.0f} KiB; "
            f"highlight lateness minus native (median) baseline {med(b['row_late']) - med(b['cue_late']):+.1f} ms, "
            f"ours {med(o['row_late']) - med(o['cue_late']):+.1f} ms; "
            f"long tasks > 50 ms in playback baseline {sum(d > 50 for d in b['lt_play'])}, ours {sum(d > 50 for d in o['lt_play'])}"
        )
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    (ROOT / "bench" / "results" / "player_big_track.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
