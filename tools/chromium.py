"""How every test, benchmark and screenshot script starts Debian's Chromium.

Playwright drives the distribution's build (never a downloaded one). Without the
networking flags Chromium keeps trying to reach outside hosts, which this app must never do.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
