"""The upload route: refusals, safe unique names, the size limit mid-stream, cross-site posts,
and no part file left behind after a refusal, a dropped connection or a full disk.

Whole requests go through Starlette's TestClient; requests that must stop midway (the client
goes away, the body passes the limit) are fed to the endpoint as ASGI messages one by one, so
the test can look at the media folder between two chunks.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from alliance_lens.upload_route import (
    TOKEN_HEADER,
    UPLOAD_ROUTE,
    UploadEndpoint,
    UploadTokens,
    sweep_stale_parts,
    upload_route,
)
from tools.clips import make_frame_numbered_video

HOST = "127.0.0.1:8501"
ORIGIN = f"http://{HOST}"


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    make_frame_numbered_video(path, seconds=1, size=(160, 90), preset="ultrafast")
    return path.read_bytes()


@pytest.fixture
def tokens() -> UploadTokens:
    return UploadTokens(b"s" * 32)


@pytest.fixture
def media(tmp_path) -> Path:
    return tmp_path / "media"


def client(media: Path, tokens: UploadTokens, **options) -> TestClient:
    from starlette.applications import Starlette

    app = Starlette(routes=[upload_route(media, tokens=tokens, **options)])
    return TestClient(app, base_url=ORIGIN)


def headers(tokens: UploadTokens, **extra: str) -> dict[str, str]:
    return {
        "origin": ORIGIN,
        "sec-fetch-site": "same-origin",
        TOKEN_HEADER: tokens.issue(),
        **extra,
    }


def put(c: TestClient, name: str, body: bytes, hdrs: dict[str, str]):
    return c.put(UPLOAD_ROUTE, params={"name": name}, content=body, headers=hdrs)


def leftovers(media: Path) -> list[str]:
    return sorted(p.name for p in media.glob("*")) if media.exists() else []


def test_a_video_lands_under_a_safe_name_with_a_receipt(media, tokens, clip):
    r = put(client(media, tokens), "../../Séance 1 (final).MP4", clip, headers(tokens))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["name"] == "seance-1-final.mp4"
    assert body["size"] == len(clip)
    assert tokens.saved(body["name"], body["receipt"])
    assert not tokens.saved("other.mp4", body["receipt"])
    assert (media / "seance-1-final.mp4").read_bytes() == clip
    assert leftovers(media) == ["seance-1-final.mp4"]  # no part file


def test_an_existing_file_is_never_overwritten(media, tokens, clip):
    media.mkdir()
    (media / "session.mp4").write_bytes(b"the educator's original")
    c = client(media, tokens)
    names = [put(c, "session.mp4", clip, headers(tokens)).json()["name"] for _ in range(2)]
    assert names == ["session-2.mp4", "session-3.mp4"]
    assert (media / "session.mp4").read_bytes() == b"the educator's original"
    assert leftovers(media) == ["session-2.mp4", "session-3.mp4", "session.mp4"]


@pytest.mark.parametrize("name", ["notes.exe", "clip.mp4.sh", "noextension", ""])
def test_types_not_allowed_are_refused_with_a_clear_message(media, tokens, clip, name):
    r = put(client(media, tokens), name, clip, headers(tokens))
    assert r.status_code == 415
    assert "not a video file this app reads" in r.json()["error"]
    assert ".mp4" in r.json()["error"]
    assert leftovers(media) == []


def test_a_file_that_is_not_a_readable_video_is_not_kept(media, tokens):
    r = put(client(media, tokens), "fake.mp4", os.urandom(50_000), headers(tokens))
    assert r.status_code == 415
    assert "fake.mp4 is not a video this app can read" in r.json()["error"]
    assert leftovers(media) == []


def test_an_empty_file_is_refused(media, tokens):
    r = put(client(media, tokens), "empty.mp4", b"", headers(tokens))
    assert r.status_code == 400 and "empty" in r.json()["error"]
    assert leftovers(media) == []


def test_a_declared_size_over_the_limit_is_refused_before_reading(media, tokens):
    r = put(client(media, tokens, max_bytes=1000), "big.mp4", b"x" * 1001, headers(tokens))
    assert r.status_code == 413
    assert "larger than the upload limit" in r.json()["error"]
    assert leftovers(media) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"origin": "http://evil.example"},
        {"origin": "http://127.0.0.1:9999"},  # another app on this machine
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_cross_site_uploads_are_refused(media, tokens, clip, bad):
    r = put(client(media, tokens), "clip.mp4", clip, headers(tokens, **bad))
    assert r.status_code == 403
    assert "did not come from this app's own page" in r.json()["error"]
    assert leftovers(media) == []


def test_a_request_without_origin_is_refused(media, tokens, clip):
    hdrs = headers(tokens)
    del hdrs["origin"]
    assert put(client(media, tokens), "clip.mp4", clip, hdrs).status_code == 403


@pytest.mark.parametrize("token", [None, "", "garbage", "9999999999.abc.def"])
def test_a_missing_or_forged_token_is_refused(media, tokens, clip, token):
    hdrs = headers(tokens)
    if token is None:
        del hdrs[TOKEN_HEADER]
    else:
        hdrs[TOKEN_HEADER] = token
    r = put(client(media, tokens), "clip.mp4", clip, hdrs)
    assert r.status_code == 403
    assert "Reload the page" in r.json()["error"]
    assert leftovers(media) == []


def test_a_token_from_another_server_or_expired_is_refused(media, tokens, clip):
    c = client(media, tokens)
    other = UploadTokens(b"o" * 32).issue()
    expired = UploadTokens(b"s" * 32, ttl_s=-1).issue()
    for token in (other, expired):
        r = put(c, "clip.mp4", clip, headers(tokens, **{TOKEN_HEADER: token}))
        assert r.status_code == 403


def test_only_put_is_answered(media, tokens):
    c = client(media, tokens)
    assert c.get(UPLOAD_ROUTE, headers=headers(tokens)).status_code == 405
    assert c.post(UPLOAD_ROUTE, headers=headers(tokens), content=b"x").status_code == 405


# ------------------------------------------------ requests that stop midway (raw ASGI)


def run_asgi(
    endpoint: UploadEndpoint,
    hdrs: dict[str, str],
    chunks: list[bytes],
    *,
    between: Callable[[int], None] = lambda i: None,
    disconnect_after: int | None = None,
    name: str = "clip.mp4",
) -> tuple[int | None, dict]:
    """Feed the body chunk by chunk (no Content-Length), calling ``between(i)`` before
    chunk ``i``; optionally the client goes away after ``disconnect_after`` chunks."""
    sent: list[dict] = []
    raw = [(k.lower().encode(), v.encode()) for k, v in {"host": HOST, **hdrs}.items()]
    scope = {
        "type": "http",
        "method": "PUT",
        "path": UPLOAD_ROUTE,
        "query_string": f"name={name}".encode(),
        "headers": raw,
    }
    state = {"i": 0}

    async def receive():
        i = state["i"]
        state["i"] += 1
        if disconnect_after is not None and i >= disconnect_after:
            return {"type": "http.disconnect"}
        between(i)
        return {"type": "http.request", "body": chunks[i], "more_body": i < len(chunks) - 1}

    async def send(message):
        sent.append(message)

    # a thread of its own: Playwright's sync API may hold this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, endpoint(scope, receive, send)).result()
    status = next((m["status"] for m in sent if m["type"] == "http.response.start"), None)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, (json.loads(body) if body.strip().startswith(b"{") else {})


CHUNK = b"v" * (256 * 1024)


def test_the_size_limit_is_enforced_while_streaming_and_leaves_no_part_file(media, tokens):
    seen_parts: list[int] = []

    def between(i: int) -> None:
        seen_parts.extend(p.stat().st_size for p in media.glob(".upload-*.part"))

    endpoint = UploadEndpoint(media, max_bytes=5 * len(CHUNK), tokens=tokens, check=None)
    status, body = run_asgi(endpoint, headers(tokens), [CHUNK] * 20, between=between)
    assert status == 413 and "larger than the upload limit of" in body["error"]
    assert seen_parts and max(seen_parts) > 0  # it was being written to disk as it came
    assert leftovers(media) == []


def test_a_dropped_connection_leaves_no_part_file(media, tokens):
    parts: list[str] = []
    endpoint = UploadEndpoint(media, tokens=tokens, check=None)
    run_asgi(
        endpoint,
        headers(tokens),
        [CHUNK] * 20,
        between=lambda i: parts.extend(p.name for p in media.glob(".upload-*.part")),
        disconnect_after=8,
    )
    assert parts  # the part file existed while the body came in
    assert leftovers(media) == []


def test_chunks_arrive_as_one_file_in_order(media, tokens):
    chunks = [bytes([i]) * 300_001 for i in range(12)]  # not a multiple of the write block
    endpoint = UploadEndpoint(media, tokens=tokens, check=None)
    status, body = run_asgi(endpoint, headers(tokens), chunks, name="order.webm")
    assert status == 201 and body["name"] == "order.webm"
    assert (media / "order.webm").read_bytes() == b"".join(chunks)


@pytest.fixture
def small_disk(tmp_path):
    """A real 5 MB filesystem (tmpfs), so the disk really fills up."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_reported_and_leaves_no_part_file(small_disk, tokens):
    media = small_disk / "media"
    endpoint = UploadEndpoint(media, tokens=tokens, check=None)
    status, body = run_asgi(endpoint, headers(tokens), [CHUNK] * 40)  # 10 MB into 5 MB
    assert status == 507
    assert "disk is full" in body["error"]
    assert leftovers(media) == []
    assert shutil.disk_usage(small_disk).used < 1024 * 1024  # the space is given back


def test_stale_part_files_from_a_killed_server_are_swept(media):
    media.mkdir()
    old, fresh = media / ".upload-old.part", media / ".upload-new.part"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(old, (0, 0))
    assert sweep_stale_parts(media) == [old]
    assert leftovers(media) == [".upload-new.part"]  # may belong to an upload under way


def test_a_declared_size_bigger_than_the_free_space_is_refused_at_once(small_disk, tokens):
    c = client(small_disk / "media", tokens, check=None)
    r = put(c, "big.mp4", b"x" * (6 * 1024 * 1024), headers(tokens))
    assert r.status_code == 507 and "disk is full" in r.json()["error"]
    assert leftovers(small_disk / "media") == []
