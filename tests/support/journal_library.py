"""A one-video library of prompts (hostile text included) for the journal and Reflections tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from alliance_lens.library import Library, scan_library

TRACK_YAML = textwrap.dedent(
    """\
    version: 1
    video: clip.mp4
    title: 'Sample: <b>The homework</b>'
    tracks:
      - id: expert
        name: Expert
        prompts:
          - id: later
            at: '00:40'
            question: What might the client feel *now*?
            reveal: Blamed, perhaps <script>alert(1)</script>.
          - id: what-next
            at: '00:27.993'
            kind: choice
            question: What would you do next?
            options: [Explain, Acknowledge]
            expected: Acknowledge
            reveal: Validating keeps the complaint workable.
      - id: lens
        name: Mentalization lens
        prompts:
          - id: rewind
            at: '01:13.971'
            question: Where would you rewind to?
            reveal: The therapist's first answer.
    """
)


def make_library(root: Path, yaml_text: str = TRACK_YAML) -> Library:
    (root / "commentary").mkdir(parents=True, exist_ok=True)
    (root / "media").mkdir(exist_ok=True)
    (root / "media" / "clip.mp4").write_bytes(b"")  # pairing only; never played here
    (root / "commentary" / "homework.yaml").write_text(yaml_text, encoding="utf-8")
    return scan_library(root)
