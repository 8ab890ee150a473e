"""Library: every video and commentary file, what is wrong with them, and where they live."""

import streamlit as st

from alliance_lens.ui.access import current_access
from alliance_lens.ui.loaders import get_library
from alliance_lens.ui.problems import show_problems
from alliance_lens.ui.safe_text import caption, code, subheader

library = get_library()
problems_shown = current_access().feature("library_problems")  # educators fix them
st.title("Library")
st.caption(f"Folder: {code(str(library.root))} (set ALLIANCE_LENS_LIBRARY to use another library)")
if problems_shown:
    show_problems(library.problems, title="Problems with this library")

for entry in library.by_title():
    with st.container(border=True):
        left, right = st.columns([4, 1])
        subheader(entry.title, left)
        if entry.doc:
            caption(" · ".join(t.name for t in entry.doc.tracks), left)
            if entry.doc.description:
                # descriptions often name the rupture: a learner opens it only if they wish
                with left.expander("Description (may say what to look for)"):
                    st.text(entry.doc.description)
        if not entry.has_errors:
            right.page_link(
                "views/watch.py",
                label="Watch",
                icon=":material/play_circle:",
                query_params={"video": entry.slug},
            )
        video = entry.video_url or (entry.video_path.name if entry.video_path else "—")
        st.caption(f"Commentary: {code(entry.track_path.name)} · Video: {code(video)}")
        if problems_shown:
            show_problems(entry.all_problems, title="Problems in this commentary file")

if library.orphan_videos:
    st.subheader("Videos without commentary", anchor=False)
    st.write("These videos have no commentary file yet. Open the Author page to start one.")
    for video in library.orphan_videos:
        st.markdown(f"- {code(library.media_relative(video))}")
if not library.entries:
    st.info(
        "No commentary files found. Put one YAML file per video in the library's "
        "`commentary/` folder; see docs/commentary-format.md."
    )
