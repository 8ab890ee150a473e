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
import time
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass
class _Record:
    failures: int = 0
    wait_until: float = 0.0


class Throttle:
    """Failed attempts per client: after ``free`` failures each further one doubles a wait
    (from ``first_wait_s`` up to ``max_wait_s``) during which attempts are refused unchecked.

    >>> now = [0.0]
    >>> t = Throttle(free=2, first_wait_s=4, clock=lambda: now[0])
    >>> t.fail("a"), t.fail("a"), t.fail("a"), t.wait_s("a"), t.wait_s("b")
    (0.0, 0.0, 4.0, 4.0, 0.0)
    >>> now[0] = 4.0; t.wait_s("a"), t.fail("a")
    (0.0, 8.0)
    >>> t.succeed("a"); t.wait_s("a")
    0.0
    """

    def __init__(
        self,
        *,
        free: int = 3,
        first_wait_s: float = 2.0,
        max_wait_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.free, self.first_wait_s, self.max_wait_s = free, first_wait_s, max_wait_s
        self.clock, self.max_clients = clock, max_clients
        self._records: dict[str, _Record] = {}

    def wait_s(self, client: str) -> float:
        """Seconds this client must wait before its next attempt is checked (0: now)."""
        record = self._records.get(client)
        return max(0.0, record.wait_until - self.clock()) if record else 0.0

    def fail(self, client: str) -> float:
        """Count a failed attempt; returns the wait it imposes."""
        if client not in self._records and len(self._records) >= self.max_clients:
            self._records.pop(next(iter(self._records)))  # the oldest: memory stays bounded
        record = self._records.setdefault(client, _Record())
        record.failures += 1
        over = record.failures - self.free
        wait = 0.0 if over <= 0 else min(self.max_wait_s, self.first_wait_s * 2.0 ** (over - 1))
        wait = float(wait)
        record.wait_until = self.clock() + wait
        return wait

    def succeed(self, client: str) -> None:
        self._records.pop(client, None)
