"""Generate the bundled role-play sample videos, their captions and their commentary files.

    python tools/make_samples.py            # every script in tools/samples/
    python tools/make_samples.py NAME ...   # only these samples
    python tools/make_samples.py --text-only  # captions + commentary only (no video)

Each sample is one dialogue script, ``tools/samples/<name>.yaml``: who says what, optional
pauses and stage notes, and the commentary written against *line ids* instead of times.
From it this tool makes, deterministically:

- ``media/<name>.mp4``  two seated figures drawn with OpenCV, the speaker highlighted, a
  title card and a persistent role-play notice; the dialogue spoken by two espeak-ng voices.
  H.264/AAC, ``+faststart``, bit-exact flags, one encoder thread.
- ``media/<name>.vtt``  WebVTT captions, one cue per sentence, ``<v Therapist>``/``<v Client>``.
- ``commentary/<name>.yaml``  the commentary file (Alliance Lens format, version 1).

Every time comes from the synthesized audio: each sentence is spoken into its own WAV, its
length is measured (trailing and leading silence trimmed), and the lines are laid out one
after another with fixed gaps. A reference such as ``c3.start`` or ``t5.end+400`` in the
script becomes the start of line c3, or 400 ms after the end of line t5; ``c3.pause`` is where
the silence before line c3 begins, so an onset can start with a telling pause.

Needs espeak-ng (``apt install espeak-ng``) and imageio-ffmpeg. The app and the tests do not:
the outputs are committed.
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from alliance_lens.file_rules import semantic_problems  # noqa: E402
from alliance_lens.model import CommentaryFile  # noqa: E402
from alliance_lens.timecode import format_time  # noqa: E402
from alliance_lens.vocabulary import load_vocabulary  # noqa: E402

SCRIPTS_DIR = ROOT / "tools" / "samples"
MEDIA_DIR = ROOT / "media"
COMMENTARY_DIR = ROOT / "commentary"

# ---------------------------------------------------------------- timeline constants (ms)
TITLE_MS = 4500  # title card, silent
LEAD_IN_MS = 900  # the room, silent, before the first line
TURN_GAP_MS = 650  # default pause when the other person speaks next
SAME_SPEAKER_GAP_MS = 900  # default pause between two lines of the same person
SENTENCE_GAP_MS = 260  # between sentences of one line
TAIL_MS = 2500  # the room after the last line
FADE_MS = 700  # title card cross-fades into the room over this long

# ---------------------------------------------------------------- picture and encoding
FPS = 12
WIDTH, HEIGHT = 640, 360
SCALE = 2  # draw at twice the size, then shrink: smooth edges without a vector library
CRF = 31
AUDIO_BITRATE = "48k"
TRIM_THRESHOLD = 200  # |sample| below this at either end of a WAV counts as silence
TRIM_PAD_MS = 30  # silence kept at each end after trimming

SPEAKERS = ("therapist", "client")  # a two-person script; a group script names its own
GROUP_ROLES = ("leader", "co-leader", "member")
GAZES = ("toward", "down")  # where a person looks; "down" also bows the head a little
VOICE_LABEL = {"therapist": "Therapist", "client": "Client"}  # WebVTT <v> names
SCREEN_LABEL = {"therapist": "Therapist", "client": "Client (role-play)"}
NOTICE = "Role-play with synthetic voices \u2014 not a real session"
TIME_KEYS = {"start", "end", "onset", "resolved_at", "at", "rewind_to"}
REF_RE = re.compile(
    r"^(?P<line>[A-Za-z0-9_]+)\.(?P<edge>start|end|pause)(?:(?P<sign>[+-])(?P<ms>\d+))?$"
)
SENTENCE_RE = re.compile(r"(?<=[.?!])\s+(?=[A-Z\"'])")

AUTHORS = ["Alliance Lens sample library"]
LICENCE = "CC BY 4.0"
CONSENT = (
    "Role-play by synthetic voices (espeak-ng) and drawn figures. The people are fictional; "
    "no real client, therapist or session is shown or described."
)


class ScriptError(ValueError):
    """A dialogue script that cannot be turned into a sample."""


class ToolMissingError(RuntimeError):
    """espeak-ng or ffmpeg is not available."""


# ================================================================ scripts (pure)


@dataclass(frozen=True)
class Line:
    id: str
    speaker: str
    text: str
    sentences: tuple[str, ...]
    pause_ms: int | None = None  # silence before the line; None = the default gap
    note: str = ""  # stage note for readers; not spoken
    gaze: Mapping[str, str] = field(default_factory=dict)  # who looks where from here on


@dataclass(frozen=True)
class Script:
    name: str
    path: Path
    title: str
    description: str
    language: str
    people: Mapping[str, Mapping[str, Any]]
    lines: tuple[Line, ...]
    chapters: tuple[Mapping[str, Any], ...]
    tracks: tuple[Mapping[str, Any], ...]
    group: bool = False  # `layout: circle`: 4-6 named people around a circle

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(self.people) if self.group else SPEAKERS

    def voice_label(self, who: str) -> str:
        """The name in captions (<v ...>) and in the participants list."""
        return str(self.people[who]["name"]) if self.group else VOICE_LABEL[who]

    def role(self, who: str) -> str:
        return str(self.people[who]["role"]) if self.group else who

    def line(self, line_id: str) -> Line:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise ScriptError(f"{self.path.name}: no line with id {line_id!r}")


def split_sentences(text: str) -> tuple[str, ...]:
    """One caption cue (and one WAV) per sentence.

    >>> split_sentences("Fine. Not much, really... Why?")
    ('Fine.', 'Not much, really... Why?')
    """
    return tuple(s for s in SENTENCE_RE.split(" ".join(text.split())) if s)


def load_script(path: Path) -> Script:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ScriptError(f"{path.name}: expected a mapping")
    for key in ("title", "people", "lines", "tracks"):
        if key not in data:
            raise ScriptError(f"{path.name}: missing {key!r}")
    group = data.get("layout") == "circle"
    speakers = tuple(data["people"]) if group else SPEAKERS
    if group:
        if not 4 <= len(speakers) <= 6:
            raise ScriptError(f"{path.name}: a circle needs 4 to 6 people")
        for who, person in data["people"].items():
            if not {"name", "role", "voice"} <= set(person) or person["role"] not in GROUP_ROLES:
                need = f"needs name, voice and a role in {GROUP_ROLES}"
                raise ScriptError(f"{path.name}: people.{who} {need}")
    lines: list[Line] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["lines"]):
        where = f"{path.name}: lines[{i}]"
        if not isinstance(raw, dict) or not {"id", "speaker", "text"} <= raw.keys():
            raise ScriptError(f"{where}: each line needs id, speaker and text")
        unknown = raw.keys() - {"id", "speaker", "text", "pause", "note", "gaze"}
        if unknown:
            raise ScriptError(f"{where}: unknown field(s) {sorted(unknown)}")
        line_id = str(raw["id"])
        if line_id in seen:
            raise ScriptError(f"{where}: duplicate line id {line_id!r}")
        seen.add(line_id)
        if raw["speaker"] not in speakers:
            raise ScriptError(f"{where}: speaker must be one of {speakers}")
        gaze = dict(raw.get("gaze") or {})
        if not set(gaze) <= set(speakers) or not set(gaze.values()) <= set(GAZES):
            raise ScriptError(f"{where}: gaze maps people ({', '.join(speakers)}) to {GAZES}")
        pause = raw.get("pause")
        lines.append(
            Line(
                id=line_id,
                speaker=raw["speaker"],
                text=" ".join(str(raw["text"]).split()),
                sentences=split_sentences(str(raw["text"])),
                pause_ms=None if pause is None else round(float(pause) * 1000),
                note=str(raw.get("note") or ""),
                gaze=gaze,
            )
        )
    for who in speakers:
        if who not in data["people"] or "voice" not in data["people"][who]:
            raise ScriptError(f"{path.name}: people.{who}.voice is required")
    return Script(
        name=path.stem,
        path=path,
        title=str(data["title"]),
        description=str(data.get("description") or ""),
        language=str(data.get("language") or "en"),
        people=data["people"],
        lines=tuple(lines),
        chapters=tuple(data.get("chapters") or ()),
        tracks=tuple(data["tracks"]),
        group=group,
    )


def script_paths(names: Sequence[str] = ()) -> list[Path]:
    if not names:
        return sorted(SCRIPTS_DIR.glob("*.yaml"))
    paths = [SCRIPTS_DIR / f"{n.removesuffix('.yaml')}.yaml" for n in names]
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        raise ScriptError(f"no such script(s) in {SCRIPTS_DIR}: {', '.join(missing)}")
    return paths


# ================================================================ timeline (pure)


@dataclass(frozen=True)
class Utterance:
    line_id: str
    index: int  # sentence number within the line, from 1
    speaker: str
    text: str
    start: int  # ms
    end: int  # ms


@dataclass(frozen=True)
class Timeline:
    utterances: tuple[Utterance, ...]
    spans: Mapping[str, tuple[int, int]]  # line id -> (start, end) ms
    duration: int  # ms, a whole number of frames
    # line id -> where the silence before it begins (the end of the line before): a long
    # pause before an answer is itself a marker, so an onset can start there
    pauses: Mapping[str, int] = field(default_factory=dict)

    @property
    def speech_end(self) -> int:
        return self.utterances[-1].end if self.utterances else TITLE_MS

    def speaker_at(self, ms: float, lines: Sequence[Line]) -> str | None:
        for line in lines:
            start, end = self.spans[line.id]
            if start <= ms < end:
                return line.speaker
        return None


def layout(script: Script, lengths: Sequence[int]) -> Timeline:
    """Place every sentence on the timeline, given each sentence's spoken length in ms.

    ``lengths`` lists the sentences of all lines in order (as measured from the WAVs).
    """
    count = sum(len(line.sentences) for line in script.lines)
    if len(lengths) != count:
        raise ScriptError(f"{script.name}: {count} sentences but {len(lengths)} lengths")
    t = TITLE_MS + LEAD_IN_MS
    utterances: list[Utterance] = []
    spans: dict[str, tuple[int, int]] = {}
    pauses: dict[str, int] = {}
    it = iter(lengths)
    previous: Line | None = None
    for line in script.lines:
        pauses[line.id] = t
        if line.pause_ms is not None:
            t += line.pause_ms
        elif previous is not None:
            t += TURN_GAP_MS if previous.speaker != line.speaker else SAME_SPEAKER_GAP_MS
        start = t
        for k, sentence in enumerate(line.sentences, 1):
            if k > 1:
                t += SENTENCE_GAP_MS
            length = int(next(it))
            utterances.append(Utterance(line.id, k, line.speaker, sentence, t, t + length))
            t += length
        spans[line.id] = (start, t)
        previous = line
    frames = math.ceil((t + TAIL_MS) * FPS / 1000)
    return Timeline(tuple(utterances), spans, round(frames * 1000 / FPS), pauses)


def resolve(ref: Any, timeline: Timeline, where: str = "") -> int:
    """``"c3.start"``, ``"t5.end+400"``, ``"c2.pause"`` or ``"title.end"`` -> milliseconds.

    ``c2.pause`` is where the silence before line c2 begins (the end of the line before it).
    """
    match = REF_RE.match(str(ref).strip())
    if not match:
        raise ScriptError(f"{where}: {ref!r} is not a line reference like c3.start or t5.end+400")
    line_id, edge = match["line"], match["edge"]
    if line_id == "title":
        base = TITLE_MS if edge == "end" else 0
    elif line_id in timeline.spans and edge == "pause":
        base = timeline.pauses[line_id]
    elif line_id in timeline.spans:
        base = timeline.spans[line_id][0 if edge == "start" else 1]
    else:
        raise ScriptError(f"{where}: no line {line_id!r} (in {ref!r})")
    offset = int(match["ms"] or 0) * (-1 if match["sign"] == "-" else 1)
    return max(0, base + offset)


def _resolve_times(value: Any, timeline: Timeline, where: str) -> Any:
    """Replace line references under time keys by ``mm:ss.mmm`` strings, recursively."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            path = f"{where}.{key}"
            if key in TIME_KEYS and item is not None and not isinstance(item, dict | list):
                out[key] = format_time(resolve(item, timeline, path))
            else:
                out[key] = _resolve_times(item, timeline, path)
        return out
    if isinstance(value, list):
        return [_resolve_times(item, timeline, f"{where}[{i}]") for i, item in enumerate(value)]
    return value


