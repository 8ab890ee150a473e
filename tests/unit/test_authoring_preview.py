"""authoring.preview: the diff a save would make, shown before saving, equals the save."""

from __future__ import annotations

import shutil
from pathlib import Path

from alliance_lens import authoring as au
from alliance_lens.trackfile import parse_commentary

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "commentary" / "withdrawal-direct-repair.yaml"


def opened(path: Path) -> au.DraftFile:
    result = parse_commentary(path)
    return au.DraftFile(path.stem, str(path), result.digest, au.draft_from_doc(result.doc))


def test_preview_shows_exactly_what_the_save_then_writes(tmp_path):
    path = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, path)
    before = path.read_text()
    state = opened(path)
    au.items(state.draft, "cues", 0).insert(0, {"start": "00:01", "text": "Hello"})
    preview = au.preview_save(state)
    assert path.read_text() == before  # nothing written
    assert preview.changed and not preview.conflict and not preview.new_file and preview.in_place
    assert (preview.added, preview.removed) == (2, 0)
    assert "+      - start: '00:01.000'\n+        text: Hello\n" in preview.unified
    assert preview.unified.startswith(f"--- a/{path.name}\n+++ b/{path.name}\n")
    changed = [r for r in preview.rows if r.kind != "equal"]
    assert [r.kind for r in changed if r.kind != "skip"] == ["insert", "insert"]
    assert changed[0].kind == "skip"  # the unchanged head of the file is folded
    inserted = [r for r in preview.rows if r.kind == "insert"]
    assert inserted[0].new == "      - start: '00:01.000'" and inserted[0].old_line is None
    au.save(state)
    assert path.read_text() == preview.text


def test_preview_of_an_unchanged_draft_is_empty(tmp_path):
    path = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, path)
    preview = au.preview_save(opened(path))
    assert not preview.changed and preview.unified == ""
    assert [r.kind for r in preview.rows] == ["skip"]  # all folded away


def test_preview_says_when_the_file_changed_on_disk_or_the_draft_has_errors(tmp_path):
    path = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, path)
    state = opened(path)
    path.write_text(path.read_text() + "# edited elsewhere\n")
    assert au.preview_save(state).conflict
    au.items(state.draft, "cues", 0)[0]["start"] = "soon"
    bad = au.preview_save(state)
    assert bad.text is None and bad.errors and not bad.changed


def test_preview_of_a_new_file_is_all_additions(tmp_path):
    path = tmp_path / "new.yaml"
    state = au.DraftFile("new", str(path), None, au.new_draft("clip.mp4", "New"))
    preview = au.preview_save(state)
    assert (
        preview.new_file
        and preview.removed == 0
        and preview.added == len(preview.text.splitlines())
    )
    assert not path.exists()
