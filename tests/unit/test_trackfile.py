"""Commentary files: loading with positions, checks, writing, history, schema and docs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from alliance_lens import model
from alliance_lens.trackfile import (
    dumps,
    history,
    json_schema_text,
    load_commentary,
    parse_commentary,
)
from alliance_lens.tracksave import TrackConflictError, restore, save_commentary
from alliance_lens.vocabulary import load_vocabulary

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "commentary-format.md"
VOCAB = load_vocabulary()


def example_yaml() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## An annotated example", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_documented_example_is_valid_without_warnings(tmp_path: Path) -> None:
    result = parse_commentary(tmp_path / "example.yaml", text=example_yaml(), vocabulary=VOCAB)
    assert result.ok, [str(p) for p in result.problems]
    assert result.warnings == []
    episode = result.doc.tracks[0].episodes[0]  # type: ignore[union-attr]
    assert episode.onset == 42_300 and episode.resolved_at == 91_000
    prompt = result.doc.tracks[0].prompts[0]  # type: ignore[union-attr]
    assert result.doc.tracks[0].rewind_point(prompt) == 40_000  # type: ignore[union-attr]


MODELS = [
    model.CommentaryFile,
    model.Chapter,
    model.Participant,
    model.Track,
    model.Episode,
    model.Repair,
    model.Cue,
    model.Prompt,
    model.Practice,
    model.SegmentRating,
]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_field_is_documented(cls: type[BaseModel]) -> None:
    text = DOC.read_text(encoding="utf-8")
    heading = "CommentaryFile (the top level)" if cls is model.CommentaryFile else cls.__name__
    section = text.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
    missing = [name for name in cls.model_fields if f"| `{name}` |" not in section]
    assert not missing, f"fields of {cls.__name__} missing from {DOC.name}: {missing}"


def test_schema_json_is_current() -> None:
    committed = (ROOT / "commentary" / "schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), "run `alliance-lens schema` to regenerate"


def test_schema_accepts_the_documented_example() -> None:
    jsonschema = pytest.importorskip("jsonschema")

    from alliance_lens.trackfile import load_yaml

    data, _ = load_yaml("example.yaml", text=example_yaml())
    schema = json.loads(json_schema_text())
    jsonschema.validate(data, schema)  # the schema accepts what an editor sees...
    data["tracks"][0]["episodes"][0]["type"] = "sulking"
    with pytest.raises(jsonschema.ValidationError, match="'sulking' is not one of"):
        jsonschema.validate(data, schema)  # ...and refuses a rupture type the model refuses


def test_times_in_yaml_are_not_base_60_numbers(tmp_path: Path) -> None:
    text = (
        "video: v.mp4\ntitle: T\ntracks:\n  - id: a\n    name: A\n    cues:\n"
        "      - {start: 01:30, text: x}\n      - {start: 1:01:30.5, text: y}\n"
    )
    doc = load_commentary(tmp_path / "t.yaml", text=text)
    assert [c.start for c in doc.tracks[0].cues] == [90_000, 3_690_500]


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    text = (
        "video: v.mp4\ntitle: T\ntracks:\n  - id: a\n    name: A\n    cues:\n"
        "      - {start: 1:99, text: x}\n      - {start: 2, end: 1, text: y}\n"
        "    episodes:\n      - {id: e, type: sulk, onset: 3}\n"
    )
    result = parse_commentary(tmp_path / "t.yaml", text=text)
    lines = sorted(p.line for p in result.errors)
    assert lines == [7, 10], [str(p) for p in result.problems]


def test_warnings_do_not_block(tmp_path: Path) -> None:
    text = (
        "video: v.mp4\ntitle: T\ntracks:\n  - id: a\n    name: A\n    episodes:\n"
        "      - {id: e1, type: withdrawal, onset: 10, resolved_at: 5, markers: [nope]}\n"
        "      - {id: e2, type: confrontation, onset: 7, resolved_at: 12,\n"
        "         markers: [minimal_response]}\n"
        "    cues:\n      - {start: 99, text: late}\n"
    )
    result = parse_commentary(tmp_path / "t.yaml", text=text, vocabulary=VOCAB, duration_ms=60_000)
    assert result.ok
    messages = " | ".join(p.message for p in result.warnings)
    for words in [
        "is after resolution",
        "unknown marker 'nope'",
        "type is confrontation but every marker is a withdrawal marker",
        "past the end of the video",
        "overlaps",
    ]:
        assert words in messages


# ---------------------------------------------------------------- writing


def sample_doc(n: int = 3) -> model.CommentaryFile:
    return model.CommentaryFile(
        video="v.mp4",
        title="Sample",
        tracks=[
            model.Track(
                id="expert",
                name="Expert",
                episodes=[
                    model.Episode(id=f"e{i}", type="withdrawal", onset=i * 10_000 + 1)
                    for i in range(n)
                ],
                cues=[
                    model.Cue(start=i * 1000 + 7, text=f"cue {i}\nsecond line") for i in range(n)
                ],
            )
        ],
    )


def test_dumps_round_trips(tmp_path: Path) -> None:
    doc = sample_doc()
    assert load_commentary(tmp_path / "x.yaml", text=dumps(doc)) == doc


text_st = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s.strip())
ms_st = st.integers(min_value=0, max_value=10 * 3600 * 1000)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(ms_st, text_st, st.sampled_from(sorted(model.Cue.model_fields)[:1])), max_size=8
    ),
    text_st,
)
def test_yaml_round_trip_keeps_times_and_text(cues: list, title: str) -> None:
    doc = model.CommentaryFile(
        video="v.mp4",
        title=title,
        tracks=[
            model.Track(id="t", name=title, cues=[model.Cue(start=ms, text=t) for ms, t, _ in cues])
        ],
    )
    assert load_commentary("rt.yaml", text=dumps(doc)) == doc


def test_save_keeps_history_and_restores(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    first = save_commentary(path, sample_doc(1))
    second = save_commentary(path, sample_doc(2), expected_digest=first)
    assert len(history(path)) == 1
    restore(path, history(path)[0], expected_digest=second)
    assert load_commentary(path) == sample_doc(1)
    assert len(history(path)) == 2


def test_save_refuses_to_overwrite_a_file_changed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    digest = save_commentary(path, sample_doc(1))
    path.write_text(path.read_text() + "# edited in a text editor\n")
    with pytest.raises(TrackConflictError, match="changed on disk"):
        save_commentary(path, sample_doc(2), expected_digest=digest)
    assert "edited in a text editor" in path.read_text()  # nothing lost


SAVE_FOREVER = """
import sys
from tests.unit.test_trackfile import sample_doc
from alliance_lens.tracksave import save_commentary
big, small = sample_doc(400), sample_doc(1)
print("ready", flush=True)
while True:
    save_commentary(sys.argv[1], big)
    save_commentary(sys.argv[1], small)
"""


@pytest.mark.parametrize("delay", [0.05, 0.13, 0.31])
def test_sigkill_during_save_leaves_old_or_new_file(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "c.yaml"
    save_commentary(path, sample_doc(1))
    # a plain child process: nothing shared with the test runner (browsers, threads)
    proc = subprocess.Popen(
        [sys.executable, "-c", SAVE_FOREVER, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert load_commentary(path) in (sample_doc(1), sample_doc(400))


def test_line_breaks_yaml_only_keeps_in_quotes_round_trip() -> None:
    text = "NEL\x85 LS\u2028 PS\u2029 CR\r end\nnext line"
    doc = model.CommentaryFile(
        video="v.mp4", title="T", description=text, tracks=[model.Track(id="t", name="T")]
    )
    assert load_commentary("x.yaml", text=dumps(doc)).description == text


def test_times_from_python_are_checked_too() -> None:
    with pytest.raises(ValueError, match="0 to 100 hours"):
        model.Cue(start=-1, text="x")
    with pytest.raises(ValueError, match="0 to 100 hours"):
        model.Cue(start=10**12, text="x")
