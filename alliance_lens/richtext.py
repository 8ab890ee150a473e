"""Commentary text -> safe HTML: a small Markdown subset, nothing that runs or loads.

Track files are written by people we do not control, so their text is untrusted:
raw HTML is escaped (never parsed), images are not rendered (an image is a request to
somewhere, and recordings are confidential), and links are kept only for ``http``,
``https`` and ``mailto``. The browser inserts only what this module produced.

>>> to_html("**Notice** the *pause*")
'<p><strong>Notice</strong> the <em>pause</em></p>'
>>> to_html("<script>alert(1)</script>")
'<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
>>> to_html("[x](javascript:alert(1))")
'<p>[x](javascript:alert(1))</p>'
"""

from __future__ import annotations

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
