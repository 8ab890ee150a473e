# ruff: noqa: E501  (the embedded HTML/JS pages read better unwrapped)
"""Player sync benchmark: frame shown at prompt pauses, and active-cue lateness.

One Chromium run, one frame-numbered clip (25 fps), three players:
  player     alliance_lens/player/ (rVFC pauses, metadata-track cuechange), mounted
             in a plain page with a stand-in for Streamlit's component object
  timeupdate a plain `timeupdate` handler (pause once currentTime >= at; cue from currentTime)
  cuechange  native <track kind=metadata> cuechange for cues (pause on the prompt's cue too)
Each player goes through the same 34 prompt pauses: a play-through at rate 1 from 0 (two
prompts in the first second), the same at rate 2, then 10 seeks to just before a prompt
(backwards, so the prompt must be armed again) and play. After every pause the frame on
screen is read back from the picture (the frame number is burned into the video) and
compared with the frame that covers the prompt's time. Cue lateness comes from the rate-1
play-through. Pages are served from a temporary folder by a local http.server (127.0.0.1
only).

Usage: python bench/player_sync.py   (writes bench/results/player_sync.txt)
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.clips import decode_frame_number  # noqa: E402

DEBUG = False
ROOT = Path(__file__).resolve().parents[1]
FPS = 25
# seconds: two in the first second, none on a frame boundary but a few (4.2, 12.0)
PROMPTS = [0.13, 0.62, 1.3, 2.95, 4.2, 4.77, 6.41, 8.5, 10.07, 12.0, 15.63, 19.1]
SEEK_TRIALS = [PROMPTS[i] for i in (11, 8, 10, 5, 9, 1, 7, 3, 6, 2)]
LEAD_S = 0.6  # a seek lands this long before the prompt, or just after the prompt before it


def seek_start(at: float) -> float:
    before = [p for p in PROMPTS if p < at]
    return max(at - LEAD_S, before[-1] + 0.05 if before else 0.0)


CUES = [round(0.35 + 0.7 * i, 3) for i in range(30)]
COMMON = """
<style>body{margin:0;background:#fff} video{width:640px;height:360px;display:block}</style>
<script>
window.PROMPTS = %(prompts)s; window.CUES = %(cues)s;
window.cueLate = []; window.pauses = 0;
</script>
"""

TIMEUPDATE = (
    COMMON
    + """
<video id=v src="clip.mp4" muted playsinline preload=auto></video>
<script>
const v = document.getElementById('v'); let next = 0, last = -1;
v.addEventListener('seeking', () => { next = PROMPTS.findIndex((p) => p >= v.currentTime - 0.0005); if (next < 0) next = PROMPTS.length; });
v.addEventListener('timeupdate', () => {
  const t = v.currentTime;
  if (next < PROMPTS.length && t >= PROMPTS[next]) { v.pause(); next++; window.pauses++; }
  let idx = -1; for (let i = 0; i < CUES.length; i++) if (CUES[i] <= t) idx = i;
  if (idx > last) { for (let i = last + 1; i <= idx; i++) if (i === idx) cueLate.push(t - CUES[i]); last = idx; }
});
window.resume = () => v.play();
</script>"""
)

CUECHANGE = (
    COMMON
    + """
<video id=v src="clip.mp4" muted playsinline preload=auto></video>
<script>
const v = document.getElementById('v');
const tt = v.addTextTrack('metadata'); tt.mode = 'hidden';
CUES.forEach((s, i) => { const c = new VTTCue(s, i + 1 < CUES.length ? CUES[i + 1] : 999, 'c'); c.id = 'c' + i; tt.addCue(c); });
PROMPTS.forEach((s, i) => { const c = new VTTCue(s, s + 0.5, 'p'); c.id = 'p' + i; tt.addCue(c); });
let seen = new Set();
v.addEventListener('seeking', () => { for (const c of tt.cues) if (c.id[0] === 'p' && c.startTime >= v.currentTime - 0.0005) seen.delete(c.id); });
tt.addEventListener('cuechange', () => {
  for (const c of tt.activeCues) if (!seen.has(c.id)) {
    seen.add(c.id);
    if (c.id[0] === 'p') { v.pause(); window.pauses++; } else cueLate.push(v.currentTime - c.startTime);
  }
});
window.resume = () => v.play();
</script>"""
)

PLAYER = (
    COMMON
    + """
<div id=host></div>
<script type=module>
import mount from './player/player.js';
const host = document.getElementById('host').attachShadow({mode: 'open'});
const style = document.createElement('style'); style.textContent = await (await fetch('player/player.css')).text();
host.append(style);
const data = await (await fetch('data.json')).json();
mount({data, parentElement: host, setStateValue() {}, setTriggerValue(name, value) { if (name === 'position' && value && value.reason === 'prompt') window.pauses++; }});
const v = host.querySelector('video'); v.muted = true; window.v = v; window.host = host;
const start = new Map(); for (const c of data.tracks[0].cues) start.set(c.id, c.start);
new MutationObserver((muts) => { for (const m of muts) { const li = m.target;
  if (li.classList.contains('is-active') && !li.dataset.seen) { li.dataset.seen = 1; cueLate.push(v.currentTime - start.get(li.dataset.id)); } } })
  .observe(host, {subtree: true, attributes: true, attributeFilter: ['class']});
window.resume = () => host.querySelector('.al-continue, .al-reveal') && (host.querySelector('.al-reveal')?.click(), host.querySelector('.al-continue').click());
window.ready = true;
</script>"""
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Static files with byte ranges (the browser cannot seek in a video without them)."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        rng = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not rng or not rng.startswith("bytes=") or not path.is_file():
            return super().do_GET()
        size = path.stat().st_size
        first, _, last = rng[6:].partition("-")
        start = int(first or 0)
        end = min(int(last) if last else size - 1, size - 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        with path.open("rb") as fh:
            fh.seek(start)
            self.wfile.write(fh.read(end - start + 1))


def player_data() -> dict:
    from alliance_lens.model import CommentaryFile
    from alliance_lens.playerdata import PlayerOptions, VideoSource, build_player_data
    from alliance_lens.vocabulary import load_vocabulary

    doc = CommentaryFile.model_validate(
        {
            "video": "clip.mp4",
            "title": "bench",
            "tracks": [
                {
                    "id": "t",
                    "name": "T",
                    "cues": [
                        {"id": f"c{i}", "start": str(s), "text": "x"} for i, s in enumerate(CUES)
                    ],
                    "prompts": [
                        {"id": f"p{i}", "at": str(s), "question": "?"}
                        for i, s in enumerate(PROMPTS)
                    ],
                }
            ],
        }
    )
    video = VideoSource("clip.mp4", FPS, 24_000)
    return build_player_data(doc, load_vocabulary(), video, PlayerOptions(mode="learner"))


def run_variant(browser, base: str, name: str) -> dict:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on("console", lambda m: DEBUG and print("console", m.text))
    page.on("pageerror", lambda e: print("pageerror", e))
    page.goto(f"{base}/{name}.html")
    vid = "(window.v || document.querySelector('video'))"
    page.wait_for_function(f"() => {vid} && {vid}.readyState >= 3")
    frames: list[tuple[str, float, int, int | None]] = []
    late: list[float] = []

    def pause_at(label: str, at: float) -> None:
        count = len(frames)
        page.wait_for_function(
            f"() => window.pauses > {count} && {vid}.paused && !{vid}.seeking", timeout=60_000
        )
        page.wait_for_timeout(300)  # let the compositor show the settled frame
        shown = decode_frame_number(page.locator("video").screenshot())
        frames.append((label, at, int(at * FPS + 1e-6), shown))
        if DEBUG:
            print(name, label, at, shown)

    def seek(t: float) -> None:
        page.evaluate(
            f"""(t) => new Promise((ok) => {{ const v = {vid}; v.pause();
            v.addEventListener('seeked', () => ok(), {{once: true}}); v.currentTime = t; }})""",
            t,
        )

    for rate in (1, 2):
        seek(0)
        page.evaluate(f"() => {{ {vid}.playbackRate = {rate}; {vid}.play(); }}")
        for i, at in enumerate(PROMPTS):
            pause_at(f"rate {rate}", at)
            if i + 1 < len(PROMPTS):
                page.evaluate("() => window.resume()")
        if rate == 1:
            page.evaluate("() => window.resume()")
            page.wait_for_function(f"() => {vid}.currentTime > {CUES[-1] + 0.1}", timeout=60_000)
            late = page.evaluate("() => window.cueLate")
            page.evaluate(f"() => {vid}.pause()")
    page.evaluate(f"() => {{ window.resume(); {vid}.playbackRate = 1; }}")
    for at in SEEK_TRIALS:
        seek(seek_start(at))
        page.evaluate(f"() => {vid}.play()")
        pause_at("seek", at)
        page.evaluate("() => window.resume()")
    page.close()
    return {"frames": frames, "late_ms": [x * 1000 for x in late]}


def summary(name: str, r: dict) -> list[str]:
    lines = [f"{name}:"]
    errs_all = []
    for label in ("rate 1", "rate 2", "seek"):
        rows = [row for row in r["frames"] if row[0] == label]
        errs = [s - w if s is not None else None for _, _, w, s in rows]
        errs_all += errs
        first = [e for (_, at, _, _), e in zip(rows, errs, strict=True) if at < 1]
        lines.append(
            f"  {label}: exact frame {sum(e == 0 for e in errs)}/{len(errs)}; frames past the "
            f"point: {errs}" + (f" (first second: {first})" if first and label != "seek" else "")
        )
    exact = sum(e == 0 for e in errs_all)
    lines.insert(1, f"  prompt pauses: exact frame {exact}/{len(errs_all)}")
    late = sorted(r["late_ms"])
    lines += [
        f"  cue lateness ms (n={len(late)}, rate 1): median {statistics.median(late):.1f}, "
        f"p90 {late[int(0.9 * (len(late) - 1))]:.1f}, max {max(late):.1f}",
        "  per cue (ms): " + " ".join(f"{x:.0f}" for x in r["late_ms"]),
    ]
    return lines


def main() -> None:
    from tools.chromium import CHROMIUM, CHROMIUM_ARGS
    from tools.clips import make_frame_numbered_video

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        make_frame_numbered_video(d / "clip.mp4", seconds=24, fps=FPS, keyframe_interval_s=1.0)
        # the whole folder, so the player's ES modules import each other as in the app
        shutil.copytree(ROOT / "alliance_lens" / "player", d / "player")
        (d / "data.json").write_text(json.dumps(player_data()))
        fill = {"prompts": json.dumps(PROMPTS), "cues": json.dumps(CUES)}
        for name, html in (
            ("player", PLAYER),
            ("timeupdate", TIMEUPDATE),
            ("cuechange", CUECHANGE),
        ):
            (d / f"{name}.html").write_text("<!doctype html><meta charset=utf-8>" + html % fill)
        handler = functools.partial(_Quiet, directory=str(d))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        results = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in ("player", "timeupdate", "cuechange"):
                results[name] = run_variant(browser, base, name)
            version = browser.version
            browser.close()
        httpd.shutdown()
    out = [
        f"Player sync benchmark (Chromium {version}, headless, 25 fps H.264 clip, "
        f"{len(PROMPTS)} prompts played through at rate 1 and 2 + {len(SEEK_TRIALS)} seeks "
        f"= {2 * len(PROMPTS) + len(SEEK_TRIALS)} pauses per player, {len(CUES)} cues; "
        f"load average {os.getloadavg()[0]:.1f})",
        "",
    ]
    for name, r in results.items():
        out += summary(name, r)
    exact = {n: sum(s == w for *_, w, s in r["frames"]) for n, r in results.items()}
    out += [
        "",
        "exact frame at prompt pauses: "
        + ", ".join(f"{n} {k}/{len(results[n]['frames'])}" for n, k in exact.items()),
    ]
    med = {n: statistics.median(r["late_ms"]) for n, r in results.items()}
    out += [
        "",
        f"cue lateness median ratio timeupdate/player: "
        f"{med['timeupdate'] / max(med['player'], 0.01):.0f}x; "
        f"player vs native cuechange: {med['player']:.1f} vs {med['cuechange']:.1f} ms",
        "lateness = video.currentTime when the highlight changed - the cue's start.",
    ]
    text = "\n".join(out) + "\n"
    print(text)
    (ROOT / "bench" / "results" / "player_sync.txt").write_text(text)


if __name__ == "__main__":
    main()