def build_commentary(script: Script, timeline: Timeline) -> dict[str, Any]:
    """The commentary file as plain data, every time resolved from the timeline."""
    chapters = _resolve_times(list(script.chapters), timeline, "chapters")
    tracks = _resolve_times([dict(t) for t in script.tracks], timeline, "tracks")
    vocabulary = load_vocabulary()
    for track in tracks:
        for episode in track.get("episodes", []):
            episode["repairs"] = [_coded(r, vocabulary) for r in episode.get("repairs", [])]
    return {
        "version": 1,
        "video": f"{script.name}.mp4",
        "title": script.title,
        "description": script.description,
        "language": script.language,
        "authors": list(AUTHORS),
        "licence": LICENCE,
        "consent": CONSENT,
        "captions": f"{script.name}.vtt",
        # the same names as the captions' <v> voices; the role is the speaker's key
        "participants": [
            {"id": w, "name": script.voice_label(w), "role": script.role(w)}
            for w in script.speakers
        ],
        "chapters": chapters,
        "tracks": tracks,
    }


def _coded(repair: dict[str, Any], vocabulary: Any) -> dict[str, Any]:
    """Fill a repair's depth/directness from its strategies by the documented rule.

    A script writes them only to depart from the rule (and its note says why).
    """
    depth, directness = vocabulary.repair_coding(tuple(repair.get("strategies", ())))
    order = ("at", "strategies", "depth", "directness", "outcome", "stages", "note")
    filled = {"depth": depth, "directness": directness} | repair
    return {k: filled[k] for k in order if filled.get(k) is not None} | {
        k: v for k, v in repair.items() if k not in order
    }


