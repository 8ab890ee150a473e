"""Big tracks: a 10,000-cue commentary file loads, validates, caches and reruns fast.

Generates, in a temporary library, a 10,000-cue track (+100 episodes, +100 prompts, about
1.4 MB of YAML, like an ELAN transcript import) over a short frame-numbered clip, and
measures in one run, against the pure-Python composer path (PyYAML's ``SafeLoader``, the
code path before libyaml; measured in the same run):

- cold load + validate (``parse_commentary`` with the vocabulary; target <= 1.0 s);
- the same bytes again, from the content-digest cache (target <= 50 ms);
- ``alliance-lens validate`` on the file as a subprocess, both ways;
- checking a 2,000-cue draft after one edit: ``authoring.validate`` (the Author page's
  route, ``trackfile.check_data``) against dumping the draft as YAML and parsing it
  (target <= 150 ms);
- the Watch page's rerun with the 10,000-cue track loaded (AppTest, median of reruns after
  the first; target <= 100 ms), with the track in the component data (before) and by URL
  from the app's route (``trackdata``, as the server does), alternating in one process.

Usage: python bench/big_track.py   (writes bench/results/big_track.txt)
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CUES, EPISODES, PROMPTS = 10_000, 100, 100
DRAFT_CUES = 2_000
SPAN_MS = 23_000  # the clip is 24 s; every time stays inside it (no past-the-end warnings)


def make_track_text(
    n_cues: int = CUES,
    n_episodes: int = EPISODES,
    n_prompts: int = PROMPTS,
    span_ms: int = SPAN_MS,
    video: str = "big.mp4",
) -> str:
    """A valid commentary file: one track, cues back to back, episodes and prompts spread."""
    from alliance_lens.timecode import format_time

    def t(ms: int) -> str:
        return format_time(ms)

    lines = ["version: 1", f"video: {video}", "title: A long session, fully transcribed"]
    lines += ["language: en", "tracks:", "  - id: transcript", "    name: Transcript"]
    lines.append("    episodes:")
    ep_len = span_ms // n_episodes
    for e in range(n_episodes):
        onset = e * ep_len
        kind, marker = (
            ("withdrawal", "minimal_response") if e % 2 else ("confrontation", "defends_self")
        )
        lines += [
            f"      - id: ep{e:03d}",
            f"        type: {kind}",
            f"        onset: '{t(onset)}'",
            f"        resolved_at: '{t(onset + ep_len // 2)}'",
            f"        markers: [{marker}]",
            f"        commentary: Episode {e} shows the client pulling back from the task.",
        ]
    lines.append("    cues:")
    step = span_ms / n_cues
    for c in range(n_cues):
        start = int(c * step)
        lines += [
            f"      - start: '{t(start)}'",
            f"        end: '{t(int((c + 1) * step))}'",
            f"        episode: ep{min(c * n_episodes // n_cues, n_episodes - 1):03d}",
            f"        text: Line {c} of the transcript, as the speaker said it.",
        ]
    lines.append("    prompts:")
    for p in range(n_prompts):
        lines += [
            f"      - id: p{p:03d}",
            f"        at: '{t(p * (span_ms // n_prompts) + 50)}'",
            f"        question: What do you notice at moment {p}?",
            "        reveal: The therapist notices it too.",
        ]
    return "\n".join(lines) + "\n"


def timed(fn: Callable[[], Any], rounds: int) -> tuple[list[float], Any]:
    times, out = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return times, out


def cpu_timed(fn: Callable[[], Any], rounds: int) -> list[float]:
    """CPU seconds of this process (all its threads): what a busy machine cannot inflate."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


def pure_python() -> Any:
    """The pure-Python composer path: what loading did before libyaml (and does without it)."""
    from alliance_lens import yamlpos

    class Patch:
        def __enter__(self) -> None:
            self.saved = yamlpos._FAST_LOADER
            yamlpos._FAST_LOADER = None

        def __exit__(self, *exc: object) -> None:
            yamlpos._FAST_LOADER = self.saved

    return Patch()


