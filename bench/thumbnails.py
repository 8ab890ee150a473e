"""Benchmark: frame-exact thumbnails vs ffmpeg input seeking vs plain OpenCV seeking.

Run from the repository root:  python bench/thumbnails.py
The first run generates bench/.cache/numbered-720p-60min-gop10s.mp4 (several minutes);
later runs reuse it. Output is printed and written to bench/results/thumbnails.txt.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from math import ceil
from pathlib import Path

import cv2
import imageio_ffmpeg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alliance_lens.video import probe, thumbnails  # noqa: E402
from tools.clips import decode_frame_number, make_frame_numbered_video  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
VIDEO = CACHE / "numbered-720p-60min-gop10s.mp4"
RESULTS = ROOT / "bench" / "results" / "thumbnails.txt"
FPS, SECONDS, SIZE, GOP_S = 25, 3600, (1280, 720), 10
N_TIMES, SEED, ROUNDS = 20, 20240601, 7


def ensure_video() -> Path:
    if not VIDEO.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        part = VIDEO.with_suffix(".part.mp4")
        t = time.perf_counter()
        # ultrafast keeps generation to minutes; 3 B-frames keep it realistic for seeking
        # (x264's default presets and cameras make B-frames, and they trip naive seeks).
        make_frame_numbered_video(
            part,
            seconds=SECONDS,
            fps=FPS,
            size=SIZE,
            keyframe_interval_s=GOP_S,
            preset="ultrafast",
            crf=23,
            bframes=3,
        )
        part.rename(VIDEO)
        print(f"generated {VIDEO.name} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return VIDEO


def cpu_seconds() -> float:
    """CPU time of this process (all threads) plus its finished children (ffmpeg)."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ch.ru_utime + ch.ru_stime


def ours(video: Path, times: list[int]) -> list[int | None]:
    with tempfile.TemporaryDirectory() as cache:  # cold cache: measure the real work
        return [
            decode_frame_number(p.read_bytes())
            for p in thumbnails(video, times, width=320, cache_dir=cache)
        ]


def ffmpeg_seek(video: Path, times: list[int]) -> list[int | None]:
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    out = []
    for t in times:  # one process per frame; -ss before -i = fast, accurate input seeking
        jpeg = subprocess.run(
            [
                exe,
                "-v",
                "error",
                "-ss",
                f"{t / 1000:.3f}",
                "-i",
                str(video),
                "-frames:v",
                "1",
                "-vf",
                "scale=320:-2",
                "-f",
                "image2pipe",
                "-c:v",
                "mjpeg",
                "-",
            ],
            check=True,
            capture_output=True,
        ).stdout
        out.append(decode_frame_number(jpeg))
    return out


def plain_opencv(video: Path, times: list[int]) -> list[int | None]:
    cap = cv2.VideoCapture(str(video), cv2.CAP_FFMPEG)
    out = []
    for t in times:  # seek and take whatever frame comes: no check, no resize, no encode
        cap.set(cv2.CAP_PROP_POS_MSEC, t)
        ok, frame = cap.read()
        out.append(decode_frame_number(frame) if ok else None)
    cap.release()
    return out


def main() -> None:
    video = ensure_video()
    info = probe(video)
    rng = random.Random(SEED)
    times = [rng.randrange(info.duration_ms) for _ in range(N_TIMES)]
    want = [ceil(Fraction(t) * FPS / 1000) for t in times]  # first frame at or after t
    load_before = os.getloadavg()[0]
    with video.open("rb") as f:  # warm the page cache so no method pays the first disk read
        while f.read(1 << 24):
            pass
    methods: dict[str, Callable[[Path, list[int]], list[int | None]]] = {
        "ours: thumbnails()": ours,
        "ffmpeg -ss T -i (per frame)": ffmpeg_seek,
        "plain OpenCV POS_MSEC+read": plain_opencv,
    }
    wall: dict[str, list[float]] = {name: [] for name in methods}
    cpu: dict[str, list[float]] = {name: [] for name in methods}
    exact: dict[str, int] = {}
    misses: dict[str, list[int]] = {}
    names = list(methods)
    for r in range(ROUNDS):
        # Interleaved rounds in rotating order, so background load hits all methods alike.
        for name in names[r % 3 :] + names[: r % 3]:
            c0, w0 = cpu_seconds(), time.perf_counter()
            got = methods[name](video, times)
            wall[name].append(time.perf_counter() - w0)
            cpu[name].append(cpu_seconds() - c0)
            exact[name] = sum(g == w for g, w in zip(got, want, strict=True))
            misses[name] = sorted(
                {
                    (g - w) if g is not None else 99999
                    for g, w in zip(got, want, strict=True)
                    if g != w
                }
            )
    with tempfile.TemporaryDirectory() as cache:
        thumbnails(video, times, cache_dir=cache)
        t0 = time.perf_counter()
        thumbnails(video, times, cache_dir=cache)
        warm = time.perf_counter() - t0

    base = "plain OpenCV POS_MSEC+read"
    # Medians: a "best" round mostly measures luck (whether both cores were free).
    wall_base, cpu_base = statistics.median(wall[base]), statistics.median(cpu[base])
    lines = [
        f"video: {video.name}  {info.width}x{info.height} {info.fps:g} fps "
        f"{info.duration_ms / 60000:.0f} min, {info.codec_name}, keyframe every {GOP_S} s, "
        f"B-frames, {video.stat().st_size / 1e6:.0f} MB",
        f"{N_TIMES} times (seed {SEED}), {ROUNDS} interleaved rounds; opencv {cv2.__version__}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before / "
        f"{os.getloadavg()[0]:.1f} after",
        "wall = elapsed s, cpu = CPU s of this process's threads and its ffmpeg children",
        "(less sensitive to other load on the machine); ratios of medians to plain OpenCV",
        "",
        f"{'method':28} {'wall best':>9} {'med':>6} {'cpu best':>8} {'med':>6} "
        f"{'ratio wall':>10} {'cpu':>5}  exact  off by (frames)",
    ]
    for name in methods:
        w, c = wall[name], cpu[name]
        lines.append(
            f"{name:28} {min(w):9.3f} {statistics.median(w):6.3f} {min(c):8.3f} "
            f"{statistics.median(c):6.3f} {statistics.median(w) / wall_base:10.2f} "
            f"{statistics.median(c) / cpu_base:5.2f}  {exact[name]:2}/{N_TIMES}  "
            f"{misses[name] or ''}"
        )
    lines.append(f"{'ours, warm cache':28} {warm:9.3f}")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--generate-only"]:
        ensure_video()
    else:
        main()
