"""Earlier versions of commentary files, kept in the data folder (not beside the library).

Each save puts the version it replaces into ``<data folder>/history/<stem>-<hash>/``, where
the hash is of the file's absolute path (two libraries with a ``clip.yaml`` each keep two
histories). Versions that older releases kept in ``commentary/.history/<stem>/`` are still
listed and can be restored, but nothing new is written there: a library under version
control gets no untracked clutter.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

from .atomic import atomic_write
from .datadir import data_dir

HISTORY_KEEP = 10
_STAMP = "%Y%m%dT%H%M%S"  # history file names: the UTC time, then nanoseconds


def history_dir(path: Path | str, root: Path | None = None) -> Path:
    """Where the versions of ``path`` are kept (``root``: the data folder, for tests)."""
    resolved = Path(path).resolve()
    key = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:10]
    return (root or data_dir()) / "history" / f"{resolved.stem}-{key}"


def legacy_history_dir(path: Path | str) -> Path:
    """Where releases before the data-folder history kept versions: read, never written."""
    path = Path(path)
    return path.parent / ".history" / path.stem


def keep_version(path: Path, text: str, keep: int = HISTORY_KEEP, root: Path | None = None) -> Path:
    """Store ``text`` (the version being replaced) and prune all but the newest ``keep``."""
    folder = history_dir(path, root)
    stamp = time.strftime(_STAMP, time.gmtime()) + f"-{time.time_ns() % 10**9:09d}"
    version = folder / f"{stamp}.yaml"
    atomic_write(version, text)
    for old in sorted(folder.glob("*.yaml"))[:-keep]:
        old.unlink(missing_ok=True)
    return version


def history(path: Path | str, root: Path | None = None) -> list[Path]:
    """Earlier versions of ``path``, newest first (including those in the old location)."""
    found = [*history_dir(path, root).glob("*.yaml"), *legacy_history_dir(path).glob("*.yaml")]
    return sorted(found, key=lambda p: p.name, reverse=True)


def saved_at(version: Path) -> datetime | None:
    """When a history version was replaced (its name holds the UTC time), timezone-aware.

    >>> saved_at(Path("20260704T120000-000000001.yaml")).isoformat()
    '2026-07-04T12:00:00+00:00'
    >>> saved_at(Path("notes.yaml")) is None
    True
    """
    try:
        return datetime.strptime(version.stem.split("-")[0], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
