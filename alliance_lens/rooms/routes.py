"""The live room's HTTP routes on the app's own Starlette server: the participant page and its
four actions (join, read the open prompt, answer, tap), and the presenter's actions, which
need the room's presenter key in a header and are never reachable with a participant token.

Every write must be JSON from this same site (``Origin``/``Sec-Fetch-Site``): a page on another
site cannot make a participant's browser answer or tap. Bodies are capped; the store checks
everything else (lengths, options, rate limits) and keeps no state in this process.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from alliance_lens.client_address import rate_key
from alliance_lens.errors import DatabaseError, StoreInputError
from alliance_lens.rooms.core import RoomError, RoomPrompt
from alliance_lens.rooms.events import KEEPALIVE_S, STREAM_S, RoomWatcher
from alliance_lens.rooms.qr import qr_svg
from alliance_lens.rooms.room_score import parse_onsets
from alliance_lens.rooms.store import RoomStore
from alliance_lens.signin_store import JoinLimit
from alliance_lens.store import Store
from alliance_lens.upload_route import same_site

JOIN_ROUTE = "/join"
API = "/room-api"
ASSETS = "/join-assets"
TOKEN_HEADER = "X-Room-Token"
KEY_HEADER = "X-Room-Key"
MAX_BODY = 16_384
LONG_POLL_S = 25.0
PAGE_DIR = Path(__file__).parent / "page"

Endpoint = Callable[[Request], Awaitable[Response]]


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": message}, status_code=status, headers={"Cache-Control": "no-store"}
    )


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object of a write, refused unless it is same-site JSON under the cap."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise _Refused(415, "Send the request as JSON (Content-Type: application/json).")
    if not same_site(request.headers):
        raise _Refused(403, "Refused: the request did not come from this site's own page.")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise _Refused(413, f"The request is larger than {MAX_BODY:,} bytes.")
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise _Refused(400, "The request is not valid JSON.") from None
    if not isinstance(data, dict):
        raise _Refused(400, "The request must be a JSON object.")
    return data


def _handled(endpoint: Endpoint) -> Endpoint:
    """Refusals and store errors as JSON messages for people; never a traceback."""

    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except _Refused as exc:
            return _error(exc.status, exc.message)
        except RoomError as exc:
            return _error(exc.status, str(exc))
        except StoreInputError as exc:
            return _error(400, str(exc))
        except DatabaseError:
            return _error(503, "The room's database is not answering; try again in a moment.")

    return run


def _peer(request: Request) -> str:
    return request.client.host if request.client else "?"


def lazy_rooms(url: Callable[[], str]) -> Callable[[], RoomStore]:
    """The room store for ``url()``, opened on first use (not at import: the database may
    come up after the app); a failed open is retried on the next request."""
    opened: list[RoomStore] = []
    lock = threading.Lock()

    def get() -> RoomStore:
        if not opened:
            with lock:
                if not opened:
                    opened.append(RoomStore(Store.open(url()), group_commit=True))
        return opened[0]

    return get


def room_routes(
    rooms: Callable[[], RoomStore],
    *,
    presenter_guard: Callable[[Endpoint], Endpoint] | None = None,
    join_limit: JoinLimit | None = None,
    client: Callable[[Request], str] | None = None,
) -> list[BaseRoute]:
    """Every room route. ``rooms`` gives the store (opened on first use); ``presenter_guard``
    wraps each presenter endpoint (e.g. a sign-in check) on top of the presenter key;
    ``join_limit`` counts joins per ``client(request)`` address (the app's one helper)."""

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return to_thread.run_sync(lambda: fn(rooms(), *args, **kwargs))

    watcher = RoomWatcher(
        lambda code: rooms().version(code), lambda code: rooms().public_state(code)
    )

    # --- participant -----------------------------------------------------------------------

    async def page(request: Request) -> Response:
        return FileResponse(PAGE_DIR / "join.html", headers={"Cache-Control": "no-cache"})

    async def join(request: Request) -> Response:
        data = await _body(request)
        pseudonym = data.get("pseudonym") or ""
        if not isinstance(pseudonym, str):
            raise _Refused(400, "pseudonym must be text")
        code = request.path_params["code"]
        if join_limit is not None:
            address = rate_key(client(request) if client else _peer(request))
            wait = await to_thread.run_sync(join_limit.retry_after_s, address)
            if wait:
                response = _error(
                    429,
                    "Too many people have joined from your network in the last minute. "
                    f"Please try again in {wait} s.",
                )
                response.headers["Retry-After"] = str(wait)
                return response
        me, token = await run(RoomStore.join, code, pseudonym)
        return JSONResponse({"token": token, "number": me.number, "pseudonym": me.pseudonym})

    async def state(request: Request) -> Response:
        token = request.headers.get(TOKEN_HEADER, "")
        found = await run(RoomStore.public_state, request.path_params["code"], token)
        return JSONResponse(found, headers={"Cache-Control": "no-store"})

    async def answer(request: Request) -> Response:
        data = await _body(request)
        prompt_id, choices, text = data.get("prompt_id"), data.get("choices"), data.get("text")
        if not isinstance(prompt_id, int) or isinstance(prompt_id, bool):
            raise _Refused(400, "prompt_id must be the open prompt's number")
        if choices is not None and not isinstance(choices, list):
            raise _Refused(400, "choices must be a list of options")
        saved = await run(
            RoomStore.answer,
            request.path_params["code"],
            request.headers.get(TOKEN_HEADER, ""),
            prompt_id,
            choices=choices,
            text=text,
        )
        return JSONResponse({"saved": True, "prompt_id": saved.prompt_id, "at": saved.answered_at})

    async def tap(request: Request) -> Response:
        await _body(request)
        at = await run(
            RoomStore.tap, request.path_params["code"], request.headers.get(TOKEN_HEADER, "")
        )
        return JSONResponse({"saved": True, "video_ms": at})

    async def events(request: Request) -> Response:
        code = request.path_params["code"]
        await run(RoomStore.room, code)  # unknown room: a clear 404, not an empty stream

        async def stream() -> Any:
            yield "retry: 2000\n\n"
            elapsed = 0.0
            async for payload in watcher.states(code, None, KEEPALIVE_S):
                if not payload:
                    elapsed += KEEPALIVE_S
                    yield ": keepalive\n\n"
                    if elapsed >= STREAM_S:
                        return
                    continue
                yield f"data: {payload}\n\n"
                if payload == "null" or json.loads(payload).get("ended"):
                    return

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    async def poll(request: Request) -> Response:
        """Long polling, for browsers or proxies without server-sent events."""
        code = request.path_params["code"]
        since_raw = request.query_params.get("since", "")
        since = int(since_raw) if since_raw.isdigit() else None
        await run(RoomStore.room, code)
        async for payload in watcher.states(code, since, LONG_POLL_S):
            if payload:
                return Response(payload, media_type="application/json")
            break
        return Response(status_code=204)

    async def qr(request: Request) -> Response:
        room = await run(RoomStore.room, request.path_params["code"])
        # no address chosen yet: the one this request came in by
        svg = qr_svg(room.join_base or str(request.base_url), room.code)
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})

    # --- presenter -------------------------------------------------------------------------

    def presenter(action: Callable[[dict[str, Any], str, str], Awaitable[Any]]) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            data: dict[str, Any] = {}
            if request.method == "POST":
                data = await _body(request)
            elif request.method == "GET":
                data = dict(request.query_params)
            elif request.method == "DELETE" and not same_site(request.headers):
                raise _Refused(403, "Refused: the request did not come from this site's page.")
            key = request.headers.get(KEY_HEADER, "")
            await run(RoomStore.check_key, request.path_params["code"], key)  # before all else
            result = await action(data, request.path_params["code"], key)
            if isinstance(result, Response):
                return result
            return JSONResponse(result, headers={"Cache-Control": "no-store"})

        return presenter_guard(endpoint) if presenter_guard else endpoint

    async def open_prompt(data: dict[str, Any], code: str, key: str) -> Any:
        prompt = RoomPrompt.of(
            str(data.get("key", "")),
            str(data.get("kind", "")),
            str(data.get("question", "")),
            [str(o) for o in data.get("options") or []],
        )
        return {"prompt_id": await run(RoomStore.open_prompt, code, key, prompt)}

    async def close_prompt(data: dict[str, Any], code: str, key: str) -> Any:
        await run(RoomStore.close_prompt, code, key)
        return {"closed": True}

    async def playback(data: dict[str, Any], code: str, key: str) -> Any:
        position = data.get("position_ms", 0)
        if not isinstance(position, int) or isinstance(position, bool):
            raise _Refused(400, "position_ms must be whole milliseconds")
        await run(RoomStore.set_playback, code, key, bool(data.get("playing")), position)
        return {"saved": True}

    async def stage(data: dict[str, Any], code: str, key: str) -> Any:
        await run(RoomStore.set_stage, code, key, str(data.get("display", "")))
        return {"saved": True}

    async def approve(data: dict[str, Any], code: str, key: str) -> Any:
        answer_id = data.get("answer_id")
        if not isinstance(answer_id, int) or isinstance(answer_id, bool):
            raise _Refused(400, "answer_id must be a number")
        await run(RoomStore.approve, code, key, answer_id, bool(data.get("approved", True)))
        return {"saved": True}

    async def end(data: dict[str, Any], code: str, key: str) -> Any:
        await run(RoomStore.end, code, key)
        return {"ended": True}

    async def remove(data: dict[str, Any], code: str, key: str) -> Any:
        await run(RoomStore.delete, code, key)
        return {"deleted": True}

    async def summary(data: dict[str, Any], code: str, key: str) -> Any:
        counts = await run(RoomStore.counts, code, key)
        tallies = await run(RoomStore.tallies, code, key)
        counts["prompts"] = [
            {"prompt_id": t.prompt_id, "question": t.prompt.question, "open": t.open,
             "answered": t.answered, "counts": t.counts,
             "texts": [{"id": i, "text": x, "approved": ok} for i, x, ok in t.texts]}
            for t in tallies
        ]  # fmt: skip
        return counts

    async def stage_view(data: dict[str, Any], code: str, key: str) -> Any:
        raw = str(data.get("duration_ms", ""))
        duration = int(raw) if raw.isdigit() and len(raw) < 10 else 0
        # the console's expert onsets: the room's taps are scored at each poll, live
        onsets = data.get("onsets")
        expert = parse_onsets(onsets, data.get("window", "")) if onsets is not None else None
        return await run(RoomStore.stage_view, code, key, duration, expert)

    async def export(data: dict[str, Any], code: str, key: str) -> Any:
        text = await run(RoomStore.export_csv, code, key)
        disposition = f'attachment; filename="room-{code.upper()}.csv"'
        return Response(text, media_type="text/csv", headers={"Content-Disposition": disposition})

    room = API + "/{code}"
    p = room + "/presenter"
    return [
        Route(JOIN_ROUTE, page, methods=["GET"]),
        Route(JOIN_ROUTE + "/{code}", page, methods=["GET"]),
        Mount(ASSETS, app=StaticFiles(directory=PAGE_DIR)),
        Route(room + "/join", _handled(join), methods=["POST"]),
        Route(room + "/state", _handled(state), methods=["GET"]),
        Route(room + "/events", _handled(events), methods=["GET"]),
        Route(room + "/poll", _handled(poll), methods=["GET"]),
        Route(room + "/answer", _handled(answer), methods=["POST"]),
        Route(room + "/tap", _handled(tap), methods=["POST"]),
        Route(room + "/qr.svg", _handled(qr), methods=["GET"]),
        Route(p + "/prompt", _handled(presenter(open_prompt)), methods=["POST"]),
        Route(p + "/close", _handled(presenter(close_prompt)), methods=["POST"]),
        Route(p + "/playback", _handled(presenter(playback)), methods=["POST"]),
        Route(p + "/stage", _handled(presenter(stage)), methods=["POST"]),
        Route(p + "/approve", _handled(presenter(approve)), methods=["POST"]),
        Route(p + "/end", _handled(presenter(end)), methods=["POST"]),
        Route(p, _handled(presenter(remove)), methods=["DELETE"]),
        Route(p + "/summary", _handled(presenter(summary)), methods=["GET"]),
        Route(p + "/stage", _handled(presenter(stage_view)), methods=["GET"]),
        Route(p + "/export.csv", _handled(presenter(export)), methods=["GET"]),
    ]
