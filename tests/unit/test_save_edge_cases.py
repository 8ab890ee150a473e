"""Saves of files written in unusual ways: flow lists and items, end-of-line comments, a UTF-8
BOM, CRLF line ends. Each save keeps what the author wrote, or says it will rewrite the file."""

from __future__ import annotations

import difflib
from pathlib import Path

from alliance_lens import authoring as au
from alliance_lens.trackfile import parse_commentary
from alliance_lens.tracksave import plan_save, save_commentary

FILE = """\
# Commentary for the clip (kept in git)
version: 1
video: clip.mp4
title: Clip   # the title the library shows
tracks:
  - id: expert
    name: Expert  # who wrote it
    episodes:
      - {id: ep1, onset: '00:01.000', type: withdrawal, markers: [denial, minimal_response]}
      - id: ep2
        onset: '00:05.000'
        type: withdrawal
        markers: [denial]   # the client says "I'm fine"
    cues:
      - start: '00:01.000'
        text: Hello  # greeting
"""


def saved(tmp_path: Path, text: str, edit, raw: bytes | None = None) -> tuple[bytes, str]:
    """Write ``text`` (or ``raw``), open it as the Author page does, edit, save; the bytes
    on disk afterwards and the draft's new digest."""
    path = tmp_path / "clip.yaml"
    path.write_bytes(raw if raw is not None else text.encode("utf-8"))
    result = parse_commentary(path)
    assert result.doc is not None, result.problems
    state = au.DraftFile("clip", str(path), result.digest, au.draft_from_doc(result.doc))
    edit(state.draft)
    digest, _ = au.save(state)
    return path.read_bytes(), digest


def changed(before: str, after: str) -> list[str]:
    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_a_flow_list_of_markers_stays_a_flow_list_with_its_comment(tmp_path):
    def edit(d):
        d["tracks"][0]["episodes"][1]["markers"] = ["denial", "abstract_communication"]

    out, _ = saved(tmp_path, FILE, edit)
    assert changed(FILE, out.decode()) == [
        """-        markers: [denial]   # the client says "I'm fine"\n""",
        """+        markers: [denial, abstract_communication]  # the client says "I'm fine"\n""",
    ]


def test_a_flow_item_is_rewritten_on_its_line_in_its_own_key_order(tmp_path):
    def edit(d):
        d["tracks"][0]["episodes"][0]["markers"] = ["denial"]

    out, _ = saved(tmp_path, FILE, edit)
    assert changed(FILE, out.decode()) == [
        "-      - {id: ep1, onset: '00:01.000', type: withdrawal, markers: [denial, "
        "minimal_response]}\n",
        "+      - {id: ep1, onset: '00:01.000', type: withdrawal, markers: [denial]}\n",
    ]


def test_end_of_line_comments_survive_a_change_of_their_line(tmp_path):
    def edit(d):
        d["title"] = "Clip two"
        d["tracks"][0]["cues"][0]["text"] = "Hi there"

    out, _ = saved(tmp_path, FILE, edit)
    assert changed(FILE, out.decode()) == [
        "-title: Clip   # the title the library shows\n",
        "+title: Clip two  # the title the library shows\n",
        "-        text: Hello  # greeting\n",
        "+        text: Hi there  # greeting\n",
    ]


def test_a_comment_stays_when_one_line_becomes_a_block(tmp_path):
    def edit(d):
        d["tracks"][0]["cues"][0]["text"] = "Two\nlines"

    out, _ = saved(tmp_path, FILE, edit)
    assert changed(FILE, out.decode()) == [
        "-        text: Hello  # greeting\n",
        "+        text: |-  # greeting\n",
        "+          Two\n",
        "+          lines\n",
    ]
    assert parse_commentary("x.yaml", text=out.decode()).doc.tracks[0].cues[0].text == (
        "Two\nlines"
    )


def test_a_bom_is_kept_and_the_digest_matches_a_fresh_load(tmp_path):
    raw = b"\xef\xbb\xbf" + FILE.encode()

    def edit(d):
        d["tracks"][0]["cues"].append({"start": "00:09.000", "text": "New"})

    out, digest = saved(tmp_path, FILE, edit, raw=raw)
    assert out.startswith(b"\xef\xbb\xbf# Commentary")
    assert changed(FILE, out.decode("utf-8-sig")) == [
        "+      - start: '00:09.000'\n",
        "+        text: New\n",
    ]
    assert parse_commentary(tmp_path / "clip.yaml").digest == digest  # no false conflict


def test_crlf_line_ends_are_kept_on_every_line_new_and_changed(tmp_path):
    crlf = FILE.replace("\n", "\r\n")

    def edit(d):
        d["title"] = "Clip two"
        d["tracks"][0]["cues"].append({"start": "00:09.000", "text": "New"})

    out, digest = saved(tmp_path, crlf, edit)
    assert b"\n" not in out.replace(b"\r\n", b"")  # no bare \n anywhere
    text = out.decode()
    assert "title: Clip two  # the title the library shows\r\n" in text
    assert text.endswith("      - start: '00:09.000'\r\n        text: New\r\n")
    assert len(changed(crlf, text)) == 4
    assert parse_commentary(tmp_path / "clip.yaml").digest == digest


def test_an_edit_that_cannot_be_made_in_place_is_announced_not_hidden(tmp_path):
    # a whole file in flow style: the splicer refuses, the save writes the file anew and
    # plan_save says so (the save preview shows it before anything is written)
    text = "{version: 1, video: clip.mp4, title: Clip, tracks: [{id: e, name: E}]}\n"
    doc = parse_commentary("x.yaml", text=text).doc
    draft = au.draft_from_doc(doc)
    draft["title"] = "Clip two"
    new, in_place = plan_save(au.validate(draft).doc, text)
    assert not in_place
    assert parse_commentary("x.yaml", text=new).doc.title == "Clip two"
    same, in_place = plan_save(doc, FILE.replace("title: Clip ", "title: Clip"))
    assert in_place


def test_every_edge_case_file_round_trips_unchanged(tmp_path):
    crlf = FILE.replace("\n", "\r\n").encode()
    for raw in (FILE.encode(), b"\xef\xbb\xbf" + FILE.encode(), crlf):
        path = tmp_path / "clip.yaml"
        path.write_bytes(raw)
        result = parse_commentary(path)
        save_commentary(path, result.doc, expected_digest=result.digest)
        assert path.read_bytes() == raw
