"""The one place that makes names: slugs, track and item ids, unused file names.

Every id and file name the app invents comes from here, so they follow one rule: letters,
digits, ``_``, ``.`` and ``-`` only, runs of anything else become one ``-``, and a name
already taken gets ``-2``, ``-3``... (or, for numbered ids, the next free number).

>>> slug("Therapist (T)")
'Therapist-T'
>>> slug("Mentalization lens", fallback="track", lower=True)
'mentalization-lens'
>>> slug("notes", taken={"notes", "notes-2"})
'notes-3'
>>> slug("???")
'item'
>>> numbered("ep", ["ep1", "ep3"])
'ep2'
>>> file_stem("../Séance 3 (final).v2")
'seance-3-final-v2'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


def unique(base: str, taken: Iterable[str] | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``."""
    used = set(taken or ())
    out, n = base, 2
    while out in used:
        out, n = f"{base}-{n}", n + 1
    return out


def slug(
    text: str,
    taken: Iterable[str] | None = None,
    fallback: str = "item",
    *,
    strip: str = "-_.",
    lower: bool = False,
    max_len: int | None = None,
) -> str:
    """A safe id or file stem from any text, not in ``taken`` (see the module's examples).

    ``strip`` is what may not start or end it (draft file names keep a leading ``-``/``_``
    so that existing drafts are still found); ``max_len`` cuts long names.
    """
    base = _BAD.sub("-", text).strip(strip)
    if lower:
        base = base.lower()
    if max_len is not None:
        base = base[:max_len]
    return unique(base or fallback, taken)


def track_id(name: str, taken: Iterable[str] | None = None, fallback: str = "imported") -> str:
    """A valid, unused track id from a name (an imported file's or tier's): at most 56 long.

    >>> track_id("Therapist (T)", {"Therapist-T"})
    'Therapist-T-2'
    """
    return slug(name, taken, fallback, max_len=56)


def numbered(prefix: str, taken: Iterable[object]) -> str:
    """The first of ``prefix1``, ``prefix2``... not in ``taken`` (episode and prompt ids)."""
    used = {str(t) for t in taken}
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def file_stem(name: str, fallback: str = "video") -> str:
    """A plain lower-case ASCII stem from a file's stem (no dots: uploads keep one suffix)."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return slug(ascii_text.replace(".", " "), fallback=fallback, lower=True, max_len=80)


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``... whichever does not exist."""
    candidate, n = folder / f"{stem}{suffix}", 2
    while candidate.exists():
        candidate, n = folder / f"{stem}-{n}{suffix}", n + 1
    return candidate