def bench_load(track: Path, out: list[str]) -> None:
    from alliance_lens import trackfile
    from alliance_lens.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()

    def cold() -> Any:
        trackfile.clear_cache()
        return trackfile.parse_commentary(track, vocabulary=vocabulary)

    with pure_python():
        base, result = timed(cold, 1)
    assert result.ok, result.problems[:3]
    ours_cpu = cpu_timed(cold, 5)
    ours, result = timed(cold, 5)
    assert result.ok, result.problems[:3]
    cached, again = timed(lambda: trackfile.parse_commentary(track, vocabulary=vocabulary), 9)
    assert again.doc is result.doc
    b, o, c = min(base), statistics.median(ours), statistics.median(cached)
    out += [
        f"cold load + validate, pure-Python composer (baseline): best {ms(b)}",
        f"cold load + validate, ours (libyaml events): median {ms(o)} wall, "
        f"{ms(statistics.median(ours_cpu))} CPU, best {ms(min(ours))} wall"
        f"  -> {b / o:.1f}x faster (target <= 1,000 ms)",
        f"same bytes again, content-digest cache: median {ms(c)} (target <= 50 ms);"
        f" {b / c:,.0f}x the baseline",
        f"  video: at line {result.position('video')[0]} (LoadResult.position, no text grep)",
    ]


CLI_BASELINE = (
    "import sys; from alliance_lens import yamlpos; yamlpos._FAST_LOADER = None; "
    "from alliance_lens.cli import main; sys.exit(main(sys.argv[1:]))"
)
CLI_OURS = "import sys; from alliance_lens.cli import main; sys.exit(main(sys.argv[1:]))"


def bench_cli(track: Path, out: list[str]) -> None:
    cpu: dict[str, list[float]] = {CLI_BASELINE: [], CLI_OURS: []}

    def run(code: str) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code, "validate", str(track)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        took = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[code].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        assert done.returncode == 0, done.stderr[-2000:]
        return took

    base = run(CLI_BASELINE)
    ours = statistics.median([run(CLI_OURS) for _ in range(3)])
    base_cpu, ours_cpu = cpu[CLI_BASELINE][0], statistics.median(cpu[CLI_OURS])
    out.append(
        f"alliance-lens validate (subprocess, incl. start-up and video probe): baseline "
        f"{ms(base)} wall, {ms(base_cpu)} CPU; ours median {ms(ours)} wall, {ms(ours_cpu)} CPU "
        f"-> {base_cpu / ours_cpu:.1f}x (CPU)"
    )


def bench_draft(out: list[str]) -> None:
    from alliance_lens import authoring, trackfile
    from alliance_lens.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    doc = trackfile.parse_commentary(
        "draft.yaml", text=make_track_text(DRAFT_CUES, EPISODES, PROMPTS)
    ).doc
    assert doc is not None
    draft = authoring.draft_from_doc(doc)
    cues = draft["tracks"][0]["cues"]
    edits = iter(range(1_000_000))

    def edit_and(check: Callable[[], Any]) -> Callable[[], Any]:
        def step() -> Any:
            n = next(edits)
            cues[n % len(cues)]["text"] = f"Edited line {n}"  # new bytes: no cache hit
            return check()

        return step

    def yaml_route() -> Any:  # the route before: dump the draft as YAML, then parse it
        return trackfile.parse_commentary(
            "draft.yaml", text=authoring.draft_yaml(draft), vocabulary=vocabulary
        )

    with pure_python():
        base, r = timed(edit_and(yaml_route), 1)
    assert r.ok
    dumped, r = timed(edit_and(yaml_route), 3)
    assert r.ok
    route, r = timed(edit_and(lambda: authoring.validate(draft, vocabulary=vocabulary)), 7)
    assert r.ok
    route_cpu = cpu_timed(edit_and(lambda: authoring.validate(draft, vocabulary=vocabulary)), 7)
    b = min(base)
    out += [
        f"2,000-cue draft, one edit, YAML dump + pure-Python loader (the first route): {ms(b)}",
        f"  YAML dump + libyaml read: median {ms(statistics.median(dumped))} "
        f"-> {b / statistics.median(dumped):.1f}x",
        f"  authoring.validate now (trackfile.check_data, no YAML round trip): median "
        f"{ms(statistics.median(route))} wall, {ms(statistics.median(route_cpu))} CPU -> "
        f"{b / statistics.median(route):.0f}x (target <= 150 ms)",
    ]


