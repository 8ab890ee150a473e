"""The one place pages ask who is here and what they may do (roles from ``access.py``, read
from the same cookies the app's routes check), and the sign-in page and sign-out control.

Pages never decide roles themselves: ``ui/navigation.py`` shows and runs only the pages of the
visitor's role, and parts of pages ask ``current_access().mode(...)`` or ``.feature(...)``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from alliance_lens.access import Access, AccessSettings
from alliance_lens.access_routes import SIGNIN_ROUTE, SIGNOUT_ROUTE
from alliance_lens.datadir import resolve_db_url
from alliance_lens.errors import StoreError
from alliance_lens.sessions import Gate
from alliance_lens.signin_store import shared_signins


def _secrets() -> dict[str, Any]:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets file: the usual local case
        return {}


def cookie_secret() -> str:
    # the secret Streamlit signs its identity cookie with ([auth] cookie_secret, else
    # server.cookieSecret); reading it from Streamlit keeps one secret for both sessions
    from streamlit.web.server.server_util import get_cookie_secret

    return get_cookie_secret()


def build_gate() -> Gate:
    """This server's gate: settings from secrets.toml, its cookie secret and address, and the
    sign-in store in the app's database (sign-outs seen by every process)."""
    secrets = _secrets()
    settings = AccessSettings.from_secrets(secrets)
    try:
        url = resolve_db_url(secrets=secrets)
    except StoreError:  # the pages say what is wrong; meanwhile sessions are refused, not let in
        url = ""
    signins = shared_signins(url)
    address = str(st.get_option("server.address") or "")
    return Gate(settings, cookie_secret(), address, signins=signins)


def current_access() -> Access:
    """What the person using this page session may do (read once per session: cookies do not
    change within one, and sign-in and sign-out are page loads)."""
    gate = build_gate()
    return gate.access(st.context.cookies, st.context.headers.get("Host", "") or "")


def _go_to(url: str) -> None:
    # Streamlit's own st.login/st.logout send the browser to a URL this way (window.location);
    # the passphrase and sign-out routes are the app's own, so pages reach them the same way.
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        msg = ForwardMsg()
        msg.auth_redirect.url = url
        ctx.enqueue(msg)


def _login() -> None:
    provider = AccessSettings.from_secrets(_secrets()).oidc_provider
    st.login(provider or None)


def sign_in_page() -> None:
    """Shown instead of every page to someone whose session gives no role."""
    access = current_access()
    settings = build_gate().settings
    st.title("Sign in to Alliance Lens")
    if access.expired:
        st.info("Your session has ended. Please sign in again.")
    if access.via == "oidc" and access.role is None:
        st.warning(
            "You are signed in, but this account has no role in Alliance Lens. Ask the course "
            "organiser to add your e-mail address, or sign out and use another account."
        )
        st.text(f"Signed in as: {access.who}")
        st.button("Sign out", key="al_signout_norole", on_click=_go_to, args=(SIGNOUT_ROUTE,))
        return
    if settings.oidc:
        st.button("Sign in with your organisation", type="primary", on_click=_login)
    if settings.passphrases:
        st.button(
            "Sign in with the workshop passphrase",
            type="secondary" if settings.oidc else "primary",
            on_click=_go_to,
            args=(SIGNIN_ROUTE,),
        )


def sidebar_identity(access: Access) -> None:
    """Who is signed in, and the sign-out button (nothing locally, without sign-in); in a
    passphrase workshop, the way in for presenters and educators."""
    if access.via == "visitor":
        st.sidebar.button(
            "Presenter or educator sign-in", key="al_signin", on_click=_go_to, args=(SIGNIN_ROUTE,)
        )
    if not access.signed_in:
        return
    with st.sidebar:
        st.caption(f"Signed in: {access.role.name.lower() if access.role else 'no role'}")
        if access.who:
            st.text(access.who)
        st.button("Sign out", key="al_signout", on_click=_go_to, args=(SIGNOUT_ROUTE,))
