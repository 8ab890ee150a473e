"""trackdata: big tracks leave the component data for a route that serves them by digest,
never more than the mode allows, immutable and cacheable; small tracks stay inline."""

from __future__ import annotations

import json
import threading

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from alliance_lens import trackdata
from alliance_lens.model import CommentaryFile
from alliance_lens.playerdata import PlayerOptions, VideoSource, build_player_data
from alliance_lens.trackdata import TRACKS_ROUTE, TrackStore, offload, read_body
from alliance_lens.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
VIDEO = VideoSource("/library-media/clip.mp4", 25.0, 3_600_000)


def big_doc(cues: int) -> CommentaryFile:
    track = {
        "id": "expert",
        "name": "Expert",
        "cues": [
            {"start": f"{i}", "text": f"line {i} of what was said", "presenter_notes": "SECRET"}
            for i in range(cues)
        ],
        "prompts": [{"id": "p", "at": "5", "question": "Q?", "reveal": "R"}],
    }
    draft = {"id": "wip", "name": "WIP", "status": "draft", "cues": [{"start": "1", "text": "D"}]}
    return CommentaryFile.model_validate(
        {"video": "clip.mp4", "title": "Big", "tracks": [track, draft]}
    )


BIG = big_doc(2_000)  # ~500 KB of cue JSON in review mode: over INLINE_LIMIT
SMALL = big_doc(10)


def player_data(doc: CommentaryFile, mode: str) -> dict:
    return build_player_data(doc, VOCAB, VIDEO, PlayerOptions(mode=mode))  # type: ignore[arg-type]


@pytest.fixture
def store(monkeypatch) -> TrackStore:
    """A served route with a store of its own (the process-wide flag is restored after)."""
    monkeypatch.setattr(trackdata, "_served", threading.Event())
    store = TrackStore()
    trackdata.routes(store)
    return store


@pytest.fixture
def client(store) -> TestClient:
    return TestClient(Starlette(routes=trackdata.routes(store)))


def test_without_the_route_the_data_is_untouched(monkeypatch):
    monkeypatch.setattr(trackdata, "_served", threading.Event())
    data = player_data(BIG, "review")
    assert offload(data, TrackStore()) is data


def test_small_tracks_stay_inline(store):
    data = player_data(SMALL, "review")
    assert offload(data, store) is data


def test_big_tracks_go_by_url_and_come_back_the_same(store):
    data = player_data(BIG, "review")
    sent = offload(data, store)
    assert sent["tracks"] == [] and sent["tracks_src"].startswith(TRACKS_ROUTE + "/")
    assert len(json.dumps(sent)) < 10_000  # the rest of the data only
    digest = sent["tracks_src"].rsplit("/", 1)[1]
    body = store.get(digest)
    assert body is not None
    back = read_body(body)
    assert back["mode"] == "review"
    assert back["tracks"] == json.loads(json.dumps(data["tracks"]))
    assert {k: v for k, v in sent.items() if k not in ("tracks", "tracks_src")} == {
        k: v for k, v in data.items() if k != "tracks"
    }


def test_the_same_data_again_names_the_same_url(store):
    first = offload(player_data(BIG, "review"), store)["tracks_src"]
    assert offload(player_data(BIG, "review"), store)["tracks_src"] == first


def test_a_learner_url_serves_no_notes_no_drafts_and_differs_from_review(store, client):
    learner = offload(player_data(BIG, "learner"), store)["tracks_src"]
    review = offload(player_data(BIG, "review"), store)["tracks_src"]
    assert learner != review
    got = client.get(learner)
    assert got.status_code == 200
    assert "SECRET" not in got.text and "WIP" not in got.text
    assert [t["id"] for t in read_body(got.content)["tracks"]] == ["expert"]
    assert "SECRET" in client.get(review).text


def test_served_immutable_with_etag_and_304(store, client):
    url = offload(player_data(BIG, "learner"), store)["tracks_src"]
    digest = url.rsplit("/", 1)[1]
    got = client.get(url, headers={"Accept-Encoding": "identity"})
    assert got.headers["content-type"].startswith("application/x-ndjson")
    assert got.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert got.headers["etag"] == f'"{digest}"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "content-encoding" not in got.headers
    again = client.get(url, headers={"If-None-Match": f'"{digest}"'})
    assert again.status_code == 304 and again.content == b""


def test_gzip_when_asked_and_the_same_body(store, client):
    url = offload(player_data(BIG, "learner"), store)["tracks_src"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) / 5
    assert packed.content == plain.content  # the client decompressed it


@pytest.mark.parametrize("tail", ["0" * 64, "f" * 63, "../../etc/passwd", "ABC"])
def test_unknown_or_malformed_digests_are_404(store, client, tail):
    offload(player_data(BIG, "learner"), store)
    assert client.get(f"{TRACKS_ROUTE}/{tail}").status_code == 404


def test_the_store_keeps_its_bound_and_the_newest_entry():
    store = TrackStore(max_bytes=250)
    for i in range(5):
        store.put(f"{i:064x}", bytes(100))
    assert f"{0:064x}" not in store and f"{4:064x}" in store
    assert sum(store.get(f"{i:064x}") is not None for i in range(5)) == 2
    store.put("big".ljust(64, "0"), bytes(1000))  # over the bound alone: kept, others go
    assert store.get("big".ljust(64, "0")) is not None and f"{4:064x}" not in store
