"""The one way a file the user cares about is written: to a temp file, then renamed into place.

Readers (and a crash) see the old file or the new one, never half of it. A file that is
replaced keeps its mode (and its owner where the process may set it), so a save does not
turn a shared ``0644`` file into a private ``0600`` one; a new file gets the usual mode
(``0666`` less the umask).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path


class PendingFile:
    """A temp file beside its destination; ``commit`` moves it into place."""

    def __init__(self, dest: Path, suffix: str) -> None:
        self.dest = dest
        self.path = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}{suffix}")
        self.committed: Path | None = None

    def commit(
        self, dest: Path | None = None, *, overwrite: bool = True, durable: bool = True
    ) -> Path:
        """Make the temp file ``dest`` (default: the one given); returns where it went.

        ``overwrite=False`` never replaces a file: FileExistsError if ``dest`` exists (the
        caller may pick another name and commit again). ``durable`` fsyncs the data and the
        folder (worth it for the user's files, not for caches).
        """
        target = dest or self.dest
        if durable:
            _fsync(self.path)
        if overwrite:
            _keep_mode(target, self.path)
            os.replace(self.path, target)
        else:
            os.link(self.path, target)  # fails if the name was taken meanwhile
            self.path.unlink(missing_ok=True)
        if durable:
            _fsync(target.parent)
        self.committed = target
        return target


@contextlib.contextmanager
def pending_file(dest: Path | str, *, suffix: str = ".tmp") -> Iterator[PendingFile]:
    """A temp file to fill (by this process or another, e.g. ffmpeg) and then ``commit``.

    Leaving the block without a commit (an error, a cancel) removes the temp file.
    """
    pending = PendingFile(Path(dest), suffix)
    pending.dest.parent.mkdir(parents=True, exist_ok=True)
    # created here, so that the umask applies (mkstemp would make it 0600)
    os.close(os.open(pending.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield pending
    finally:
        pending.path.unlink(missing_ok=True)  # gone already once committed


def atomic_write(path: Path | str, content: str | bytes, *, durable: bool = True) -> None:
    """Write ``content`` to ``path`` atomically (text as UTF-8 with ``\\n`` line ends)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with pending_file(path) as pending:
        with pending.path.open("wb") as fh:
            fh.write(data)
        pending.commit(durable=durable)


def _keep_mode(existing: Path, new: Path) -> None:
    try:
        stat = existing.stat()
    except FileNotFoundError:
        return
    os.chmod(new, stat.st_mode & 0o7777)
    with contextlib.suppress(OSError):  # only root (or the same owner) may; best effort
        if (stat.st_uid, stat.st_gid) != (os.getuid(), os.getgid()):
            os.chown(new, stat.st_uid, stat.st_gid)


def _fsync(path: Path) -> None:
    """Flush a file's data, or a folder's entries (the rename), to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
