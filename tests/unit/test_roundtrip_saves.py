"""Saves that respect the file: the diff of a save is only what changed (yamledit)."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_lens import authoring as au
from alliance_lens.datadir import data_dir
from alliance_lens.model import to_data
from alliance_lens.timecode import format_time, parse_time
from alliance_lens.trackfile import dumps, history, history_dir, load_commentary, parse_commentary
from alliance_lens.tracksave import TrackConflictError, restore, save_commentary, save_text
from alliance_lens.yamledit import file_style, updated_text
from tests.support.watch_library import TRACK

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "commentary").glob("*-*.yaml"))


def opened(path: Path) -> au.DraftFile:
    result = parse_commentary(path)
    assert result.doc is not None
    return au.DraftFile(path.stem, str(path), result.digest, au.draft_from_doc(result.doc))


def diff(before: str, after: str) -> list[str]:
    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.fixture(params=[p.name for p in SAMPLES])
def sample(request, tmp_path) -> Path:
    path = tmp_path / request.param
    shutil.copyfile(ROOT / "commentary" / request.param, path)
    path.chmod(0o644)
    return path


def test_every_sample_round_trips_byte_for_byte(sample):
    text = sample.read_text()
    assert save_text(load_commentary(sample), text) == text


def test_adding_one_cue_adds_only_its_lines(sample):
    before = sample.read_text()
    state = opened(sample)
    cues = au.items(state.draft, "cues", 0)
    cues.insert(1, {"start": "00:07.5", "end": "00:09", "text": "A *new* cue."})
    au.save(state)
    after = sample.read_text()
    changed = diff(before, after)
    assert changed == [
        "+      - start: '00:07.500'\n",
        "+        end: '00:09.000'\n",
        "+        text: A *new* cue.\n",
    ]
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in after.splitlines() for c in comments)
    assert sample.stat().st_mode & 0o777 == 0o644


def test_a_changed_time_keeps_the_files_quoting_and_format(sample):
    before = sample.read_text()
    state = opened(sample)
    state.draft["chapters"][1]["start"] = "00:06"
    au.save(state)
    assert diff(before, sample.read_text()) == [
        "-  - start: '00:05.400'\n",
        "+  - start: '00:06.000'\n",
    ]


def test_removing_an_item_removes_only_its_lines(sample):
    before = sample.read_text()
    state = opened(sample)
    gone = au.items(state.draft, "cues", 0).pop(2)
    au.save(state)
    lines = before.splitlines(True)
    first = lines.index(f"      - start: '{au.time_cell(gone['start'])}'\n")
    last = next(n for n in range(first + 1, len(lines)) if lines[n].startswith("      - "))
    assert diff(before, sample.read_text()) == ["-" + line for line in lines[first:last]]
    assert to_data(load_commentary(sample)) == to_data(au.validate(state.draft).doc)


def test_an_unchanged_save_writes_nothing_new_and_keeps_no_history(sample):
    before = sample.read_text()
    au.save(opened(sample))
    assert sample.read_text() == before
    assert history(sample) == []


STYLED = """\
# my notes on this clip
version: 1
video: clip.mp4
title: "Clip"
tracks:
- id: expert   # the main track
  name: Expert
  cues:
  - start: "00:01.5"
    text: first
  # a comment about the second cue
  - start: "00:03"
    text: second
  - start: "00:05.25"
    text: third
