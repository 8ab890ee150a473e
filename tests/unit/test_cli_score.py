"""`alliance-lens score`: figures and JSON from a CSV of marks; bad CSVs get located messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance_lens.cli import main

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "commentary" / "withdrawal-direct-repair.yaml"

COMMENTARY = """\
video: v.mp4
title: Practice
tracks:
  - id: notes
    name: Notes
  - id: expert
    name: Expert
    episodes:
      - {id: a, type: withdrawal, onset: 00:10, markers: [minimal_response]}
      - {id: b, type: confrontation, onset: 00:40}
      - {id: c, type: withdrawal, onset: 01:02, markers: [denial, minimal_response]}
  - id: strict
    name: Strict
    practice: {window_before: 0, window_after: 1}
    episodes:
      - {id: a, type: withdrawal, onset: 00:10}
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    commentary = tmp_path / "practice.yaml"
    commentary.write_text(COMMENTARY, encoding="utf-8")
    marks = tmp_path / "marks.csv"
    marks.write_text(
        "at_ms,type,markers\n"
        "13000,withdrawal,minimal_response;denial\n"
        "44000,withdrawal,\n"
        "90000,,\n",
        encoding="utf-8",
    )
    return commentary, marks


def test_score_prints_figures_and_sentences(files, capsys) -> None:
    code, out, _ = run(["score", str(files[0]), str(files[1])], capsys)
    assert code == 0
    assert "track:          Expert (expert)" in out  # the first track with episodes
    for line in [
        "hits:           2",
        "misses:         1",
        "false alarms:   1",
        "hit rate:       67%",
        "precision:      67%",
        "median latency: 3500 ms",
        "type agreement: 50%",
        "marker overlap: 0.50",
        "You noticed 2 of 3 ruptures, on average 4 s after they began.",
        "You missed the withdrawal at 1:02: its first marker is denial.",
        "You marked 1 moment where the expert saw no rupture: 1:30.",
    ]:
        assert line in out, line


def test_score_json_lists_hits_misses_and_false_alarms(files, capsys) -> None:
    code, out, _ = run(["score", str(files[0]), str(files[1]), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["track"] == "expert"
    assert [
        {k: h[k] for k in ("onset_ms", "mark_ms", "latency_ms", "type_match")} for h in data["hits"]
    ] == [
        {"onset_ms": 10_000, "mark_ms": 13_000, "latency_ms": 3_000, "type_match": True},
        {"onset_ms": 40_000, "mark_ms": 44_000, "latency_ms": 4_000, "type_match": False},
    ]
    assert [m["onset_ms"] for m in data["misses"]] == [62_000]
    assert data["false_alarms"] == [{"mark_ms": 90_000}]
    assert data["figures"]["hit_rate"] == pytest.approx(2 / 3)


def test_track_option_and_the_tracks_own_window(files, capsys) -> None:
    code, out, _ = run(
        ["score", str(files[0]), str(files[1]), "--track", "strict", "--json"], capsys
    )
    assert code == 0 and json.loads(out)["figures"]["hits"] == 0  # 13 s is 3 s late; window 1 s
    code, _, err = run(["score", str(files[0]), str(files[1]), "--track", "nope"], capsys)
    assert code == 1 and "no track with id 'nope'" in err and "notes, expert, strict" in err


def test_the_sample_library_file_scores(tmp_path, capsys) -> None:
    marks = tmp_path / "m.csv"
    marks.write_text("at_ms\n18000\n", encoding="utf-8")
    code, out, _ = run(["score", str(SAMPLE), str(marks)], capsys)
    # the onset is where the pause before "Not really" begins (00:15.275, issue 11): 2.7 s
    assert code == 0 and "You noticed 1 of 1 rupture, on average 3 s after they began." in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("at_ms\n1000\nsoon\n", "marks.csv:3: error: at_ms: expected a whole number of"),
        ("at_ms\n-5\n", "marks.csv:2: error: at_ms: expected a whole number"),
        ("at_ms,type\n1000,anger\n", "marks.csv:2: error: type: expected withdrawal, confront"),
        ("at_ms,kind\n1000,x\n", "marks.csv:1: error: kind: unknown column; expected one of"),
        ("time\n1000\n", "marks.csv:1: error: at_ms: missing column at_ms"),
        ("", "marks.csv:1: error: empty file; expected a header line"),
        ("at_ms\n1000,2000\n", "marks.csv:2: error: 2 cells; the header has 1 columns"),
        ("at_ms\n999999999999\n", "marks.csv:2: error: at_ms: expected at most"),
        ("at_ms,type,at_ms\n1,,2\n", "marks.csv:1: error: at_ms: this column appears twice"),
    ],
)
def test_bad_csv_gets_a_located_message_and_exit_1(files, capsys, content, expected) -> None:
    files[1].write_text(content, encoding="utf-8")
    code, out, err = run(["score", str(files[0]), str(files[1])], capsys)
    assert code == 1 and expected in err and out == ""


def test_every_bad_cell_is_reported_at_once(files, capsys) -> None:
    files[1].write_text("at_ms,type\nx,withdrawal\n2000,nope\n", encoding="utf-8")
    code, _, err = run(["score", str(files[0]), str(files[1])], capsys)
    assert code == 1 and "marks.csv:2:" in err and "marks.csv:3:" in err


def test_unreadable_inputs_exit_1_with_the_file_named(files, capsys) -> None:
    files[1].write_bytes(b"at_ms\n\xff\xfe1000\n")
    code, _, err = run(["score", str(files[0]), str(files[1])], capsys)
    assert code == 1 and "marks.csv: error: not UTF-8" in err
    code, _, err = run(["score", str(files[0]), str(files[1].parent)], capsys)
    assert code == 1 and "not a regular file" in err
    code, _, err = run(["score", str(files[0]), str(files[1].with_name("none.csv"))], capsys)
    assert code == 1 and "none.csv: error: cannot read the file" in err
    files[0].write_text("video: v.mp4\ntracks: []\n", encoding="utf-8")
    code, _, err = run(["score", str(files[0]), str(files[1])], capsys)
    assert code == 1 and "practice.yaml" in err


def test_a_bom_and_blank_lines_are_fine(files, capsys) -> None:
    files[1].write_bytes(b"\xef\xbb\xbfat_ms\n\n10000\n")
    code, out, _ = run(["score", str(files[0]), str(files[1]), "--json"], capsys)
    assert code == 0 and json.loads(out)["figures"]["hits"] == 1


def test_missing_arguments_are_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["score", "only-one.yaml"])
    assert info.value.code == 2
