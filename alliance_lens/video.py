"""Video files: probe (OpenCV), frame-exact thumbnails (OpenCV), transcode (ffmpeg).

Pure Python core: never imports Streamlit. Times are integer milliseconds.

Why the thumbnail code is not just ``cap.set(CAP_PROP_POS_MSEC, t); cap.read()``:
OpenCV's seek lands 1-2 frames *before* the target about half the time, but
``CAP_PROP_POS_MSEC`` read after a grab is the true timestamp of that frame. So we seek,
then step forward with ``grab()`` (decode only, no colour conversion) until the frame's
timestamp reaches the target, and ``retrieve()`` only that frame.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

# OpenCV and its ffmpeg backend print warnings of their own for unreadable files; our
# errors say it better, so keep theirs quiet unless the user asked for them.
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2  # noqa: E402
import imageio_ffmpeg
import numpy as np

from alliance_lens.atomic import PendingFile, atomic_write, pending_file
from alliance_lens.errors import VideoError

__all__ = [
    "VideoError",
    "VideoInfo",
    "content_key",
    "probe",
    "thumbnail",
    "thumbnails",
    "transcode",
]

# Human names for the fourcc strings OpenCV's FFmpeg backend reports (it gives the
# container's codec tag when there is one, so the same codec has several spellings).
_CODEC_NAMES = {
    "avc1": "H.264",
    "avc3": "H.264",
    "h264": "H.264",
    "x264": "H.264",
    "hev1": "H.265/HEVC",
    "hvc1": "H.265/HEVC",
    "hevc": "H.265/HEVC",
    "vp80": "VP8",
    "vp90": "VP9",
    "vp09": "VP9",
    "av01": "AV1",
    "mp4v": "MPEG-4 Part 2",
    "fmp4": "MPEG-4 Part 2",
    "xvid": "MPEG-4 Part 2",
    "divx": "MPEG-4 Part 2",
    "dx50": "MPEG-4 Part 2",
    "mjpg": "Motion JPEG",
    "mpg1": "MPEG-1",
    "mpg2": "MPEG-2",
}
# What Chromium plays (engineering.md): H.264 in MP4-family files; VP8/VP9/AV1 in WebM.
_PLAYABLE = {"mp4": {"H.264"}, "mov": {"H.264"}, "webm": {"VP8", "VP9", "AV1"}}
# H.264 must also be 8-bit 4:2:0 (OpenCV reports it as I420). Debian's Chromium here (system
# FFmpeg) did play 4:2:2, 4:4:4 and 10-bit H.264, but Firefox and Safari decode H.264 with
# the system's decoders, which generally take 8-bit 4:2:0 only. A wrong "playable" leaves
# some learners with a black player; a wrong "not playable" only costs a transcode.
_PLAYABLE_H264_PIXEL_FORMATS = {"I420", "YV12", "NV12", ""}

# Slack when comparing frame timestamps with a target: float noise only. Container
# timestamps are exact rationals (OpenCV computes pts * time_base), so anything larger
# would pick a frame that is genuinely before the target.
_TOL_MS = 1e-3
# The largest forward gap (in frames) bridged by stepping instead of seeking: a seek
# decodes from the previous keyframe, usually more frames than this.
_MAX_STEP = 16
_JPEG_QUALITY = 90


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    duration_ms: int
    fps: float
    width: int
    height: int
    frame_count: int
    fourcc: str  # as OpenCV reports it, e.g. "h264", "avc1", "FMP4", "MJPG", "VP90"
    codec_name: str  # human name, e.g. "H.264", "MPEG-4 Part 2", "Motion JPEG"
    container: str  # sniffed from the file's first bytes: mp4, mov, webm, matroska, avi, ...
    browser_playable: bool

    @property
    def frame_ms(self) -> float:
        return 1000.0 / self.fps


def _fourcc_str(value: float) -> str:
    n = int(value)
    if n <= 0:
        return ""
    return n.to_bytes(4, "little").decode("latin-1").rstrip("\x00 ")


def _sniff_container(path: Path) -> str:
    """The container from magic bytes, since a file's extension may lie."""
    with path.open("rb") as f:
        head = f.read(4096)
    if head[4:8] == b"ftyp":
        return "mov" if head[8:12] == b"qt  " else "mp4"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM or Matroska, see DocType
        return "webm" if b"webm" in head[:64] else "matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    return path.suffix.lower().lstrip(".") or "unknown"


