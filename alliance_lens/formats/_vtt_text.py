"""WebVTT cue text <-> our text: escaping for export, and tags, voices, emphasis and
character references for import (the text half of formats/webvtt.py).
"""

from __future__ import annotations

import html.entities
import re
from collections import Counter

_TAGS = re.compile(r"<([^>\n]*)>")
_VOICE = re.compile(r"v(?:\.[^\s>]*)?(?:[ \t\f]+(.*))?", re.DOTALL)
_REF = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));")
_EMPHASIS = re.compile(r"<([bi])(\.[^>\s]*)?>(.*?)</\1>", re.DOTALL)  # <b.loud>x</b>
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_EMPTY_LINE = "<c></c>"  # an empty span: shows nothing, but keeps the cue's block together


def escape(text: str) -> list[str]:
    """Cue text as VTT payload lines; ``unescape`` undoes it exactly.

    >>> escape("a --> b\\n\\n<i>")
    ['a --&gt; b', '<c></c>', '&lt;i&gt;']
    """
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = _CONTROL.sub(lambda m: f"&#{ord(m[0])};", out)
    return [line or _EMPTY_LINE for line in out.split("\n")]


def unescape(lines: list[str], counts: Counter[str] | None = None) -> str:
    """Payload lines as text: voices become 'Name: ', ``<b>``/``<i>`` Markdown emphasis,
    other tags go, references are decoded. ``counts`` tallies voices and emphasis spans.

    >>> unescape(["<v.loud Anna>Hi</v> &amp; <b>bye </b>", "<c></c>"])
    'Anna: Hi & **bye** \\n'
    >>> unescape(["<i>so <b>very</b></i> <b></b>"])
    '*so **very*** '
    """
    counts = counts if counts is not None else Counter()
    text = "\n".join(lines)
    for _ in range(4):  # nested spans: the outer one first, then what it held
        text, n = _EMPHASIS.subn(lambda m: _emphasis(m, counts), text)
        if not n:
            break
    counts["voice"] += sum(1 for m in _TAGS.finditer(text) if _VOICE.fullmatch(m[1]))
    return _REF.sub(_ref, _TAGS.sub(_tag, text))


def _emphasis(match: re.Match[str], counts: Counter[str]) -> str:
    """``<b> x </b>`` -> `` **x** ``: Markdown emphasis may not start or end with a space."""
    inner = match[3]
    core = inner.strip()
    if not core:
        return inner
    counts[match[1]] += 1
    mark = "**" if match[1] == "b" else "*"
    lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{core}{mark}{trail}"


def _tag(match: re.Match[str]) -> str:
    voice = _VOICE.fullmatch(match[1])
    if voice:
        name = (voice[1] or "").strip()
        return f"{name}: " if name else ""
    return ""


def _ref(match: re.Match[str]) -> str:
    if match[3]:
        return html.entities.html5.get(match[3] + ";", match[0])
    code = int(match[1]) if match[1] else int(match[2], 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match[0]
    return chr(code)


def timestamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
