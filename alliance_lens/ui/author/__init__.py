"""The Author page: open a video, mark at the playhead, edit, save safely.

The draft lives in the session (``state.AuthorState``) and, after every change, in a draft
file in the data folder (``authoring.write_draft``): a reload, a crash or a closed tab loses
nothing. Saving refuses to overwrite a file that changed on disk since it was opened.

Modules: ``state`` (typed session state), ``actions`` (callbacks that change the draft),
``page`` (layout, opening, uploads, conversion), ``marking`` (player and selected item),
``editors`` (its fields), ``tables`` (table editors), ``files`` (file, tracks,
import/export), ``saving`` (save bar, conflicts, history).
"""

from __future__ import annotations

from .page import render_author_page

__all__ = ["render_author_page"]
