"""Roles and access: the role tables, allow-lists and claims, the refuse-to-start rule, the
passphrase hash and its throttle, and sessions read from cookies signed the way Streamlit
itself signs them (its own signing functions make the cookies here)."""

from __future__ import annotations

import json

import pytest
from itsdangerous import URLSafeTimedSerializer

from alliance_lens.access import (
    ENV_OPEN,
    EVERYONE,
    MODE_ROLES,
    PAGE_ROLES,
    AccessSettings,
    Role,
    role_for_identity,
    startup_refusal,
    unsigned_access,
)
from alliance_lens.passphrase import (
    PassphraseError,
    check_new_passphrase,
    hash_passphrase,
    verify_passphrase,
)
from alliance_lens.sessions import (
    SESSION_COOKIE,
    Gate,
    issue_session,
    oidc_session_id,
    session_id,
)
from alliance_lens.signin_store import SigninStore
from alliance_lens.store import Store

SECRET = "s3cret-for-tests"
HOST = "app.example:8443"
FAST = 2**10  # scrypt cost for tests; the default is checked once below


def settings(**access) -> AccessSettings:
    auth = {"redirect_uri": f"https://{HOST}/oauth2callback", "cookie_secret": SECRET}
    return AccessSettings.from_secrets({"auth": auth, "access": access})


def streamlit_cookies(claims: dict, *, origin: str = f"https://{HOST}") -> dict[str, str]:
    """The cookies Streamlit's OIDC callback sets, made with its own functions."""
    from streamlit.auth_util import set_cookie_with_chunks
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    jar: dict[str, str] = {}

    def set_single(name: str, text: str) -> None:  # as Streamlit's _set_single_cookie signs
        jar[name] = create_signed_value(SECRET, name, text).decode()

    value = dict(claims, origin=origin, is_logged_in=True, provider="default")
    set_cookie_with_chunks(
        set_single,
        lambda name, text: create_signed_value(SECRET, name, text),
        "_streamlit_user",
        value,
        cookie_attr_size=60,
    )
    return jar


def gate(s: AccessSettings, address: str = "0.0.0.0") -> Gate:
    return Gate(s, SECRET, address, env={})


# --- roles -------------------------------------------------------------------------------------


def test_each_role_opens_exactly_its_pages_and_modes():
    def pages(role: Role) -> set[str]:
        return {p for p, needed in PAGE_ROLES.items() if role.allows(needed)}

    assert pages(Role.LEARNER) == {"watch", "library", "reflections", "about"}
    assert pages(Role.PRESENTER) == pages(Role.LEARNER)
    assert pages(Role.EDUCATOR) == pages(Role.LEARNER) | {"author"}
    modes = {r: {m for m, n in MODE_ROLES.items() if r.allows(n)} for r in Role}
    assert modes[Role.LEARNER] == {"learner", "practice"}
    assert modes[Role.PRESENTER] == {"learner", "practice", "presenter"}
    assert modes[Role.EDUCATOR] == set(MODE_ROLES)


def test_allow_lists_and_claims_give_the_highest_role():
    s = settings(
        learners=["@uni.example"],
        presenters=["pat@uni.example"],
        educators=["Ed@Uni.example"],
        role_claim="roles",
    )
    assert role_for_identity({"email": "sam@UNI.example"}, s) is Role.LEARNER
    assert role_for_identity({"email": "pat@uni.example"}, s) is Role.PRESENTER
    assert role_for_identity({"email": "ed@uni.example"}, s) is Role.EDUCATOR
    assert role_for_identity({"email": "eve@uni.example.evil"}, s) is None
    assert role_for_identity({"email": "x@other.example", "roles": ["presenter"]}, s) is (
        Role.PRESENTER
    )
    assert role_for_identity({"email": "x@o.example", "roles": "educator"}, s) is Role.EDUCATOR
    assert role_for_identity({"roles": ["admin", 3]}, s) is None
    # an address the provider says it has not verified is not believed
    assert role_for_identity({"email": "ed@uni.example", "email_verified": False}, s) is None