def check_commentary(data: Mapping[str, Any], duration_ms: int, where: str) -> CommentaryFile:
    """Build the model and refuse any error *or* warning: a generated file must be clean."""
    doc = CommentaryFile.model_validate(data)
    problems = list(semantic_problems(doc, load_vocabulary(), duration_ms))
    if problems:
        listed = "; ".join(f"{sev} at {'.'.join(map(str, p))}: {msg}" for sev, p, msg in problems)
        raise ScriptError(f"{where}: {listed}")
    return doc


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    """Short lists of ids (markers, strategies, alliance) on one line: ``[tasks, bond]``."""
    ids = all(isinstance(i, str) and re.fullmatch(r"[a-z_]+", i) for i in items)
    flow = bool(items) and ids and sum(len(i) + 2 for i in items) < 70
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def commentary_yaml(script: Script, data: Mapping[str, Any]) -> str:
    header = (
        "# Alliance Lens commentary file: see docs/commentary-format.md\n"
        f"# Generated by tools/make_samples.py from tools/samples/{script.name}.yaml.\n"
        "# Edit the script and regenerate: every time here comes from the synthesized audio.\n"
    )
    body = yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)
    return header + body


def _vtt_time(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours:02d}:{mins:02d}:{secs:02d}.{millis:03d}"


