"""Linking a browser's earlier anonymous reflections to a signed-in account, once the learner
agrees: every answer, practice attempt and position moves to the account, in one transaction.

Attempts at the same prompt are numbered again by when they were given, so the account's
latest answer stays the latest; a position already kept by the account wins over the older
one. The browser's learner row is then deleted (its name is kept if the account had none).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, select, update

from alliance_lens.attempts import attempts
from alliance_lens.store import Store, UnknownLearnerError
from alliance_lens.store_schema import answers, learners, positions


def _renumber(conn: Any, table: Any, key: tuple[str, ...], into_id: int, when: str) -> None:
    """Number the account's rows 1, 2, ... per key by time, through negative numbers first
    so no moment breaks the unique (learner, key, attempt) constraint."""
    rows = conn.execute(
        select(table.c.id, *(table.c[k] for k in key), table.c[when]).where(
            table.c.learner_id == into_id
        )
    ).all()
    for row in rows:
        conn.execute(update(table).where(table.c.id == row.id).values(attempt=-row.id))
    groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in rows:
        groups[tuple(getattr(row, k) for k in key)].append(row)
    for group in groups.values():
        for number, row in enumerate(sorted(group, key=lambda r: (r[-1], r.id)), start=1):
            conn.execute(update(table).where(table.c.id == row.id).values(attempt=number))


def link_learner(store: Store, from_id: int, into_id: int) -> int:
    """Move everything of learner ``from_id`` (a browser) to ``into_id`` (an account); returns
    the number of answers moved. Raises ``UnknownLearnerError`` if either is gone."""
    if from_id == into_id:
        return 0
    with store._write() as conn:
        store._lock_learner(conn, into_id)
        store._lock_learner(conn, from_id)
        # parked at negative attempt numbers first: a moved row may share (key, attempt) with
        # one of the account's, which the unique constraint refuses even for a moment
        conn.execute(
            update(answers).where(answers.c.learner_id == from_id).values(attempt=-answers.c.id)
        )
        moved = conn.execute(
            update(answers).where(answers.c.learner_id == from_id).values(learner_id=into_id)
        ).rowcount
        _renumber(conn, answers, ("video_id", "track_id", "prompt_id"), into_id, "answered_at")
        conn.execute(
            update(attempts).where(attempts.c.learner_id == from_id).values(learner_id=into_id)
        )
        _renumber(conn, attempts, ("video_id", "track_id"), into_id, "created_at")
        kept = {
            r.video_id
            for r in conn.execute(
                select(positions.c.video_id).where(positions.c.learner_id == into_id)
            )
        }
        conn.execute(
            update(positions)
            .where(positions.c.learner_id == from_id, positions.c.video_id.not_in(kept))
            .values(learner_id=into_id)
        )
        names = dict(
            conn.execute(
                select(learners.c.id, learners.c.display_name).where(
                    learners.c.id.in_((from_id, into_id))
                )
            ).all()
        )
        if not names.get(into_id) and names.get(from_id):
            conn.execute(
                update(learners).where(learners.c.id == into_id).values(display_name=names[from_id])
            )
        conn.execute(delete(learners).where(learners.c.id == from_id))
    return int(moved or 0)


__all__ = ["UnknownLearnerError", "link_learner"]
