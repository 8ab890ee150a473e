"""Import/export formats: realistic sample inputs, named bad inputs, and the public API."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_lens.errors import FormatError, TrackFileError
from alliance_lens.formats import (
    FORMATS,
    convert,
    export_bytes,
    format_of,
    read_file,
    write_file,
)
from alliance_lens.model import CommentaryFile
from alliance_lens.timecode import format_time
from alliance_lens.trackfile import dumps

DATA = Path(__file__).resolve().parent.parent / "data" / "formats"


def sample_doc() -> CommentaryFile:
    return CommentaryFile.model_validate(
        {
            "video": "session3.mp4",
            "title": "Session 3",
            "authors": ["A. Author"],
            "consent": "Role-play with actors.",
            "chapters": [
                {"start": "00:00", "title": "Check-in"},
                {"start": "01:00", "title": "Work"},
            ],
            "tracks": [
                {
                    "id": "expert",
                    "name": "Expert",
                    "colour": "#336699",
                    "episodes": [
                        {
                            "id": "e1",
                            "type": "withdrawal",
                            "onset": "00:04.5",
                            "resolved_at": "01:02.5",
                            "markers": ["minimal_response"],
                            "repairs": [{"at": "01:02.5", "strategies": ["disclose"]}],
                        }
                    ],
                    "cues": [
                        {"start": "00:01.25", "end": "00:04", "text": "Open question."},
                        {
                            "start": "00:04.5",
                            "text": "Short answer -->\n\nwithdrawal?",
                            "episode": "e1",
                        },
                    ],
                    "prompts": [
                        {
                            "id": "p1",
                            "at": "00:08",
                            "question": "What do you notice?",
                            "reveal": "Gaze aversion.",
                            "episode": "e1",
                        }
                    ],
                },
                {
                    "id": "second",
                    "name": "Second view",
                    "cues": [{"start": "00:02", "text": "Hm."}],
                },
            ],
        }
    )


# ---------------------------------------------------------------- realistic inputs


def test_vtt_with_voices_notes_and_style() -> None:
    result = read_file(DATA / "session.vtt")
    doc = result.doc
    assert doc.video == "session.mp4" and doc.title == "session"
    (track,) = doc.tracks
    assert track.id == "session"
    assert [(c.start, c.end) for c in track.cues] == [
        (1250, 4000),
        (4500, 7125),
        (7125, 10009),
        (62500, 65000),
    ]
    assert track.cues[0].id == "intro" and track.cues[2].id == "shrug"
    assert track.cues[0].text == "Therapist: How have things been since last week?"
    assert track.cues[1].text == "Client: Fine, I guess."  # <v.quiet Client> with a class
    # two voices in one cue: webvtt-py's .voice gives only the first; both are kept
    assert track.cues[2].text == "Client: I don't know.\nTherapist: Take your time & tell me."
    assert track.cues[3].text == "Silence <long>"  # character references decoded
    # NOTE blocks are comments for authors: left out, with a warning, unless asked for
    assert not any(c.presenter_notes for c in track.cues) and not track.description
    assert [(c.text, c.cue) for c in result.comments][1] == (
        "The client looks away here: a withdrawal marker.",
        2,
    )
    messages = " | ".join(w.message for w in result.warnings)
    assert "STYLE" in messages and "cue settings" in messages and "NOTE comment" in messages
    assert any("NOTE block(s) -> comments" in m for m in result.mapped)
    (track,) = read_file(DATA / "session.vtt", notes_as_presenter_notes=True).doc.tracks
    assert track.cues[2].presenter_notes == "The client looks away here: a withdrawal marker."
    assert "Captions exported" in track.description and "End of excerpt." in track.description


def test_srt_sample() -> None:
    doc = read_file(DATA / "session.srt").doc
    cues = doc.tracks[0].cues
    assert [(c.start, c.end) for c in cues] == [(1250, 4000), (4500, 7125), (62500, 65000)]
    assert cues[1].text == "<i>Fine, I guess.</i>"  # SRT has no escapes: kept as written
    assert cues[2].text == "Client: I don't know.\nTherapist: Take your time."


def test_elan_file_from_another_tool() -> None:
    result = read_file(DATA / "other_tool.eaf")
    tracks = {t.id: t for t in result.doc.tracks}
    assert list(tracks) == ["T-speech", "C-speech", "C-gloss"]  # the empty tier is skipped
    assert tracks["T-speech"].name == "T-speech (Therapist)"
    assert "participant 'Therapist'" in tracks["T-speech"].description
    assert [(c.start, c.end, c.text) for c in tracks["C-speech"].cues] == [
        (4500, 7125, "Fine, I guess."),
        (7125, 10009, "I don't know."),
    ]
    # a child tier referring to its parent takes the parent's times
    assert [(c.start, c.end, c.text) for c in tracks["C-gloss"].cues] == [
        (7125, 10009, "gaze aversion")
    ]
    assert [c.text for c in tracks["T-speech"].cues] == ["How have things been since last week?"]
    assert any("without aligned times" in w.message for w in result.warnings)


def test_csv_typed_in_a_spreadsheet() -> None:
    doc = read_file(DATA / "typed.csv").doc
    expert, mental = doc.tracks
    assert (expert.id, mental.id) == ("expert", "mentalization")
    (episode,) = expert.episodes
    assert (episode.onset, episode.resolved_at) == (4500, 62500)
    assert episode.markers == ("minimal_response", "denial")
    assert expert.cues[1].text == 'The therapist names the silence:\n"I notice it got quiet."'
    assert expert.cues[1].end is None and expert.cues[1].episode == "e1"


# ---------------------------------------------------------------- named bad inputs


@pytest.mark.parametrize(
    ("name", "line", "column", "message"),
    [
        ("bad_timestamp.vtt", 8, None, "bad cue timing '00:00:03.000 --> 00:00:0x.500'"),
        ("bad_seconds.vtt", 3, None, "minutes and seconds must be below 60"),
        ("no_header.vtt", 1, None, "expected the first line to start with 'WEBVTT'"),
        ("bad_timestamp.srt", 6, None, "bad timing line '00:00:03,000 --> 00:00:0x,500'"),
        ("missing_column.csv", 1, None, "missing column(s) end_ms in the header"),
        ("bad_time.csv", 3, 3, "expected whole milliseconds like 62500 in start_ms, found '1.5s'"),
        ("bad_type.csv", 2, 7, "expected 'withdrawal' or 'confrontation'; found 'sulking'"),
        ("broken.eaf", 4, 3, "not well-formed XML (mismatched tag)"),
    ],
)
def test_bad_input(name: str, line: int, column: int | None, message: str) -> None:
    with pytest.raises(FormatError) as info:
        read_file(DATA / name)
    err = info.value
    assert message in err.message
    assert (err.file, err.line, err.column) == (str(DATA / name), line, column)


def test_format_error_is_a_track_file_error() -> None:
    with pytest.raises(TrackFileError):
        read_file(DATA / "no_header.vtt")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"\xff\xfeW\x00", "not UTF-8 text"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n\x00", "binary data"),
        ("WEBVTT\n\nNOTE alliance-lens episode {oops\n\n", "invalid JSON"),
        ("WEBVTT\n\nNOTE alliance-lens bogus {}\n", "unknown alliance-lens note kind 'bogus'"),
        ("WEBVTT\n\n00:02.000 --> 00:01.000\nx\n", "cue ends (00:00:01.000) before it starts"),
    ],
)
def test_bad_vtt_inline(text: bytes | str, message: str) -> None:
    with pytest.raises(FormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_file("x.vtt", text=text)


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="file not found"):
        read_file(tmp_path / "nope.vtt")
    with pytest.raises(FormatError, match="unknown format '.docx'"):
        read_file(tmp_path / "notes.docx", text="x")
    with pytest.raises(FormatError, match="unknown format"):
        export_bytes(sample_doc(), "pdf")


def test_yaml_errors_are_format_errors() -> None:
    with pytest.raises(FormatError) as info:
        read_file("t.yaml", text="video: v.mp4\ntitle: T\ntracks: []\n")
    assert info.value.problems


def test_srt_that_is_not_srt() -> None:
    with pytest.raises(FormatError, match="expected a subtitle block") as info:
        read_file("x.srt", text="\n\nthis is junk\n\n1\n00:00:01,000 --> 00:00:02,000\nok\n")
    assert info.value.line == 3
    empty = read_file("x.srt", text="\n \n")
    assert empty.doc.tracks[0].cues == () and "no subtitles" in empty.warnings[0].message


def test_csv_semicolons_and_bad_kind() -> None:
    doc = read_file("x.csv", text="track;kind;start_ms;end_ms;text\nt;cue;5;;Hi\n").doc
    assert doc.tracks[0].cues[0].start == 5
    with pytest.raises(FormatError, match="unknown kind 'note'") as info:
        read_file("x.csv", text="track,kind,start_ms,end_ms,text\nt,note,5,,Hi\n")
    assert (info.value.line, info.value.column) == (2, 2)


def test_csv_line_numbers_count_quoted_newlines() -> None:
    text = 'track,kind,start_ms,end_ms,text\nt,cue,5,,"two\nlines"\nt,cue,x,,bad\n'
    with pytest.raises(FormatError) as info:
        read_file("x.csv", text=text)
    assert info.value.line == 4


# ---------------------------------------------------------------- API


def test_formats_set() -> None:
    assert {".yaml", ".yml", ".vtt", ".srt", ".eaf", ".csv"} == FORMATS
    assert format_of("A.VTT") == ".vtt" and format_of("srt") == ".srt"


def test_export_warnings_name_what_is_lost() -> None:
    doc = sample_doc()
    _, warnings = export_bytes(doc, "srt")
    (warning,) = warnings
    assert "SRT holds one track ('expert')" in warning.message
    for lost in ("episodes (1)", "prompts (1)", "chapters (2)", "other tracks (second)"):
        assert lost in warning.message
    _, warnings = export_bytes(doc, ".vtt", track_id="second")
    assert ["other tracks (expert)" in w.message for w in warnings] == [True]
    assert export_bytes(doc, "csv")[1] == [] and export_bytes(doc, "eaf")[1] == []
    with pytest.raises(FormatError, match="no track 'nope'"):
        export_bytes(doc, "vtt", track_id="nope")


@pytest.mark.parametrize("fmt", [".yaml", ".csv", ".eaf"])
def test_whole_file_formats_are_lossless(fmt: str) -> None:
    doc = sample_doc()
    data, _ = export_bytes(doc, fmt)
    assert read_file("x" + fmt, text=data).doc == doc


def test_vtt_keeps_one_track_whole() -> None:
    doc = sample_doc()
    back = read_file("x.vtt", text=export_bytes(doc, "vtt")[0]).doc
    assert back.tracks == doc.tracks[:1]
    assert back.chapters == doc.chapters
    assert back.model_dump(exclude={"tracks"}) == doc.model_dump(exclude={"tracks"})


def test_eaf_export_structure() -> None:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(export_bytes(sample_doc(), "eaf")[0])
    tiers = {t.get("TIER_ID"): t for t in root.iter("TIER")}
    assert "default" not in tiers
    assert {"expert cues", "expert episodes", "expert prompts", "chapters"} <= set(tiers)
    assert tiers["expert cues"].get("PARTICIPANT") == "Expert"
    assert tiers["expert cues data"].get("PARENT_REF") == "expert cues"
    media = root.find("HEADER/MEDIA_DESCRIPTOR")
    assert media is not None and media.get("MIME_TYPE") == "video/mp4"
    assert media.get("RELATIVE_MEDIA_URL") == "./session3.mp4"
    types = {t.get("LINGUISTIC_TYPE_ID"): t for t in root.iter("LINGUISTIC_TYPE")}
    assert types["alliance-lens-episode"].get("CONTROLLED_VOCABULARY_REF") == "rupture-type"
    values = [v.text for v in root.iter("CVE_VALUE")]
    assert values == ["withdrawal", "confrontation"]
    episode_values = [v.text for v in tiers["expert episodes"].iter("ANNOTATION_VALUE")]
    assert episode_values == ["withdrawal"]


def test_import_into_base_merges_tracks() -> None:
    base = sample_doc()
    vtt = "WEBVTT\n\n00:00:09.000 --> 00:00:10.000\nNew cue\n"
    result = read_file("upload.vtt", text=vtt, base=base, track_id="expert")
    expert = result.doc.track("expert")
    assert expert is not None
    assert [c.text for c in expert.cues] == ["New cue"]
    assert expert.episodes == base.tracks[0].episodes  # kept: the import has none
    assert expert.name == "Expert"
    added = read_file("Mentalization lens.vtt", text=vtt, base=base).doc
    assert [t.id for t in added.tracks] == ["expert", "second", "Mentalization-lens"]
    assert added.tracks[2].name == "Mentalization lens"
    assert added.title == base.title and added.chapters == base.chapters


def test_import_into_base_checks_references() -> None:
    base = sample_doc()
    csv = "track,kind,start_ms,end_ms,text,episode\nsecond,cue,5,,Hi,e9\n"
    with pytest.raises(FormatError, match="no episode with id 'e9'"):
        read_file("x.csv", text=csv, base=base)


def test_write_file_and_convert(tmp_path: Path) -> None:
    src = tmp_path / "session.yaml"
    src.write_text(dumps(sample_doc()), encoding="utf-8")
    warnings = convert(src, tmp_path / "out" / "session.srt")
    assert any("SRT holds one track" in w.message for w in warnings)
    assert (tmp_path / "out" / "session.srt").read_text(encoding="utf-8").startswith("1\n")
    assert write_file(sample_doc(), tmp_path / "s.csv") == []
    assert (tmp_path / "s.csv").read_bytes().startswith(b"\xef\xbb\xbftrack,kind,")
    assert convert(tmp_path / "s.csv", tmp_path / "s.eaf") == []
    assert read_file(tmp_path / "s.eaf").doc == sample_doc()
    assert not list(tmp_path.glob(".*.tmp"))


# ---------------------------------------------------------------- shared rules


def test_open_ended_cues_get_the_same_end_in_every_format() -> None:
    """One rule (_common.shown_until): the start of the first cue listed after it that starts
    later, else 3 s, capped at 100 h."""
    import xml.etree.ElementTree as ET

    from alliance_lens.timecode import MAX_MS

    cues = [
        {"start": "00:10", "text": "open, a later cue follows"},
        {"start": "00:05", "text": "earlier, listed after"},
        {"start": "00:12", "end": "00:13", "text": "closed"},
        {"start": format_time(MAX_MS - 1000), "text": "open, at the limit"},
        {"start": "00:20", "text": "open, last"},
    ]
    doc = CommentaryFile.model_validate(
        {"video": "v.mp4", "title": "T", "tracks": [{"id": "t", "name": "T", "cues": cues}]}
    )
    expected = [(10_000, 12_000), (5_000, 12_000), (12_000, 13_000), (MAX_MS - 1000, MAX_MS)]
    expected.append((20_000, 23_000))

    srt = export_bytes(doc, "srt")[0].decode()
    vtt = export_bytes(doc, "vtt")[0].decode()
    for start, end in expected:
        assert f"{_clock(start, ',')} --> {_clock(end, ',')}" in srt
        assert f"{_clock(start, '.')} --> {_clock(end, '.')}" in vtt

    root = ET.fromstring(export_bytes(doc, "eaf")[0])
    slots = {s.get("TIME_SLOT_ID"): int(s.get("TIME_VALUE") or 0) for s in root.iter("TIME_SLOT")}
    tier = next(t for t in root.iter("TIER") if t.get("TIER_ID") == "t cues")
    spans = [
        (slots[a.get("TIME_SLOT_REF1") or ""], slots[a.get("TIME_SLOT_REF2") or ""])
        for a in tier.iter("ALIGNABLE_ANNOTATION")
    ]
    assert spans == expected
    for fmt in ("vtt", "eaf"):  # the formats that say so read back the open ends
        assert read_file("x." + fmt, text=export_bytes(doc, fmt)[0]).doc == doc


def _clock(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    return f"{hours:02d}:{rest // 60_000:02d}:{rest // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def test_eaf_items_with_the_same_span_keep_their_own_data() -> None:
    """pympi's public add_ref_annotation would attach both data annotations to the first."""
    import xml.etree.ElementTree as ET

    doc = CommentaryFile.model_validate(
        {
            "video": "v.mp4",
            "title": "T",
            "tracks": [
                {
                    "id": "t",
                    "name": "T",
                    "cues": [
                        {"id": "c1", "start": "00:01", "end": "00:02", "text": "same"},
                        {"id": "c2", "start": "00:01", "end": "00:02", "text": "same"},
                        {"id": "c3", "start": "00:01.5", "text": "inside, open"},
                    ],
                    "prompts": [
                        {"id": "p1", "at": "00:03", "question": "A?"},
                        {"id": "p2", "at": "00:03", "question": "B?"},
                    ],
                }
            ],
        }
    )
    data = export_bytes(doc, "eaf")[0]
    assert read_file("x.eaf", text=data).doc == doc
    root = ET.fromstring(data)
    tiers = {t.get("TIER_ID"): t for t in root.iter("TIER")}
    ids = [a.get("ANNOTATION_ID") for a in root.iter() if a.get("ANNOTATION_ID")]
    assert len(ids) == len(set(ids))  # unique across the document, as ELAN requires
    for name, tier in tiers.items():
        parent = tier.get("PARENT_REF")
        if parent is None:
            continue
        targets = [a.get("ANNOTATION_ID") for a in tiers[parent].iter("ALIGNABLE_ANNOTATION")]
        refs = [r.get("ANNOTATION_REF") for r in tier.iter("REF_ANNOTATION")]
        assert refs == targets, name  # one data annotation per item, in order (1-1)
