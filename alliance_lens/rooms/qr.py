"""The join address of a room and its QR code, drawn on the server as SVG (segno; no service).

The presenter chooses the base: the machine's address on the workshop network
(``http://192.168.1.20:8501``) or the host name behind a proxy (``https://lens.example.org``).

>>> join_url("http://192.168.1.20:8501/", "ABCD2345")
'http://192.168.1.20:8501/join/ABCD2345'
>>> qr_svg("http://lens.example.org", "ABCD2345").startswith("<svg")
True
"""

from __future__ import annotations

import io
import socket
from urllib.parse import urlsplit

import segno

JOIN_PATH = "/join/"


def join_url(base: str, code: str) -> str:
    """The address participants open: ``base`` (scheme and host[:port]) + /join/<code>."""
    return base.strip().rstrip("/") + JOIN_PATH + code


def check_base(base: str) -> str:
    """``base`` if it is an http(s) address with a host and nothing after the path; else a
    sentence saying what is wrong.

    >>> check_base("lens.example.org")
    'Start the address with http:// or https:// (e.g. http://192.168.1.20:8501).'
    >>> check_base("https://lens.example.org")
    ''
    """
    parts = urlsplit(base.strip())
    if parts.scheme not in ("http", "https"):
        return "Start the address with http:// or https:// (e.g. http://192.168.1.20:8501)."
    if not parts.hostname:
        return "The address needs a host name or IP address."
    if parts.query or parts.fragment:
        return "The address must not have a query (?...) or fragment (#...)."
    return ""


def lan_address(port: int) -> str:
    """A guess at this machine's workshop-network address (the interface a route to another
    host would use; no packet is sent), or localhost when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: connect() on UDP only picks the route
            host = s.getsockname()[0]
        except OSError:
            host = "127.0.0.1"
    return f"http://{host}:{port}"


def qr_svg(base: str, code: str) -> str:
    """The join address as an SVG QR code (dark on white, quiet zone kept, scalable)."""
    out = io.BytesIO()
    segno.make(join_url(base, code), error="m").save(
        out, kind="svg", scale=8, border=4, xmldecl=False, svgns=True, title="Join the room"
    )
    return out.getvalue().decode("utf-8")
