"""YAML with positions: the fast libyaml path reads exactly what the located path reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_lens import trackfile, yamlpos
from alliance_lens.errors import TrackFileError
from alliance_lens.trackfile import parse_commentary

ROOT = Path(__file__).parents[2]
TRACK = (
    "video: v.mp4\ntitle: T\ntracks:\n  - id: a\n    name: A\n    cues:\n"
    "      - {start: 01:30, text: x}\n"
)

EDGE_CASES = [
    "a:\tb\n",  # libyaml allows this tab; PyYAML (and so the app) refuses it
    "a: [1,\t2]\n",
    "a: &x 1\nb: *x\n",
    "<<: {a: 1}\nb: 2\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!python/object:os.system x\n",
    "a: 2020-01-01\n",
    "2020-01-01: x\n",
    "a: yes\nb: ~\nc: .inf\nd: 0x1F\ne: 1_000\n",
    "a: 01:30\nb: 1:01:30.5\n01:30: x\n",
    "a: 1\na: 2\n",
    "a: {b: c, b: d}\n",
    "? [a]\n: b\n",
    "a: 'unclosed\n",
    "a: b\n---\nc: d\n",
    "",
    "# only a comment\n",
    "a: \x07\n",
    "- a\n- b\n",
]


def _read(load: object, text: str) -> object:
    try:
        return ("data", load(text))  # type: ignore[operator]
    except TrackFileError as exc:
        return ("problems", exc.problems)


@pytest.mark.parametrize(
    "text",
    EDGE_CASES
    + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "commentary").glob("*.yaml"))],
)
def test_fast_path_reads_what_the_located_path_reads(text: str) -> None:
    fast = _read(lambda t: yamlpos.load_yaml("f.yaml", text=t)[0], text)
    located = _read(lambda t: yamlpos._load_located("f.yaml", t)[0], text)
    assert fast == located


def test_without_libyaml_the_pure_python_loader_reads_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast, _ = yamlpos.load_yaml("t.yaml", text=TRACK)
    monkeypatch.setattr(yamlpos, "_FAST_LOADER", None)
    slow, positions = yamlpos.load_yaml("t.yaml", text=TRACK)
    assert fast == slow
    assert positions[("tracks", 0, "cues", 0)] == (7, 9)


def test_positions_point_at_keys_and_items() -> None:
    _, positions = yamlpos.load_yaml("t.yaml", text=TRACK)
    assert positions[()] == (1, 1)
    assert positions[("title",)] == (2, 1)
    assert positions[("tracks", 0, "name")] == (5, 5)
    assert positions.get(("tracks", 0, "cues", 0, "text")) == (7, 24)
    assert ("tracks", 3) not in positions
    assert positions.get(("nothing",)) is None


def test_load_result_exposes_positions(tmp_path: Path) -> None:
    result = parse_commentary(tmp_path / "t.yaml", text="# header\n" + TRACK)
    assert result.ok
    assert result.position("video") == (2, 1)
    assert result.position("tracks", 0, "cues", 0, "start") == (8, 10)
    assert result.position("captions") is None


def test_same_bytes_come_from_the_cache_with_their_own_problem_list(tmp_path: Path) -> None:
    trackfile.clear_cache()
    text = TRACK.replace("text: x}", "text: x, lens: nowhere}")
    from alliance_lens.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    first = parse_commentary(tmp_path / "t.yaml", text=text, vocabulary=vocabulary)
    again = parse_commentary(tmp_path / "t.yaml", text=text, vocabulary=vocabulary)
    assert again.doc is first.doc and again.problems == first.problems
    assert again.problems is not first.problems
    assert [p.line for p in again.warnings] == [7]
    changed = parse_commentary(tmp_path / "t.yaml", text=text.replace("T\n", "U\n"))
    assert changed.doc is not first.doc and changed.doc is not None
    assert changed.doc.title == "U"
    plain = parse_commentary(tmp_path / "t.yaml", text=text)  # no vocabulary: no warning
    assert plain.problems == []


@pytest.mark.parametrize(
    "edit",
    [
        {},
        {"end": "00:01"},  # before its start
        {"text": ""},  # required text
        {"lens": "nowhere", "episode": "ghost"},
        {"start": "12 o'clock"},
    ],
)
def test_checking_data_finds_what_loading_its_yaml_finds(edit: dict[str, str]) -> None:
    import yaml

    from alliance_lens.vocabulary import load_vocabulary

    data = yaml.safe_load((ROOT / "commentary" / "withdrawal-direct-repair.yaml").read_text())
    data["tracks"][0]["cues"][1].update(edit)
    vocabulary = load_vocabulary()
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=96)
    from_yaml = parse_commentary("draft.yaml", text=text, vocabulary=vocabulary)
    from_data = trackfile.check_data(data, vocabulary=vocabulary)
    assert from_data.doc == from_yaml.doc
    assert [(p.severity, p.field, p.message, p.line) for p in from_data.problems] == [
        (p.severity, p.field, p.message, p.line) for p in from_yaml.problems
    ]


def test_a_broken_file_still_says_its_video(tmp_path: Path) -> None:
    broken = parse_commentary(tmp_path / "t.yaml", text=TRACK.replace("01:30", "soon"))
    assert broken.doc is None and broken.video == "v.mp4"
    assert broken.position("video") == (1, 1)
    assert parse_commentary(tmp_path / "t.yaml", text="video: [a]\n").video is None
    assert parse_commentary(tmp_path / "t.yaml", text="video: 'x\n").video is None
