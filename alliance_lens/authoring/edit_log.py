"""The player's numbered edits (marks, nudges, undo/redo): each applied once and in order.

Why numbered: a rerun request that waits while the page is busy is folded by Streamlit into
the next one, and of two triggers of one component only the newer survives. An edit sent
alone could be lost that way (a chapter key pressed during a mark's run, then Ctrl+Z: the
chapter never arrived and the undo took back the mark, two edits for one key). So the player
(``player/js/edits.js``) sends with every trigger all the edits the page has not yet
acknowledged, numbered per player instance (its ``epoch``), and the page applies only the
numbers after the last it applied, then sends that number back (``EditAck``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EDIT_NAMES = frozenset({"mark", "nudge", "history"})
MAX_EDITS = 50  # per trigger (the player carries no more than this)


@dataclass(frozen=True)
class EditAck:
    """The last edit applied: its player instance and number."""

    epoch: str = ""
    seq: int = 0

    def as_data(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "seq": self.seq}


def new_edits(
    payload: Any, ack: EditAck
) -> tuple[list[tuple[str, dict[str, Any]]], EditAck] | None:
    """The edits in a trigger's ``payload`` not applied yet, in order, and the ack after them.

    None when the payload carries no numbered edits (one edit, as a test or an older player
    sends it): the caller applies the payload itself. Malformed entries are skipped.

    >>> log = {"epoch": "a", "events": [
    ...     {"seq": 1, "name": "mark", "payload": {"kind": "cue", "at_ms": 40}},
    ...     {"seq": 2, "name": "history", "payload": {"action": "undo"}}]}
    >>> new_edits({"edits": log}, EditAck("a", 1))
    ([('history', {'action': 'undo'})], EditAck(epoch='a', seq=2))
    >>> new_edits({"edits": log}, EditAck("a", 2))
    ([], EditAck(epoch='a', seq=2))
    >>> [name for name, _ in new_edits({"edits": log}, EditAck("b", 9))[0]]  # a new player
    ['mark', 'history']
    >>> new_edits({"kind": "cue", "at_ms": 40}, EditAck()) is None
    True
    """
    log = payload.get("edits") if isinstance(payload, dict) else None
    if not isinstance(log, dict):
        return None
    epoch, events = log.get("epoch"), log.get("events")
    if not isinstance(epoch, str) or not epoch or len(epoch) > 64 or not isinstance(events, list):
        return [], ack
    last = ack.seq if ack.epoch == epoch else 0
    found: list[tuple[str, dict[str, Any]]] = []
    for event in events[-MAX_EDITS:]:
        if not isinstance(event, dict):
            continue
        seq, name, body = event.get("seq"), event.get("name"), event.get("payload")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq <= last:
            continue
        if name in EDIT_NAMES and isinstance(body, dict):
            found.append((str(name), body))
        last = seq
    return found, EditAck(epoch, last) if last else ack
