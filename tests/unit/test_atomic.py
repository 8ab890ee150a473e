"""Atomic writes: old or new file, never half; the replaced file's mode is kept."""

from __future__ import annotations

import os
import stat

import pytest

from alliance_lens.atomic import atomic_write, pending_file


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_replacing_a_file_keeps_its_mode(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text("old\n")
    for wanted in (0o644, 0o640, 0o664):
        path.chmod(wanted)
        atomic_write(path, f"mode {wanted:o}\n")
        assert mode(path) == wanted and path.read_text() == f"mode {wanted:o}\n"


def test_a_new_file_gets_the_usual_mode_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "sub" / "new.yaml", b"\x00bytes")
    finally:
        os.umask(old)
    assert mode(tmp_path / "sub" / "new.yaml") == 0o644
    assert (tmp_path / "sub" / "new.yaml").read_bytes() == b"\x00bytes"


def test_an_error_leaves_the_old_file_and_no_temp_file(tmp_path):
    path = tmp_path / "clip.yaml"
    path.write_text("old\n")
    with pytest.raises(RuntimeError), pending_file(path) as pending:
        pending.path.write_text("half")
        raise RuntimeError("crash before the commit")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.yaml"]


def test_commit_without_overwrite_never_replaces(tmp_path):
    taken = tmp_path / "video.mp4"
    taken.write_bytes(b"theirs")
    with pending_file(taken, suffix=".part") as pending:
        pending.path.write_bytes(b"mine")
        with pytest.raises(FileExistsError):
            pending.commit(overwrite=False)
        other = pending.commit(tmp_path / "video-2.mp4", overwrite=False)
    assert taken.read_bytes() == b"theirs" and other.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video-2.mp4", "video.mp4"]
