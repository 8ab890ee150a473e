"""Sessions from cookies: Streamlit's signed OIDC identity cookie and the app's own passphrase
session cookie, read the same way by the app's routes and by its pages.

Streamlit's ``st.login`` stores the identity provider's claims in ``_streamlit_user`` (perhaps
split into ``_streamlit_user_1``..., the first holding ``chunks-N``), signed with itsdangerous
(``URLSafeTimedSerializer``, salt = the cookie's name) by the cookie secret (``[auth]
cookie_secret``). The signature carries its time, so sessions expire here after
``[access] session_hours`` whatever the cookie's own 30-day lifetime.

A session signed out (passphrase or identity provider) is refused on every app process: its
id is kept in the database (``signin_store.py``) until it would have expired anyway.

No Streamlit import: the callers pass the cookies, the secret and the settings.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from alliance_lens.access import Access, AccessSettings, Role, role_for_identity, unsigned_access
from alliance_lens.signin_store import SigninStore

STREAMLIT_USER_COOKIE = "_streamlit_user"  # streamlit.web.server.starlette config
SESSION_COOKIE = "alliance_lens_session"
_CHUNKS = re.compile(r"^chunks-(\d+)$")
_MAX_CHUNKS = 32


def _serializer(secret: str, name: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=name)


def _load(secret: str, name: str, value: str | None, max_age_s: int) -> tuple[Any, bool]:
    """(payload, expired): the payload is None when absent, forged or expired."""
    if not value or not secret:
        return None, False
    try:
        return _serializer(secret, name).loads(value.strip("\"'"), max_age=max_age_s), False
    except SignatureExpired:
        return None, True
    except (BadSignature, UnicodeError, ValueError):
        return None, False


def _load_chunked(
    cookies: Mapping[str, str], secret: str, name: str, max_age_s: int
) -> tuple[Any, bool]:
    """As ``_load``, for a cookie Streamlit may have split: the main cookie then holds the
    signed text ``chunks-N`` and ``name_1``..``name_N`` each a signed piece of the value."""
    first, expired = _load(secret, name, cookies.get(name), max_age_s)
    match = _CHUNKS.match(first) if isinstance(first, str) else None
    if match is None:
        return first, expired
    count = int(match.group(1))
    if count > _MAX_CHUNKS:
        return None, False
    pieces = []
    for i in range(count):
        piece, expired = _load(secret, f"{name}_{i + 1}", cookies.get(f"{name}_{i + 1}"), max_age_s)
        if not isinstance(piece, str):
            return None, expired
        pieces.append(piece)
    return "".join(pieces), False


def oidc_claims(
    cookies: Mapping[str, str], secret: str, max_age_s: int, host: str = ""
) -> tuple[dict[str, Any] | None, bool]:
    """The identity provider's claims from Streamlit's cookie, and whether it had expired.

    As Streamlit does for its websocket, the cookie must have been made for this site: its
    ``origin`` (from ``redirect_uri``) must name ``host`` (the request's Host header)."""
    raw, expired = _load_chunked(cookies, secret, STREAMLIT_USER_COOKIE, max_age_s)
    if not isinstance(raw, str):
        return None, expired
    try:
        claims = json.loads(raw)
    except ValueError:
        return None, False
    if not isinstance(claims, dict) or not claims.get("is_logged_in"):
        return None, False
    origin = str(claims.get("origin") or "")
    if host and urlsplit(origin).netloc.lower() != host.lower():
        return None, False
    return claims, False


def oidc_session_id(cookies: Mapping[str, str], secret: str, max_age_s: int) -> str | None:
    """An id for the OIDC session in these cookies, so its sign-out is recorded like a passphrase
    session's: a digest of Streamlit's signed cookie (each sign-in signs anew, so each gets its
    own), over every piece in use. None when there is no validly signed cookie."""
    first, _ = _load(secret, STREAMLIT_USER_COOKIE, cookies.get(STREAMLIT_USER_COOKIE), max_age_s)
    if first is None:
        return None
    match = _CHUNKS.match(first) if isinstance(first, str) else None
    count = min(int(match.group(1)), _MAX_CHUNKS) if match else 0
    names = [STREAMLIT_USER_COOKIE] + [f"{STREAMLIT_USER_COOKIE}_{i + 1}" for i in range(count)]
    signed = "\n".join(cookies.get(name, "").strip("\"'") for name in names)
    digest = hashlib.sha256(signed.encode("utf-8")).digest()
    return "oidc:" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")  # 48 chars


def issue_session(secret: str, role: Role, who: str = "") -> str:
    """A signed passphrase session (role, name, a random id for sign-out) for the cookie."""
    payload = {"role": role.name.lower(), "who": who, "sid": secrets.token_urlsafe(16)}
    return _serializer(secret, SESSION_COOKIE).dumps(payload)


def passphrase_session(
    cookies: Mapping[str, str],
    secret: str,
    max_age_s: int,
    signins: SigninStore | None = None,
) -> tuple[dict[str, Any] | None, bool]:
    """The passphrase session's payload (None when absent, forged, expired or signed out in
    ``signins``), and whether it had expired."""
    payload, expired = _load(secret, SESSION_COOKIE, cookies.get(SESSION_COOKIE), max_age_s)
    if not isinstance(payload, dict):
        return None, expired
    if signins is not None and signins.is_revoked(str(payload.get("sid"))):
        return None, False
    return payload, False


def session_id(cookies: Mapping[str, str], secret: str, max_age_s: int) -> str | None:
    """The id of a validly signed passphrase session (signed out or not)."""
    payload, _ = passphrase_session(cookies, secret, max_age_s)
    return str(payload["sid"]) if payload else None


def access_from_cookies(
    cookies: Mapping[str, str],
    *,
    settings: AccessSettings,
    secret: str,
    unsigned: Access,
    host: str = "",
    signins: SigninStore | None = None,
) -> Access:
    """What the holder of these cookies may do: the best of an OIDC and a passphrase session,
    else ``unsigned`` (what someone without a session may do), marked expired if one was."""
    max_age = settings.session_seconds
    best: Access | None = None
    if settings.oidc:
        claims, expired_oidc = oidc_claims(cookies, secret, max_age, host)
        if claims is not None and signins is not None:
            oidc_sid = oidc_session_id(cookies, secret, max_age)
            if oidc_sid is None or signins.is_revoked(oidc_sid):  # signed out (a copied cookie)
                claims = None
        if claims is not None:
            account = f"{claims.get('iss') or claims.get('provider') or ''}|{claims.get('sub')}"
            who = str(claims.get("email") or claims.get("name") or claims.get("sub") or "")
            best = Access(role_for_identity(claims, settings), "oidc", who, account)
    else:
        expired_oidc = False
    if settings.passphrases:
        payload, expired_pass = passphrase_session(cookies, secret, max_age, signins)
        role = Role.named(payload.get("role")) if payload else None
        if payload and role is not None and (best is None or not best.allows(role)):
            best = Access(role, "passphrase", str(payload.get("who") or ""))
    else:
        expired_pass = False
    if best is not None:
        return best
    expired = expired_oidc or expired_pass
    return Access(unsigned.role, unsigned.via, expired=expired) if expired else unsigned


class Gate:
    """Everything needed to answer "what may this request do?", built once per process from the
    settings, the cookie secret, the address the server listens on and the sign-in store
    (sign-outs shared by every process; without one, none is checked)."""

    def __init__(
        self,
        settings: AccessSettings,
        secret: str,
        address: str,
        env: Mapping[str, str] | None = None,
        signins: SigninStore | None = None,
    ) -> None:
        self.settings, self.secret, self.address = settings, secret, address
        self.signins = signins
        self.unsigned = unsigned_access(address, settings, os.environ if env is None else env)

    def unchecked_sids(self, cookies: Mapping[str, str]) -> list[str]:
        """The session ids (passphrase, OIDC) whose sign-out only the database can tell (not
        answered from this process's memory): async callers look them up in a thread first."""
        if self.signins is None or not self.settings.sign_in_configured:
            return []
        seconds = self.settings.session_seconds
        sids: list[str | None] = []
        if self.settings.passphrases:
            payload, _ = _load(self.secret, SESSION_COOKIE, cookies.get(SESSION_COOKIE), seconds)
            sids.append(str(payload.get("sid")) if isinstance(payload, dict) else None)
        if self.settings.oidc:
            sids.append(oidc_session_id(cookies, self.secret, seconds))
        return [sid for sid in sids if sid and not self.signins.known(sid)]

    def access(self, cookies: Mapping[str, str], host: str = "") -> Access:
        if not self.settings.sign_in_configured:
            return self.unsigned  # nothing to read: local, or the operator's open override
        return access_from_cookies(
            cookies,
            settings=self.settings,
            secret=self.secret,
            unsigned=self.unsigned,
            host=host,
            signins=self.signins,
        )
