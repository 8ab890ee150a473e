"""The library: pairing tracks with videos, and refusing references that leave media/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alliance_lens.cli import main
from alliance_lens.errors import LibraryError
from alliance_lens.library import library_root, resolve_media, scan_library

TRACK = """version: 1
video: {video}
title: {title}
tracks:
  - id: expert
    name: Expert
    cues:
      - start: 00:01
        text: Hello
"""


def make_library(root: Path, tracks: dict[str, str], videos: list[str]) -> Path:
    (root / "commentary").mkdir(parents=True)
    (root / "media").mkdir()
    for name, video in tracks.items():
        (root / "commentary" / f"{name}.yaml").write_text(TRACK.format(video=video, title=name))
    for video in videos:
        (root / "media" / video).write_bytes(b"not really a video")
    return root


def test_pairs_tracks_with_videos_and_reports_orphans(tmp_path: Path) -> None:
    lib = scan_library(
        make_library(tmp_path, {"a": "a.mp4", "b": "missing.mp4"}, ["a.mp4", "lonely.webm"])
    )
    a, b = lib.entries
    assert a.video_path == (tmp_path / "media" / "a.mp4").resolve() and not a.has_errors
    assert b.has_errors and "not found" in b.all_problems[0].message
    assert [v.name for v in lib.orphan_videos] == ["lonely.webm"]


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    root = make_library(tmp_path, {"good": "good.mp4"}, ["good.mp4"])
    (root / "commentary" / "broken.yaml").write_bytes(b"\x00\xff junk")
    lib = scan_library(root)
    by_slug = {e.slug: e for e in lib.entries}
    assert by_slug["good"].doc is not None
    assert by_slug["broken"].doc is None and by_slug["broken"].has_errors
    assert lib.orphan_videos == []  # good.mp4 is claimed; a broken file claims none here
    (root / "media" / "broken.mp4").write_bytes(b"video")
    assert scan_library(root).orphan_videos == []  # claimed by name though unreadable


@pytest.mark.parametrize(
    "ref",
    [
        "../secret.mp4",
        "a/../../secret.mp4",
        "/etc/passwd",
        "C:\\videos\\x.mp4",
        "\\\\server\\share\\x.mp4",
        "",
    ],
)
def test_refuses_references_outside_media(tmp_path: Path, ref: str) -> None:
    (tmp_path / "media").mkdir()
    with pytest.raises(LibraryError, match="outside|absolute|empty"):
        resolve_media(tmp_path / "media", ref)


def test_refuses_symlink_out_of_media(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", {"x": "link.mp4"}, [])
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(b"confidential")
    os.symlink(secret, root / "media" / "link.mp4")
    entry = scan_library(root).entries[0]
    assert entry.has_errors
    assert "outside the library's media/ folder" in entry.all_problems[0].message


def test_https_video_is_accepted_without_a_file(tmp_path: Path) -> None:
    entry = scan_library(make_library(tmp_path, {"u": "https://example.org/v.mp4"}, [])).entries[0]
    assert entry.video_url == "https://example.org/v.mp4" and not entry.has_errors


@pytest.mark.parametrize("ref", ["http://example.org/v.mp4", "file:///etc/passwd"])
def test_other_urls_are_treated_as_paths_and_refused(tmp_path: Path, ref: str) -> None:
    entry = scan_library(make_library(tmp_path, {"u": ref}, [])).entries[0]
    assert entry.has_errors


def test_library_chosen_by_environment(tmp_path: Path) -> None:
    assert library_root({"ALLIANCE_LENS_LIBRARY": str(tmp_path)}) == tmp_path.resolve()
    assert library_root({}, override=tmp_path) == tmp_path.resolve()
    assert (library_root({}) / "commentary" / "vocabulary.yaml").exists()


def test_library_vocabulary_extends_the_bundled_one(tmp_path: Path) -> None:
    root = make_library(tmp_path, {"a": "a.mp4"}, ["a.mp4"])
    (root / "commentary" / "vocabulary.yaml").write_text(
        "extends: bundled\nmarkers:\n  withdrawal:\n    minimal_response: {label: Short answers}\n"
        "    goes_silent: {label: Goes silent}\nlenses:\n  supervision: {label: Supervision}\n"
    )
    vocab = scan_library(root).vocabulary
    assert vocab.marker_label("minimal_response") == "Short answers"
    assert vocab.marker_type("goes_silent") == "withdrawal"
    assert vocab.marker_type("defends_self") == "confrontation"  # bundled entries kept
    assert "supervision" in vocab.lenses and "alliance" in vocab.lenses


def test_cli_library_listing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_library(tmp_path, {"a": "a.mp4", "b": "nope.mp4"}, ["a.mp4", "extra.mp4"])
    assert main(["--library", str(root), "library"]) == 1
    out = capsys.readouterr().out
    assert "a " in out and "errors" in out and "extra.mp4" in out


def test_cli_validate_defaults_to_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_library(tmp_path, {"a": "a.mp4"}, ["a.mp4"])
    assert main(["--library", str(root), "validate"]) == 0
    assert "1 file(s): 0 error(s)" in capsys.readouterr().err


def test_cli_validate_warns_about_cues_past_the_end_of_the_real_video(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tools.clips import make_frame_numbered_video

    root = make_library(tmp_path, {"a": "a.mp4"}, [])
    make_frame_numbered_video(root / "media" / "a.mp4", seconds=0.5)
    track = root / "commentary" / "a.yaml"
    track.write_text(track.read_text().replace("start: 00:01", "start: 00:09"))
    assert main(["--library", str(root), "validate"]) == 0  # a warning does not block
    out = capsys.readouterr().out
    assert "a.yaml:8:9: warning: tracks[0].cues[0].start: 00:09.000 is past the end" in out


def test_a_video_linked_from_outside_media_is_ignored_with_a_warning(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", {"a": "a.mp4"}, ["a.mp4"])
    secret = tmp_path / "recording.mp4"
    secret.write_bytes(b"confidential")
    os.symlink(secret, root / "media" / "linked.mp4")
    lib = scan_library(root)
    assert lib.orphan_videos == []  # never offered, so no page turns it into a path
    (warning,) = lib.problems
    assert warning.severity == "warning" and "outside media/" in warning.message
    assert warning.file.endswith("linked.mp4")


def test_every_page_lists_entries_by_title_then_file_name(tmp_path: Path) -> None:
    root = make_library(tmp_path, {}, ["v.mp4"])
    titles = {"a": "Zeta", "b": "alpha", "c": "Mid", "d": "Mid"}  # file order is not title order
    for name, title in titles.items():
        (root / "commentary" / f"{name}.yaml").write_text(TRACK.format(video="v.mp4", title=title))
    lib = scan_library(root)
    assert [e.slug for e in lib.entries] == ["a", "b", "c", "d"]
    assert [e.slug for e in lib.by_title()] == ["b", "c", "d", "a"]