def build_vtt(script: Script, timeline: Timeline) -> str:
    """WebVTT: one cue per sentence, identified ``<line id>.<n>``, with a voice span."""
    out = [
        "WEBVTT",
        "",
        f"NOTE {script.title}. {NOTICE}.",
        f"Generated by tools/make_samples.py from tools/samples/{script.name}.yaml.",
        "",
    ]
    for u in timeline.utterances:
        text = u.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out += [
            f"{u.line_id}.{u.index}",
            f"{_vtt_time(u.start)} --> {_vtt_time(u.end)}",
            f"<v {script.voice_label(u.speaker)}>{text}</v>",
            "",
        ]
    return "\n".join(out)


@dataclass(frozen=True)
class SampleText:
    timeline: Timeline
    vtt: str
    commentary: str


def build_text(script: Script, lengths: Sequence[int]) -> SampleText:
    """Pure: script + measured sentence lengths -> timeline, captions, commentary text."""
    timeline = layout(script, lengths)
    data = build_commentary(script, timeline)
    check_commentary(data, timeline.duration, f"{script.name}")
    return SampleText(timeline, build_vtt(script, timeline), commentary_yaml(script, data))


# ================================================================ speech (espeak-ng)


def espeak_exe() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise ToolMissingError(
            "espeak-ng is not installed (Debian/Ubuntu: apt install espeak-ng); "
            "it is needed only to regenerate the committed samples"
        )
    return exe


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise RuntimeError(f"{path}: expected 16-bit mono from espeak-ng")
        rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
    return samples, rate


def trim(samples: np.ndarray, rate: int) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > TRIM_THRESHOLD)
    if loud.size == 0:
        return samples[:0]
    pad = rate * TRIM_PAD_MS // 1000
    return samples[max(0, loud[0] - pad) : loud[-1] + 1 + pad]


def synthesize(text: str, person: Mapping[str, Any], workdir: Path) -> tuple[np.ndarray, int]:
    """Speak one sentence with this person's voice; return trimmed samples and rate."""
    out = workdir / "utterance.wav"
    cmd = [
        espeak_exe(),
        "-v",
        str(person["voice"]),
        "-s",
        str(person.get("speed", 150)),
        "-p",
        str(person.get("pitch", 50)),
        "-w",
        str(out),
        "--",
        text,
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    samples, rate = read_wav(out)
    return trim(samples, rate), rate


def speak_script(script: Script, workdir: Path) -> tuple[list[np.ndarray], int]:
    clips: list[np.ndarray] = []
    rate = 0
    for line in script.lines:
        for sentence in line.sentences:
            samples, rate_ = synthesize(sentence, script.people[line.speaker], workdir)
            if rate and rate_ != rate:
                raise RuntimeError("espeak-ng changed sample rate between utterances")
            rate = rate_
            clips.append(samples)
    return clips, rate


def clip_ms(samples: np.ndarray, rate: int) -> int:
    return round(len(samples) * 1000 / rate)


def mix(timeline: Timeline, clips: Sequence[np.ndarray], rate: int) -> np.ndarray:
    total = round(timeline.duration * rate / 1000)
    track = np.zeros(total, np.int16)
    for u, clip in zip(timeline.utterances, clips, strict=True):
        at = round(u.start * rate / 1000)
        track[at : at + len(clip)] = clip[: max(0, total - at)]
    return track


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())


