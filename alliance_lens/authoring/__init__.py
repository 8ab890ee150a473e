"""Authoring a commentary file: the draft and its tables, marks, drafts on disk, saving, uploads.

Pure Python (no Streamlit). One module per concern; this package re-exports their public
names so callers write ``from alliance_lens import authoring as au`` and ``au.apply_mark``:

- ``draft``: the draft as plain data, its tracks and rows, times as the table shows them;
- ``tables``: the editor grid's frames and back (``to_frame``/``from_frame``);
- ``problems``: validation problems placed on table rows;
- ``marks``: marks from the player and nudges of the selected item;
- ``playable``: the draft as the player shows it (``player_view``);
- ``drafts``: unsaved work on disk; ``saving``: into the commentary file; ``preview``: the
  diff a save would make, shown before saving;
- ``importing``: another format's file into new draft tracks, with a summary;
- ``uploads``: uploaded videos into media/; ``thumbnails``: onset pictures as data URIs.
"""

from __future__ import annotations

from .draft import (
    COLUMNS,
    END_TIME,
    LIST_FIELDS,
    MAIN_TIME,
    PROBLEM_COLUMN,
    REQUIRED,
    TABLES,
    TIME_FIELDS,
    Draft,
    add_track,
    draft_from_doc,
    draft_yaml,
    items,
    ms_text,
    new_draft,
    one_line,
    ordered,
    time_cell,
    time_ms,
    tracks,
    validate,
    with_items,
)
from .drafts import (
    DRAFT_FORMAT,
    DraftFile,
    delete_set_aside,
    discard_draft,
    draft_path,
    drafts_dir,
    read_draft,
    safe_slug,
    set_aside_draft,
    set_aside_drafts,
    write_draft,
)
from .importing import ImportSummary, import_into_draft
from .marks import (
    MARK_KINDS,
    MarkResult,
    Selection,
    apply_mark,
    episode_at,
    nudge,
    selected_item,
    set_time,
)
from .playable import PlayerView, lenient_doc, player_view
from .preview import SavePreview, diff_table, preview_save, side_by_side
from .problems import RowProblems, in_words, map_problems, parse_field_path
from .saving import save, save_as_copy
from .tables import from_frame, to_frame
from .thumbnails import thumbnail_uris
from .uploads import (
    DEFAULT_MAX_UPLOAD_BYTES,
    UploadError,
    new_commentary_path,
    safe_name,
    save_upload,
    title_from,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "DRAFT_FORMAT",
    "END_TIME",
    "LIST_FIELDS",
    "MAIN_TIME",
    "MARK_KINDS",
    "PROBLEM_COLUMN",
    "REQUIRED",
    "TABLES",
    "TIME_FIELDS",
    "Draft",
    "ImportSummary",
    "DraftFile",
    "MarkResult",
    "PlayerView",
    "RowProblems",
    "SavePreview",
    "Selection",
    "UploadError",
    "add_track",
    "apply_mark",
    "delete_set_aside",
    "diff_table",
    "discard_draft",
    "draft_from_doc",
    "draft_path",
    "draft_yaml",
    "drafts_dir",
    "episode_at",
    "from_frame",
    "import_into_draft",
    "items",
    "lenient_doc",
    "in_words",
    "map_problems",
    "ms_text",
    "one_line",
    "new_commentary_path",
    "new_draft",
    "nudge",
    "ordered",
    "parse_field_path",
    "player_view",
    "preview_save",
    "read_draft",
    "safe_name",
    "safe_slug",
    "save",
    "save_as_copy",
    "save_upload",
    "selected_item",
    "set_aside_draft",
    "set_aside_drafts",
    "set_time",
    "side_by_side",
    "thumbnail_uris",
    "time_cell",
    "title_from",
    "time_ms",
    "to_frame",
    "tracks",
    "validate",
    "with_items",
    "write_draft",
]
