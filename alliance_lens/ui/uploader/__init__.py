"""The video upload widget: a components-v2 drop zone that streams a file to the upload route.

The browser sends the file itself to ``alliance_lens.upload_route`` (one PUT, written to disk
as it arrives), with a progress bar and a cancel button; Python hears back once, through the
``done`` trigger, and only believes a name the route signed (its ``receipt``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import streamlit as st

from alliance_lens.library import VIDEO_SUFFIXES
from alliance_lens.upload_route import TOKENS, UPLOAD_ROUTE, UploadTokens


@functools.cache
def _component() -> Any:
    # uploader.js and uploader.css, served from the asset_dir in pyproject.toml; registered on
    # first mount because a file-backed module needs the running runtime's asset_dir.
    return st.components.v2.component(
        "alliance-lens.uploader",
        html="",  # the module builds its DOM once and keeps it across reruns
        css="uploader.css",
        js="uploader.js",
        isolate_styles=True,
    )


def upload_limit_bytes() -> int:
    """The upload limit: Streamlit's ``server.maxUploadSize`` (MB), as the route uses it."""
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


def _session_token(key: str, tokens: UploadTokens) -> str:
    """One token per page session and widget, renewed when it has expired."""
    name = f"{key}__upload_token"
    token = st.session_state.get(name)
    if not isinstance(token, str) or not tokens.valid(token):
        token = st.session_state[name] = tokens.issue()
    return token


def upload_widget(
    key: str,
    *,
    label: str = "Choose a video, or drop it here",
    max_bytes: int | None = None,
    on_done: Callable[[], None] | None = None,
    tokens: UploadTokens = TOKENS,
) -> str | None:
    """Mount the upload widget; returns the saved file name (in ``media/``) on the rerun
    that follows a finished upload, else None.

    ``on_done`` runs before the script on that rerun (read the name there with
    ``saved_name(key)``); use it when something above the widget must react.
    """
    data = {
        "url": UPLOAD_ROUTE,
        "token": _session_token(key, tokens),
        "max_bytes": max_bytes if max_bytes is not None else upload_limit_bytes(),
        "accept": sorted(VIDEO_SUFFIXES),
        "label": label,
    }
    _component()(key=key, data=data, on_done_change=on_done or _ignore)
    return saved_name(key, tokens)


def saved_name(key: str, tokens: UploadTokens = TOKENS) -> str | None:
    """The name the route saved, from this rerun's ``done`` trigger; None if absent or forged."""
    done = _trigger(key, "done")
    if not isinstance(done, dict):
        return None
    name, receipt = done.get("name"), done.get("receipt")
    if isinstance(name, str) and isinstance(receipt, str) and tokens.saved(name, receipt):
        return name
    return None


def _trigger(key: str, name: str) -> Any:
    state = st.session_state.get(key)
    if state is None:
        return None
    try:
        return state[name]
    except (KeyError, TypeError):
        return getattr(state, name, None)


def _ignore() -> None:
    """Without an ``on_done_change`` callback the trigger would not reach Python at all."""