# ================================================================ picture

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
BOLD_CANDIDATES = tuple(p.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf") for p in FONT_CANDIDATES)


def _bgr(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[4:6], 16), int(h[2:4], 16), int(h[0:2], 16)


# calm palette (BGR)
WALL = _bgr("#e6e0d6")
WALL_SHADE = _bgr("#dcd5c9")
FLOOR = _bgr("#b9a48c")
FLOOR_EDGE = _bgr("#a48e76")
RUG = _bgr("#8f9e9a")
CHAIR = _bgr("#6f5b4b")
CHAIR_SEAT = _bgr("#7d6a59")
WOOD = _bgr("#8a6c52")
LEAF = _bgr("#5d7f5a")
LEAF_DARK = _bgr("#4b6a49")
POT = _bgr("#b7775a")
INK = _bgr("#2c3540")
CARD = _bgr("#25313d")
GLOW = _bgr("#fff2cf")
ACCENT = {"therapist": _bgr("#2f6f9f"), "client": _bgr("#8a5a2b")}

DEFAULT_LOOK = {
    "therapist": {"skin": "#d7a98a", "hair": "#5b4636", "top": "#4f7d7a", "legs": "#3d4552"},
    "client": {"skin": "#a8775a", "hair": "#2e2520", "top": "#b58a4c", "legs": "#4a4f5c"},
}


@cache
def _font(size: int, bold: bool = False) -> Any:
    from PIL import ImageFont

    for candidate in BOLD_CANDIDATES if bold else FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def _text(
    img: np.ndarray,
    items: Iterable[tuple[str, tuple[int, int], int, bool, tuple[int, int, int], str]],
) -> np.ndarray:
    """Draw text with PIL (anti-aliased, Unicode). Each item: text, xy, size, bold, BGR, anchor."""
    from PIL import Image, ImageDraw

    pil = Image.fromarray(img[:, :, ::-1])
    draw = ImageDraw.Draw(pil)
    for text, xy, size, bold, colour, anchor in items:
        draw.text(xy, text, font=_font(size, bold), fill=colour[::-1], anchor=anchor)
    return np.asarray(pil)[:, :, ::-1].copy()


def _text_width(text: str, size: int, bold: bool = False) -> int:
    left, _, right, _ = _font(size, bold).getbbox(text)
    return int(right - left)


def _pill(img: np.ndarray, centre: tuple[int, int], w: int, h: int, colour, filled: bool) -> None:
    import cv2

    x, y = centre
    r = h // 2
    thickness = -1 if filled else 3
    a, b = (x - w // 2 + r, y), (x + w // 2 - r, y)
    if filled:
        cv2.rectangle(img, (a[0], y - r), (b[0], y + r), colour, -1, cv2.LINE_AA)
        cv2.circle(img, a, r, colour, -1, cv2.LINE_AA)
        cv2.circle(img, b, r, colour, -1, cv2.LINE_AA)
    else:
        cv2.ellipse(img, a, (r, r), 0, 90, 270, colour, thickness, cv2.LINE_AA)
        cv2.ellipse(img, b, (r, r), 0, -90, 90, colour, thickness, cv2.LINE_AA)
        cv2.line(img, (a[0], y - r), (b[0], y - r), colour, thickness, cv2.LINE_AA)
        cv2.line(img, (a[0], y + r), (b[0], y + r), colour, thickness, cv2.LINE_AA)


class Painter:
    """Draws the room and the two people. Frames are cached by their visible state."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.w, self.h = WIDTH * SCALE, HEIGHT * SCALE
        self.look = {
            who: {**DEFAULT_LOOK[who], **dict(script.people[who].get("look") or {})}
            for who in SPEAKERS
        }
        self.x = {"therapist": int(self.w * 0.30), "client": int(self.w * 0.70)}
        self.facing = {"therapist": 1, "client": -1}
        self._room = self._draw_room()
        self._glow = {who: self._glow_mask(who) for who in SPEAKERS}
        self._cache: dict[tuple[Any, ...], np.ndarray] = {}
        self.title_card = self._draw_title_card()

    # -- static parts
    def _draw_room(self) -> np.ndarray:
        import cv2

        w, h = self.w, self.h
        img = np.empty((h, w, 3), np.uint8)
        img[:] = WALL
        floor_y = int(h * 0.74)
        cv2.rectangle(img, (0, int(h * 0.70)), (w, floor_y), WALL_SHADE, -1)
        img[floor_y:] = FLOOR
        cv2.line(img, (0, floor_y), (w, floor_y), FLOOR_EDGE, 4, cv2.LINE_AA)
        # window with soft daylight
        wx0, wx1, wy0, wy1 = int(w * 0.42), int(w * 0.58), int(h * 0.12), int(h * 0.44)
        cv2.rectangle(img, (wx0 - 10, wy0 - 10), (wx1 + 10, wy1 + 10), _bgr("#f4f1ea"), -1)
        cv2.rectangle(img, (wx0, wy0), (wx1, wy1), _bgr("#cfdde3"), -1)
        cv2.line(img, ((wx0 + wx1) // 2, wy0), ((wx0 + wx1) // 2, wy1), _bgr("#f4f1ea"), 8)
        cv2.line(img, (wx0, (wy0 + wy1) // 2), (wx1, (wy0 + wy1) // 2), _bgr("#f4f1ea"), 8)
        # framed picture on the wall (calm abstract landscape)
        px0, py0, px1, py1 = int(w * 0.08), int(h * 0.16), int(w * 0.20), int(h * 0.34)
        cv2.rectangle(img, (px0 - 8, py0 - 8), (px1 + 8, py1 + 8), WOOD, -1)
        cv2.rectangle(img, (px0, py0), (px1, py1), _bgr("#d9e2dc"), -1)
        hills = np.array(
            [
                [px0, py1],
                [px0, py0 + 120],
                [px0 + 80, py0 + 80],
                [px0 + 160, py0 + 115],
                [px1, py0 + 90],
                [px1, py1],
            ],
            np.int32,
        )
        cv2.fillPoly(img, [hills], _bgr("#9fb5a4"), cv2.LINE_AA)
        # rug
        cv2.ellipse(
            img,
            (w // 2, int(h * 0.87)),
            (int(w * 0.36), int(h * 0.07)),
            0,
            0,
            360,
            RUG,
            -1,
            cv2.LINE_AA,
        )
        # small table with a plant between the chairs
        tx, ty = w // 2, int(h * 0.70)
        cv2.rectangle(img, (tx - 70, ty), (tx + 70, ty + 16), WOOD, -1, cv2.LINE_AA)
        cv2.line(img, (tx - 50, ty + 16), (tx - 56, int(h * 0.86)), WOOD, 10, cv2.LINE_AA)
        cv2.line(img, (tx + 50, ty + 16), (tx + 56, int(h * 0.86)), WOOD, 10, cv2.LINE_AA)
        pot = np.array([[tx - 34, ty - 60], [tx + 34, ty - 60], [tx + 26, ty], [tx - 26, ty]])
        cv2.fillPoly(img, [pot.astype(np.int32)], POT, cv2.LINE_AA)
        for i, (dx, dy, ang) in enumerate(
            [
                (-44, -120, -35),
                (40, -125, 35),
                (-12, -160, -8),
                (18, -150, 12),
                (-60, -85, -60),
                (58, -90, 60),
            ]
        ):
            colour = LEAF if i % 2 else LEAF_DARK
            cv2.ellipse(img, (tx + dx, ty + dy), (18, 48), ang, 0, 360, colour, -1, cv2.LINE_AA)
        for who in SPEAKERS:
            self._draw_chair(img, who)
        return img

    def _draw_chair(self, img: np.ndarray, who: str) -> None:
        import cv2

        x, f, h = self.x[who], self.facing[who], self.h
        back_x = x - f * 78
        seat_y = int(h * 0.63)
        cv2.line(
            img, (back_x, int(h * 0.36)), (back_x - f * 10, seat_y + 10), CHAIR, 26, cv2.LINE_AA
        )
        cv2.rectangle(
            img,
            (min(x - f * 90, x + f * 110), seat_y),
            (max(x - f * 90, x + f * 110), seat_y + 26),
            CHAIR_SEAT,
            -1,
            cv2.LINE_AA,
        )
        for lx in (x - f * 80, x + f * 98):
            cv2.line(img, (lx, seat_y + 26), (lx, int(h * 0.84)), CHAIR, 12, cv2.LINE_AA)
        cv2.ellipse(
            img, (x + f * 10, int(h * 0.85)), (120, 12), 0, 0, 360, FLOOR_EDGE, -1, cv2.LINE_AA
        )

    def _glow_mask(self, who: str) -> np.ndarray:
        import cv2

        mask = np.zeros((self.h, self.w), np.float32)
        cv2.ellipse(
            mask,
            (self.x[who] + self.facing[who] * 20, int(self.h * 0.56)),
            (190, 290),
            0,
            0,
            360,
            1.0,
            -1,
            cv2.LINE_AA,
        )
        mask = cv2.GaussianBlur(mask, (0, 0), 45)
        return (mask * 0.55)[:, :, None]

    def _draw_title_card(self) -> np.ndarray:
        w, h = self.w, self.h
        img = np.empty((h, w, 3), np.uint8)
        img[:] = CARD
        import cv2

        cv2.line(
            img,
            (w // 2 - 180, int(h * 0.56)),
            (w // 2 + 180, int(h * 0.56)),
            _bgr("#6f8596"),
            2,
            cv2.LINE_AA,
        )
        title_size = 50
        while _text_width(self.script.title, title_size, True) > w * 0.88 and title_size > 28:
            title_size -= 2
        img = _text(
            img,
            [
                (
                    self.script.title,
                    (w // 2, int(h * 0.44)),
                    title_size,
                    True,
                    _bgr("#f3efe6"),
                    "mm",
                ),
                (NOTICE, (w // 2, int(h * 0.66)), 30, False, _bgr("#d9cfb8"), "mm"),
                (
                    "Fictional people \u00b7 Alliance Lens sample library \u00b7 CC BY 4.0",
                    (w // 2, int(h * 0.88)),
                    22,
                    False,
                    _bgr("#93a3b0"),
                    "mm",
                ),
            ],
        )
        return self._shrink(img)

    # -- people
    def _draw_person(self, img: np.ndarray, who: str, gaze: str, mouth: int) -> None:
        import cv2

        look = {k: _bgr(v) for k, v in self.look[who].items() if k in DEFAULT_LOOK[who]}
        x, f, h = self.x[who], self.facing[who], self.h
        seat_y = int(h * 0.63)
        hip = (x - f * 30, seat_y - 22)
        knee = (x + f * 95, seat_y - 18)
        ankle = (x + f * 100, int(h * 0.83))
        shoulder = (x - f * 18, int(h * 0.41))
        down = gaze == "down"
        # legs
        cv2.line(img, hip, knee, look["legs"], 54, cv2.LINE_AA)
        cv2.line(img, knee, ankle, look["legs"], 44, cv2.LINE_AA)
        cv2.ellipse(
            img, (ankle[0] + f * 16, ankle[1] + 12), (34, 14), 0, 0, 360, INK, -1, cv2.LINE_AA
        )
        # torso: a rounded trapezoid
        lean = f * (10 if down else 0)
        torso = np.array(
            [
                [hip[0] - f * 42, hip[1] + 18],
                [hip[0] + f * 46, hip[1] + 18],
                [shoulder[0] + f * 44 + lean, shoulder[1] + 6],
                [shoulder[0] - f * 40 + lean, shoulder[1] + 6],
            ],
            np.int32,
        )
        cv2.fillPoly(img, [torso], look["top"], cv2.LINE_AA)
        cv2.ellipse(
            img,
            (shoulder[0] + f * 2 + lean, shoulder[1] + 14),
            (46, 26),
            0,
            0,
            360,
            look["top"],
            -1,
            cv2.LINE_AA,
        )
        # neck and head
        head = (
            shoulder[0] + f * 14 + lean + (f * 8 if down else 0),
            shoulder[1] - 62 + (8 if down else 0),
        )
        cv2.line(
            img,
            (shoulder[0] + f * 6 + lean, shoulder[1]),
            (head[0], head[1] + 30),
            look["skin"],
            30,
            cv2.LINE_AA,
        )
        cv2.circle(img, head, 50, look["skin"], -1, cv2.LINE_AA)
        nose = (head[0] + f * 50, head[1] + (10 if down else 4))
        cv2.circle(img, nose, 9, look["skin"], -1, cv2.LINE_AA)
        # hair: covers the back and top of the head
        style = self.script.people[who].get("look", {}).get("hair_style", "short")
        arc = (180, 345) if f > 0 else (195, 360)  # top of the head, clear of the face
        cv2.ellipse(
            img, (head[0] - f * 8, head[1] - 10), (50, 46), 0, *arc, look["hair"], -1, cv2.LINE_AA
        )
        cv2.ellipse(
            img, (head[0] - f * 20, head[1] - 4), (34, 44), 0, 0, 360, look["hair"], -1, cv2.LINE_AA
        )
        if style == "long":
            cv2.ellipse(
                img,
                (head[0] - f * 30, head[1] + 36),
                (26, 56),
                f * 8,
                0,
                360,
                look["hair"],
                -1,
                cv2.LINE_AA,
            )
        elif style == "bun":
            cv2.circle(img, (head[0] - f * 52, head[1] - 30), 20, look["hair"], -1, cv2.LINE_AA)
        # ear
        cv2.ellipse(
            img,
            (head[0] - f * 4, head[1] + 6),
            (9, 13),
            0,
            0,
            360,
            tuple(int(c * 0.9) for c in look["skin"]),
            -1,
            cv2.LINE_AA,
        )
        # eye (looks toward the other person, or down) and brow
        eye = (head[0] + f * 28, head[1] + (2 if down else -6))
        if down:
            cv2.ellipse(img, eye, (7, 3), 0, 0, 180, INK, 3, cv2.LINE_AA)
        else:
            cv2.ellipse(img, eye, (5, 7), 0, 0, 360, INK, -1, cv2.LINE_AA)
        cv2.line(
            img,
            (eye[0] - f * 10, eye[1] - 14),
            (eye[0] + f * 8, eye[1] - 16),
            tuple(int(c * 0.8) for c in look["hair"]),
            4,
            cv2.LINE_AA,
        )
        # mouth: a closed line, or slightly open while speaking
        mouth_c = (head[0] + f * 36, head[1] + (30 if down else 24))
        if mouth == 0:
            cv2.line(
                img,
                (mouth_c[0] - 7, mouth_c[1]),
                (mouth_c[0] + 7, mouth_c[1]),
                _bgr("#7a4a40"),
                3,
                cv2.LINE_AA,
            )
        else:
            cv2.ellipse(
                img, mouth_c, (6, 1 + 2 * mouth), 0, 0, 360, _bgr("#6a3a34"), -1, cv2.LINE_AA
            )
        # arm resting on the thigh, hand on the knee
        elbow = (shoulder[0] + f * 18 + lean, int(h * 0.54))
        hand = (knee[0] - f * 18, knee[1] - 26)
        cv2.line(
            img, (shoulder[0] + f * 4 + lean, shoulder[1] + 20), elbow, look["top"], 30, cv2.LINE_AA
        )
        cv2.line(img, elbow, hand, look["top"], 28, cv2.LINE_AA)
        cv2.circle(img, (hand[0] + f * 12, hand[1]), 15, look["skin"], -1, cv2.LINE_AA)

    def _draw_label(self, img: np.ndarray, who: str, speaking: bool) -> np.ndarray:
        label = SCREEN_LABEL[who]
        size = 30
        tw = _text_width(label, size, True)
        centre = (self.x[who] + self.facing[who] * 10, int(self.h * 0.155))
        colour = ACCENT[who]
        _pill(img, centre, tw + 56, 52, colour if speaking else _bgr("#b9b2a6"), speaking)
        text_colour = _bgr("#ffffff") if speaking else _bgr("#6b6459")
        return _text(img, [(label, (centre[0], centre[1] + 1), size, True, text_colour, "mm")])

    def frame(self, speaker: str | None, gaze: Mapping[str, str], mouth: int) -> np.ndarray:
        key = (speaker, gaze["therapist"], gaze["client"], mouth if speaker else 0)
        if key not in self._cache:
            img = self._room.copy()
            if speaker:
                glow = np.empty_like(img)
                glow[:] = GLOW
                img = (img * (1 - self._glow[speaker]) + glow * self._glow[speaker]).astype(
                    np.uint8
                )
            for who in SPEAKERS:
                self._draw_person(img, who, gaze[who], mouth if who == speaker else 0)
            for who in SPEAKERS:
                img = self._draw_label(img, who, who == speaker)
            img = _text(img, [(NOTICE, (28, 24), 24, False, _bgr("#55504a"), "lt")])
            self._cache[key] = self._shrink(img)
        return self._cache[key]

    @staticmethod
    def _shrink(img: np.ndarray) -> np.ndarray:
        import cv2

        return cv2.resize(img, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)


def frame_states(
    script: Script, timeline: Timeline, audio: np.ndarray | None, rate: int
) -> Iterable[tuple[str | None, dict[str, str], int, float]]:
    """For each frame: who is speaking, where each person looks, mouth 0-2, title fade 0-1."""
    gaze = {who: "toward" for who in script.speakers}
    changes = [(timeline.spans[line.id][0], line.gaze) for line in script.lines if line.gaze]
    n_frames = round(timeline.duration * FPS / 1000)
    ci = 0
    for i in range(n_frames):
        t = i * 1000 / FPS
        while ci < len(changes) and changes[ci][0] <= t + 1000 / FPS / 2:
            gaze.update(changes[ci][1])
            ci += 1
        speaker = timeline.speaker_at(t + 1000 / FPS / 2, script.lines)
        mouth = 0
        if speaker and audio is not None:
            a, b = int(t * rate / 1000), int((t + 1000 / FPS) * rate / 1000)
            chunk = audio[a:b].astype(np.float64)
            rms = math.sqrt(float(np.mean(chunk * chunk))) if chunk.size else 0.0
            mouth = 0 if rms < 700 else (1 if rms < 2600 else 2)
        title = 1.0 if t < TITLE_MS - FADE_MS else max(0.0, (TITLE_MS - t) / FADE_MS)
        yield speaker, dict(gaze), mouth, title


def frames(
    painter: Any, script: Script, timeline: Timeline, audio: np.ndarray | None, rate: int
) -> Iterable[np.ndarray]:
    """Every frame of the video, in order, as 640x360 BGR images."""
    for speaker, gaze, mouth, title in frame_states(script, timeline, audio, rate):
        img = painter.frame(speaker, gaze, mouth)
        if title >= 1.0:
            img = painter.title_card
        elif title > 0.0:
            img = (painter.title_card * title + img * (1 - title)).round().astype(np.uint8)
        yield img


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise ToolMissingError(f"no ffmpeg: install imageio-ffmpeg ({exc})") from None


def render_video(
    script: Script, timeline: Timeline, audio: np.ndarray, rate: int, out: Path, workdir: Path
) -> None:
    wav = workdir / "dialogue.wav"
    write_wav(wav, audio, rate)
    if script.group:
        from tools.group_room import GroupPainter  # local: it draws with this module's helpers

        painter: Any = GroupPainter(script)
    else:
        painter = Painter(script)
    cmd = [
        ffmpeg_exe(), "-y", "-hide_banner", "-loglevel", "error",
        "-fflags", "+bitexact",
        "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS),
        "-i", "-",
        "-i", str(wav),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "slow", "-tune", "stillimage", "-crf", str(CRF),
        "-pix_fmt", "yuv420p", "-g", str(FPS * 4), "-threads", "1",
        "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "1",
        "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1",
        "-movflags", "+faststart",
        str(out),
    ]  # fmt: skip
    err_path = workdir / "ffmpeg.log"
    with err_path.open("wb") as err_file:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=err_file)
        assert proc.stdin is not None
        try:
            for img in frames(painter, script, timeline, audio, rate):
                proc.stdin.write(img.tobytes())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    err = err_path.read_text(errors="replace")
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg failed for {out.name}: {err.strip()}")


# ================================================================ driver


def make_sample(
    path: Path,
    *,
    media_dir: Path = MEDIA_DIR,
    commentary_dir: Path = COMMENTARY_DIR,
    video: bool = True,
    log: Callable[[str], None] = print,
) -> SampleText:
    script = load_script(path)
    espeak_exe()
    with tempfile.TemporaryDirectory(prefix="alliance-lens-samples-") as tmp:
        workdir = Path(tmp)
        clips, rate = speak_script(script, workdir)
        text = build_text(script, [clip_ms(c, rate) for c in clips])
        media_dir.mkdir(parents=True, exist_ok=True)
        commentary_dir.mkdir(parents=True, exist_ok=True)
        (media_dir / f"{script.name}.vtt").write_text(text.vtt, encoding="utf-8", newline="\n")
        (commentary_dir / f"{script.name}.yaml").write_text(
            text.commentary, encoding="utf-8", newline="\n"
        )
        if video:
            out = media_dir / f"{script.name}.mp4"
            render_video(script, text.timeline, mix(text.timeline, clips, rate), rate, out, workdir)
            size = f", {out.stat().st_size / 1e6:.2f} MB"
        else:
            size = ""
    log(
        f"{script.name}: {text.timeline.duration / 1000:.1f} s, "
        f"{len(text.timeline.utterances)} captions{size}"
    )
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="sample names (default: all scripts)")
    parser.add_argument("--text-only", action="store_true", help="captions and commentary only")
    args = parser.parse_args(argv)
    try:
        espeak_exe()
        ffmpeg_exe()
        for path in script_paths(args.names):
            make_sample(path, video=not args.text_only)
    except ToolMissingError as exc:
        print(f"make_samples: {exc}", file=sys.stderr)
        return 2
    except ScriptError as exc:
        print(f"make_samples: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
