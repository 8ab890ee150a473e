"""authoring.drafts, .saving, .uploads, .thumbnails: nothing the author made is lost."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from alliance_lens import authoring as au
from alliance_lens.errors import TrackFileError
from alliance_lens.library import scan_library
from alliance_lens.trackfile import (
    TrackConflictError,
    content_digest,
    history,
    parse_commentary,
    restore,
)
from alliance_lens.vocabulary import load_vocabulary
from tests.e2e.apps.watch_library import build_library

VOCAB = load_vocabulary()


# ---------------------------------------------------------------- drafts on disk


def test_draft_survives_write_and_reload(tmp_path, draft):
    state = au.DraftFile("clip", str(tmp_path / "clip.yaml"), "abc", draft)
    path = au.write_draft(state, tmp_path)
    assert path == tmp_path / "drafts" / "clip.yaml"
    again = au.read_draft("clip", tmp_path)
    assert again is not None and again.draft == draft and again.base_digest == "abc"
    assert not list(path.parent.glob(".*.tmp"))  # atomic: no temp files left
    au.discard_draft("clip", tmp_path)
    assert au.read_draft("clip", tmp_path) is None


def test_damaged_draft_is_reported_and_left_in_place(tmp_path):
    path = au.draft_path("x", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("[not: a draft", encoding="utf-8")
    with pytest.raises(TrackFileError):
        au.read_draft("x", tmp_path)
    assert path.exists()


def test_set_aside_keeps_the_draft(tmp_path, draft):
    au.write_draft(au.DraftFile("clip", "c.yaml", None, draft), tmp_path)
    moved = au.set_aside_draft("clip", tmp_path)
    assert moved is not None and au.set_aside_drafts("clip", tmp_path) == [moved]
    assert au.read_draft("clip", tmp_path) is None
    assert au.read_draft("clip", path=moved).draft == draft
    au.delete_set_aside(tmp_path / "drafts" / "clip.yaml", tmp_path)  # not a set-aside one
    au.write_draft(au.DraftFile("clip", "c.yaml", None, draft), tmp_path)
    au.delete_set_aside(au.draft_path("clip", tmp_path), tmp_path)
    assert au.read_draft("clip", tmp_path) is not None  # only set-aside drafts are deleted
    au.delete_set_aside(moved, tmp_path)
    assert au.set_aside_drafts("clip", tmp_path) == []


def test_draft_path_cannot_escape(tmp_path):
    assert au.draft_path("../../etc/passwd", tmp_path).parent == tmp_path / "drafts"


# ---------------------------------------------------------------- saving without loss


@pytest.fixture
def lib(tmp_path):
    return build_library(tmp_path / "lib", extra=False)


def opened(lib: Path) -> au.DraftFile:
    path = lib / "commentary" / "clip.yaml"
    result = parse_commentary(path)
    return au.DraftFile("clip", str(path), result.digest, au.draft_from_doc(result.doc))


def test_save_writes_a_valid_file_with_history(lib):
    state = opened(lib)
    state.draft["title"] = "Renamed"
    digest, _ = au.save(state, vocabulary=VOCAB)
    path = Path(state.track_path)
    assert content_digest(path.read_text()) == digest
    assert parse_commentary(path).doc.title == "Renamed"
    assert len(history(path)) == 1


def test_save_refuses_when_the_file_changed_on_disk_and_save_as_copy_keeps_both(lib):
    state = opened(lib)
    state.draft["title"] = "Mine"
    path = Path(state.track_path)
    theirs = path.read_text().replace("title: Frame clip", "title: Theirs")
    path.write_text(theirs)
    with pytest.raises(TrackConflictError):
        au.save(state)
    assert path.read_text() == theirs  # their edit is untouched
    copy_state, digest = au.save_as_copy(state, lib / "commentary")
    assert Path(copy_state.track_path).name == "clip-copy.yaml"
    assert parse_commentary(copy_state.track_path).doc.title == "Mine"
    again, _ = au.save_as_copy(state, lib / "commentary")
    assert Path(again.track_path).name == "clip-copy-2.yaml"  # never overwrites
    names = {e.slug for e in scan_library(lib).entries}
    assert {"clip", "clip-copy", "clip-copy-2"} <= names


def test_save_refuses_a_draft_with_errors(lib):
    state = opened(lib)
    state.draft["tracks"][0]["cues"][0]["start"] = "nope"
    before = Path(state.track_path).read_text()
    with pytest.raises(TrackFileError):
        au.save(state)
    assert Path(state.track_path).read_text() == before


def test_new_file_save_refuses_if_the_name_appeared(lib):
    path = lib / "commentary" / "new.yaml"
    state = au.DraftFile("new", str(path), None, au.new_draft("clip.mp4", "New"))
    path.write_text("someone else's")
    with pytest.raises(TrackConflictError):
        au.save(state)
    assert path.read_text() == "someone else's"


def test_restore_from_history(lib):
    state = opened(lib)
    path = Path(state.track_path)
    original = parse_commentary(path).doc
    state.draft["title"] = "Second"
    digest, _ = au.save(state)
    versions = history(path)
    restore(path, versions[0], expected_digest=digest)
    assert parse_commentary(path).doc == original
    assert len(history(path)) == 2


# ---------------------------------------------------------------- uploads


def test_upload_gets_a_safe_unique_name_and_never_overwrites(tmp_path):
    media = tmp_path / "media"
    first = au.save_upload(io.BytesIO(b"x" * 10), "../../Séance 1.MP4", media)
    second = au.save_upload(io.BytesIO(b"y" * 10), "séance 1.mp4", media)
    assert first == media / "seance-1.mp4" and second == media / "seance-1-2.mp4"
    assert first.read_bytes() == b"x" * 10
    assert [p.name for p in media.iterdir()] and not list(media.glob(".upload-*"))


def test_upload_size_limit_and_junk_are_refused_without_leftovers(tmp_path):
    media = tmp_path / "media"
    with pytest.raises(au.UploadError, match="limit"):
        au.save_upload(io.BytesIO(b"x" * 100), "big.mp4", media, max_bytes=99, chunk=10)
    with pytest.raises(au.UploadError, match="not a video"):
        au.save_upload(io.BytesIO(b"x"), "notes.exe", media)
    with pytest.raises(au.UploadError, match="empty"):
        au.save_upload(io.BytesIO(b""), "empty.mp4", media)
    assert list(media.iterdir()) == []


def test_upload_that_is_no_readable_video_is_never_kept(lib, tmp_path):
    from alliance_lens import video

    media = tmp_path / "media"
    with pytest.raises(au.UploadError, match="not a video this app can read"):
        au.save_upload(io.BytesIO(b"\0garbage" * 1000), "clip.mp4", media, check=video.probe)
    assert list(media.iterdir()) == []
    good = (lib / "media" / "clip.mp4").read_bytes()
    path = au.save_upload(io.BytesIO(good), "clip.mp4", media, check=video.probe)
    assert path == media / "clip.mp4" and path.read_bytes() == good
    assert list(media.iterdir()) == [path]


def test_thumbnail_uris_are_data_uris(lib, tmp_path):
    uris = au.thumbnail_uris(lib / "media" / "clip.mp4", [3000, 14000], cache_dir=tmp_path / "t")
    assert all(u.startswith("data:image/jpeg;base64,") for u in uris) and uris[0] != uris[1]


def test_new_commentary_path_is_unique(lib):
    assert au.new_commentary_path(lib / "commentary", Path("clip.mp4")).name == "clip-2.yaml"
    assert yaml.safe_load(au.draft_yaml(au.new_draft("a b.mov", "A b")))["video"] == "a b.mov"
