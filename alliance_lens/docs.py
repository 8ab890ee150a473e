"""The project's own documents that pages show (``docs/*.md`` in the checkout), read as text."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def read_doc(name: str) -> str:
    """The Markdown of ``docs/<name>.md``.

    >>> read_doc("about").split()[:2]
    ['Alliance', 'Lens']
    """
    return (DOCS / f"{name}.md").read_text(encoding="utf-8")
