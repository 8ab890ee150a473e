"""How a room's changes reach participants on any process: one watcher per room per process
polls the room's indexed version and wakes every page waiting on it (SSE or long poll).

The database stays the only truth: a watcher only caches the last version it read and the
public state for that version, so a prompt opened through one process reaches pages held
open by another within one polling interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread

POLL_S = 0.2  # one indexed read per room per process per interval, however many pages wait
KEEPALIVE_S = 15.0  # an SSE comment this often keeps proxies from closing an idle stream
STREAM_S = 600.0  # then the stream ends and EventSource reconnects (proxies, dead clients)


@dataclass
class _Watch:
    loop: asyncio.AbstractEventLoop
    version: int | None = None
    loaded: bool = False
    payload: str = ""
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0
    task: asyncio.Task[None] | None = None


class RoomWatcher:
    """Shares one poller per room among the pages waiting on it in this process."""

    def __init__(
        self,
        read_version: Callable[[str], int | None],
        read_state: Callable[[str], dict[str, Any]],
        poll_s: float = POLL_S,
    ) -> None:
        self._read_version, self._read_state, self._poll_s = read_version, read_state, poll_s
        self._watches: dict[str, _Watch] = {}

    async def _refresh(self, code: str, watch: _Watch) -> None:
        version = await to_thread.run_sync(self._read_version, code)
        if version != watch.version or not watch.loaded:
            payload = "null"
            if version is not None:
                payload = json.dumps(await to_thread.run_sync(self._read_state, code))
            watch.version, watch.payload, watch.loaded = version, payload, True
            woken, watch.changed = watch.changed, asyncio.Event()
            woken.set()

    async def _poll(self, code: str, watch: _Watch) -> None:
        try:
            while watch.waiting > 0:
                # a database hiccup: try again next tick
                with contextlib.suppress(Exception):
                    await self._refresh(code, watch)
                await asyncio.sleep(self._poll_s)
        finally:
            if self._watches.get(code) is watch:
                del self._watches[code]

    def _watch(self, code: str) -> _Watch:
        loop = asyncio.get_running_loop()
        watch = self._watches.get(code)
        if watch is None or watch.loop is not loop or watch.task is None or watch.task.done():
            watch = _Watch(loop)
            self._watches[code] = watch
            watch.task = loop.create_task(self._poll(code, watch))
        return watch

    async def states(self, code: str, since: int | None, timeout_s: float) -> AsyncIterator[str]:
        """The room's public state as JSON each time its version differs from the last one
        given (first as soon as it is read, if it differs from ``since``); "" after
        ``timeout_s`` without a change; "null" (and the end) when the room is gone."""
        watch = self._watch(code)
        watch.waiting += 1
        try:
            seen = since
            while True:
                if watch.loaded and watch.version != seen:
                    seen = watch.version
                    yield watch.payload
                    if watch.version is None:
                        return
                    continue
                try:
                    await asyncio.wait_for(watch.changed.wait(), timeout_s)
                except TimeoutError:
                    yield ""
        finally:
            watch.waiting -= 1