def bench_watch(library: Path, out: list[str], reruns: int = 15) -> None:
    """Watch reruns, the track in the component data (before) against by URL (ours), the
    two alternating rerun by rerun in one process (``trackdata.served`` switched between)."""
    from streamlit.testing.v1 import AppTest

    from alliance_lens import trackdata

    os.environ["ALLIANCE_LENS_LIBRARY"] = str(library)
    trackdata.routes()  # as app.py does in the server: big tracks go by URL

    def page() -> AppTest:
        at = AppTest.from_file(str(ROOT / "views" / "watch.py"), default_timeout=120)
        at.query_params["video"] = "big"
        return at

    def run(at: AppTest, by_url: bool) -> tuple[float, float]:
        (trackdata._served.set if by_url else trackdata._served.clear)()
        c0, t0 = time.process_time(), time.perf_counter()
        at.run()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert not at.exception, at.exception
        return wall, cpu

    inline, by_url = page(), page()
    first, _ = run(inline, False)
    run(by_url, True)
    figures: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(reruns):
        for at, url in ((inline, False), (by_url, True)):
            figures[url].append(run(at, url))
    trackdata._served.set()
    sent = {}
    for at, url in ((inline, False), (by_url, True)):
        players = [el for el in at.get("bidi_component") if el.key == "watch_player"]
        assert players, "no player on the page"
        sent[url] = players[0].proto.json
    assert "tracks_src" in sent[True] and "tracks_src" not in sent[False]
    sizes = {url: len(text) for url, text in sent.items()}
    data = json.loads(sent[False])
    dumps = cpu_timed(lambda: json.dumps(data), 5)

    def line(url: bool) -> str:
        wall, cpu = [w for w, _ in figures[url]], [c for _, c in figures[url]]
        return (
            f"median {ms(statistics.median(wall))} wall, {ms(statistics.median(cpu))} CPU, "
            f"max {ms(max(wall))} wall; component data {sizes[url]:,} bytes of JSON"
        )

    def median_wall(url: bool) -> float:
        return statistics.median(w for w, _ in figures[url])

    out += [
        f"Watch page, 10,000-cue track (AppTest, n={reruns} reruns each, alternating; target "
        f"median <= 100 ms): first run {ms(first)} (cold: scan, parse, probe, thumbnails)",
        f"  track in the component data (before): {line(False)}",
        f"  track by URL (ours, trackdata):       {line(True)}",
        f"  -> rerun median {median_wall(False) / median_wall(True):.1f}x faster; one "
        f"json.dumps of the inline data {ms(statistics.median(dumps))} CPU (Streamlit dumps "
        "it twice a rerun: payload and widget identity)",
    ]


def main() -> None:
    from tools.clips import make_frame_numbered_video

    out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="big-track-") as tmp:
        library = Path(tmp)
        (library / "commentary").mkdir()
        (library / "media").mkdir()
        text = make_track_text()
        track = library / "commentary" / "big.yaml"
        track.write_text(text, encoding="utf-8")
        make_frame_numbered_video(library / "media" / "big.mp4", seconds=24, size=(320, 180))
        out += [
            f"Big track benchmark: {CUES:,} cues, {EPISODES} episodes, {PROMPTS} prompts, "
            f"{len(text.encode()):,} bytes of YAML; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores",
            "",
        ]
        bench_load(track, out)
        bench_cli(track, out)
        bench_draft(out)
        bench_watch(library, out)
    text_out = "\n".join(out) + "\n"
    print(text_out)
    (ROOT / "bench" / "results" / "big_track.txt").write_text(text_out)


if __name__ == "__main__":
    main()
