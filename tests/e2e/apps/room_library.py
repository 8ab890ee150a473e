"""A library for the room-view browser tests (issue 13): the frame clip with ruptures early
on, a chapter, and a prompt whose revealed commentary is far too long for one screen.

Times on the 25 fps clip: withdrawal onset 1.0 s (frame 25), repair 1.6 s, confrontation
onset 2.2 s (frame 55), the long prompt at 3.02 s (frame 75).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.watch_library import build_library

PARAGRAPH = (
    "The client's answers shrink to single words while the therapist keeps asking about the "
    "week. Notice the change in posture and the glance away: this is where a withdrawal "
    "marker appears, and where the therapist could name what is happening between them."
)
LONG_REVEAL = "\n\n".join(f"Part {i}. {PARAGRAPH}" for i in range(1, 9))

ROOM = f"""\
version: 1
video: clip.mp4
title: Room clip
language: en
chapters:
  - {{start: "0", title: Opening}}
tracks:
  - id: expert
    name: Expert
    episodes:
      - id: w1
        title: Goes quiet
        type: withdrawal
        onset: "1"
        resolved_at: "2"
        markers: [minimal_response]
        repairs:
          - at: "1.6"
            strategies: [invites_feelings_about_therapy]
      - id: c1
        title: Pushes back
        type: confrontation
        onset: "2.2"
        resolved_at: "2.8"
        markers: [rejects_intervention]
    cues:
      - {{id: a1, start: "0.2", text: The session opens.}}
    prompts:
      - id: long
        at: "3.02"
        kind: choice
        question: Which kind of rupture did the room just see?
        options: [Confrontation, Withdrawal, Both, Neither]
        expected: Both
        reveal: |
{chr(10).join("          " + line for line in LONG_REVEAL.splitlines())}
"""


def build_room_library(root: Path) -> Path:
    build_library(root, extra=False)
    (root / "commentary" / "room.yaml").write_text(ROOM, encoding="utf-8")
    return root
