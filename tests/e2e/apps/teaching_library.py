"""A library for the teaching browser tests: the frame clip with a file that uses issue 11's
fields (multi and marker prompts, alliance elements, repair outcomes and notes, chapters)."""

from __future__ import annotations

from pathlib import Path

from tests.support.watch_library import build_library

TEACH = """\
version: 1
video: clip.mp4
title: Teaching clip
chapters:
  - {start: "0", title: Welcome, safe_to_show_early: true}
  - {start: "8", title: The therapist names it}
tracks:
  - id: expert
    name: Expert
    episodes:
      - id: ep1
        title: Goes quiet
        type: withdrawal
        onset: "2"
        resolved_at: "9"
        markers: [minimal_response]
        alliance: [tasks, bond]
        significance: 4
        resolution_rating: 3
        commentary: The client answers in *single words*.
        repairs:
          - at: "4"
            strategies: [illustrates_rationale]
            outcome: did_not_help
            note: "The rationale sounds like blame <img src=x onerror=\\"window.__pwned=1\\">"
          - at: "6"
            strategies: [invites_feelings_about_therapy]
            depth: exploratory
            directness: direct
            outcome: helped
            note: Opens the rupture up.
    cues:
      - {id: c1, start: "1", text: Calm start}
      - {id: c3, start: "3", episode: ep1, text: Single-word answers}
      - {id: c2, start: "12", text: Later cue}
    prompts:
      - id: elements
        at: "1.5"
        kind: multi
        question: Which elements of the alliance are strained?
        options: [Goals, Tasks, Bond]
        correct: [Tasks, Bond]
        reveal: Tasks and bond.
      - id: marker
        at: "10"
        kind: marker
        question: Name the marker.
        options: [minimal_response, denial]
        correct: [minimal_response]
        episode: ep1
        reveal: Short answers.
      - id: later
        at: "15"
        question: What now?
        reveal: Later.
"""


def build_teaching_library(root: Path) -> Path:
    build_library(root, extra=False)
    (root / "commentary" / "teach.yaml").write_text(TEACH, encoding="utf-8")
    return root
