"""The live room's plain values: codes and secrets, the prompt a room asks, a room's public
state, and the refusals a participant or presenter can meet (each with a message for people).

>>> len(new_code()), set(new_code()) <= set(CODE_ALPHABET)
(8, True)
>>> normalise_code(" abcd-2345 ")
'ABCD2345'
>>> RoomPrompt.of("p1", "choice", "Who withdrew?", ["Client", "Therapist"]).to_json()
'{"kind": "choice", "question": "Who withdrew?", "options": ["Client", "Therapist"]}'
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from alliance_lens.errors import StoreError

# No 0/O, 1/I/L: a code read off a projected slide is typed right first time.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes
MAX_PSEUDONYM_CHARS = 40
MAX_TEXT_ANSWER_CHARS = 1_000
MAX_QUESTION_CHARS = 2_000
MAX_OPTIONS = 20
MAX_OPTION_CHARS = 200
MAX_PARTICIPANTS = 1_000  # per room: more is a script, not a workshop
RATE_WINDOW_MS = 10_000
RATE_LIMIT = 30  # answers + taps per participant per window
MAX_TAP_MS = 24 * 3600 * 1000

PromptKind = Literal["choice", "multi", "text"]
PROMPT_KINDS: tuple[PromptKind, ...] = ("choice", "multi", "text")
STAGE_DISPLAYS = ("nothing", "bars", "approved", "taps", "join", "score")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_secret() -> str:
    """A presenter key or participant token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def digest(secret: str) -> str:
    """What the database keeps of a key or token (a leaked table lets no one act as them)."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


class RoomError(StoreError):
    """A room action refused; ``status`` is the HTTP status a route answers with."""

    status = 400


class UnknownRoom(RoomError):
    status = 404


class RoomEnded(RoomError):
    status = 410


class PromptClosed(RoomError):
    status = 409


class NotAllowed(RoomError):
    status = 403


class TooMany(RoomError):
    status = 429


@dataclass(frozen=True)
class RoomPrompt:
    """The question a room is asked: what participants' pages show (never the expert's answer)."""

    key: str
    kind: PromptKind
    question: str
    options: tuple[str, ...]

    @classmethod
    def of(cls, key: str, kind: str, question: str, options: Sequence[str] = ()) -> RoomPrompt:
        """A checked prompt; a marker prompt is asked as a multiple choice of its labels."""
        kind = "multi" if kind == "marker" else kind
        if kind not in PROMPT_KINDS:
            raise RoomError(f"prompt kind must be one of {', '.join(PROMPT_KINDS)}, found {kind!r}")
        if not key or len(key) > 255:
            raise RoomError("prompt id must be 1 to 255 characters")
        if not question.strip() or len(question) > MAX_QUESTION_CHARS:
            raise RoomError(f"question must be 1 to {MAX_QUESTION_CHARS} characters")
        opts = tuple(str(o) for o in options) if kind != "text" else ()
        if kind != "text" and not 1 <= len(opts) <= MAX_OPTIONS:
            raise RoomError(f"a {kind} prompt needs 1 to {MAX_OPTIONS} options, found {len(opts)}")
        if any(not o or len(o) > MAX_OPTION_CHARS for o in opts) or len(set(opts)) != len(opts):
            raise RoomError(f"options must be distinct, 1 to {MAX_OPTION_CHARS} characters each")
        return cls(key, kind, question, opts)  # type: ignore[arg-type]

    def to_json(self) -> str:
        body = {"kind": self.kind, "question": self.question, "options": list(self.options)}
        return json.dumps(body, ensure_ascii=False)

    @classmethod
    def from_json(cls, key: str, body: str) -> RoomPrompt:
        data = json.loads(body)
        return cls(key, data["kind"], data["question"], tuple(data["options"]))

    def public(self, prompt_id: int) -> dict[str, object]:
        return {
            "id": prompt_id,
            "kind": self.kind,
            "question": self.question,
            "options": list(self.options),
        }


@dataclass(frozen=True)
class Room:
    id: int
    code: str
    title: str
    join_base: str
    version: int
    open_prompt_id: int | None
    stage: str
    play_position_ms: int
    play_since: int | None
    ended_at: int | None
    created_at: int

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def playing(self) -> bool:
        return self.play_since is not None

    def video_ms(self, now_ms: int) -> int:
        """Where the presenter's video is now, as far as the room knows."""
        if self.play_since is None:
            return self.play_position_ms
        return self.play_position_ms + max(0, now_ms - self.play_since)


@dataclass(frozen=True)
class Participant:
    id: int
    room_id: int
    number: int
    pseudonym: str


@dataclass(frozen=True)
class Tally:
    """One prompt's answers as the console sees them; ``texts`` are (answer id, text, approved)."""

    prompt_id: int
    prompt: RoomPrompt
    open: bool
    answered: int
    counts: dict[str, int]
    texts: tuple[tuple[int, str, bool], ...]
