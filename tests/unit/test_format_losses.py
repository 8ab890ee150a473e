"""Exports name every field they cannot carry: the samples (which use every teaching field)
through each multi-track format and back equal the sample without exactly the named fields."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from alliance_lens.formats import export_bytes, read_file
from alliance_lens.formats._lost import PLURALS
from alliance_lens.model import CommentaryFile

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "commentary").glob("*.yaml"))
SAMPLES = [p for p in SAMPLES if p.name != "vocabulary.yaml"]
KIND_OF = {plural: kind for kind, plural in PLURALS.items()}
CHILDREN = {
    "file": {"chapters": "chapter", "participants": "participant", "tracks": "track"},
    "track": {"episodes": "episode", "cues": "cue", "prompts": "prompt"},
    "episode": {"repairs": "repair"},
}


def named_losses(warnings) -> set[tuple[str, str]]:
    found = set()
    for w in warnings:
        if "cannot carry" not in w.message:
            continue
        listed = w.message.split("cannot carry ", 1)[1].rsplit(";", 1)[0]
        for part in re.findall(r"(?:(\w+)' )?(\w+) \(\d+\)", listed):
            plural, name = part
            found.add((KIND_OF[plural] if plural else "file", name))
    return found


def without(data: dict[str, Any], kind: str, lost: set[tuple[str, str]]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if (kind, k) not in lost}
    for key, child in CHILDREN.get(kind, {}).items():
        if key in out:
            out[key] = [without(item, child, lost) for item in out[key]]
    return out


@pytest.mark.parametrize("ext", [".csv", ".eaf", ".vtt"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_a_sample_comes_back_whole_except_what_the_warning_names(sample: Path, ext: str):
    doc = read_file(sample).doc
    doc = doc.model_copy(update={"tracks": doc.tracks[:1]})  # WebVTT holds one track
    data, warnings = export_bytes(doc, ext)
    back = read_file("x" + ext, text=data).doc
    lost = named_losses(warnings)
    expected = CommentaryFile.model_validate(
        without(doc.model_dump(mode="json", exclude_defaults=True), "file", lost)
    )
    assert back == expected, f"{ext} dropped more than it said: {sorted(lost)}"


def test_csv_and_elan_name_the_teaching_fields_of_the_group_sample():
    group = next(p for p in SAMPLES if "group" in p.stem)
    doc = read_file(group).doc
    _, csv_warnings = export_bytes(doc, ".csv")
    csv_lost = named_losses(csv_warnings)
    for field in [
        ("file", "participants"),
        ("episode", "significance"),
        ("episode", "resolution_rating"),
        ("episode", "involved"),
        ("prompt", "correct"),
    ]:
        assert field in csv_lost, field
    _, eaf_warnings = export_bytes(doc, ".eaf")
    eaf_lost = named_losses(eaf_warnings)
    assert ("file", "participants") in eaf_lost
    assert not {f for f in eaf_lost if f[0] in ("episode", "prompt", "repair")}
    (message,) = [w.message for w in csv_warnings if "cannot carry" in w.message]
    assert message.startswith("CSV cannot carry participants (")
