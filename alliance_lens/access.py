"""Who may do what: the roles, what each page, Watch mode, feature and route needs, and the rules
that turn a signed-in identity (e-mail, the identity provider's claims) into a role.

Pure Python: the app passes in ``st.secrets`` (or any mapping) and the environment.

>>> Role.EDUCATOR.allows(Role.PRESENTER), Role.LEARNER.allows(Role.PRESENTER)
(True, False)
>>> settings = AccessSettings.from_secrets({"access": {"educators": ["ed@uni.example"],
...     "learners": ["@uni.example"]}})
>>> [role_for_identity({"email": e}, settings) for e in ("ed@uni.example", "sam@uni.example",
...     "x@y.example")]
[<Role.EDUCATOR: 3>, <Role.LEARNER: 1>, None]
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from alliance_lens.client_address import TrustedProxies

# The operator's explicit choice to serve a non-local address without sign-in (e.g. behind an
# authenticating proxy): everyone who reaches the app has every role, as on one's own computer.
ENV_OPEN = "ALLIANCE_LENS_OPEN_ACCESS"
SECTION = "access"  # [access] in .streamlit/secrets.toml
DEFAULT_SESSION_HOURS = 12.0


class Role(enum.IntEnum):
    """Roles are ordered: each includes everything the one below may do."""

    LEARNER = 1
    PRESENTER = 2
    EDUCATOR = 3

    def allows(self, needed: Role) -> bool:
        return self >= needed

    @classmethod
    def named(cls, name: object) -> Role | None:
        """``"educator"`` -> Role.EDUCATOR; anything else -> None."""
        return cls.__members__.get(name.strip().upper()) if isinstance(name, str) else None


# Pages by their url path (views/<name>.py); a page not listed is refused to everyone.
PAGE_ROLES: dict[str, Role] = {
    "watch": Role.LEARNER,
    "library": Role.LEARNER,
    "reflections": Role.LEARNER,
    "about": Role.LEARNER,
    "author": Role.EDUCATOR,
}
MODE_ROLES: dict[str, Role] = {
    "learner": Role.LEARNER,
    "practice": Role.LEARNER,
    "presenter": Role.PRESENTER,
    "review": Role.EDUCATOR,
}
# Parts of pages: the Library's problems, the Reflections page's educator and cohort views.
FEATURE_ROLES: dict[str, Role] = {
    "library_problems": Role.EDUCATOR,
    "educator_view": Role.EDUCATOR,
    "cohort_view": Role.EDUCATOR,
    "rooms": Role.PRESENTER,
}


@dataclass(frozen=True)
class AccessSettings:
    """``[access]`` in ``.streamlit/secrets.toml``; every field optional.

    Allow-lists hold e-mail addresses (``"ana@uni.example"``) or whole domains
    (``"@uni.example"``); ``role_claim`` names a claim of the identity provider holding role
    names (a string or a list). Passphrase hashes come from ``alliance-lens passphrase``.
    """

    learners: tuple[str, ...] = ()
    presenters: tuple[str, ...] = ()
    educators: tuple[str, ...] = ()
    role_claim: str = ""
    session_hours: float = DEFAULT_SESSION_HOURS
    passphrases: Mapping[Role, str] = field(default_factory=dict)  # role -> scrypt hash
    oidc: bool = False  # [auth] with a redirect_uri: Streamlit's st.login is configured
    oidc_provider: str = ""  # the [auth.<name>] section st.login uses; "" for [auth] itself
    # proxies whose X-Forwarded-For / -Proto are believed (client_address.py); none by default
    trusted_proxies: TrustedProxies = field(default_factory=TrustedProxies)
    problems: tuple[str, ...] = ()  # settings that cannot be used: the app refuses to start

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, Any] | None) -> AccessSettings:
        secrets = secrets or {}
        section = secrets.get(SECTION) or {}
        auth = secrets.get("auth") or {}
        hashes = {
            role: str(section[f"{role.name.lower()}_passphrase_hash"])
            for role in Role
            if section.get(f"{role.name.lower()}_passphrase_hash")
        }
        proxies, problems = TrustedProxies.parse(_entries(section.get("trusted_proxies")))
        return cls(
            learners=_entries(section.get("learners")),
            presenters=_entries(section.get("presenters")),
            educators=_entries(section.get("educators")),
            role_claim=str(section.get("role_claim") or ""),
            session_hours=float(section.get("session_hours") or DEFAULT_SESSION_HOURS),
            passphrases=hashes,
            oidc=bool(auth.get("redirect_uri")),
            oidc_provider=str(section.get("oidc_provider") or _only_provider(auth)),
            trusted_proxies=proxies,
            problems=tuple(problems),
        )

    @property
    def sign_in_configured(self) -> bool:
        return self.oidc or bool(self.passphrases)

    @property
    def session_seconds(self) -> int:
        return int(self.session_hours * 3600)

    @property
    def open_learners(self) -> bool:
        """A workshop without an identity provider: anyone who reaches the app is a learner
        (by name or pseudonym, as on one's own computer) unless a learner passphrase is set."""
        return not self.oidc and bool(self.passphrases) and Role.LEARNER not in self.passphrases


def _only_provider(auth: Mapping[str, Any]) -> str:
    names = [name for name, value in auth.items() if isinstance(value, Mapping)]
    return names[0] if len(names) == 1 and not auth.get("client_id") else ""


def _entries(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        return ()
    return tuple(str(v).strip().lower() for v in value if str(v).strip())


def _listed(email: str, entries: Iterable[str]) -> bool:
    email = email.lower()
    domain = "@" + email.rpartition("@")[2]
    return any(entry in (email, domain) for entry in entries)


def role_for_identity(claims: Mapping[str, Any], settings: AccessSettings) -> Role | None:
    """The highest role the identity provider's claims give: from the ``role_claim`` claim, or
    the allow-lists by e-mail (only a verified one, when the provider says). None: no access."""
    found: list[Role] = []
    if settings.role_claim:
        raw = claims.get(settings.role_claim)
        for name in [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []:
            role = Role.named(name)
            if role is not None:
                found.append(role)
    email = claims.get("email")
    if isinstance(email, str) and "@" in email and claims.get("email_verified") is not False:
        for role, entries in (
            (Role.EDUCATOR, settings.educators),
            (Role.PRESENTER, settings.presenters),
            (Role.LEARNER, settings.learners),
        ):
            if _listed(email, entries):
                found.append(role)
    return max(found) if found else None


@dataclass(frozen=True)
class Access:
    """What this request or page session may do: its role (None: nothing), and who it is."""

    role: Role | None
    via: str  # "local", "open" (override), "oidc", "passphrase", "visitor" or "none"
    who: str = ""  # e-mail or name for people, never shown unescaped
    account: str = ""  # a stable account id (OIDC issuer + subject), "" without an account
    expired: bool = False  # a session existed but is too old: sign in again

    def allows(self, needed: Role | None) -> bool:
        """``needed`` None means open to everyone (e.g. a room's participant route)."""
        return needed is None or (self.role is not None and self.role.allows(needed))

    def page(self, name: str) -> bool:
        return name in PAGE_ROLES and self.allows(PAGE_ROLES[name])

    def mode(self, name: str) -> bool:
        return name in MODE_ROLES and self.allows(MODE_ROLES[name])

    def feature(self, name: str) -> bool:
        return self.allows(FEATURE_ROLES[name])

    @property
    def signed_in(self) -> bool:
        return self.via in ("oidc", "passphrase")


def account_learner_key(account: str) -> str:
    """The store's learner key for a signed-in account: never a browser token's shape (those
    are UUIDs from a cookie), so no cookie can claim an account's reflections.

    >>> account_learner_key("https://idp|42")[:12], len(account_learner_key("x"))
    ('account:a163', 72)
    """
    return "account:" + hashlib.sha256(account.encode("utf-8")).hexdigest()


EVERYONE = Access(Role.EDUCATOR, "local")  # one person on their own computer: every role
NOBODY = Access(None, "none")


# --- Start-up: refuse to serve others without sign-in ------------------------------------------


def is_local_address(address: str) -> bool:
    """True for loopback only; "" (Streamlit's default) listens on every interface.

    >>> [is_local_address(a) for a in ("127.0.0.1", "localhost", "::1", "", "0.0.0.0")]
    [True, True, True, False, False]
    """
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def open_override(env: Mapping[str, str] = os.environ) -> bool:
    return env.get(ENV_OPEN, "").strip().lower() in ("1", "yes", "true")


def startup_refusal(
    address: str, settings: AccessSettings, env: Mapping[str, str] = os.environ
) -> str | None:
    """Why the app must not start (listening beyond this computer with nobody signing in), in
    words that say how to configure it; None when it may start."""
    if settings.problems:
        return "Alliance Lens will not start: in .streamlit/secrets.toml, " + "; ".join(
            settings.problems
        )
    if is_local_address(address) or settings.sign_in_configured or open_override(env):
        return None
    shown = address or "every network interface (server.address is not set)"
    return (
        f"Alliance Lens will not start: it would listen on {shown} without sign-in, so anyone "
        "who can reach it would see every learner's reflections and could change the library.\n"
        "Either configure sign-in in .streamlit/secrets.toml (an [auth] section for your "
        "organisation's OpenID Connect sign-in, or presenter/educator passphrase hashes under "
        "[access], made with `alliance-lens passphrase`; see docs/deployment.md), or listen on "
        "127.0.0.1 only, or, if an authenticating proxy already guards the app, set "
        f"{ENV_OPEN}=1 to give everyone who reaches it every role."
    )


def unsigned_access(address: str, settings: AccessSettings, env: Mapping[str, str]) -> Access:
    """What someone without a session may do: everything locally (no sign-in configured) or
    with the override, learning in a passphrase workshop, else nothing."""
    if not settings.sign_in_configured:
        if open_override(env) and not is_local_address(address):
            return Access(Role.EDUCATOR, "open")
        return EVERYONE
    if settings.open_learners:
        return Access(Role.LEARNER, "visitor")
    return NOBODY
