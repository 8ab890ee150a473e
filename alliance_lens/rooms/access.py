"""How a room's code, presenter key and participant token are checked against the database,
and the public state a participant's page shows (shared by the room's writes and reports)."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from alliance_lens.rooms.core import (
    NotAllowed,
    Participant,
    Room,
    RoomPrompt,
    UnknownRoom,
    digest,
    normalise_code,
)
from alliance_lens.rooms.schema import room_answers, room_participants, room_prompts, rooms
from alliance_lens.store import Store

_ROOM_COLS = [rooms.c[f.name] for f in fields(Room)]
_PART_COLS = [room_participants.c[f.name] for f in fields(Participant)]


class RoomAccess:
    """Lookups over a :class:`Store`'s database; keeps no room state of its own."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _now(self) -> int:
        return self.store._clock()

    # --- lookups -------------------------------------------------------------------------

    def _room(self, conn: Connection, code: str, *, lock: bool = False) -> Room:
        query = select(*_ROOM_COLS).where(rooms.c.code == normalise_code(code))
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise UnknownRoom("There is no room with this code. Check the code on the screen.")
        return Room(*row)

    def _presenter_room(self, conn: Connection, code: str, key: str, lock: bool = True) -> Room:
        room = self._room(conn, code, lock=lock)
        stored = conn.scalar(select(rooms.c.key_hash).where(rooms.c.id == room.id))
        if not key or stored != digest(key):
            raise NotAllowed("Only the room's presenter can do this.")
        return room

    def _participant(self, conn: Connection, room: Room, token: str) -> Participant:
        row = conn.execute(
            select(*_PART_COLS).where(
                room_participants.c.token_hash == digest(token or ""),
                room_participants.c.room_id == room.id,
            )
        ).first()
        if row is None:
            raise NotAllowed("This browser has not joined the room: join again with the code.")
        return Participant(*row)

    def check_key(self, code: str, key: str) -> Room:
        with self.store._read() as conn:
            return self._presenter_room(conn, code, key, lock=False)

    def room(self, code: str) -> Room:
        with self.store._read() as conn:
            return self._room(conn, code)

    def version(self, code: str) -> int | None:
        """The room's version, or None if there is no such room (one indexed read)."""
        with self.store._read() as conn:
            return conn.scalar(select(rooms.c.version).where(rooms.c.code == normalise_code(code)))

    def public_state(self, code: str, token: str = "") -> dict[str, Any]:
        """What a participant's page shows: the open prompt, playback, ended; with a valid
        ``token``, also this participant's answer to the open prompt."""
        with self.store._read() as conn:
            room = self._room(conn, code)
            state = self._public(conn, room)
            if not token:
                return state
            try:
                me = self._participant(conn, room, token)
            except NotAllowed:
                state["joined"] = False  # the page offers to join (again)
                return state
            state["joined"] = True
            state["pseudonym"] = me.pseudonym
            if room.open_prompt_id is not None:
                row = conn.execute(
                    select(room_answers.c.choice, room_answers.c.text).where(
                        room_answers.c.prompt_id == room.open_prompt_id,
                        room_answers.c.participant_id == me.id,
                    )
                ).first()
                if row is not None:
                    state["mine"] = {
                        "choices": json.loads(row.choice) if row.choice else [],
                        "text": row.text or "",
                    }
        return state

    def _public(self, conn: Connection, room: Room) -> dict[str, Any]:
        prompt = None
        if room.open_prompt_id is not None and not room.ended:
            row = conn.execute(
                select(room_prompts.c.prompt_key, room_prompts.c.body).where(
                    room_prompts.c.id == room.open_prompt_id
                )
            ).one()
            prompt = RoomPrompt.from_json(row.prompt_key, row.body).public(room.open_prompt_id)
        return {
            "code": room.code,
            "title": room.title,
            "version": room.version,
            "ended": room.ended,
            "playing": room.playing and not room.ended,
            "prompt": prompt,
        }
