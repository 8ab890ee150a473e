# ruff: noqa: E501  (hostile one-line YAML strings are the point)
"""A small library for the Watch page tests: a frame-numbered clip and hand-written tracks.

Frame n of the clip shows the number n (25 fps), so a screenshot tells which frame is on
screen. Prompt times and their covering frames (frame = floor(at * 25)):
  first  0.52 s -> frame 13 (in the first second)
  choice 6.02 s -> frame 150 (reached after a seek; rewinds to the onset at 3.0 s)
  fast  15.50 s -> frame 387 (reached at playback rate 2)
"""

from __future__ import annotations

import shutil
from pathlib import Path

FPS = 25
SECONDS = 24
SECRET_NOTE = "SECRET-PRESENTER-NOTE"

TRACK = """\
version: 1
video: clip.mp4
title: Frame clip
language: en
chapters:
  - {start: "0", title: Opening}
  - {start: "10", title: Second half}
tracks:
  - id: expert
    name: Expert
    colour: "#0b7a75"
    episodes:
      - id: ep1
        title: Goes quiet
        type: withdrawal
        onset: "3"
        resolved_at: "7"
        markers: [minimal_response]
        repairs:
          - at: "5.5"
            strategies: [invites_feelings_about_therapy]
            depth: exploratory
      - id: ep2
        title: Pushes back
        type: confrontation
        onset: "14"
        resolved_at: "19"
        markers: [rejects_intervention]
    cues:
      - {id: c1, start: "1", text: "Opening: **calm** start"}
      - {id: c2, start: "2.5", text: Second cue}
      - id: c3
        start: "4"
        text: Client answers in single words
        presenter_notes: SECRET-PRESENTER-NOTE
      - {id: c4, start: "8", text: Back on track}
      - {id: c5, start: "12", text: Before the push}
      - {id: c6, start: "15", lens: mentalization, text: Therapist stays curious}
    prompts:
      - id: first
        at: "0.52"
        question: What do you notice in the first moment?
        reveal: Nothing yet, just **settling in**.
      - id: choice
        at: "6.02"
        kind: choice
        question: Which kind of rupture is this?
        options: [Confrontation, Withdrawal]
        expected: Withdrawal
        episode: ep1
        reveal: The client moves away.
      - id: fast
        at: "15.5"
        question: What is the therapist doing now?
        episode: ep2
        reveal: Staying curious instead of defensive.
  - id: second
    name: Mentalization lens
    cues:
      - {id: m1, start: "2", lens: mentalization, text: Second track cue}
"""

XSS = """\
version: 1
video: clip.mp4
title: "Hostile <img src=x onerror=\\"window.__pwned=1\\">"
tracks:
  - id: evil
    name: "<script>window.__pwned=1</script>Evil"
    episodes:
      - id: e1
        title: "<img src=x onerror=\\"window.__pwned=2\\">"
        type: withdrawal
        onset: "1"
        resolved_at: "3"
    cues:
      - id: x1
        start: "0.2"
        text: "<script>window.__pwned=3</script> <img src=x onerror=\\"window.__pwned=4\\"> [click](javascript:window.__pwned=5) <b onmouseover=\\"alert(1)\\">bold</b>"
      - id: x2
        start: "0.4"
        text: "![img](https://example.com/track.png) <iframe src=\\"https://example.com\\"></iframe>"
    prompts:
      - id: q
        at: "20"
        kind: choice
        question: "<script>window.__pwned=6</script>Which?"
        options: ["<img src=x onerror=\\"window.__pwned=7\\">", "b"]
        reveal: "<svg onload=\\"window.__pwned=8\\"></svg>"
"""

BROKEN = """\
version: 1
video: clip.mp4
title: Broken track
tracks:
  - id: t
    name: T
    cues:
      - {start: "nonsense", text: a}
"""

MISSING = """\
version: 1
video: nowhere.mp4
title: Missing video
tracks:
  - id: t
    name: T
    cues:
      - {start: "1", text: a}
"""

# Three files a learner must never be offered (issue 16 section 6), titled to sort first.
BAD_FILES = {
    "a-tabs": "version: 1\nvideo: clip.mp4\ntitle: A tabs\ntracks:\n\t- id: expert\n\t  name: Expert\n",
    "a-end-before-start": """\
version: 1
video: clip.mp4
title: A cue ending before it starts
tracks:
  - id: expert
    name: Expert
    cues:
      - {start: "00:20", end: "00:10", text: Ends before it starts.}
""",
    "a-unknown-marker": """\
version: 1
video: clip.mp4
title: A unknown marker
tracks:
  - id: expert
    name: Expert
    episodes:
      - {id: e1, title: Quiet, type: withdrawal, onset: "1", markers: [no_such_marker]}
""",
}


