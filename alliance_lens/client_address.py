"""The address of the person behind a request, and whether they came by HTTPS, reading the
proxy headers (``X-Forwarded-For``, ``X-Forwarded-Proto``) only from trusted proxies.

Behind a proxy every request comes from the proxy's address. ``[access] trusted_proxies``
lists the proxies (addresses or CIDR networks; none by default): only when the connecting
peer is one of them is ``X-Forwarded-For`` read, right to left, and the first address that
is not itself a trusted proxy is the client. Anything to the left of it was written by the
client and could say anything.

>>> proxies = TrustedProxies.parse(["127.0.0.1", "10.0.0.0/8"])[0]
>>> proxies.client("127.0.0.1", ["203.0.113.9, 10.1.2.3"])
'203.0.113.9'
>>> proxies.client("127.0.0.1", ["1.1.1.1, 203.0.113.9"])  # the left one is the client's word
'203.0.113.9'
>>> proxies.client("198.51.100.4", ["1.1.1.1"])  # not from a proxy: the header is ignored
'198.51.100.4'
>>> TrustedProxies().client("127.0.0.1", ["1.1.1.1"])  # no proxy trusted (the default)
'127.0.0.1'
>>> TrustedProxies.parse(["10.0.0.0/33", "nginx"])[1]  # doctest: +NORMALIZE_WHITESPACE
['[access] trusted_proxies entry 1 "10.0.0.0/33": expected an address or a network such
  as 10.0.0.0/8', '[access] trusted_proxies entry 2 "nginx": expected an address or a network
  such as 10.0.0.0/8']
>>> rate_key("2001:db8::1"), rate_key("2001:db8::2"), rate_key("192.0.2.1")
('2001:db8::/64', '2001:db8::/64', '192.0.2.1')
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PEER_KEY = "alliance_lens.peer"  # the scope key holding the connection's own (client, scheme)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("["):  # "[2001:db8::1]:443"
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[object]) -> tuple[TrustedProxies, list[str]]:
        """The proxies, and a sentence for every entry that is not an address or network."""
        networks: list[Network] = []
        problems: list[str] = []
        for i, entry in enumerate(entries, start=1):
            try:
                networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
            except ValueError:
                problems.append(
                    f'[access] trusted_proxies entry {i} "{entry}": expected an address or a '
                    "network such as 10.0.0.0/8"
                )
        return cls(tuple(networks)), problems

    def trusts(self, host: str) -> bool:
        address = _address(host)
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: str, forwarded_for: Sequence[str]) -> str:
        """The client's address: ``peer`` unless a trusted proxy says who it forwards."""
        if not self.trusts(peer):
            return peer
        hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # a trusted proxy would not write this: stop at the last sure hop
            if not self.trusts(str(address)):
                return str(address)
            peer = str(address)
        return peer

    def client_of(self, scope: Scope) -> str:
        """The client's address for an ASGI request or websocket."""
        peer, _ = _peer(scope)
        return self.client(peer, _headers(scope, b"x-forwarded-for"))

    def secure(self, scope: Scope) -> bool:
        """Whether the browser came by HTTPS: the connection's own scheme, or a trusted proxy's
        ``X-Forwarded-Proto``."""
        peer, scheme = _peer(scope)
        if scheme in ("https", "wss"):
            return True
        proto = _headers(scope, b"x-forwarded-proto")
        return self.trusts(peer) and bool(proto) and proto[-1].strip().lower() == "https"


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [v.decode("latin-1") for k, v in scope.get("headers") or [] if k.lower() == name]


def _peer(scope: Scope) -> tuple[str, str]:
    kept = scope.get(PEER_KEY)
    client, scheme = kept if kept else (scope.get("client"), scope.get("scheme", "http"))
    return (str(client[0]) if client else "?"), str(scheme)


def rate_key(address: str) -> str:
    """The key a per-address limit counts under: an IPv6 client's /64 (one home or phone
    usually holds a whole /64 and can change addresses within it), else the address."""
    parsed = _address(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class KeepPeer:
    """ASGI wrapper that notes the connection's own peer and scheme before uvicorn's proxy
    headers middleware replaces them (uvicorn, as Streamlit runs it, believes
    ``X-Forwarded-For`` and ``-Proto`` from 127.0.0.1 and ::1 whatever the app's settings)."""

    def __init__(self, app: ASGIApp, *args: Any, wrapped: Any = None, **kwargs: Any) -> None:
        self.inner = wrapped(app, *args, **kwargs) if wrapped else app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and PEER_KEY not in scope:
            scope[PEER_KEY] = (scope.get("client"), scope.get("scheme", "http"))
        await self.inner(scope, receive, send)


def keep_peer_under_uvicorn() -> None:
    """Make uvicorn's proxy headers middleware note the real peer first (see ``KeepPeer``).

    uvicorn wraps the app in that middleware after importing it, looking the class up in
    ``uvicorn.config`` at that moment, so ``app.py`` calls this at import. Idempotent."""
    try:
        import uvicorn.config as config
    except ImportError:  # not served by uvicorn: nothing rewrites the peer
        return
    original = config.ProxyHeadersMiddleware
    if getattr(original, "_keeps_peer", False):
        return

    class _Keeping(KeepPeer):
        _keeps_peer = True

        def __init__(self, app: ASGIApp, *args: Any, **kwargs: Any) -> None:
            super().__init__(app, *args, wrapped=original, **kwargs)

    config.ProxyHeadersMiddleware = _Keeping  # type: ignore[misc,assignment]
