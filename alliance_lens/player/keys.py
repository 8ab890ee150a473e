"""The player's keyboard shortcuts: the one table the player, its ``?`` overlay and the README use.

Each row is one line of the overlay: the keys as shown, what they do, the modes they work in,
and the bindings the player dispatches on (a chord as ``keyboard.js`` names a key event: the
lower-case key, ``" "`` for Space, ``ArrowLeft``..., ``Alt+``/``Shift+`` only before ``,``
and ``.``, ``Ctrl+`` (Ctrl or ⌘) only before a letter). ``readme`` is the short phrase for the
README's key lines (None: not listed there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WATCH_MODES = ("learner", "presenter", "review", "author")
AUTHOR = ("author",)
PRACTICE = ("practice",)
PRESENTER = ("presenter",)
EVERY_MODE = (*WATCH_MODES, "practice")  # playing, captions and help work in practice too


@dataclass(frozen=True)
class KeyRow:
    keys: tuple[str, ...]  # shown one by one, joined with " / "
    help: str
    bindings: tuple[tuple[str, str], ...]  # (chord, action)
    readme: str | None
    modes: tuple[str, ...] = WATCH_MODES


def _mark(key: str, kind: str, help_text: str, readme: str) -> KeyRow:
    return KeyRow((key.upper(),), help_text, ((key, f"mark:{kind}"),), readme, AUTHOR)


KEYS: tuple[KeyRow, ...] = (
    KeyRow(
        ("Space",),
        "Play / pause (continue at a prompt)",
        ((" ", "play"),),
        "play/pause",
        EVERY_MODE,
    ),
    KeyRow(
        ("←", "→"),
        "Back / forward 5 seconds",
        (("ArrowLeft", "seek_back"), ("ArrowRight", "seek_forward")),
        "5 s",
        EVERY_MODE,
    ),
    KeyRow(
        ("[", "]"),
        "Previous / next rupture onset",
        (("[", "onset_back"), ("]", "onset_forward")),
        "previous/next rupture",
    ),
    KeyRow(
        ("P", "N"),
        "Previous / next commentary",
        (("p", "cue_back"), ("n", "cue_forward")),
        "previous/next cue",
    ),
    KeyRow(("C",), "Captions on / off", (("c", "captions"),), "captions", EVERY_MODE),
    KeyRow(("R",), "Reveal the commentary at a prompt", (("r", "reveal"),), "reveal"),
    KeyRow(("F",), "Full screen", (("f", "fullscreen"),), "full screen", EVERY_MODE),
    # Presenter mode drives a stage window (issue 13); clickers send PageDown/PageUp and B or .
    KeyRow(
        ("PageDown", "PageUp"),
        "Next / previous moment (prompt, rupture, repair); at a prompt, next reveals, turns"
        " the pages of a long reveal, then goes on; the room's answers on the stage turn first",
        (("PageDown", "moment_forward"), ("PageUp", "moment_back")),
        "next/previous moment (presenter)",
        PRESENTER,
    ),
    KeyRow(
        ("B", "."),
        "Blank the stage (black) / show it again",
        (("b", "blank"), (".", "blank")),
        "blank the stage",
        PRESENTER,
    ),
    KeyRow(("X",), "Clear the ink on the stage", (("x", "clear_ink"),), None, PRESENTER),
    KeyRow(("?",), "This help", (("?", "help"),), "all shortcuts", EVERY_MODE),
    KeyRow(("Esc",), "Close", (("Escape", "close_help"),), None, EVERY_MODE),
    # Author mode. O is "onset", so the out point is U (I and U sit side by side).
    _mark("m", "cue", "Mark a cue at this frame", "cue"),
    _mark("o", "onset", "Mark a rupture onset at this frame", "rupture onset"),
    _mark("e", "resolution", "Resolve the rupture in progress at this frame", "its resolution"),
    _mark("q", "prompt", "Mark a pause-and-reflect prompt at this frame", "prompt"),
    _mark("h", "chapter", "Mark a chapter at this frame", "chapter"),
    _mark("i", "in", "In: the selected item starts at this frame", "in point of the selected item"),
    _mark("u", "out", "Out: the selected item ends at this frame (O is onset)", "its out point"),
    # Practice mode (issue 12): the learner marks blind, at the frame on screen.
    KeyRow(("M",), "Mark: a rupture starts here", (("m", "practice_mark"),), None, PRACTICE),
    KeyRow(
        ("1", "2"),
        "The last mark is a withdrawal / a confrontation",
        (("1", "practice_type:withdrawal"), ("2", "practice_type:confrontation")),
        None,
        PRACTICE,
    ),
    KeyRow(
        (",", "."),
        "Move the last mark half a second earlier / later",
        ((",", "practice_nudge_back"), (".", "practice_nudge_forward")),
        None,
        PRACTICE,
    ),
    KeyRow(("U",), "Undo the last mark", (("u", "practice_undo"),), None, PRACTICE),
    KeyRow(
        (",", "."),
        "Back / forward one frame (pauses)",
        ((",", "frame_back"), (".", "frame_forward")),
        "one frame back/forward",
        AUTHOR,
    ),
    KeyRow(
        ("Shift+,", "Shift+."),
        "Back / forward 100 ms",
        (("Shift+,", "ms_back"), ("Shift+.", "ms_forward")),
        "100 ms back/forward",
        AUTHOR,
    ),
    KeyRow(
        ("Alt+,", "Alt+."),
        "Nudge the selected item one frame earlier / later",
        (("Alt+,", "nudge_frame_back"), ("Alt+.", "nudge_frame_forward")),
        "nudge the selected item a frame",
        AUTHOR,
    ),
    KeyRow(
        ("Alt+Shift+,", "Alt+Shift+."),
        "Nudge the selected item 100 ms earlier / later",
        (("Alt+Shift+,", "nudge_ms_back"), ("Alt+Shift+.", "nudge_ms_forward")),
        "nudge it 100 ms",
        AUTHOR,
    ),
    KeyRow(
        ("Ctrl+Z", "Ctrl+Shift+Z"),
        "Undo / redo the last edit (Ctrl+Y redoes too; ⌘ on a Mac)",
        (("Ctrl+z", "undo"), ("Ctrl+Shift+z", "redo"), ("Ctrl+y", "redo")),
        "undo/redo an edit",
        AUTHOR,
    ),
)


def key_table() -> list[dict[str, Any]]:
    """The table as the player receives it in its data (``data["keys"]``)."""
    return [
        {
            "keys": " / ".join(row.keys),
            "help": row.help,
            "modes": list(row.modes),
            "bindings": [list(b) for b in row.bindings],
        }
        for row in KEYS
    ]


def readme_keys(author: bool) -> str:
    """The README's key line for watching (``author=False``) or for the author's extra keys.

    >>> readme_keys(author=False).split(", ")[:2]
    ['Keys: `Space` play/pause', '`←`/`→` 5 s']
    """
    rows = [r for r in KEYS if r.readme and (r.modes == AUTHOR) == author]
    parts = ["/".join(f"`{k}`" for k in r.keys) + " " + str(r.readme) for r in rows]
    head = "Author keys (mark the frame on screen): " if author else "Keys: "
    return head + ", ".join(parts) + "."
