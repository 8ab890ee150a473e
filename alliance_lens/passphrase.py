"""Workshop passphrases: stored only as a slow scrypt hash; failed attempts slow the next ones.

>>> stored = hash_passphrase("correct horse battery", cost=2**10)
>>> stored.startswith("scrypt$"), verify_passphrase("correct horse battery", stored)
(True, True)
>>> verify_passphrase("wrong", stored), verify_passphrase("x", "not a hash")
(False, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from alliance_lens.signin_store import SigninStore

# scrypt n=2**15, r=8: about 32 MiB and a few tens of ms per check (OWASP's minimum is 2**17
# at r=8, p=1 in memory terms n*r; we keep r=8, p=1 and raise n when a host allows)
DEFAULT_COST = 2**15
_R, _P, _LEN = 8, 1, 32
MIN_CHARS = 10


class PassphraseError(ValueError):
    """A passphrase or stored hash that cannot be used; the message says why."""


def _scrypt(passphrase: str, salt: bytes, n: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=_R, p=_P, dklen=_LEN, maxmem=256 * 2**20
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_passphrase(passphrase: str, *, cost: int = DEFAULT_COST) -> str:
    """``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (base64), for ``[access]`` in secrets.toml."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(passphrase, salt, cost)
    return f"scrypt${cost}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def check_new_passphrase(passphrase: str) -> None:
    """Raise ``PassphraseError`` for a passphrase too short to give to a workshop."""
    if len(passphrase.strip()) < MIN_CHARS:
        raise PassphraseError(
            f"a passphrase needs at least {MIN_CHARS} characters (several words are easiest "
            f"to say aloud and hardest to guess); this one has {len(passphrase.strip())}"
        )


def verify_passphrase(passphrase: str, stored: str) -> bool:
    """True when ``passphrase`` matches ``stored``; False for a malformed hash too."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or (int(r), int(p)) != (_R, _P):
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(passphrase, base64.b64decode(salt, validate=True), int(n))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


class Throttle:
    """Failed attempts per client address, counted in the database so that every app process
    sees the same count: after ``free`` failures each further one doubles a wait (from
    ``first_wait_s`` up to ``max_wait_s``) during which attempts are refused unchecked.

    An attempt is counted as failed when it starts (``begin``) and forgiven when it succeeds,
    so a burst of parallel guesses cannot all be checked before the first one is counted.

    >>> from alliance_lens.store import Store
    >>> now = [0]
    >>> t = Throttle(SigninStore(Store.open("sqlite://"), clock=lambda: now[0]), free=2,
    ...     first_wait_s=4)
    >>> t.begin("a"), t.begin("a"), t.begin("a"), t.begin("a"), t.begin("b")
    ((0.0, 0.0), (0.0, 0.0), (0.0, 4.0), (4.0, 0.0), (0.0, 0.0))
    >>> now[0] = 4000; t.wait_s("a"), t.begin("a")
    (0.0, (0.0, 8.0))
    >>> t.succeed("a"); t.wait_s("a")
    0.0
    """

    KIND = "signin"

    def __init__(
        self,
        signins: SigninStore,
        *,
        free: int = 3,
        first_wait_s: float = 2.0,
        max_wait_s: float = 300.0,
    ) -> None:
        self.signins = signins
        self.free, self.first_wait_s, self.max_wait_s = free, first_wait_s, max_wait_s

    def _wait_ms(self, failures: int) -> int:
        over = failures - self.free
        return (
            0
            if over <= 0
            else int(min(self.max_wait_s, self.first_wait_s * 2.0 ** (over - 1)) * 1000)
        )

    def wait_s(self, client: str) -> float:
        """Seconds this client must wait before its next attempt is checked (0: now)."""
        until = self.signins.until(self.KIND, client)
        return max(0, until - self.signins.clock()) / 1000

    def begin(self, client: str) -> tuple[float, float]:
        """Start an attempt: (seconds to wait first: refused unchecked when > 0, else the wait
        this attempt imposes if it turns out wrong). Counted as failed until ``succeed``."""
        refused = [0]

        def step(failures: int, until: int, now: int) -> tuple[int, int]:
            if until > now:  # still waiting: refused, and not counted
                refused[0] = until - now
                return failures, until
            return failures + 1, now + self._wait_ms(failures + 1)

        failures, _ = self.signins.bump(self.KIND, client, step)
        return (refused[0] / 1000, 0.0) if refused[0] else (0.0, self._wait_ms(failures) / 1000)

    def succeed(self, client: str) -> None:
        self.signins.clear(self.KIND, client)
