"""Who is learning in this browser, and the store their reflections go to.

Identity without accounts: each browser gets a random token in a cookie (set by a tiny
component on first visit). Answers are kept under that token from the first one; a display name
is optional and, once chosen, labels every answer, earlier ones too. Anyone with the same
browser profile is the same learner; clearing cookies starts afresh.

Why the token also travels in a trigger: Streamlit reads cookies from the websocket's opening
request only (``st.context.cookies`` never changes within a session), so a cookie set by script
on the first visit is not visible to Python until the next page load. The component therefore
sends the token it set, and it is kept in ``st.session_state[TOKEN_KEY]`` for the session.
Tests use that same key to play a browser (AppTest cannot send cookies).

Hooks for the Watch page (safe to call from ``on_*_change`` callbacks; they never draw):
``save_answer``, ``save_position``, ``saved_answers``, ``saved_position``.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

import streamlit as st

from alliance_lens import datadir
from alliance_lens.access import account_learner_key
from alliance_lens.answers import decode as decode_choices
from alliance_lens.errors import DatabaseError, StoreError, StoreInputError
from alliance_lens.playerdata import answer_key
from alliance_lens.store import MAX_NAME_CHARS, Answer, Learner, Store, UnknownLearnerError
from alliance_lens.ui.access import current_access

COOKIE = "alliance_lens_learner"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime Chromium allows a cookie (400 days)
TOKEN_KEY = "alliance_lens_learner_token"  # session_state: this browser's token, once known
COOKIE_KEPT_KEY = "alliance_lens_cookie_kept"  # False when the browser refused the cookie
_COMPONENT_KEY = "alliance_lens_learner_cookie"
_TOKEN_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


# Said wherever answers are collected or shown: where they are kept and how to delete them.
WHERE_KEPT = (
    "Your answers are saved from the first one, in the reflections database of the computer "
    "running Alliance Lens, linked to this browser by a cookie; nothing is sent anywhere else. "
    "A name is optional: it labels all your answers, earlier ones too. To see, export or "
    "delete them, open the Reflections page and use **Delete my data** under *Your data*."
)


class StoreUnavailable(StoreError):
    """The reflections database cannot be opened or queried; ``message`` says which setting."""


# --- The store ----------------------------------------------------------------------------------


def _secrets() -> dict[str, Any]:
    """``st.secrets`` as a dict; empty when there is no secrets file (the usual local case)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError as exc:  # StreamlitSecretNotFoundError subclasses it
        if getattr(exc, "error_id", None) == "no-secrets-found":
            return {}
        raise StoreUnavailable(f"Cannot read .streamlit/secrets.toml: {exc}") from None


def db_setting(secrets: dict[str, Any] | None = None) -> str:
    """Where the database URL comes from, in words (never the URL: it may hold a password)."""
    if os.environ.get(datadir.ENV_DB_URL):
        return f"the environment variable {datadir.ENV_DB_URL}"
    if ((secrets or {}).get("connections") or {}).get(datadir.CONNECTION_NAME):
        return f"[connections.{datadir.CONNECTION_NAME}] in .streamlit/secrets.toml"
    return f"the data folder (environment variable {datadir.ENV_DATA})"


@st.cache_resource(show_spinner=False, max_entries=4)
def _open_store(url: str) -> Store:
    # One Store (one connection pool) per URL for the whole server; failures are not cached,
    # so a database that comes back is used on the next rerun.
    return Store.open(url)


def get_store() -> Store:
    """The store for this server. Raises ``StoreUnavailable`` with a message for the page."""
    secrets = _secrets()
    url = ""
    try:
        url = datadir.resolve_db_url(secrets=secrets)
        return _open_store(url)
    except (StoreError, OSError) as exc:
        raise unavailable(exc, secrets, url) from None


def unavailable(
    exc: BaseException, secrets: dict[str, Any] | None = None, url: str = ""
) -> StoreUnavailable:
    """A ``StoreUnavailable`` naming the setting to check, with the cause minus any password."""
    if isinstance(exc, StoreUnavailable):
        return exc
    reason = exc.message if isinstance(exc, StoreError) else str(exc)
    reason = reason.strip().splitlines()[0] if reason.strip() else type(exc).__name__
    reason = datadir.without_password(reason, url)
    return StoreUnavailable(
        f"The reflections database cannot be used. Check {db_setting(secrets)}. ({reason})"
    )


# --- This browser's learner ---------------------------------------------------------------------


@functools.cache
def _cookie_component() -> Any:
    # js/learner_cookie.js, served from the asset_dir in pyproject.toml; registered on first
    # mount because a file-backed module needs the running runtime's asset_dir.
    return st.components.v2.component(
        "alliance-lens.learner_cookie", html="", js="learner_cookie.js"
    )