"""


def test_a_new_time_is_written_in_the_files_own_style(tmp_path):
    path = tmp_path / "styled.yaml"
    path.write_text(STYLED)
    state = opened(path)
    au.items(state.draft, "cues", 0).append({"start": "00:07.5", "text": "fourth"})
    au.save(state)
    assert diff(STYLED, path.read_text()) == [
        '+  - start: "00:07.5"\n',
        "+    text: fourth\n",
    ]


def test_removing_an_item_keeps_the_comment_written_before_the_next_one(tmp_path):
    path = tmp_path / "styled.yaml"
    path.write_text(STYLED)
    state = opened(path)
    au.items(state.draft, "cues", 0).pop(1)
    au.save(state)
    after = path.read_text()
    assert diff(STYLED, after) == ['-  - start: "00:03"\n', "-    text: second\n"]
    assert "# my notes on this clip" in after and "# the main track" in after


def test_changed_and_removed_fields_touch_only_their_lines(tmp_path):
    path = tmp_path / "styled.yaml"
    path.write_text(STYLED)
    state = opened(path)
    state.draft["title"] = "Clip, renamed"
    state.draft["tracks"][0]["cues"][0]["end"] = "00:02"
    del state.draft["tracks"][0]["cues"][2]["text"]
    state.draft["tracks"][0]["cues"][2]["text"] = "third, reworded"
    au.save(state)
    assert diff(STYLED, path.read_text()) == [
        '-title: "Clip"\n',
        '+title: "Clip, renamed"\n',
        '+    end: "00:02"\n',
        "-    text: third\n",
        "+    text: third, reworded\n",
    ]


def test_style_of_a_file(tmp_path):
    assert file_style(STYLED).quote == '"' and not file_style(STYLED).fixed
    assert not file_style(STYLED).indented_lists
    assert file_style(SAMPLES[0].read_text()).fixed


def test_a_new_file_and_a_file_that_is_not_valid_now_are_written_whole(tmp_path):
    doc = load_commentary(SAMPLES[0])
    assert save_text(doc, None) == dumps(doc)
    assert save_text(doc, "title: [unclosed\n") == dumps(doc)


# ---------------------------------------------------------------- history in the data folder


def test_history_lives_in_the_data_folder_not_in_the_library(sample, tmp_path):
    data = tmp_path / "data"
    state = opened(sample)
    state.draft["title"] = "Renamed"
    au.save(state)
    assert not (sample.parent / ".history").exists()
    (version,) = history(sample)
    assert version.parent == history_dir(sample)
    assert history_dir(sample, data).parent == data / "history"
    assert history_dir(sample).is_relative_to(data_dir())


def test_versions_in_the_old_location_are_still_listed_and_restorable(sample):
    legacy = sample.parent / ".history" / sample.stem
    legacy.mkdir(parents=True)
    old_text = sample.read_text().replace("version: 1", "version: 1\n# from the old history", 1)
    (legacy / "20200101T000000-000000001.yaml").write_text(old_text)
    state = opened(sample)
    state.draft["title"] = "Renamed"
    digest, _ = au.save(state)
    versions = history(sample)
    assert [v.parent for v in versions] == [history_dir(sample), legacy]  # newest first
    restore(sample, versions[1], expected_digest=digest)
    assert load_commentary(sample) == load_commentary(versions[1])
    assert len(list(legacy.iterdir())) == 1  # the old folder is only read


def test_history_keeps_the_newest_versions_only(tmp_path):
    path = tmp_path / "styled.yaml"
    path.write_text(STYLED)
    digest = parse_commentary(path).digest
    for n in range(4):
        doc = load_commentary(path).model_copy(update={"title": f"Title {n}"})
        digest = save_commentary(path, doc, expected_digest=digest, keep=2)
    assert len(history(path)) == 2
    with pytest.raises(TrackConflictError):  # conflict detection is unchanged
        save_commentary(path, load_commentary(path), expected_digest="0" * 16)


# ---------------------------------------------------------------- flow style, and any edit


def test_flow_style_items_stay_flow_and_quoted_seconds_stay_quoted_seconds():
    doc = parse_commentary("clip.yaml", text=TRACK).doc
    draft = au.draft_from_doc(doc)
    cues = au.items(draft, "cues", 0)
    cues[0]["text"] = "Opening: changed"
    cues.append({"start": "00:09.5", "text": "new one"})
    text = save_text(au.validate(draft).doc, TRACK)
    assert diff(TRACK, text) == [
        '-      - {id: c1, start: "1", text: "Opening: **calm** start"}\n',
        '+      - {id: c1, start: "1", text: "Opening: changed"}\n',
        '+      - {start: "9.5", text: new one}\n',
    ]


EDIT = st.sampled_from(["add", "remove", "text", "time", "title", "marker", "track"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(EDIT, st.integers(0, 50)), min_size=1, max_size=6))
def test_any_edit_is_made_in_place_and_means_the_new_document(edits):
    text = SAMPLES[0].read_text()
    old = load_commentary("s.yaml", text=text)
    draft = au.draft_from_doc(old)
    for kind, n in edits:
        cues = au.items(draft, "cues", 0)
        if kind == "add":
            cues.insert(n % (len(cues) + 1), {"start": f"00:{n:02d}.25", "text": f"New {n}"})
        elif kind == "remove" and len(cues) > 1:
            cues.pop(n % len(cues))
        elif kind == "text" and cues:
            cues[n % len(cues)]["text"] = f"Changed\nover two lines {n}"
        elif kind == "time" and cues:
            # after its own start, whatever the sample's timings (issue 11 corrected them)
            cue = cues[n % len(cues)]
            cue["end"] = format_time(parse_time(cue["start"]) + 100 * (n + 1))
        elif kind == "title":
            draft["title"] = f"Title: {n}"
        elif kind == "marker":
            draft["tracks"][0]["episodes"][0]["markers"].append("hostility")
        elif kind == "track":
            draft, _ = au.add_track(draft, f"Track {n}")
    new = au.validate(draft).doc
    assert new is not None
    assert updated_text(text, to_data(old), to_data(new)) is not None  # no whole-file rewrite
    saved = save_text(new, text)
    assert load_commentary("s.yaml", text=saved) == new
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert saved.splitlines()[: len(comments)] == comments


def test_a_windows_file_keeps_its_line_ends_and_saves_without_a_false_conflict(tmp_path):
    path = tmp_path / "styled.yaml"
    path.write_bytes(STYLED.replace("\n", "\r\n").encode())
    state = opened(path)
    au.items(state.draft, "cues", 0).append({"start": "00:07.5", "text": "fourth"})
    au.save(state)  # the digest of the opened file matches: no TrackConflictError
    after = path.read_bytes().decode()
    assert after == STYLED.replace("\n", "\r\n") + '  - start: "00:07.5"\r\n    text: fourth\r\n'


def test_the_author_pages_tables_round_trip_without_a_change(sample):
    # the page edits through to_frame/from_frame: that path alone must not touch the file
    text = sample.read_text()
    draft = au.draft_from_doc(load_commentary(sample))
    for table in ("episodes", "cues", "prompts", "chapters"):
        draft = au.from_frame(draft, table, au.to_frame(draft, table, 0), 0)
    repairs = au.to_frame(draft, "repairs", 0, episode=0)
    draft = au.from_frame(draft, "repairs", repairs, 0, episode=0)
    assert save_text(au.validate(draft).doc, text) == text
