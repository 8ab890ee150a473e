"""A conversion to browser-safe MP4 running in a background thread, for a page to poll.

The page starts a ``TranscodeJob``, shows its ``progress`` on each rerun and may ``cancel``
it; the worker never raises: a failure ends the job with ``error`` set. No Streamlit here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import video
from .errors import AllianceLensError
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
            self.result = video.transcode(
                self.src, self.dst, progress=report, cancel=self.cancelled
            )
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