def _on_token() -> None:
    state = st.session_state.get(_COMPONENT_KEY)
    payload = state.get("token") if isinstance(state, dict) else getattr(state, "token", None)
    if isinstance(payload, dict) and _valid(payload.get("token")):
        st.session_state[TOKEN_KEY] = payload["token"]
        st.session_state[COOKIE_KEPT_KEY] = bool(payload.get("kept"))


def _valid(token: object) -> bool:
    return isinstance(token, str) and bool(_TOKEN_RE.match(token))


def browser_token(*, ensure_cookie: bool = True) -> str | None:
    """The learner's key in the store: a signed-in account's own, else this browser's token
    (from its cookie, else from this session once the component has sent it). With
    ``ensure_cookie``, mounts the (invisible) cookie component while unknown."""
    account = current_access().account
    if account:  # reflections belong to the account, whichever browser it signs in from
        return account_learner_key(account)
    return cookie_token(ensure_cookie=ensure_cookie)


def cookie_token(*, ensure_cookie: bool = True) -> str | None:
    """This browser's own token, signed in or not (to link its earlier answers to an account)."""
    token = st.context.cookies.get(COOKIE)
    if _valid(token):
        return token
    token = st.session_state.get(TOKEN_KEY)
    if _valid(token):
        return token
    if ensure_cookie:
        data = {"cookie": COOKIE, "max_age": COOKIE_MAX_AGE}
        _cookie_component()(key=_COMPONENT_KEY, data=data, height=0, on_token_change=_on_token)
    return None


def current_learner(*, ensure_cookie: bool = True) -> Learner | None:
    """The learner of this browser (perhaps without a name yet), or None before the first
    answer or name, or while the token is not known yet.

    Raises ``StoreUnavailable``. In callbacks pass ``ensure_cookie=False`` (they must not draw).
    """
    token = browser_token(ensure_cookie=ensure_cookie)
    if token is None:
        return None
    try:
        return get_store().find_learner(token)
    except DatabaseError as exc:
        raise unavailable(exc) from None


def name_form(container: Any = st) -> Learner | None:
    """A form to give this browser's learner a name; returns the learner once named.

    Call ``current_learner()`` first in the run: it mounts the cookie component (once: a
    second mount in one run would be a duplicate key). Shows a note while the browser's
    token is not known yet (the first moment of a visit).
    """
    token = browser_token(ensure_cookie=False)
    if token is None:
        container.caption("Getting this browser ready…")
        return None
    with container.form("alliance_lens_name_form", border=True):
        st.markdown(
            "**Add a name or pseudonym** (optional): it labels all your answers, earlier ones too."
        )
        name = st.text_input(
            "Name or pseudonym",
            max_chars=MAX_NAME_CHARS,
            placeholder="e.g. Sam, or Trainee 7",
            help="Stored only on this machine, with your answers. You can delete both later.",
        )
        submitted = st.form_submit_button("Save name", type="primary")
    if not submitted:
        return None
    name = name.strip()
    if not name:
        container.warning("Please write a name or pseudonym first.")
        return None
    try:
        learner = get_store().get_or_create_learner(token, name)
    except StoreInputError as exc:
        container.warning(exc.message)
        return None
    except DatabaseError as exc:
        raise unavailable(exc) from None
    _warn_if_cookie_refused(container)
    return learner


def _warn_if_cookie_refused(container: Any = st) -> None:
    if not st.session_state.get(COOKIE_KEPT_KEY, True):
        container.info(
            "This browser did not keep our cookie, so your reflections stay linked to this tab "
            "only: export them before you close it."
        )


# --- Hooks for the Watch page -------------------------------------------------------------------


def save_answer(
    video_id: str,
    track_id: str,
    prompt_id: str,
    *,
    text: str | None = None,
    choice: str | None = None,
) -> str | None:
    """Save an answer as a new attempt for this browser's learner, who is created (without a
    name) on the first answer, so nothing depends on noticing the name form.

    Returns None when saved, otherwise why not, in words for the learner (browser not ready,
    input refused by the store, database unavailable). Never raises for those.
    """
    token = browser_token(ensure_cookie=False)
    if token is None:  # the cookie component has not reported yet: the first moment of a visit
        return "Not saved: this page was still getting ready. Please answer again."
    try:
        store = get_store()
        learner = store.learner_for_token(token)
        try:
            store.save_answer(learner.id, video_id, track_id, prompt_id, text=text, choice=choice)
        except UnknownLearnerError:  # deleted in another tab a moment ago: start afresh
            learner = store.learner_for_token(token)
            store.save_answer(learner.id, video_id, track_id, prompt_id, text=text, choice=choice)
    except StoreInputError as exc:
        return f"Not saved: {exc.message}."
    except StoreError as exc:
        return unavailable(exc).message
    return None


