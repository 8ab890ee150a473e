"""A live room's data in the store's database: create, join, open/close a prompt, answer, tap,
approve, stage display, playback, end, tallies, de-identified export and delete.

Every call reads or writes the database and keeps nothing in memory, so any number of app
processes can serve one room. Each write is committed before the method returns.

>>> from alliance_lens.store import Store
>>> rooms = RoomStore(Store.open("sqlite://", clock=lambda: 1_700_000_000_000))
>>> room, key = rooms.create("Workshop")
>>> ana, token = rooms.join(room.code, "Ana")
>>> p = rooms.open_prompt(room.code, key, RoomPrompt.of("p1", "choice", "Who?", ["A", "B"]))
>>> rooms.answer(room.code, token, p, choices=["B"]).choice
'["B"]'
>>> rooms.tallies(room.code, key)[0].counts
{'A': 0, 'B': 1}
>>> rooms.store.close()
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from alliance_lens.rooms.access import _ROOM_COLS
from alliance_lens.rooms.batch import GroupCommit
from alliance_lens.rooms.core import (
    MAX_PARTICIPANTS,
    MAX_PSEUDONYM_CHARS,
    MAX_TAP_MS,
    MAX_TEXT_ANSWER_CHARS,
    RATE_LIMIT,
    RATE_WINDOW_MS,
    STAGE_DISPLAYS,
    NotAllowed,
    Participant,
    PromptClosed,
    Room,
    RoomEnded,
    RoomError,
    RoomPrompt,
    TooMany,
    digest,
    new_code,
    new_secret,
    normalise_code,
)
from alliance_lens.rooms.reports import RoomReports
from alliance_lens.rooms.schema import (
    room_answers,
    room_participants,
    room_prompts,
    room_taps,
    rooms,
)
from alliance_lens.store import Store
from alliance_lens.store_checks import _check_str

T = TypeVar("T")


@dataclass(frozen=True)
class SavedAnswer:
    id: int
    prompt_id: int
    choice: str | None
    text: str | None
    answered_at: int


class RoomStore(RoomReports):
    """Rooms in a :class:`Store`'s database. Safe to share between threads.

    With ``group_commit`` (the app's routes) on SQLite, participants' answers and taps that
    arrive together share one commit (see ``rooms/batch.py``); not for in-memory SQLite,
    where each thread has its own database.
    """

    def __init__(self, store: Store, *, group_commit: bool = False) -> None:
        super().__init__(store)
        # SQLite: one writer, each commit waits for the disk: batching wins. PostgreSQL already
        # flushes concurrent commits together, and one batch thread there turned every write
        # into a queue of round trips (answers p50 5.2 s with 300 participants): write directly.
        sqlite = store.engine.dialect.name == "sqlite"
        self._group = GroupCommit(store) if group_commit and sqlite else None

    def _participant_write(self, job: Callable[[Connection], T]) -> T:
        if self._group is not None:
            return self._group.run(job)
        with self.store._write() as conn:
            return job(conn)

    # --- presenter -----------------------------------------------------------------------

    def create(self, title: str = "", join_base: str = "") -> tuple[Room, str]:
        """A new room and its presenter key (shown once: only its digest is kept)."""
        _check_str("title", title, 200)
        _check_str("join address", join_base, 500)
        key, now = new_secret(), self._now()
        for _ in range(5):  # a code already taken is astronomically rare; draw again
            code = new_code()
            try:
                with self.store._write() as conn:
                    conn.execute(
                        insert(rooms).values(
                            code=code,
                            key_hash=digest(key),
                            title=title,
                            join_base=join_base,
                            version=1,
                            open_prompt_id=None,
                            stage="nothing",
                            play_position_ms=0,
                            play_since=None,
                            ended_at=None,
                            created_at=now,
                        )
                    )
                    return self._room(conn, code), key
            except Exception as exc:  # noqa: BLE001 - only a code collision is retried
                if not isinstance(exc.__cause__, IntegrityError):
                    raise
        raise RoomError("could not draw an unused room code")

    def _bump(self, conn: Connection, room: Room, **values: Any) -> None:
        conn.execute(
            update(rooms).where(rooms.c.id == room.id).values(version=room.version + 1, **values)
        )

    def set_join_base(self, code: str, key: str, join_base: str) -> None:
        _check_str("join address", join_base, 500)
        with self.store._write() as conn:
            room = self._presenter_room(conn, code, key)
            conn.execute(update(rooms).where(rooms.c.id == room.id).values(join_base=join_base))

    def open_prompt(self, code: str, key: str, prompt: RoomPrompt) -> int:
        """Ask ``prompt`` (closing any open one); returns its room prompt id. Asking the same
        prompt key again reopens it, so earlier answers stay changeable."""
        now = self._now()
        with self.store._write() as conn:
            room = self._presenter_room(conn, code, key)
            if room.ended:
                raise RoomEnded("This room has ended.")
            self._close(conn, room, now)
            found = conn.scalar(
                select(room_prompts.c.id).where(
                    room_prompts.c.room_id == room.id, room_prompts.c.prompt_key == prompt.key
                )
            )
            if found is None:
                found = conn.execute(
                    insert(room_prompts)
                    .values(
                        room_id=room.id,
                        prompt_key=prompt.key,
                        body=prompt.to_json(),
                        opened_at=now,
                        closed_at=None,
                    )
                    .returning(room_prompts.c.id)
                ).scalar_one()
            else:
                conn.execute(
                    update(room_prompts)
                    .where(room_prompts.c.id == found)
                    .values(body=prompt.to_json(), closed_at=None)
                )
            self._bump(conn, room, open_prompt_id=found)
            return int(found)

    def _close(self, conn: Connection, room: Room, now: int) -> None:
        if room.open_prompt_id is not None:
            conn.execute(
                update(room_prompts)
                .where(room_prompts.c.id == room.open_prompt_id)
                .values(closed_at=now)
            )

    def close_prompt(self, code: str, key: str) -> None:
        with self.store._write() as conn:
            room = self._presenter_room(conn, code, key)
            if room.open_prompt_id is not None:
                self._close(conn, room, self._now())
                self._bump(conn, room, open_prompt_id=None)

    def set_playback(self, code: str, key: str, playing: bool, position_ms: int) -> None:
        """The presenter's video played or paused at ``position_ms``: taps get video times."""
        if not 0 <= int(position_ms) <= MAX_TAP_MS:
            raise RoomError("position_ms must be a video time in milliseconds")
        with self.store._write() as conn:
            room = self._presenter_room(conn, code, key)
            since = self._now() if playing else None
            self._bump(conn, room, play_position_ms=int(position_ms), play_since=since)

    def set_stage(self, code: str, key: str, display: str) -> None:
        if display not in STAGE_DISPLAYS:
            raise RoomError(f"stage display must be one of {', '.join(STAGE_DISPLAYS)}")
        with self.store._write() as conn:
            room = self._presenter_room(conn, code, key)
            conn.execute(update(rooms).where(rooms.c.id == room.id).values(stage=display))

    def approve(self, code: str, key: str, answer_id: int, approved: bool = True) -> None:
        with self.store._write() as conn:
            room = self._presenter_room(conn, code, key)
            done = conn.execute(
                update(room_answers)
                .where(room_answers.c.id == answer_id, room_answers.c.room_id == room.id)
                .values(approved=1 if approved else 0)
            )
            if done.rowcount != 1:
                raise RoomError(f"no answer {answer_id} in this room")

    def end(self, code: str, key: str) -> None:
        with self.store._write() as conn:
            room = self._presenter_room(conn, code, key)
            if not room.ended:
                now = self._now()
                self._close(conn, room, now)
                self._bump(conn, room, ended_at=now, open_prompt_id=None, play_since=None)

    def delete(self, code: str, key: str) -> None:
        """The room and everything of it: participants, prompts, answers, taps."""
        with self.store._write() as conn:
            room = self._presenter_room(conn, code, key)
            conn.execute(delete(rooms).where(rooms.c.id == room.id))

    # --- participants --------------------------------------------------------------------

    def join(self, code: str, pseudonym: str = "") -> tuple[Participant, str]:
        """A new participant of an open room and their token (the browser keeps it).

        No lock on the room row, so a rush of joins does not queue on PostgreSQL: the
        participant's number is its row id, drawn before the insert (the id sequence there;
        SQLite's writes are serialised anyway), so it is unique and grows in join order; the
        export numbers participants P001, P002, ... in that order. The cap is counted without
        a lock too, so joins in flight together may pass it by their number."""
        pseudonym = pseudonym.strip()
        _check_str("pseudonym", pseudonym, MAX_PSEUDONYM_CHARS)
        token = new_secret()
        pc = room_participants.c
        with self.store._write() as conn:
            room = self._room(conn, code)
            if room.ended:
                raise RoomEnded("This room has ended. Thank you for taking part.")
            joined = conn.scalar(select(func.count()).where(pc.room_id == room.id))
            if (joined or 0) >= MAX_PARTICIPANTS:
                raise TooMany(f"This room is full ({MAX_PARTICIPANTS} participants).")
            number = _next_participant_id(conn)
            conn.execute(
                insert(room_participants).values(
                    id=number,
                    room_id=room.id,
                    number=number,
                    token_hash=digest(token),
                    pseudonym=pseudonym,
                    joined_at=self._now(),
                    rate_window=0,
                    rate_count=0,
                )
            )
        return Participant(number, room.id, number, pseudonym), token

    def _limit(self, conn: Connection, me: int) -> None:
        """Count one write against the participant's window (one statement: both CASEs read
        the row as it was); refuse past the limit, and the refusal's rollback undoes it."""
        now, pc = self._now(), room_participants.c
        fresh = (now - pc.rate_window) >= RATE_WINDOW_MS
        count = conn.execute(
            update(room_participants)
            .where(pc.id == me)
            .values(
                rate_window=case((fresh, now), else_=pc.rate_window),
                rate_count=case((fresh, 1), else_=pc.rate_count + 1),
            )
            .returning(pc.rate_count)
        ).scalar_one()
        if count > RATE_LIMIT:
            raise TooMany("Too many answers or taps at once: wait a few seconds.")

    def _writer(self, conn: Connection, code: str, token: str) -> tuple[Room, int, Any]:
        """The open room, the participant's id and the open prompt's (key, body), in one query.

        No lock on the room row: an answer racing the presenter's "close" by a few
        milliseconds may land either side of it, which is harmless, whereas a share lock
        taken in every savepoint of a group commit makes PostgreSQL build ever longer
        multixacts on that one row (answers p50 8.6 s with 300 participants)."""
        rc, pc, qc = rooms.c, room_participants.c, room_prompts.c
        query = (
            select(*_ROOM_COLS, pc.id, qc.prompt_key, qc.body)
            .select_from(
                rooms.join(room_participants, pc.room_id == rc.id).outerjoin(
                    room_prompts, qc.id == rc.open_prompt_id
                )
            )
            .where(rc.code == normalise_code(code), pc.token_hash == digest(token or ""))
        )
        row = conn.execute(query).first()
        if row is None:  # say why: no such room, or not joined (the slow path, refusals only)
            self._participant(conn, self._room(conn, code), token)
            raise NotAllowed("This browser has not joined the room: join again with the code.")
        room = Room(*row[: len(_ROOM_COLS)])
        if room.ended:
            raise RoomEnded("This room has ended. Thank you for taking part.")
        return room, int(row[len(_ROOM_COLS)]), row[len(_ROOM_COLS) + 1 :]

    def answer(
        self,
        code: str,
        token: str,
        prompt_id: int,
        *,
        choices: Sequence[str] | None = None,
        text: str | None = None,
    ) -> SavedAnswer:
        """Save (or change) this participant's answer to the open prompt ``prompt_id``."""

        def job(conn: Connection) -> SavedAnswer:
            room, me, (key, body) = self._writer(conn, code, token)
            if room.open_prompt_id != prompt_id or body is None:
                raise PromptClosed("This question has closed; your answer was not saved.")
            choice, kept = _checked(RoomPrompt.from_json(key, body), choices, text)
            self._limit(conn, me)
            now = self._now()
            values = {"choice": choice, "text": kept, "approved": 0, "answered_at": now}
            upsert = _insert_for(conn)(room_answers).values(
                room_id=room.id, prompt_id=prompt_id, participant_id=me, **values
            )
            aid = conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=[room_answers.c.prompt_id, room_answers.c.participant_id],
                    set_=values,
                ).returning(room_answers.c.id)
            ).scalar_one()
            return SavedAnswer(int(aid), prompt_id, choice, kept, now)

        return self._participant_write(job)

    def tap(self, code: str, token: str) -> int:
        """A "rupture now" tap at the presenter's current video time; returns that time."""

        def job(conn: Connection) -> int:
            room, me, _ = self._writer(conn, code, token)
            if not room.playing:
                raise PromptClosed("The video is paused: tap while it plays.")
            self._limit(conn, me)
            now = self._now()
            at = min(room.video_ms(now), MAX_TAP_MS)
            conn.execute(
                insert(room_taps).values(
                    room_id=room.id, participant_id=me, at_ms=at, created_at=now
                )
            )
            return at

        return self._participant_write(job)