def test_refuses_to_start_beyond_this_computer_without_sign_in():
    none = AccessSettings.from_secrets({})
    for address in ("127.0.0.1", "localhost", "::1"):
        assert startup_refusal(address, none, env={}) is None
    message = startup_refusal("0.0.0.0", none, env={})
    assert message and ".streamlit/secrets.toml" in message and ENV_OPEN in message
    assert "every network interface" in (startup_refusal("", none, env={}) or "")
    assert startup_refusal("0.0.0.0", none, env={ENV_OPEN: "1"}) is None
    assert startup_refusal("0.0.0.0", settings(), env={}) is None
    pp = AccessSettings.from_secrets({"access": {"educator_passphrase_hash": "scrypt$..."}})
    assert startup_refusal("10.0.0.5", pp, env={}) is None


def test_without_a_session():
    none = AccessSettings.from_secrets({})
    assert unsigned_access("127.0.0.1", none, {}) == EVERYONE
    assert unsigned_access("0.0.0.0", none, {ENV_OPEN: "1"}).role is Role.EDUCATOR
    assert unsigned_access("0.0.0.0", settings(), {}).role is None
    workshop = AccessSettings.from_secrets({"access": {"presenter_passphrase_hash": "x"}})
    assert unsigned_access("0.0.0.0", workshop, {}).role is Role.LEARNER  # by name, as today
    closed = AccessSettings.from_secrets(
        {"access": {"presenter_passphrase_hash": "x", "learner_passphrase_hash": "y"}}
    )
    assert unsigned_access("0.0.0.0", closed, {}).role is None


# --- passphrases -------------------------------------------------------------------------------


def test_passphrase_hash_is_slow_salted_and_verifies():
    stored = hash_passphrase("several words said aloud")  # the default cost, once
    assert stored.split("$")[1] == str(2**15)
    assert verify_passphrase("several words said aloud", stored)
    assert not verify_passphrase("several words said aloud ", stored)
    assert hash_passphrase("same", cost=FAST) != hash_passphrase("same", cost=FAST)
    assert "several" not in stored
    for broken in ("", "scrypt$1$8$1$%%%$abc", "bcrypt$x", stored.replace("$8$", "$4$")):
        assert not verify_passphrase("several words said aloud", broken)


def test_short_passphrases_are_refused():
    with pytest.raises(PassphraseError, match="at least 10"):
        check_new_passphrase("short")
    check_new_passphrase("a long enough one")


# --- sessions ----------------------------------------------------------------------------------


def test_streamlit_identity_cookie_gives_the_role():
    s = settings(educators=["ed@uni.example"], learners=["@uni.example"])
    g = gate(s)
    cookies = streamlit_cookies({"email": "ed@uni.example", "sub": "42", "iss": "https://idp"})
    access = g.access(cookies, HOST)
    assert (access.role, access.via, access.who) == (Role.EDUCATOR, "oidc", "ed@uni.example")
    assert access.account == "https://idp|42"
    assert g.access(streamlit_cookies({"email": "sam@uni.example"}), HOST).role is Role.LEARNER
    unlisted = g.access(streamlit_cookies({"email": "x@else.example"}), HOST)
    assert unlisted.role is None and unlisted.via == "oidc"
    assert g.access({}, HOST).role is None


def test_a_large_identity_cookie_split_by_streamlit_is_read_whole():
    g = gate(settings(educators=["ed@uni.example"]))
    groups = [f"{i:05d}-{i * 7919 % 100003:x}" for i in range(800)]  # hardly compressible
    cookies = streamlit_cookies({"email": "ed@uni.example", "groups": groups})
    assert "_streamlit_user_2" in cookies
    assert g.access(cookies, HOST).role is Role.EDUCATOR
    del cookies["_streamlit_user_2"]
    assert g.access(cookies, HOST).role is None


