"""The corpus of named bad commentary files: each gives its message, a line number and exit 1."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_lens.cli import main

BAD = Path(__file__).parents[1] / "data" / "bad"

# file -> (line the problem is reported at, words the message must contain)
EXPECTED = {
    "absolute-path.yaml": (2, "is an absolute path; expected a path inside media/"),
    "alias-bomb.yaml": (4, "anchors and aliases"),
    "bad-rupture-type.yaml": (9, "expected 'withdrawal' or 'confrontation'; found 'sulk'"),
    "bad-time-text.yaml": (8, "expected a time like ss, mm:ss or hh:mm:ss"),
    "bad-time.yaml": (8, "seconds must be below 60 in '1:75'"),
    "bad-yaml-syntax.yaml": (3, "invalid YAML"),
    "binary-junk.yaml": (1, "binary data"),
    "choice-without-options.yaml": (8, "a choice prompt needs at least two options"),
    "control-character.yaml": (3, "control character U+001F is not allowed"),
    "duplicate-ids.yaml": (11, "duplicate episode id 'ep1'"),
    "duplicate-keys.yaml": (4, "duplicate key 'title' (first given on line 3)"),
    "empty.yaml": (1, "the file is empty"),
    "end-before-start.yaml": (9, "end 00:10.000 is before start 00:20.000"),
    "huge-number.yaml": (11, "less than or equal to 5"),
    "huge-text.yaml": (9, "text is 30000 characters"),
    "huge-time.yaml": (8, "100-hour limit"),
    "latin1.yaml": (3, "not UTF-8 text"),
    "missing-required.yaml": (1, "title: required field is missing"),
    "not-a-mapping.yaml": (1, "expected a mapping of fields"),
    "tabs.yaml": (5, "use spaces, not tabs"),
    "traversal.yaml": (2, "resolves outside the library's media/ folder"),
    "unknown-episode-ref.yaml": (9, "no episode with id 'ep9'"),
    # a key that looks like pydantic's own location steps is still named (it once crashed)
    "unknown-field-brackets.yaml": (4, "unknown field 'notes[0]'; expected one of: version"),
    "unknown-field.yaml": (7, "unknown field 'colr'; expected one of: id, name, colour"),
    "wrong-type-salience.yaml": (11, "salience: expected a valid integer"),
    "wrong-type-tracks.yaml": (4, "tracks: expected a valid tuple"),
}


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in BAD.glob("*.yaml")}
    assert on_disk == set(EXPECTED), "every bad file needs an expectation (and vice versa)"
    assert len(on_disk) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_located_message(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    line, words = EXPECTED[name]
    code = main(["validate", str(BAD / name)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    errors = [row for row in out.splitlines() if ": error: " in row]
    assert errors, out
    located = re.compile(rf"{re.escape(name)}:{line}:\d+: error: .*{re.escape(words)}")
    assert any(located.search(row) for row in errors), f"expected line {line}: {words}\n{out}"


def test_whole_corpus_in_one_call_reports_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BAD)]) == 1
    out, err = capsys.readouterr()
    for name in EXPECTED:
        assert f"{name}:" in out, f"{name} missing from a folder validation"
    assert f"{len(EXPECTED)} file(s)" in err


def test_console_script_prints_no_traceback() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "alliance_lens.cli",
            "validate",
            str(BAD / "binary-junk.yaml"),
            str(BAD / "tabs.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "binary-junk.yaml:1:1: error:" in result.stdout


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--no-such-flag"])
    assert exc.value.code == 2
    assert main([]) == 2
