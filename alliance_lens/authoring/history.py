"""Undo and redo of edits in one editing session: a bounded stack of earlier and later drafts.

Pure data: an ``EditHistory`` is immutable and holds whole drafts (plain dicts, copied in so
that a later in-place change cannot rewrite the past). Every edit ``record``s the draft it
replaces; ``undo`` and ``redo`` swap the current draft with the nearest one on either side.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from .draft import Draft

LIMIT = 50  # edits kept per session: enough to walk back a sitting, bounded in memory


@dataclass(frozen=True)
class EditHistory:
    past: tuple[Draft, ...] = ()  # oldest first; the last one is what undo brings back
    future: tuple[Draft, ...] = ()  # nearest first; what redo brings back
    limit: int = LIMIT

    @property
    def can_undo(self) -> bool:
        return bool(self.past)

    @property
    def can_redo(self) -> bool:
        return bool(self.future)


def record(history: EditHistory, before: Draft, after: Draft) -> EditHistory:
    """The history after an edit from ``before`` to ``after`` (no change: no entry).

    A new edit forgets what could have been redone; the oldest entries go past ``limit``.

    >>> h = record(EditHistory(limit=2), {"v": 1}, {"v": 2})
    >>> h = record(h, {"v": 2}, {"v": 3})
    >>> h = record(h, {"v": 3}, {"v": 4})
    >>> [d["v"] for d in h.past]
    [2, 3]
    >>> record(h, {"v": 4}, {"v": 4}) is h
    True
    """
    if before == after:
        return history
    past = _newest((*history.past, copy.deepcopy(before)), history.limit)
    return replace(history, past=past, future=())


def undo(history: EditHistory, current: Draft) -> tuple[EditHistory, Draft] | None:
    """The history and the draft after undoing the last edit; None if there is none.

    >>> h = record(EditHistory(), {"v": 1}, {"v": 2})
    >>> h, draft = undo(h, {"v": 2})
    >>> draft, h.can_undo, h.can_redo
    ({'v': 1}, False, True)
    """
    if not history.past:
        return None
    *rest, previous = history.past
    future = (copy.deepcopy(current), *history.future)
    return replace(history, past=tuple(rest), future=future), copy.deepcopy(previous)


def redo(history: EditHistory, current: Draft) -> tuple[EditHistory, Draft] | None:
    """The history and the draft after redoing the last undone edit; None if there is none.

    >>> h = record(EditHistory(), {"v": 1}, {"v": 2})
    >>> h, draft = undo(h, {"v": 2})
    >>> h, draft = redo(h, draft)
    >>> draft, h.can_undo, h.can_redo
    ({'v': 2}, True, False)
    """
    if not history.future:
        return None
    following, *rest = history.future
    past = _newest((*history.past, copy.deepcopy(current)), history.limit)
    return replace(history, past=past, future=tuple(rest)), copy.deepcopy(following)


def _newest(drafts: tuple[Draft, ...], limit: int) -> tuple[Draft, ...]:
    return drafts[max(0, len(drafts) - limit) :] if limit > 0 else ()
