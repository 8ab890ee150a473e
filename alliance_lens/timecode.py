"""The one place that knows how times are written.

Inside the app every time is an integer number of milliseconds. People write
``ss``, ``mm:ss`` or ``hh:mm:ss``, each with an optional ``.mmm`` fraction.

>>> parse_time("01:02.5")
62500
>>> parse_time("1:00:00")
3600000
>>> parse_time("7")
7000
>>> parse_time(12.25)
12250
>>> format_time(62500)
'01:02.500'
>>> format_time(3723004)
'1:02:03.004'
>>> format_time(62500, compact=True)
'01:02.5'
"""

from __future__ import annotations

import math
import re

# Longest time we accept: 100 hours. Longer is certainly a typo or junk.
MAX_MS = 100 * 3600 * 1000

_TIME_RE = re.compile(
    r"^\s*(?:(?:(?P<h>\d{1,3}):)?(?P<m>\d{1,2}):)?(?P<s>\d{1,6})(?:[.,](?P<frac>\d{1,3}))?\s*$"
)


class TimeFormatError(ValueError):
    """A time that is not one of the accepted forms."""


def parse_time(value: str | int | float) -> int:
    """Turn ``ss``, ``mm:ss``, ``hh:mm:ss`` (optional ``.mmm``) or seconds into milliseconds.

    Numbers are seconds. Minutes and seconds after a colon must be below 60.
    """
    if isinstance(value, bool):
        raise TimeFormatError(f"expected a time like 01:02.500, found {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise TimeFormatError(f"expected a time of zero or more seconds, found {value!r}")
        ms = round(value * 1000)
    elif isinstance(value, str):
        match = _TIME_RE.match(value)
        if not match:
            raise TimeFormatError(
                f"expected a time like ss, mm:ss or hh:mm:ss with optional .mmm, found {value!r}"
            )
        h = int(match["h"] or 0)
        m = int(match["m"] or 0)
        s = int(match["s"])
        if match["m"] is not None and s >= 60:
            raise TimeFormatError(f"seconds must be below 60 in {value!r}")
        if match["h"] is not None and m >= 60:
            raise TimeFormatError(f"minutes must be below 60 in {value!r}")
        frac = (match["frac"] or "").ljust(3, "0")
        ms = ((h * 60 + m) * 60 + s) * 1000 + int(frac or 0)
    else:
        raise TimeFormatError(f"expected a time like 01:02.500, found {type(value).__name__}")
    if ms > MAX_MS:
        raise TimeFormatError(f"time {value!r} is longer than the 100-hour limit")
    return ms


def format_time(ms: int, *, compact: bool = False) -> str:
    """Write milliseconds as ``mm:ss.mmm`` (``h:mm:ss.mmm`` past an hour).

    ``compact`` drops trailing zeros of the fraction (and the fraction when it is zero),
    which is how times are written into track files.

    >>> format_time(0, compact=True)
    '00:00'
    >>> format_time(59_999)
    '00:59.999'
    """
    if ms < 0:
        raise ValueError(f"negative time {ms}")
    seconds, millis = divmod(int(ms), 1000)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    head = f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins:02d}:{secs:02d}"
    if compact:
        frac = f"{millis:03d}".rstrip("0")
        return f"{head}.{frac}" if frac else head
    return f"{head}.{millis:03d}"


def to_seconds(ms: int) -> float:
    """Milliseconds as float seconds: only for handing times to the browser."""
    return ms / 1000.0


def frame_index(ms: float, fps: float) -> int:
    """The frame that covers ``ms`` (players find it with floor(t * fps)).

    >>> frame_index(40, 25), frame_index(39, 25), frame_index(1001, 29.97)
    (1, 0, 29)
    """
    return math.floor(ms * fps / 1000 + 1e-6)


def frame_start(index: int, fps: float) -> int:
    """The first whole millisecond inside frame ``index`` (frames before 0 are frame 0).

    Rounding a frame's start *down* (33.37 ms at 29.97 fps -> 33) would land in the frame
    before, so round up.

    >>> frame_start(1, 25), frame_start(1, 29.97), frame_start(-3, 25)
    (40, 34, 0)
    """
    return math.ceil(max(0, index) * 1000 / fps - 1e-6)


def snap_to_frame(ms: float, fps: float, frames: int = 0) -> int:
    """The start of the frame covering ``ms``, moved by ``frames`` whole frames.

    >>> snap_to_frame(40, 25), snap_to_frame(35, 29.97), snap_to_frame(0, 30)
    (40, 34, 0)
    >>> snap_to_frame(9_040, 25, 2), snap_to_frame(50, 25, -5)
    (9120, 0)
    """
    return frame_start(frame_index(ms, fps) + frames, fps)
