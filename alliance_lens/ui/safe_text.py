"""The one way a page shows text from a file: inert in every place Streamlit reads Markdown.

Streamlit renders Markdown (and ``:icon:``, ``:color[...]``, ``$maths$``) in titles, headers,
captions, widget labels, pill/radio options, expander and tab labels, toasts and alerts: a
Markdown image there is a request to another host. Text from a commentary file, a file name or
a problem message that quotes a file goes through ``lit`` (shown literally) or
``commentary`` (the safe subset); both come from ``alliance_lens.richtext``. Places that show
plain text (``st.text``, selectbox options, dataframe cells) need nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st

from alliance_lens.richtext import md_code, md_commentary, md_escape

code = md_code  # a file name or problem line as inline code

K = TypeVar("K")


def lit(text: object) -> str:
    """``text`` for a Markdown-rendering argument (label, caption, alert), shown as written."""
    return md_escape(str(text))


def option_labels(labels: Mapping[K, object]) -> Callable[[K], str]:
    """A ``format_func`` for pills, segmented controls and radios (their options are Markdown)."""
    return lambda key: lit(labels[key])


def title(text: object, where: Any = st) -> None:
    where.title(lit(text), anchor=False)


def subheader(text: object, where: Any = st, **kwargs: Any) -> None:
    where.subheader(lit(text), anchor=False, **kwargs)


def caption(text: object, where: Any = st) -> None:
    where.caption(lit(text))


def commentary(text: str, where: Any = st) -> None:
    """Commentary from a file: emphasis, code and lists kept; links, images and HTML inert."""
    where.markdown(md_commentary(text))
