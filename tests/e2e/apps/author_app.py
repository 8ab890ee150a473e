"""A tiny app mounting the player in author mode, to test the `mark` hook in a browser."""

import json

import streamlit as st
from starlette.routing import Mount

from alliance_lens.library import library_root
from alliance_lens.media_route import MEDIA_ROUTE, LibraryMedia

app = st.App(__file__, routes=[Mount(MEDIA_ROUTE, app=LibraryMedia(library_root() / "media"))])

if __name__ == "__main__":
    from alliance_lens.library import scan_library
    from alliance_lens.player import player, trigger_value
    from alliance_lens.playerdata import PlayerOptions, VideoSource, build_player_data

    def on_mark() -> None:
        st.session_state.setdefault("marks", []).append(trigger_value("author", "mark"))

    lib = scan_library(library_root())
    entry = lib.entry("clip")
    assert entry is not None and entry.doc is not None
    video = VideoSource("/library-media/clip.mp4", 25.0, 24_000)
    data = build_player_data(entry.doc, lib.vocabulary, video, PlayerOptions(mode="author"))
    player(data, key="author", on_mark=on_mark)
    st.code(json.dumps(st.session_state.get("marks", [])), language=None)