def save_position(video_id: str, at_ms: int) -> str | None:
    """Remember where this browser's learner is in the video; None when saved (or no learner)."""
    try:
        learner = current_learner(ensure_cookie=False)
        if learner is not None:
            get_store().save_position(learner.id, video_id, at_ms)
    except UnknownLearnerError:
        return None
    except StoreInputError as exc:
        return exc.message
    except StoreError as exc:
        return unavailable(exc).message
    return None


def saved_answers(video_id: str) -> dict[str, dict[str, Any]]:
    """The learner's latest attempt at each prompt of the video, shaped as the player's
    ``answers`` (``{"track/prompt": {"text"|"choice"|"choices": ...}}``); empty without one."""
    try:
        learner = current_learner(ensure_cookie=False)
        latest = get_store().latest_answers(learner.id, video_id) if learner else {}
    except StoreError:
        return {}  # the page shows the database problem once, from current_learner()
    return {answer_key(track, prompt): _player_answer(a) for (track, prompt), a in latest.items()}


def _player_answer(answer: Answer) -> dict[str, Any]:
    several = decode_choices(answer.choice)
    if several is not None:  # a multi or marker prompt's options, as the player sent them
        return {"choices": list(several), **({"text": answer.text} if answer.text else {})}
    return {k: v for k, v in (("text", answer.text), ("choice", answer.choice)) if v is not None}


def saved_position(video_id: str) -> int | None:
    """Where the learner last stopped in the video (ms), or None."""
    try:
        learner = current_learner(ensure_cookie=False)
        return get_store().get_position(learner.id, video_id) if learner else None
    except StoreError:
        return None


# --- Hooks for practice mode (issue 12) ---------------------------------------------------------


def save_practice_attempt(
    video_id: str,
    track_id: str,
    marks: list[Any],
    *,
    cohort: str = "",
    phase: Any = None,
) -> tuple[Any, str | None]:
    """Store a practice attempt for this browser's learner (created, unnamed, if new).

    Returns ``(attempt, None)`` when saved, else ``(None, why not)`` in words; never raises for
    a browser not ready, input the store refuses, or a database that cannot be reached.
    """
    from alliance_lens.attempts import save_attempt

    token = browser_token(ensure_cookie=False)
    if token is None:
        return None, "Not saved: this page was still getting ready. Please try again."
    try:
        store = get_store()
        learner = store.learner_for_token(token)
        try:
            attempt = save_attempt(
                store, learner.id, video_id, track_id, marks, cohort=cohort, phase=phase
            )
        except UnknownLearnerError:  # deleted in another tab a moment ago: start afresh
            learner = store.learner_for_token(token)
            attempt = save_attempt(
                store, learner.id, video_id, track_id, marks, cohort=cohort, phase=phase
            )
    except StoreInputError as exc:
        return None, f"Not saved: {exc.message}."
    except StoreError as exc:  # driver errors come out as DatabaseError, a StoreError
        return None, unavailable(exc).message
    return attempt, None


# --- Signed in: earlier anonymous answers from this browser -------------------------------------


def offer_link(container: Any = st) -> None:
    """Signed in with an account: offer (never do unasked) to move this browser's earlier
    anonymous answers, practice attempts and positions to the account."""
    from alliance_lens.attempts import attempts_of_learner
    from alliance_lens.learner_link import link_learner

    done = st.session_state.pop(_LINKED_KEY, None)
    if done:
        container.success(done, icon=":material/link:")
    account = current_access().account
    token = cookie_token(ensure_cookie=False)
    if not account or token is None:
        return
    try:
        store = get_store()
        browser = store.find_learner(token)
        if browser is None:
            return
        answers = len(store.answers_for_learner(browser.id))
        practice = len(attempts_of_learner(store, browser.id))
        if not answers and not practice:
            return
        box = container.container(border=True)
        box.markdown(
            f"This browser holds **{answers}** answer(s) and **{practice}** practice attempt(s) "
            "given before you signed in. Link them to your account? They then appear in your "
            "journal wherever you sign in, and educators see them under your account."
        )
        if box.button("Link them to my account", key="alliance_lens_link_browser"):
            mine = store.learner_for_token(account_learner_key(account))
            moved = link_learner(store, browser.id, mine.id)
            st.session_state[_LINKED_KEY] = f"{moved} earlier answer(s) are now in your account."
            st.rerun()
    except StoreError as exc:
        raise unavailable(exc) from None


_LINKED_KEY = "alliance_lens_linked_message"
