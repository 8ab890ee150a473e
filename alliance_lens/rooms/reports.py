"""What the presenter sees of a room: counts, tallies per prompt, taps, what the stage may
show (approved texts only) and the de-identified CSV export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import func, select

from alliance_lens.rooms.access import RoomAccess
from alliance_lens.rooms.core import RoomPrompt, Tally
from alliance_lens.rooms.qr import join_url
from alliance_lens.rooms.room_score import room_score
from alliance_lens.rooms.schema import (
    room_answers,
    room_participants,
    room_prompts,
    room_taps,
)
from alliance_lens.timecode import iso_utc


class RoomReports(RoomAccess):
    """The presenter's reads; every one needs the room's presenter key."""

    def counts(self, code: str, key: str) -> dict[str, int]:
        with self.store._read() as conn:
            room = self._presenter_room(conn, code, key, lock=False)
            participants = conn.scalar(
                select(func.count()).where(room_participants.c.room_id == room.id)
            )
            taps = conn.scalar(select(func.count()).where(room_taps.c.room_id == room.id))
        return {"participants": int(participants or 0), "taps": int(taps or 0)}

    def tallies(self, code: str, key: str) -> list[Tally]:
        """Every prompt asked, newest first: answer counts per option and free texts."""
        with self.store._read() as conn:
            room = self._presenter_room(conn, code, key, lock=False)
            prompts = conn.execute(
                select(room_prompts.c.id, room_prompts.c.prompt_key, room_prompts.c.body)
                .where(room_prompts.c.room_id == room.id)
                .order_by(room_prompts.c.id.desc())
            ).all()
            answers = conn.execute(
                select(
                    room_answers.c.id,
                    room_answers.c.prompt_id,
                    room_answers.c.choice,
                    room_answers.c.text,
                    room_answers.c.approved,
                )
                .where(room_answers.c.room_id == room.id)
                .order_by(room_answers.c.id)
            ).all()
        result = []
        for pid, key_, body in prompts:
            prompt = RoomPrompt.from_json(key_, body)
            mine = [a for a in answers if a.prompt_id == pid]
            counts = dict.fromkeys(prompt.options, 0)
            for a in mine:
                for option in json.loads(a.choice) if a.choice else []:
                    counts[option] = counts.get(option, 0) + 1
            texts = tuple((a.id, a.text, bool(a.approved)) for a in mine if a.text)
            result.append(Tally(pid, prompt, pid == room.open_prompt_id, len(mine), counts, texts))
        return result

    def tap_times(self, code: str, key: str) -> list[int]:
        with self.store._read() as conn:
            room = self._presenter_room(conn, code, key, lock=False)
            return [
                int(t)
                for t in conn.scalars(
                    select(room_taps.c.at_ms)
                    .where(room_taps.c.room_id == room.id)
                    .order_by(room_taps.c.at_ms)
                )
            ]

    def stage_view(
        self,
        code: str,
        key: str,
        duration_ms: int = 0,
        expert: tuple[list[int], tuple[int, int]] | None = None,
    ) -> dict[str, Any]:
        """What the stage may show now: only the chosen display, only approved texts; with
        ``duration_ms``, the taps also as the console's density strip (``density``); with the
        ``expert``'s (onsets, window), the taps stored now scored against them (``score``)."""
        room = self.check_key(code, key)
        view: dict[str, Any] = {"display": room.stage, "code": room.code}
        if room.stage == "join":
            view["join_url"] = join_url(room.join_base, room.code) if room.join_base else ""
        if room.stage in ("bars", "approved"):
            tallies = self.tallies(code, key)
            latest = next((t for t in tallies if t.open), tallies[0] if tallies else None)
            if latest is not None:
                view["question"] = latest.prompt.question
                view["answered"] = latest.answered
                if room.stage == "bars":
                    view["counts"] = latest.counts
                    view["note"] = share_note(latest.prompt.kind, latest.answered)
                else:
                    view["texts"] = [text for _, text, ok in latest.texts if ok]
        elif room.stage in ("taps", "score"):
            view["taps_ms"] = self.tap_times(code, key)
            if duration_ms > 0:
                view["density"] = tap_density(view["taps_ms"], duration_ms)
            if room.stage == "score" and expert is not None:
                view["score"] = room_score(*expert, view["taps_ms"], duration_ms)
        return view

    def export_csv(self, code: str, key: str) -> str:
        """Answers and taps, de-identified: participants as P001..., no pseudonyms or tokens."""
        with self.store._read() as conn:
            room = self._presenter_room(conn, code, key, lock=False)
            answers = conn.execute(
                select(
                    room_participants.c.number,
                    room_prompts.c.prompt_key,
                    room_prompts.c.body,
                    room_answers.c.choice,
                    room_answers.c.text,
                    room_answers.c.approved,
                    room_answers.c.answered_at,
                )
                .join(room_prompts, room_prompts.c.id == room_answers.c.prompt_id)
                .join(room_participants, room_participants.c.id == room_answers.c.participant_id)
                .where(room_answers.c.room_id == room.id)
                .order_by(room_prompts.c.id, room_participants.c.number)
            ).all()
            taps = conn.execute(
                select(room_participants.c.number, room_taps.c.at_ms, room_taps.c.created_at)
                .join(room_participants, room_participants.c.id == room_taps.c.participant_id)
                .where(room_taps.c.room_id == room.id)
                .order_by(room_taps.c.at_ms)
            ).all()
            # numbers grow in join order with gaps (row ids): P001, P002, ... without them
            order = conn.scalars(
                select(room_participants.c.number)
                .where(room_participants.c.room_id == room.id)
                .order_by(room_participants.c.number)
            )
            label = {n: f"P{i:03d}" for i, n in enumerate(order, 1)}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "kind",
                "participant",
                "prompt",
                "question",
                "choices",
                "text",
                "approved",
                "video_ms",
                "at",
            ]
        )
        for number, pkey, body, choice, text, approved, at in answers:
            question = json.loads(body)["question"]
            chosen = "; ".join(json.loads(choice)) if choice else ""
            writer.writerow(
                [
                    "answer",
                    label[number],
                    pkey,
                    question,
                    chosen,
                    text or "",
                    "yes" if approved else "no",
                    "",
                    iso_utc(at),
                ]
            )
        for number, at_ms, at in taps:
            writer.writerow(["tap", label[number], "", "", "", "", "", at_ms, iso_utc(at)])
        return out.getvalue()


def share_note(kind: str, answered: int) -> str:
    """How to read a prompt's choice bars, said wherever they are shown (console and stage):
    each bar is a share of the people who answered, so with several choices each the shares
    add up to more than 100%.

    >>> share_note("choice", 1), share_note("choice", 23)
    ('1 answer', '23 answers')
    >>> share_note("multi", 23)
    'Shares of the 23 people who answered; several choices each, so they add up to over 100%'
    """
    if kind != "multi":
        return f"{answered} {'answer' if answered == 1 else 'answers'}"
    people = "person" if answered == 1 else "people"
    return (
        f"Shares of the {answered} {people} who answered; several choices each, "
        "so they add up to over 100%"
    )


def tap_density(taps_ms: list[int], duration_ms: int, bins: int = 60) -> list[int]:
    """Taps counted in ``bins`` equal slices of the video (the console's density strip).

    >>> tap_density([0, 500, 999, 1000, 1999], 2000, bins=2)
    [3, 2]
    """
    duration_ms = max(duration_ms, max(taps_ms, default=0) + 1, 1)
    counts = [0] * bins
    for t in taps_ms:
        counts[min(bins - 1, max(0, t) * bins // duration_ms)] += 1
    return counts
