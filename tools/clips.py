"""Synthetic test videos whose every frame shows its own frame number.

Each frame carries the number twice: in large digits for people, and as a strip of
black/white blocks along the top for machines (``decode_frame_number``), so a
thumbnail or a browser screenshot can be checked for frame-exactness.

Strip layout (full frame width, top 1/8 of the height), ``CELLS`` equal cells:
``[black reference] [bit 23 ... bit 0, MSB first] [white reference]``.
The two reference cells give the threshold, so brightness/contrast changes and
scaling do not matter; 24 bits cover 186 hours at 25 fps.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

BITS = 24
CELLS = BITS + 2  # black reference + bits + white reference
STRIP_FRACTION = 8  # the strip is height // STRIP_FRACTION tall
BACKGROUND = 40  # dark grey, so both black and white blocks stand out
CODECS = ("h264", "mjpg-avi", "mp4v")


class FrameRenderer:
    """Renders numbered grey frames cheaply: digit glyphs are drawn once, then pasted."""

    def __init__(self, size: tuple[int, int], *, noise: bool = False, seed: int = 0) -> None:
        self.width, self.height = size
        w, h = size
        self.strip_h = max(4, h // STRIP_FRACTION)
        self.cell_x = [round(i * w / CELLS) for i in range(CELLS + 1)]
        # Glyphs: one mask per digit, all the same cell size (monospace).
        digit_h = int(h * 0.35)
        scale = digit_h / cv2.getTextSize("0", cv2.FONT_HERSHEY_SIMPLEX, 1.0, 1)[0][1]
        thick = max(2, int(scale * 2.2))
        sizes = [cv2.getTextSize(str(d), cv2.FONT_HERSHEY_SIMPLEX, scale, thick) for d in range(10)]
        gw = max(s[0][0] for s in sizes) + thick
        gh = max(s[0][1] + s[1] for s in sizes) + thick
        self.glyphs = []
        for d in range(10):
            g = np.zeros((gh, gw), np.uint8)
            cv2.putText(
                g,
                str(d),
                (thick // 2, gh - sizes[d][1] - thick // 2),
                cv2.FONT_HERSHEY_SIMPLEX,
                scale,
                255,
                thick,
                cv2.LINE_AA,
            )
            self.glyphs.append(g)
        self.glyph_w, self.glyph_h = gw, gh
        self.digit_y = self.strip_h + (h - self.strip_h - gh) // 2
        self.base = np.full((h, w), BACKGROUND, np.uint8)
        self.noise: list[np.ndarray] = []
        if noise:
            # A cycle of independent noise frames defeats inter prediction, so the
            # encoder must spend bits on every frame (used to make large files fast).
            rng = np.random.default_rng(seed)
            self.noise = [rng.integers(0, 256, (h, w), np.uint8) for _ in range(37)]

    def gray(self, n: int) -> np.ndarray:
        """The frame for frame number ``n`` as an (h, w) uint8 image."""
        if not 0 <= n < 2**BITS:
            raise ValueError(f"frame number {n} does not fit in {BITS} bits")
        f = self.noise[n % len(self.noise)].copy() if self.noise else self.base.copy()
        text = str(n)
        x0 = (self.width - len(text) * self.glyph_w) // 2
        if self.noise:  # a solid box keeps the digits legible over noise
            f[
                self.digit_y - 4 : self.digit_y + self.glyph_h + 4,
                max(0, x0 - 4) : x0 + 4 + len(text) * self.glyph_w,
            ] = BACKGROUND
        for i, ch in enumerate(text):
            x = x0 + i * self.glyph_w
            if x < 0 or x + self.glyph_w > self.width:
                continue  # frame too narrow for all digits; the strip still carries n
            region = f[self.digit_y : self.digit_y + self.glyph_h, x : x + self.glyph_w]
            np.maximum(region, self.glyphs[int(ch)], out=region)
        bits = [0] + [(n >> (BITS - 1 - i)) & 1 for i in range(BITS)] + [1]
        for i, bit in enumerate(bits):
            f[: self.strip_h, self.cell_x[i] : self.cell_x[i + 1]] = 255 if bit else 0
        return f

    def bgr(self, n: int) -> np.ndarray:
        return cv2.cvtColor(self.gray(n), cv2.COLOR_GRAY2BGR)


def decode_frame_number(
    image: np.ndarray | bytes, region: tuple[int, int, int, int] | None = None
) -> int | None:
    """Read the frame number from a frame, thumbnail or screenshot.

    ``image`` is a BGR/grey array or encoded (PNG/JPEG) bytes; ``region`` is the
    video's rectangle ``(x, y, w, h)`` inside it (default: the whole image). Returns
    None when no strip is recognisable (references without contrast, or a block
    too close to the threshold to call).
    """
    if isinstance(image, bytes | bytearray):
        image = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_GRAYSCALE)
        if image is None:
            return None
    elif image.ndim == 3:
        image = cv2.cvtColor(
            image, cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        )
    x, y, w, h = region if region else (0, 0, image.shape[1], image.shape[0])
    strip_h = h / STRIP_FRACTION
    y0, y1 = int(y + strip_h * 0.25), max(int(y + strip_h * 0.75), int(y + strip_h * 0.25) + 1)
    means = []
    for i in range(CELLS):
        # Sample the middle half of each cell: edges blur under scaling and JPEG.
        cx0 = int(x + (i + 0.25) * w / CELLS)
        cx1 = max(int(x + (i + 0.75) * w / CELLS), cx0 + 1)
        means.append(float(image[y0:y1, cx0:cx1].mean()))
    black, white = means[0], means[-1]
    if white - black < 60:
        return None
    n = 0
    for m in means[1:-1]:
        level = (m - black) / (white - black)
        if 0.3 < level < 0.7:
            return None
        n = (n << 1) | (level >= 0.5)
    return n


def _frames(renderer: FrameRenderer, count: int) -> Iterator[bytes]:
    for n in range(count):
        yield renderer.gray(n).tobytes()


def make_frame_numbered_video(
    path: str | os.PathLike[str],
    *,
    seconds: float,
    fps: float | Fraction = 25,
    size: tuple[int, int] = (640, 360),
    codec: str = "h264",
    audio: bool = False,
    keyframe_interval_s: float | None = None,
    preset: str = "veryfast",
    crf: int = 18,
    bframes: int | None = None,
    noise: bool = False,
    bitrate: str | None = None,
) -> Path:
    """Write a video of ``round(seconds * fps)`` frames, frame n showing the number n.

    Pass NTSC-style rates as a Fraction (``Fraction(30000, 1001)``) so ffmpeg gets the
    exact rational rate and frame n's timestamp is exactly ``n * 1000 / fps`` ms.

    ``codec``: "h264" (MP4 through imageio-ffmpeg's ffmpeg: the browser-playable kind),
    "mjpg-avi" or "mp4v" (through cv2.VideoWriter: the kinds browsers refuse).
    ``audio`` adds a silent AAC track and ``keyframe_interval_s`` fixes the GOP
    (both H.264 only). ``preset``/``crf``/``bframes``/``bitrate`` tune x264 for
    speed or size; ``noise`` fills the background with noise (big files).
    """
    path = Path(path)
    count = round(seconds * fps)
    w, h = size
    renderer = FrameRenderer(size, noise=noise)
    if codec in ("mjpg-avi", "mp4v"):
        if audio or keyframe_interval_s is not None:
            raise ValueError(f"audio and keyframe_interval_s need codec='h264', not {codec!r}")
        fourcc = cv2.VideoWriter_fourcc(*("MJPG" if codec == "mjpg-avi" else "mp4v"))
        writer = cv2.VideoWriter(str(path), fourcc, float(fps), (w, h))
        if not writer.isOpened():
            raise RuntimeError(f"OpenCV cannot write {codec} to {path}")
        try:
            for n in range(count):
                writer.write(renderer.bgr(n))
        finally:
            writer.release()
        return path
    if codec != "h264":
        raise ValueError(f"codec must be one of {CODECS}, not {codec!r}")
    if w % 2 or h % 2:
        raise ValueError(f"yuv420p needs even dimensions, got {w}x{h}")
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-y",
        "-hide_banner",
        "-loglevel",
        "error",
        # grey input: a third of the bytes of BGR through the pipe; chroma is flat anyway
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-s",
        f"{w}x{h}",
        "-r",
        str(fps),
        "-i",
        "-",
    ]
    if audio:
        cmd += [
            "-f",
            "lavfi",
            "-t",
            str(float(count / fps)),
            "-i",
            "anullsrc=channel_layout=stereo:sample_rate=48000",
        ]
    cmd += ["-map", "0:v"] + (["-map", "1:a", "-c:a", "aac"] if audio else [])
    cmd += ["-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p"]
    cmd += (
        ["-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate]
        if bitrate
        else ["-crf", str(crf)]
    )
    if keyframe_interval_s is not None:
        # Fixed GOP: no extra keyframes at scene cuts (every frame "cuts" in the digits).
        g = max(1, round(keyframe_interval_s * fps))
        cmd += ["-g", str(g), "-keyint_min", str(g), "-sc_threshold", "0"]
    if bframes is not None:
        cmd += ["-bf", str(bframes)]
    cmd += ["-movflags", "+faststart", "-f", "mp4", str(path)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        for frame in _frames(renderer, count):
            proc.stdin.write(frame)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg died; its message follows
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg failed writing {path}: {err[-2000:]}")
    return path


def make_large_video(
    path: str | os.PathLike[str], min_bytes: int, *, size: tuple[int, int] = (1280, 720)
) -> Path:
    """A browser-playable H.264 MP4 of at least ``min_bytes`` (for memory benchmarks).

    Noise at a fixed 100 Mbit/s fills bytes quickly (~12.5 MB per second of video);
    frames stay numbered.
    """
    rate = 100_000_000
    seconds = max(1.0, min_bytes * 8 / rate * 1.05)
    while True:
        make_frame_numbered_video(
            path,
            seconds=seconds,
            size=size,
            preset="ultrafast",
            noise=True,
            bitrate=f"{rate // 1_000_000}M",
        )
        got = Path(path).stat().st_size
        if got >= min_bytes:
            return Path(path)
        seconds *= min_bytes / got * 1.05  # encoder undershot: scale up and retry


def pad_mp4(src: str | os.PathLike[str], dest: str | os.PathLike[str], total_bytes: int) -> Path:
    """Copy an MP4 and grow it to ``total_bytes`` with a trailing ``free`` box (sparse zeros).

    The result is still a valid, playable MP4 (players skip ``free`` boxes), so a large
    upload can be made in a moment without encoding: for upload tests and benchmarks.
    """
    data = Path(src).read_bytes()
    pad = total_bytes - len(data)
    if not 8 <= pad < 2**32:
        raise ValueError(f"cannot pad {len(data)} bytes to {total_bytes} with one free box")
    out = Path(dest)
    with out.open("wb") as f:
        f.write(data)
        f.write(pad.to_bytes(4, "big") + b"free")
        f.truncate(total_bytes)  # sparse: no disk blocks for the zeros
    return out