def _open(path: str | os.PathLike[str]) -> tuple[Path, cv2.VideoCapture]:
    p = Path(path)
    if not p.exists():
        raise VideoError("video file not found", file=str(p))
    if not p.is_file():
        raise VideoError("not a file", file=str(p))
    cap = cv2.VideoCapture(str(p), cv2.CAP_FFMPEG)
    if not cap.isOpened():
        raise VideoError(
            "not a video OpenCV can read (unknown format or damaged file)", file=str(p)
        )
    return p, cap


def probe(path: str | os.PathLike[str]) -> VideoInfo:
    """Basic facts about a video, and whether browsers can play it as it is."""
    p, cap = _open(path)
    try:
        fps = cap.get(cv2.CAP_PROP_FPS)
        frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fourcc = _fourcc_str(cap.get(cv2.CAP_PROP_FOURCC))
        pix_fmt = _fourcc_str(cap.get(cv2.CAP_PROP_CODEC_PIXEL_FORMAT))
    finally:
        cap.release()
    if not fps > 0 or width <= 0 or height <= 0:
        raise VideoError(f"no usable video stream (fps={fps}, size={width}x{height})", file=str(p))
    container = _sniff_container(p)
    codec = _CODEC_NAMES.get(fourcc.lower(), fourcc or "unknown")
    playable = codec in _PLAYABLE.get(container, set()) and (
        codec != "H.264" or pix_fmt in _PLAYABLE_H264_PIXEL_FORMATS
    )
    return VideoInfo(
        path=p,
        duration_ms=round(frames * 1000 / fps),
        fps=fps,
        width=width,
        height=height,
        frame_count=frames,
        fourcc=fourcc,
        codec_name=codec,
        container=container,
        browser_playable=playable,
    )


def probe_duration_ms(path: str | os.PathLike[str]) -> int | None:
    """The video's duration for past-the-end warnings; None when it cannot be read."""
    try:
        return probe(path).duration_ms
    except VideoError:
        return None


def content_key(path: str | os.PathLike[str]) -> str:
    """A fingerprint of a file's content (size + first and last MiB), not its name or mtime.

    A renamed or copied file keeps its key; an edit that changes the size, the start
    or the end changes it (an equal-size edit in the middle would not: cheap by design).
    """
    p = Path(path)
    if not p.is_file():
        raise VideoError("video file not found", file=str(p))
    chunk = 1 << 20
    with p.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        h = hashlib.sha256(str(size).encode())
        h.update(f.read(chunk))
        if size > chunk:
            f.seek(max(chunk, size - chunk))
            h.update(f.read(chunk))
    return h.hexdigest()[:32]


