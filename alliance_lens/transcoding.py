"""Converting a video to browser-safe MP4 with ffmpeg, also as a background job a page polls.

``transcode`` runs ffmpeg (progress, cancel, atomic output). A page starts a ``TranscodeJob``,
shows its ``progress`` on each rerun and may ``cancel`` it; the worker never raises: a failure
ends the job with ``error`` set. No Streamlit here.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg

from .atomic import PendingFile, pending_file
from .errors import AllianceLensError, VideoError
from .ids import unique_path


@dataclass
class TranscodeJob:
    """One conversion of ``src`` to ``dst``; its fields are written by the worker thread."""

    src: Path
    dst: Path
    cancelled: threading.Event = field(default_factory=threading.Event)
    progress: float = 0.0
    done: bool = False
    error: str = ""
    result: Path | None = None

    def cancel(self) -> None:
        self.cancelled.set()

    def run(self) -> None:
        """Convert (in the calling thread); the outcome goes into the job's fields."""

        def report(frac: float) -> None:
            self.progress = frac

        try:
            self.result = transcode(self.src, self.dst, progress=report, cancel=self.cancelled)
        except AllianceLensError as exc:
            self.error = exc.message
        except Exception as exc:  # the page must hear about any failure, never hang
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done = True


def web_copy_path(src: Path) -> Path:
    """Where the browser copy of ``src`` goes: beside it, never over a file."""
    return unique_path(src.parent, src.stem + ("-web" if src.suffix == ".mp4" else ""), ".mp4")


def start_transcode(src: Path) -> TranscodeJob:
    """Start converting ``src`` to a new MP4 beside it in a daemon thread."""
    job = TranscodeJob(src, web_copy_path(src))
    threading.Thread(target=job.run, daemon=True, name=f"transcode {src.name}").start()
    return job


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
