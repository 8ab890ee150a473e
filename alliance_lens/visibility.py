"""Who sees what: learners never see a draft file or a draft track; every other mode does.

Presenters and educators (``presenter``, ``review``, ``author``) preview drafts; only the
``learner`` mode hides them. The library listing and the player data both ask here.
"""

from __future__ import annotations

from .model import CommentaryFile, Track

DRAFTS_HIDDEN_FROM = frozenset({"learner"})


def sees_drafts(mode: str) -> bool:
    """Whether ``mode`` is shown draft files and tracks.

    >>> sees_drafts("learner"), sees_drafts("presenter"), sees_drafts("review")
    (False, True, True)
    """
    return mode not in DRAFTS_HIDDEN_FROM


def visible_tracks(doc: CommentaryFile, mode: str) -> tuple[Track, ...]:
    """The tracks ``mode`` may see: all of them, or for learners only published ones."""
    if sees_drafts(mode):
        return doc.tracks
    if doc.status == "draft":
        return ()
    return tuple(t for t in doc.tracks if t.status != "draft")


def file_visible(doc: CommentaryFile | None, mode: str) -> bool:
    """Whether a file is listed for ``mode``: for learners, published with a published track.

    A file that does not load (``None``) stays listed, so its problems are shown.
    """
    return doc is None or bool(visible_tracks(doc, mode))