class _Reader:
    """Walks one capture forward through ascending targets, reusing its position."""

    def __init__(self, path: Path, cap: cv2.VideoCapture) -> None:
        self.path, self.cap = path, cap
        self.frame_ms = 1000.0 / (cap.get(cv2.CAP_PROP_FPS) or 25.0)
        self.pos: float | None = None  # timestamp (ms) of the last grabbed frame

    def _grab(self) -> bool:
        if not self.cap.grab():
            return False
        self.pos = self.cap.get(cv2.CAP_PROP_POS_MSEC)
        return True

    def _seek(self, t: float) -> bool:
        self.cap.set(cv2.CAP_PROP_POS_MSEC, max(0.0, t))
        self.pos = None
        return self._grab()

    def frame_at(self, t: float) -> np.ndarray:
        """The first frame whose timestamp is >= t (the last frame if t is past the end)."""
        # Already there (e.g. two targets within one frame)? Targets ascend, so the frame
        # before the current one is < the previous target <= t.
        if self.pos is not None and self.pos >= t - _TOL_MS:
            return self._retrieve()
        if self.pos is None or t - self.pos > _MAX_STEP * self.frame_ms:
            seek_to = t
            for _ in range(8):  # each retry backs off further; 8 is plenty, even for odd files
                if not self._seek(seek_to):
                    return self._last_frame()
                assert self.pos is not None
                # Landed a whole frame or more after t: an earlier frame may qualify. Back off.
                if self.pos - self.frame_ms < t - _TOL_MS or seek_to <= 0:
                    break
                seek_to -= (self.pos - t) + 2 * self.frame_ms
            else:
                raise VideoError(f"could not seek to {t:.0f} ms", file=str(self.path))
        # Step forward, decoding only (grab), until the frame's timestamp reaches t.
        assert self.pos is not None
        while self.pos < t - _TOL_MS:
            before = self.pos
            if not self._grab():
                return self._last_frame()
            if self.pos <= before:  # timestamps not increasing (broken file): take this one
                break
        return self._retrieve()

    def _retrieve(self) -> np.ndarray:
        ok, frame = self.cap.retrieve()
        if not ok or frame is None:
            raise VideoError(f"could not decode the frame at {self.pos} ms", file=str(self.path))
        return frame

    def _last_frame(self) -> np.ndarray:
        """Past the end: read the final seconds and keep the last frame that decodes."""
        n = int(self.cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self.cap.set(cv2.CAP_PROP_POS_FRAMES, max(0, n - 2 * _MAX_STEP))
        last = None
        while True:
            ok, frame = self.cap.read()
            if not ok:
                break
            last, self.pos = frame, self.cap.get(cv2.CAP_PROP_POS_MSEC)
        if last is None:
            raise VideoError("no frame could be decoded", file=str(self.path))
        return last


def _cache_path(
    cache_dir: Path, key: str, at_ms: int, width: int, quality: int = _JPEG_QUALITY
) -> Path:
    q = "" if quality == _JPEG_QUALITY else f"-q{quality}"  # the default keeps its old names
    return cache_dir / f"{key}-{at_ms}ms-w{width}{q}.jpg"


def _write_jpeg(frame: np.ndarray, width: int, dest: Path, quality: int = _JPEG_QUALITY) -> None:
    h, w = frame.shape[:2]
    size = (width, max(1, round(h * width / w)))
    interp = cv2.INTER_AREA if width < w else cv2.INTER_LINEAR
    ok, buf = cv2.imencode(
        ".jpg",
        cv2.resize(frame, size, interpolation=interp),
        [cv2.IMWRITE_JPEG_QUALITY, quality],
    )
    if not ok:
        raise VideoError("could not encode a thumbnail", file=str(dest))
    # a concurrent reader never sees half a file; a cache need not survive a crash
    atomic_write(dest, buf.tobytes(), durable=False)


def thumbnails(
    path: str | os.PathLike[str],
    times_ms: Iterable[int],
    *,
    width: int = 320,
    cache_dir: str | os.PathLike[str],
    quality: int = _JPEG_QUALITY,
) -> list[Path]:
    """JPEG thumbnails (``width`` px wide) of the first frame at or after each time.

    Returns paths in the order of ``times_ms``. One capture serves all misses, visited in
    ascending time so nearby targets are reached by stepping, not seeking. Cached in
    ``cache_dir`` by file content, time, width and JPEG ``quality`` (1-100).
    """
    times = list(times_ms)
    if any(t < 0 for t in times):
        raise ValueError(f"times must be >= 0 ms, got {min(times)}")
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be 1-100, got {quality}")
    cache = Path(cache_dir)
    key = content_key(path)
    out = [_cache_path(cache, key, t, width, quality) for t in times]
    missing = sorted({t for t, p in zip(times, out, strict=True) if not p.exists()})
    if missing:
        cache.mkdir(parents=True, exist_ok=True)
        p, cap = _open(path)
        try:
            reader = _Reader(p, cap)
            for t in missing:
                dest = _cache_path(cache, key, t, width, quality)
                _write_jpeg(reader.frame_at(t), width, dest, quality)
        finally:
            cap.release()
    return out


def thumbnail(
    path: str | os.PathLike[str],
    at_ms: int,
    *,
    width: int = 320,
    cache_dir: str | os.PathLike[str],
) -> Path:
    """A JPEG thumbnail of the first frame at or after ``at_ms`` (see ``thumbnails``)."""
    return thumbnails(path, [at_ms], width=width, cache_dir=cache_dir)[0]


_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")


def transcode(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Path | None:
    """Convert ``src`` to a browser-safe H.264/AAC MP4 at ``dst``.

    ``progress`` is called in the caller's thread with a fraction 0..1 (non-decreasing,
    ending with 1.0). Setting ``cancel`` stops ffmpeg, removes the partial output and
    returns None. The output appears atomically (temp file, then rename); ``src`` is
    never modified. Raises VideoError naming the file and ffmpeg's last words.
    """
    src_p, dst_p = Path(src), Path(dst)
    if not src_p.is_file():
        raise VideoError("video file not found", file=str(src_p))
    if dst_p.exists() and dst_p.resolve() == src_p.resolve():
        raise VideoError("refusing to overwrite the original with its conversion", file=str(src_p))
    with pending_file(dst_p, suffix=".part") as pending:
        return _run_ffmpeg(src_p, pending, progress, cancel)


def _run_ffmpeg(
    src_p: Path,
    pending: PendingFile,
    progress: Callable[[float], None] | None,
    cancel: threading.Event | None,
) -> Path | None:
    """ffmpeg writes the temp file; it is committed only when ffmpeg succeeded."""
    tmp = pending.path
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-y",
        "-i",
        str(src_p),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0?",  # first video; first audio if there is one
        "-vf",
        "scale=trunc(iw/2)*2:trunc(ih/2)*2",  # yuv420p needs even dimensions
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-crf",
        "23",
        "-c:a",
        "aac",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.25",
        "-nostats",
        str(tmp),
    ]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    events: queue.Queue[float | None] = queue.Queue()
    tail: deque[str] = deque(maxlen=12)
    duration_s: list[float] = []

    def read_progress() -> None:  # stdout: key=value lines from -progress
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("out_time_us=") and line[12:].strip().isdigit():
                events.put(int(line[12:]) / 1e6)
        events.put(None)

    def read_log() -> None:  # stderr: the input's duration and the error tail
        assert proc.stderr is not None
        for line in proc.stderr:
            if not duration_s and (m := _DURATION.search(line)):
                duration_s.append(int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]))
            if line.strip():
                tail.append(line.rstrip())

    threads = [threading.Thread(target=f, daemon=True) for f in (read_progress, read_log)]
    for th in threads:
        th.start()
    try:
        last = 0.0
        while True:
            if cancel is not None and cancel.is_set():
                proc.kill()
                return None
            try:
                event = events.get(timeout=0.05)  # short, so cancel is noticed promptly
            except queue.Empty:
                continue
            if event is None:
                break
            if progress and duration_s and duration_s[0] > 0:
                frac = min(1.0, event / duration_s[0])
                if frac > last:
                    last = frac
                    progress(frac)
        rc = proc.wait()
        for th in threads:
            th.join(timeout=5)
        if rc != 0:
            log = "\n".join(tail)
            what = (
                "the file has no video stream"
                if "matches no streams" in log
                else f"ffmpeg failed (exit code {rc})"
            )
            raise VideoError(f"cannot convert to MP4: {what}:\n{log}", file=str(src_p))
        pending.commit()
        if progress:
            progress(1.0)
        return pending.dest
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
