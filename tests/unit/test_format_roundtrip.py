"""Round trips yaml -> X -> yaml on random commentary, and importers on random input.

Random models use times anywhere in 0 .. 100 h and text with newlines, blank lines, '-->',
tags, entities, timestamps and the fold marker - everything that breaks naive writers.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_lens.errors import FormatError
from alliance_lens.formats import REGISTRY, export_bytes, read_file
from alliance_lens.formats import srt as srt_format
from alliance_lens.formats import webvtt as vtt_format
from alliance_lens.model import CommentaryFile
from alliance_lens.timecode import MAX_MS, format_time

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TRICKY = [
    "\n", "\n\n", "-->", " --> ", "<b>", "</v>", "<v Anna>", "&amp;", "&", "&#13;", "<c></c>",
    "NOTE ", "WEBVTT", "1\n", "00:00:01,000 --> 00:00:02,000", "\n00:01:02.500 --> x", "\u200b",
    " ", "\t", "|", "[", '"', ",", ";", "é", "ß", "日本", "🙂", "\u2028", "\x85",
]  # fmt: skip
# SRT and XML cannot hold CR or most control characters (the writers warn); VTT and CSV can
PLAIN = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
ANY_CHAR = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def texts(
    chars: st.SearchStrategy[str], min_size: int = 1, tricky: list[str] = TRICKY
) -> st.SearchStrategy[str]:
    token = st.one_of(st.sampled_from(tricky), st.text(chars, min_size=1, max_size=8))
    return st.lists(token, min_size=min_size, max_size=6).map("".join)


IDS = st.from_regex(r"[a-z][a-z0-9_.-]{0,6}", fullmatch=True)
TIMES = st.one_of(st.integers(0, MAX_MS), st.integers(0, 120_000))


def _time(ms: int) -> str:
    return format_time(ms)


@st.composite
def docs(
    draw: st.DrawFn,
    chars: st.SearchStrategy[str] = PLAIN,
    tracks: int = 2,
    tricky: list[str] = TRICKY,
) -> Any:
    txt = texts(chars, 1, tricky)
    maybe_txt = texts(chars, 0, tricky)
    track_ids = draw(st.lists(IDS, min_size=1, max_size=tracks, unique=True))
    out_tracks = []
    for tid in track_ids:
        episode_ids = draw(st.lists(IDS, max_size=2, unique=True))
        episodes = []
        for eid in episode_ids:
            onset = draw(TIMES)
            resolved = draw(st.none() | st.integers(onset, MAX_MS))
            episodes.append(
                {
                    "id": eid,
                    "title": draw(maybe_txt),
                    "type": draw(st.sampled_from(["withdrawal", "confrontation"])),
                    "onset": _time(onset),
                    "resolved_at": None if resolved is None else _time(resolved),
                    "markers": draw(st.lists(st.sampled_from(["denial", "a|b", "[x", ""]),
                                             max_size=3)),
                    "salience": draw(st.none() | st.integers(1, 5)),
                    "resolution": draw(st.none() | st.sampled_from(["resolved", "partly"])),
                    "alliance": draw(st.lists(st.sampled_from(["goals", "tasks", "bond"]),
                                              max_size=2, unique=True)),
                    "repairs": [
                        {"at": _time(draw(st.integers(onset, MAX_MS))), "note": draw(maybe_txt),
                         "strategies": draw(st.lists(st.sampled_from(["disclose", "x"]),
                                                     max_size=2))}
                        for _ in range(draw(st.integers(0, 2)))
                    ],
                    "commentary": draw(maybe_txt),
                }
            )  # fmt: skip
        refs = st.none() | st.sampled_from(episode_ids) if episode_ids else st.none()
        cues = []
        for _ in range(draw(st.integers(0, 4))):
            start = draw(TIMES)
            end = draw(st.none() | st.integers(start, MAX_MS))
            cues.append(
                {
                    "id": draw(st.none() | IDS),
                    "start": _time(start),
                    "end": None if end is None else _time(end),
                    "lens": draw(st.sampled_from(["alliance", "mentalization"])),
                    "episode": draw(refs),
                    "text": draw(txt),
                    "presenter_notes": draw(maybe_txt),
                }
            )
        prompts = []
        for pid in draw(st.lists(IDS, max_size=2, unique=True)):
            options = draw(st.lists(texts(chars, 1, tricky), min_size=2, max_size=3, unique=True))
            choice = draw(st.booleans())
            prompts.append(
                {
                    "id": pid,
                    "at": _time(draw(TIMES)),
                    "question": draw(txt),
                    "kind": "choice" if choice else "text",
                    "options": options if choice else [],
                    "expected": draw(st.none() | st.sampled_from(options)) if choice else None,
                    "reveal": draw(maybe_txt),
                    "episode": draw(refs),
                    "rewind_to": draw(st.none() | TIMES.map(_time)),
                }
            )
        out_tracks.append(
            {
                "id": tid,
                "name": draw(txt),
                "colour": draw(st.none() | st.sampled_from(["#aabbcc", "#010203"])),
                "description": draw(maybe_txt),
                "episodes": episodes,
                "cues": cues,
                "prompts": prompts,
            }
        )
    return CommentaryFile.model_validate(
        {
            "video": draw(st.sampled_from(["a.mp4", "sub/b c.webm", "https://x.invalid/v.mp4"])),
            "title": draw(txt),
            "description": draw(maybe_txt),
            "language": draw(st.sampled_from(["en", "de-CH"])),
            "authors": draw(st.lists(texts(chars, 1, tricky), max_size=2)),
            "consent": draw(maybe_txt),
            "chapters": [
                {"id": draw(st.none() | IDS), "start": _time(draw(TIMES)), "title": draw(txt)}
                for _ in range(draw(st.integers(0, 2)))
            ],
            "tracks": out_tracks,
        }
    )


def roundtrip(doc: CommentaryFile, fmt: str, **kwargs: Any) -> tuple[CommentaryFile, list[str]]:
    data, warnings = export_bytes(doc, fmt, **kwargs)
    return read_file("rt" + fmt, text=data).doc, [w.message for w in warnings]


# ---------------------------------------------------------------- round trips


@SETTINGS
@given(docs(ANY_CHAR))
def test_csv_round_trip_is_lossless(doc: CommentaryFile) -> None:
    back, warnings = roundtrip(doc, ".csv")
    assert back == doc
    assert warnings == []


@SETTINGS
@given(docs(PLAIN))
def test_eaf_round_trip_is_lossless(doc: CommentaryFile) -> None:
    back, warnings = roundtrip(doc, ".eaf")
    assert back == doc
    assert not [w for w in warnings if "normalised" in w]


@SETTINGS
@given(docs(ANY_CHAR, tracks=1))
def test_vtt_round_trip_keeps_a_whole_track(doc: CommentaryFile) -> None:
    back, warnings = roundtrip(doc, ".vtt")
    assert back == doc
    assert warnings == []


@SETTINGS
@given(docs(ANY_CHAR), st.data())
def test_vtt_round_trip_of_one_chosen_track(doc: CommentaryFile, data: st.DataObject) -> None:
    track = data.draw(st.sampled_from(doc.tracks))
    back, warnings = roundtrip(doc, ".vtt", track_id=track.id)
    assert back.tracks == (track,)
    assert back.chapters == doc.chapters
    assert bool(warnings) == (len(doc.tracks) > 1)


@SETTINGS
@given(docs(PLAIN))
def test_srt_round_trip_keeps_times_and_text(doc: CommentaryFile) -> None:
    back, warnings = roundtrip(doc, ".srt")
    sent = doc.tracks[0].cues
    got = back.tracks[0].cues
    assert [(c.start, c.text) for c in got] == [(c.start, c.text) for c in sent]
    assert all(g.end == s.end for g, s in zip(got, sent, strict=True) if s.end is not None)
    carried_all = all(
        c.id is None
        and c.lens == "alliance"
        and c.episode is None
        and not c.presenter_notes
        and c.end is not None
        for c in sent
    )
    single = len(doc.tracks) == 1 and not (doc.tracks[0].episodes or doc.tracks[0].prompts)
    assert any("cannot carry" in w for w in warnings)  # the file metadata at least
    if not (carried_all and single and not doc.chapters):
        assert any("left out" in w for w in warnings)


@SETTINGS
@given(docs(ANY_CHAR))
def test_yaml_round_trip(doc: CommentaryFile) -> None:
    back, warnings = roundtrip(doc, ".yaml")
    assert back == doc
    assert warnings == []


@settings(max_examples=100, deadline=None)
@given(texts(ANY_CHAR))
def test_vtt_text_escape_is_exact(text: str) -> None:
    lines = vtt_format.escape(text)
    assert all(line and "-->" not in line for line in lines)
    assert vtt_format.unescape(lines) == text


@settings(max_examples=100, deadline=None)
@given(texts(PLAIN))
def test_srt_fold_is_exact(text: str) -> None:
    folded = srt_format.fold(text)
    assert "\n\n" not in folded
    assert srt_format.unfold(folded) == text


# ---------------------------------------------------------------- importers on junk

# every registered format (one extension each), so a new format is fuzzed without touching this
READERS = {fmt.extensions[0]: fmt.read for fmt in REGISTRY.values()}
HEADS = {".vtt": "WEBVTT\n\n", ".srt": "1\n00:00:01,000 --> ", ".eaf": "<ANNOTATION_DOCUMENT>",
         ".csv": "track,kind,start_ms,end_ms,text\n",
         ".yaml": "video: v.mp4\ntitle: T\ntracks:\n- id: t\n  name: T\n  cues:\n"}  # fmt: skip


def head(fmt: str) -> str:
    """A valid start of a file in ``fmt``: random text after it reaches past the first check."""
    if fmt in HEADS:
        return HEADS[fmt]
    doc = CommentaryFile.model_validate(
        {"video": "v.mp4", "title": "T", "tracks": [{"id": "t", "name": "T", "cues": []}]}
    )
    return export_bytes(doc, fmt)[0].decode("utf-8-sig")


def test_the_fuzzed_readers_are_the_registry() -> None:
    assert set(READERS) == {".csv", ".eaf", ".srt", ".vtt", ".yaml"}
    assert all(READERS[fmt] is REGISTRY[fmt].read for fmt in READERS)


def via_read_file(fmt: str, raw: bytes | str) -> None:
    """read_file raises only FormatError, and not through its last-resort wrapper."""
    try:
        read_file("junk" + fmt, text=raw)
    except FormatError as exc:
        assert "please report this" not in exc.message


def only_format_errors(fmt: str, raw: bytes | str) -> None:
    """The reader alone (without read_file's wrapper) returns tracks and problems or raises
    a FormatError naming the file; any other exception fails the test."""
    try:
        imported = READERS[fmt](raw, "junk" + fmt, "junk")
    except FormatError as exc:
        assert exc.file == "junk" + fmt
    else:
        assert all(w.severity == "warning" for w in imported.warnings)
    via_read_file(fmt, raw)


@pytest.mark.parametrize("fmt", sorted(READERS))
@FUZZ
@given(raw=st.binary(max_size=300))
def test_importers_on_random_bytes(fmt: str, raw: bytes) -> None:
    only_format_errors(fmt, raw)


@pytest.mark.parametrize("fmt", sorted(READERS))
@FUZZ
@given(text=st.text(max_size=300))
def test_importers_on_random_text(fmt: str, text: str) -> None:
    only_format_errors(fmt, head(fmt) + text)
    only_format_errors(fmt, text)


@FUZZ
@given(text=st.text(max_size=300))
def test_yaml_import_on_random_text(text: str) -> None:
    via_read_file(".yaml", text)


@pytest.mark.parametrize("fmt", sorted(READERS))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=docs(PLAIN, tracks=1), data=st.data())
def test_importers_on_damaged_exports(fmt: str, doc: CommentaryFile, data: st.DataObject) -> None:
    """Cut, insert and repeat pieces of a real export: reaches deeper than random text."""
    text = export_bytes(doc, fmt)[0].decode("utf-8-sig")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, min(40, len(text) - at)))
        piece = data.draw(
            st.one_of(st.text(max_size=10), st.sampled_from(["\n", "-->", "<", '"', "{", "9"]))
        )
        text = text[:at] + piece + text[at + cut :]
    only_format_errors(fmt, text)