def add_bad_files(root: Path) -> Path:
    """Add ``BAD_FILES`` to a library built by ``build_library``."""
    for slug, text in BAD_FILES.items():
        (root / "commentary" / f"{slug}.yaml").write_text(text, encoding="utf-8")
    return root


_CLIP_CACHE = Path("/tmp/alliance-lens-test-clip-25fps-24s.mp4")


def make_clip(dest: Path) -> Path:
    """The frame-numbered clip (generated once per machine, then copied)."""
    from tools.clips import make_frame_numbered_video

    if not _CLIP_CACHE.exists():
        tmp = _CLIP_CACHE.with_suffix(".tmp.mp4")
        make_frame_numbered_video(tmp, seconds=SECONDS, fps=FPS, keyframe_interval_s=1.0)
        tmp.replace(_CLIP_CACHE)
    shutil.copyfile(_CLIP_CACHE, dest)
    return dest


def build_library(root: Path, *, extra: bool = True) -> Path:
    (root / "media").mkdir(parents=True, exist_ok=True)
    (root / "commentary").mkdir(parents=True, exist_ok=True)
    make_clip(root / "media" / "clip.mp4")
    (root / "media" / "clip.vtt").write_text(
        "WEBVTT\n\n00:00.000 --> 00:10.000\nHello from the captions\n", encoding="utf-8"
    )
    (root / "commentary" / "clip.yaml").write_text(TRACK, encoding="utf-8")
    if extra:
        (root / "commentary" / "xss.yaml").write_text(XSS, encoding="utf-8")
        (root / "commentary" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
        (root / "commentary" / "missing.yaml").write_text(MISSING, encoding="utf-8")
    return root


def make_long_clip(dest: Path, seconds: int) -> Path:
    """A small (160x90, 25 fps) H.264 test-pattern clip of any length, for big tracks: x264
    makes an hour of it in well under a minute. Cached per machine, then copied."""
    import subprocess

    import imageio_ffmpeg

    cache = Path(f"/tmp/alliance-lens-testsrc-160x90-{seconds}s.mp4")
    if not cache.exists():
        tmp = cache.with_suffix(".tmp.mp4")
        src = f"testsrc2=size=160x90:rate=25:duration={seconds}"
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi",
               "-i", src, "-c:v", "libx264", "-preset", "ultrafast", "-g", "250",
               "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(tmp)]  # fmt: skip
        subprocess.run(cmd, check=True)
        tmp.replace(cache)
    shutil.copyfile(cache, dest)
    return dest


def big_track_yaml(cues: int, spacing: float, *, groups: int, video: str) -> str:
    """One track of ``cues`` cues every ``spacing`` s (ids c0, c1, ...; each ends where the
    next starts) and ``groups`` episodes and prompts, one of each per equal slice of the
    time: an episode at 28-56 % of its slice, a prompt at 83 % (an ELAN-sized transcript)."""
    period = cues * spacing / groups
    out = [f"version: 1\nvideo: {video}\ntitle: Big track\nlanguage: en\ntracks:",
           "  - id: big\n    name: Transcript\n    episodes:"]  # fmt: skip
    for k in range(groups):
        kind, marker = (
            ("withdrawal", "minimal_response")
            if k % 2
            else ("confrontation", "rejects_intervention")
        )
        onset, end = round(k * period + 0.28 * period, 3), round(k * period + 0.56 * period, 3)
        out.append(
            f'      - {{id: e{k}, title: Episode {k}, type: {kind}, onset: "{onset}", resolved_at: "{end}", markers: [{marker}]}}'
        )
    out.append("    cues:")
    for i in range(cues):
        s, e = round(i * spacing, 3), round((i + 1) * spacing, 3)
        out.append(
            f'      - {{id: c{i}, start: "{s}", end: "{e}", text: "Speaker {"AB"[i % 2]}: line {i} of the transcript, a sentence or so of what was said here"}}'
        )
    out.append("    prompts:")
    for k in range(groups):
        at = round(k * period + 0.83 * period, 3)
        out.append(
            f'      - {{id: p{k}, at: "{at}", question: "What happens at moment {k}?", reveal: "Reveal {k}."}}'
        )
    return "\n".join(out) + "\n"
