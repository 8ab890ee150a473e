"""richtext's Markdown escapers: whatever a file says, Streamlit's Markdown shows it inertly.

Checked against markdown-it with everything a permissive renderer does switched on (raw
HTML, images, tables, strikethrough): escaped text never yields a link, an image or HTML.
"""

from __future__ import annotations

import html
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from alliance_lens.richtext import WORD_JOINER, md_code, md_commentary, md_escape

PERMISSIVE = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
DANGEROUS = {"link_open", "image", "html_inline", "html_block"}
FORMATTING = {"em_open", "strong_open", "s_open", "code_inline", "heading_open", "blockquote_open"}
# GFM (Streamlit's remark-gfm) links these after escapes are resolved
AUTOLINK_LITERAL = re.compile(r"(?i)(https?|ftp)://|www\.")

# Markdown's own syntax, HTML and URLs, mixed with ordinary text
PIECES = st.sampled_from(
    [
        "[",
        "]",
        "(",
        ")",
        "!",
        "<",
        ">",
        "`",
        "*",
        "_",
        "\\",
        "&",
        "#",
        ":",
        "/",
        "$",
        "~",
        "|",
        "-",
        "1.",
        "\n",
        " ",
        "http://203.0.113.9/x.png",
        "www.example.org",
        "javascript:alert(1)",
        "<img src=x onerror=alert(1)>",
        "<script>",
        "&lt;",
        "&#x3C;",
        "x",
        "ab",
    ]
)
HOSTILE = st.one_of(st.lists(PIECES, max_size=30).map("".join), st.text(max_size=60))
HOSTILE_EXAMPLES = [
    "![i](http://203.0.113.9/x.png)",
    "[x](javascript:alert(1))",
    "\\![i](http://203.0.113.9/x.png)",
    "<http://203.0.113.9/x>",
    "[x]: http://203.0.113.9/x.png\n\n![x]",
    "*a* **b** `c`",
]


def tokens(text: str) -> list[Token]:
    out = []
    for token in PERMISSIVE.parse(text):
        out.append(token)
        out.extend(token.children or [])
    return out


def kinds(text: str) -> set[str]:
    return {t.type for t in tokens(text)}


@settings(max_examples=400, deadline=None)
@given(HOSTILE)
@example("![i](http://203.0.113.9/x.png)")
@example("[x](javascript:alert(1)) <img src=x onerror=alert(1)> *em* _em_ `code`")
@example("[x]: http://203.0.113.9/x.png\n\n![x]")
def test_escaped_text_yields_no_link_image_html_or_formatting(text):
    escaped = md_escape(text)
    assert not kinds(escaped) & (DANGEROUS | FORMATTING), escaped
    assert not AUTOLINK_LITERAL.search(escaped)


@settings(max_examples=400, deadline=None)
@given(HOSTILE)
@example("\\![i](http://203.0.113.9/x.png)")
@example("<http://203.0.113.9/x>")
def test_commentary_keeps_formatting_but_yields_no_link_image_or_html(text):
    escaped = md_commentary(text)
    assert not kinds(escaped) & DANGEROUS, escaped
    assert not AUTOLINK_LITERAL.search(escaped)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=["Cc"]), max_size=60))
def test_escaped_line_reads_as_written(text):
    # one line, shown inline: what the reader sees is the text itself
    shown = html.unescape(re.sub(r"<[^>]+>", "", PERMISSIVE.renderInline(md_escape(text))))
    assert shown.replace(WORD_JOINER, "") == text


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_code_span_holds_everything(text):
    parsed = tokens(md_code(text))
    assert not {t.type for t in parsed} & DANGEROUS
    assert [t.type for t in parsed if t.type == "code_inline"] == ["code_inline"]


def test_commentary_keeps_emphasis_code_and_lists():
    assert {"strong_open", "em_open", "code_inline", "bullet_list_open"} <= kinds(
        md_commentary("- **Notice** the *pause* and `this`")
    )
    assert "heading_open" not in kinds(md_commentary("# not a heading"))
