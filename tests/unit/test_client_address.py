"""The client's address and scheme behind proxies: X-Forwarded-For and -Proto believed only
from ``[access] trusted_proxies`` (right-most address not itself a proxy), bad entries named,
IPv6 counted per /64, and the real peer kept under uvicorn's own proxy-headers middleware
(which believes the headers from loopback whatever the app's settings)."""

from __future__ import annotations

import pytest
import uvicorn.config
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from alliance_lens.access import AccessSettings, startup_refusal
from alliance_lens.client_address import (
    PEER_KEY,
    KeepPeer,
    TrustedProxies,
    keep_peer_under_uvicorn,
    rate_key,
)

NGINX = TrustedProxies.parse(["127.0.0.1", "::1", "10.0.0.0/8"])[0]


def scope(peer: str, *headers: tuple[str, str], scheme: str = "http") -> dict:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers]
    return {"type": "http", "client": (peer, 41234), "scheme": scheme, "headers": raw}


def test_forwarded_for_is_read_only_from_a_trusted_proxy():
    xff = ("X-Forwarded-For", "198.51.100.23")
    assert NGINX.client_of(scope("127.0.0.1", xff)) == "198.51.100.23"
    assert NGINX.client_of(scope("203.0.113.5", xff)) == "203.0.113.5"  # straight in: ignored
    assert TrustedProxies().client_of(scope("127.0.0.1", xff)) == "127.0.0.1"  # the default
    assert NGINX.client_of(scope("127.0.0.1")) == "127.0.0.1"  # a proxy that says nothing


def test_the_right_most_address_that_is_not_a_proxy_is_the_client():
    # a client claiming to be someone else: nginx appends the real address on the right
    spoofed = ("X-Forwarded-For", "192.0.2.1, 198.51.100.23")
    assert NGINX.client_of(scope("127.0.0.1", spoofed)) == "198.51.100.23"
    # two proxies (a load balancer at 10.1.1.1, then nginx): skip both
    chain = ("X-Forwarded-For", "198.51.100.23, 10.1.1.1")
    assert NGINX.client_of(scope("127.0.0.1", chain)) == "198.51.100.23"
    # the header split over two lines counts as one list
    split = ("X-Forwarded-For", "192.0.2.1"), ("X-Forwarded-For", "198.51.100.23")
    assert NGINX.client_of(scope("127.0.0.1", *split)) == "198.51.100.23"
    # ports and brackets as some proxies write them
    ported = ("X-Forwarded-For", "[2001:db8::7]:5000, 198.51.100.23:443")
    assert NGINX.client_of(scope("127.0.0.1", ported)) == "198.51.100.23"
    # garbage where a proxy's entry should be: stop at the last sure hop
    garbage = ("X-Forwarded-For", "198.51.100.23, not-an-address, 10.1.1.1")
    assert NGINX.client_of(scope("127.0.0.1", garbage)) == "10.1.1.1"
    # every hop a proxy: the left-most
    inside = ("X-Forwarded-For", "10.2.2.2, 10.1.1.1")
    assert NGINX.client_of(scope("127.0.0.1", inside)) == "10.2.2.2"


def test_https_is_believed_from_the_connection_or_a_trusted_proxy_only():
    proto = ("X-Forwarded-Proto", "https")
    assert NGINX.secure(scope("127.0.0.1", proto))
    assert not NGINX.secure(scope("203.0.113.5", proto))
    assert not TrustedProxies().secure(scope("127.0.0.1", proto))
    assert TrustedProxies().secure(scope("203.0.113.5", scheme="https"))
    assert not NGINX.secure(scope("127.0.0.1", ("X-Forwarded-Proto", "http")))


def test_settings_name_each_bad_entry_and_the_app_will_not_start():
    good = AccessSettings.from_secrets({"access": {"trusted_proxies": ["10.0.0.0/8", "::1"]}})
    assert good.trusted_proxies.trusts("10.9.9.9") and good.trusted_proxies.trusts("::1")
    assert not good.problems
    one = AccessSettings.from_secrets({"access": {"trusted_proxies": "127.0.0.1"}})
    assert one.trusted_proxies.trusts("127.0.0.1")
    bad = AccessSettings.from_secrets({"access": {"trusted_proxies": ["10.0.0.0/8", "nginx"]}})
    refusal = startup_refusal("127.0.0.1", bad, env={})
    assert refusal and "trusted_proxies entry 2" in refusal and '"nginx"' in refusal
    assert AccessSettings().trusted_proxies == TrustedProxies()  # none by default


def test_rate_keys_group_an_ipv6_home_and_leave_ipv4_alone():
    assert rate_key("2001:db8:1:2:aaaa::1") == rate_key("2001:db8:1:2:bbbb::9")
    assert rate_key("2001:db8:1:2::1") != rate_key("2001:db8:1:3::1")
    assert rate_key("::ffff:192.0.2.4") == "192.0.2.4"
    assert rate_key("192.0.2.4") == "192.0.2.4" and rate_key("testclient") == "testclient"


def _seen_through_uvicorn(outer: object, peer: str, *headers: tuple[str, str]) -> dict:
    seen: dict = {}

    async def app(s, receive, send):
        seen.update(s)

    wrapped = outer(app, trusted_hosts="127.0.0.1")  # type: ignore[operator]
    # driven by hand: nothing here awaits, and a browser test may hold this thread's loop
    with pytest.raises(StopIteration):
        wrapped(scope(peer, *headers), None, None).send(None)
    return seen


def test_the_real_peer_is_kept_when_uvicorn_rewrites_it(monkeypatch):
    spoof = ("X-Forwarded-For", "192.0.2.99"), ("X-Forwarded-Proto", "https")
    plain = _seen_through_uvicorn(ProxyHeadersMiddleware, "127.0.0.1", *spoof)
    assert plain["client"][0] == "192.0.2.99"  # uvicorn alone believes any local sender
    monkeypatch.setattr(uvicorn.config, "ProxyHeadersMiddleware", ProxyHeadersMiddleware)
    keep_peer_under_uvicorn()
    keep_peer_under_uvicorn()  # idempotent: one wrapper
    patched = uvicorn.config.ProxyHeadersMiddleware
    assert patched is not ProxyHeadersMiddleware and patched.__mro__[1] is KeepPeer
    seen = _seen_through_uvicorn(patched, "127.0.0.1", *spoof)
    assert seen["client"][0] == "192.0.2.99" and seen[PEER_KEY][0][0] == "127.0.0.1"
    assert TrustedProxies().client_of(seen) == "127.0.0.1"  # no proxy trusted: the peer
    assert not TrustedProxies().secure(seen)
    assert NGINX.client_of(seen) == "192.0.2.99" and NGINX.secure(seen)


@pytest.mark.parametrize("peer", ["203.0.113.5", "127.0.0.1"])
def test_without_uvicorn_the_scope_client_is_the_peer(peer):
    assert TrustedProxies().client_of(scope(peer, ("X-Forwarded-For", "1.2.3.4"))) == peer