def _next_participant_id(conn: Connection) -> int:
    """A new participant row's id, taken without locking any row: PostgreSQL's sequence for
    the id column hands out each value once; SQLite has one writer at a time (BEGIN
    IMMEDIATE), so the largest id so far plus one is free until this transaction ends."""
    if conn.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(room_participants.name, "id")
        return int(conn.execute(select(func.nextval(sequence))).scalar_one())
    top = select(func.coalesce(func.max(room_participants.c.id), 0) + 1)
    return int(conn.execute(top).scalar_one())


def _insert_for(conn: Connection) -> Any:
    """The dialect's INSERT, which has ON CONFLICT DO UPDATE (SQLite and PostgreSQL alike)."""
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


def _checked(
    prompt: RoomPrompt, choices: Sequence[str] | None, text: str | None
) -> tuple[str | None, str | None]:
    """The stored (choice JSON, text) of an answer, refused unless it fits the prompt."""
    if prompt.kind == "text":
        if not isinstance(text, str) or not text.strip():
            raise RoomError("Write an answer first.")
        if len(text) > MAX_TEXT_ANSWER_CHARS:
            raise RoomError(f"Answers are limited to {MAX_TEXT_ANSWER_CHARS} characters.")
        _check_str("text", text, MAX_TEXT_ANSWER_CHARS)
        return None, text.strip()
    picked = list(choices or [])
    if not picked or any(not isinstance(c, str) or c not in prompt.options for c in picked):
        raise RoomError("Choose one of the options shown.")
    if len(set(picked)) != len(picked) or (prompt.kind == "choice" and len(picked) != 1):
        raise RoomError("Choose one option." if prompt.kind == "choice" else "Each option once.")
    return json.dumps(picked, ensure_ascii=False), None
