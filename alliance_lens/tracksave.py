"""Saving commentary files: edited in place (comments and layout kept), atomically, with the
previous version in history, and never over a change someone else made on disk.
"""

from __future__ import annotations

from pathlib import Path

from .atomic import atomic_write
from .errors import TrackFileError
from .filehistory import HISTORY_KEEP, keep_version
from .model import CommentaryFile, to_data
from .trackfile import content_digest, dumps, load_commentary, parse_commentary
from .yamledit import updated_text


class TrackConflictError(TrackFileError):
    """The file changed on disk since it was opened; saving would overwrite someone's work."""


BOM = "\ufeff"


def save_text(doc: CommentaryFile, current: str | None) -> str:
    """The text a save of ``doc`` writes over ``current`` (None: a new file).

    The current text is edited in place (``yamledit``): comments, order, quoting, wrapping
    and the file's time format stay, and the diff is only what changed. A file that cannot
    be edited in place (not valid now, or an edit the splicer refuses) is written whole.
    """
    return plan_save(doc, current)[0]


def plan_save(doc: CommentaryFile, current: str | None) -> tuple[str, bool]:
    """``save_text`` and whether the file is edited in place (False: written whole, so its
    comments and layout would not survive; the save preview says so before saving)."""
    if current is None:
        return dumps(doc), True
    before = parse_commentary("current.yaml", text=current).doc
    if before is None:
        return dumps(doc), False
    new = to_data(doc)
    text = updated_text(current, to_data(before), new)
    if text is None:
        return dumps(doc), False
    after = parse_commentary("saved.yaml", text=text).doc
    if after is None or to_data(after) != new:  # the edit must mean exactly the new doc
        return dumps(doc), False
    return text, True


def read_current(path: Path) -> str | None:
    """The file's text as a save would replace it, or None when there is no file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # keep \r\n: digests match
            return fh.read()
    except FileNotFoundError:
        return None


def _has_bom(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(3) == BOM.encode("utf-8")
    except FileNotFoundError:
        return False


def save_commentary(
    path: Path | str,
    doc: CommentaryFile,
    *,
    expected_digest: str | None = None,
    keep: int = HISTORY_KEEP,
) -> str:
    """Write ``doc`` atomically; keep the previous version in history. Returns the new digest.

    ``expected_digest`` is the digest the editor loaded; if the file on disk differs, nothing
    is written and TrackConflictError is raised. The file keeps its mode; the old version
    goes to the data folder's history (``filehistory``).
    """
    path = Path(path)
    current = read_current(path)
    if current is not None:
        if expected_digest is not None and content_digest(current) != expected_digest:
            raise TrackConflictError(
                "the file changed on disk since it was opened (another editor?); "
                "reload it or save as a copy",
                file=str(path),
            )
    elif expected_digest is not None:
        raise TrackConflictError(
            "the file was deleted since it was opened; save as a copy", file=str(path)
        )
    text = save_text(doc, current)
    bom = BOM if _has_bom(path) else ""  # a file saved with a BOM keeps it (digests skip it)
    if current is not None and current != text:
        keep_version(path, bom + current, keep)
    atomic_write(path, bom + text)
    return content_digest(text)


def restore(path: Path | str, version: Path, *, expected_digest: str | None = None) -> str:
    """Make an earlier version current again (the current one goes into history)."""
    doc = load_commentary(version)
    return save_commentary(path, doc, expected_digest=expected_digest)
