"""Untrusted text -> safe output: HTML for the player, Markdown for Streamlit's widgets.

Track files are written by people we do not control, so their text is untrusted:
raw HTML is escaped (never parsed), images are not rendered (an image is a request to
somewhere, and recordings are confidential), and links are kept only for ``http``,
``https`` and ``mailto``. The browser inserts only what this module produced.

Streamlit renders Markdown (and its own ``:icon:``, ``:color[...]`` and ``$maths$``) in titles,
labels, captions and options, so text from a file shown there goes through ``md_escape``
(shown literally), ``md_code`` (inline code) or ``md_commentary`` (emphasis, code and lists
kept; no links, images, HTML). This module is the only escaper for both.

>>> to_html("**Notice** the *pause*")
'<p><strong>Notice</strong> the <em>pause</em></p>'
>>> to_html("<script>alert(1)</script>")
'<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
>>> to_html("[x](javascript:alert(1))")
'<p>[x](javascript:alert(1))</p>'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _validate_link(url: str) -> bool:
    # markdown-it has already normalised the URL (percent-encoding, entities)
    lowered = url.strip().lower()
    return lowered.startswith(SAFE_SCHEMES) or lowered.startswith("#")


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if not href.startswith("#"):
        # a commentary link opens beside the video, and tells the target nothing
        token.attrSet("target", "_blank")
        token.attrSet("rel", "noopener noreferrer nofollow")
    return str(self.renderToken(tokens, idx, options, env))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _render_link_open)
    return md


def to_html(text: str) -> str:
    """Render ``text`` (the safe Markdown subset) to HTML; empty text gives ``""``."""
    if not text or not text.strip():
        return ""
    return _parser().render(text).strip()


def to_inline_html(text: str) -> str:
    """Like ``to_html`` but without the wrapping paragraph, for one-line labels.

    >>> to_inline_html("a *b*")
    'a <em>b</em>'
    """
    if not text or not text.strip():
        return ""
    return _parser().renderInline(text).strip()


# CommonMark lets any ASCII punctuation be backslash-escaped. ``:`` stops Streamlit's
# ``:material/x:``/``:red[...]`` codes and autolinked ``scheme://`` addresses; ``$`` its maths.
_MD_SPECIAL = frozenset("\\`*_[]<>!|~$&:{}")
_COMMENTARY_KEEPS = frozenset("`*_")  # emphasis and code spans cannot link, load or run
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_COMMENTARY_LINE_START = re.compile(r"^(\s*)([#>=])")  # lists stay lists in commentary


# GFM turns ``http://…`` and ``www.…`` into links after escapes are resolved, so no backslash
# stops it; an invisible word joiner inside the pattern does.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=www)(?=\.)")
WORD_JOINER = "\u2060"


def _escape(text: str, special: frozenset[str], line_start: re.Pattern[str]) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _AUTOLINK.sub(WORD_JOINER, text)
    escaped = "".join(f"\\{c}" if c in special else c for c in text)
    return "\n".join(line_start.sub(_escape_mark, line) for line in escaped.split("\n"))


def _escape_mark(match: re.Match[str]) -> str:
    indent, mark = match.groups()
    return f"{indent}{mark[:-1]}\\{mark[-1]}"


def md_escape(text: str) -> str:
    r"""Text for a Markdown-rendering place, shown literally: no HTML, links, images, formatting.

    >>> print(md_escape("<script>alert(1)</script> *hi* [x](y)"))
    \<script\>alert(1)\</script\> \*hi\* \[x\](y)
    >>> print(md_escape("# not a heading\n1. not a list"))
    \# not a heading
    1\. not a list
    >>> md_escape("![i](http://203.0.113.9/x.png) www.example.org")
    '\\!\\[i\\](http\u2060\\://203.0.113.9/x.png) www\u2060.example.org'
    """
    return _escape(text, _MD_SPECIAL, _LINE_START)


def md_commentary(text: str) -> str:
    r"""Commentary for Streamlit Markdown: emphasis, code spans and lists kept; links shown
    as text; raw HTML, images, headings, Streamlit codes and maths inert.

    >>> print(md_commentary("**Note** <b>x</b> ![t](p.png)"))
    **Note** \<b\>x\</b\> \!\[t\](p.png)
    >>> print(md_commentary("- a *b*"))
    - a *b*
    """
    return _escape(text, _MD_SPECIAL - _COMMENTARY_KEEPS, _COMMENTARY_LINE_START)


def md_code(text: str) -> str:
    """``text`` as one inline code span: nothing in it is read as Markdown, and a backtick
    in it cannot close the span early (the fence is longer than any run inside).

    >>> print(md_code("a `b` ![i](x)"))
    ``a `b` ![i](x)``
    """
    raw = text.replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", raw)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") or not raw.strip(" ") else ""
    return f"{fence}{pad}{raw}{pad}{fence}"