def test_forged_foreign_or_old_identity_cookies_are_refused():
    s = settings(educators=["ed@uni.example"])
    g = gate(s)
    good = streamlit_cookies({"email": "ed@uni.example"})
    assert g.access(good, "other.example").role is None  # made for another site
    forged = dict(good)
    payload = json.dumps({"email": "ed@uni.example", "is_logged_in": True})
    forged["_streamlit_user"] = URLSafeTimedSerializer("guess", salt="_streamlit_user").dumps(
        payload
    )
    assert g.access(forged, HOST).role is None
    old = URLSafeTimedSerializer(SECRET, salt="_streamlit_user")
    old_value = old.dumps(
        json.dumps({"email": "ed@uni.example", "is_logged_in": True, "origin": f"https://{HOST}"})
    )
    expired = gate(settings(educators=["ed@uni.example"], session_hours=-1)).access(
        {"_streamlit_user": old_value}, HOST
    )
    assert expired.role is None and expired.expired


def test_an_identity_cookie_signed_out_stops_working_even_copied(tmp_path):
    s = settings(educators=["ed@uni.example"])
    signins = SigninStore(Store.open(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    g = Gate(s, SECRET, "0.0.0.0", env={}, signins=signins)
    groups = [f"{i:05d}-{i * 7919 % 100003:x}" for i in range(800)]  # split in pieces
    copied = streamlit_cookies({"email": "ed@uni.example", "groups": groups})
    assert "_streamlit_user_2" in copied
    sid = oidc_session_id(copied, SECRET, 3600)
    assert sid and sid.startswith("oidc:") and len(sid) <= 64  # the table's column
    assert g.unchecked_sids(copied) == [sid]  # async callers ask the database in a thread
    assert g.access(copied, HOST).role is Role.EDUCATOR
    signins.revoke(sid, signins.clock() + 3_600_000)
    assert g.access(copied, HOST).role is None
    # a piece of the cookie is part of its id; a new sign-in is a new session
    assert oidc_session_id({**copied, "_streamlit_user_2": "x"}, SECRET, 3600) != sid
    again = streamlit_cookies({"email": "ed@uni.example", "groups": groups[:-1]})
    assert g.access(again, HOST).role is Role.EDUCATOR
    forged = {"_streamlit_user": "not signed"}
    assert oidc_session_id(forged, SECRET, 3600) is None


def test_passphrase_sessions_expire_and_are_revoked_on_sign_out(tmp_path):
    s = AccessSettings.from_secrets({"access": {"presenter_passphrase_hash": "x"}})
    signins = SigninStore(Store.open(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    g = Gate(s, SECRET, "0.0.0.0", env={}, signins=signins)
    cookies = {SESSION_COOKIE: issue_session(SECRET, Role.PRESENTER, "Pat")}
    access = g.access(cookies, HOST)
    assert (access.role, access.via, access.who) == (Role.PRESENTER, "passphrase", "Pat")
    assert Gate(s, "another secret", "0.0.0.0", env={}).access(cookies, HOST).via == "visitor"
    old = AccessSettings.from_secrets(
        {"access": {"presenter_passphrase_hash": "x", "session_hours": -1}}
    )
    assert gate(old).access(cookies, HOST).expired
    sid = session_id(cookies, SECRET, 3600)
    assert sid
    fresh = {SESSION_COOKIE: issue_session(SECRET, Role.PRESENTER)}
    # not yet asked: async callers ask the database in a thread first
    assert g.unchecked_sids(fresh) == [session_id(fresh, SECRET, 3600)]
    assert g.access(fresh, HOST).role is Role.PRESENTER and g.unchecked_sids(fresh) == []
    signins.revoke(sid, signins.clock() + 3_600_000)
    assert g.access(cookies, HOST).role is Role.LEARNER  # back to a visitor
