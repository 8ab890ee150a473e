"""richtext: the safe Markdown subset; nothing in a track may run or load."""

import pytest

from alliance_lens.richtext import to_html, to_inline_html


@pytest.mark.parametrize(
    "text",
    [
        "<script>window.x=1</script>",
        '<img src=x onerror="window.x=1">',
        '<svg onload="window.x=1"></svg>',
        '<iframe src="https://example.com"></iframe>',
        '<a href="javascript:alert(1)">y</a>',
        "<b onmouseover=alert(1)>b</b>",
    ],
)
def test_raw_html_is_escaped_not_parsed(text):
    out = to_html(text)
    assert "<script" not in out and "<img" not in out and "<svg" not in out
    assert "<iframe" not in out and "<a " not in out and "<b " not in out
    assert "&lt;" in out


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:x",
        "data:text/html,hi",
        "java\tscript:alert(1)",
        "file:///etc/passwd",
    ],
)
def test_unsafe_links_are_not_links(url):
    assert "<a" not in to_html(f"[click]({url})")


def test_safe_links_open_apart_and_tell_nothing():
    out = to_html("[3RS manual](https://doi.org/10.13140/2.1.1666.8488)")
    assert 'href="https://doi.org/10.13140/2.1.1666.8488"' in out
    assert 'rel="noopener noreferrer nofollow"' in out and 'target="_blank"' in out
    assert '<a href="mailto:a@b.org"' in to_html("[mail](mailto:a@b.org)")


def test_images_are_never_loaded():
    out = to_html("![x](https://example.com/a.png)")
    assert "<img" not in out


def test_markdown_subset_renders():
    out = to_html("**bold** and *em*\n\n- one\n- two\n\n> quote\n\n`code`")
    for tag in ("<strong>", "<em>", "<ul>", "<li>", "<blockquote>", "<code>"):
        assert tag in out


def test_empty_and_inline():
    assert to_html("") == "" and to_html("  \n") == ""
    assert to_inline_html("a <b>") == "a &lt;b&gt;"
