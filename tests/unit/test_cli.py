"""The command line refuses bad outputs before doing any work, with the file named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alliance_lens.cli import main

ROOT = Path(__file__).parents[2]
SAMPLE_YAML = ROOT / "commentary" / "withdrawal-direct-repair.yaml"
SAMPLE_MP4 = ROOT / "media" / "withdrawal-direct-repair.mp4"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err
    return code, out + err


@pytest.mark.parametrize(
    ("command", "target", "words"),
    [
        ("transcode", "folder", "is a folder"),
        ("transcode", "out.avi", "name it *.mp4"),
        ("transcode", "missing/out.mp4", "folder for the output does not exist"),
        ("convert", "folder", "is a folder"),
        ("convert", "missing/out.vtt", "folder for the output does not exist"),
    ],
)
def test_bad_outputs_are_refused_up_front(tmp_path, capsys, command, target, words) -> None:
    (tmp_path / "folder").mkdir()
    source = SAMPLE_MP4 if command == "transcode" else SAMPLE_YAML
    code, text = run([command, str(source), str(tmp_path / target), "--force"], capsys)
    assert code == 1 and words in text


def test_existing_output_needs_force(tmp_path, capsys) -> None:
    out = tmp_path / "out.vtt"
    out.write_text("mine")
    code, text = run(["convert", str(SAMPLE_YAML), str(out)], capsys)
    assert code == 1 and "pass --force" in text and out.read_text() == "mine"


def test_validate_refuses_a_fifo_instead_of_hanging(tmp_path, capsys) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, text = run(["validate", str(fifo)], capsys)
    assert code == 1 and "not a regular file" in text


def test_info_on_junk_is_one_clear_line(tmp_path, capsys) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(os.urandom(4096))
    code, text = run(["info", str(junk)], capsys)
    assert code == 1 and "junk.mp4: error:" in text


def test_info_on_a_sample(capsys) -> None:
    code, text = run(["info", str(SAMPLE_MP4)], capsys)
    assert code == 0 and "H.264" in text and "640x360" in text


def test_convert_round_trip_through_the_cli(tmp_path, capsys) -> None:
    csv = tmp_path / "t.csv"
    back = tmp_path / "back.yaml"
    assert run(["convert", str(SAMPLE_YAML), str(csv)], capsys)[0] == 0
    assert run(["convert", str(csv), str(back)], capsys)[0] == 0
    assert run(["validate", str(back)], capsys)[0] == 0


def test_passphrase_prints_only_a_verifiable_hash(monkeypatch, capsys) -> None:
    import io
    import tomllib

    from alliance_lens.passphrase import verify_passphrase

    monkeypatch.setattr("sys.stdin", io.StringIO("said aloud at the workshop\n"))
    code, text = run(["passphrase", "educator"], capsys)
    assert code == 0 and "said aloud" not in text
    stored = tomllib.loads(text)["educator_passphrase_hash"]
    assert verify_passphrase("said aloud at the workshop", stored)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, text = run(["passphrase", "presenter"], capsys)
    assert code == 1 and "at least 10 characters" in text
