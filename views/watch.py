"""Watch: a video with its time-synced commentary, rupture timeline and reflection prompts."""

from alliance_lens.ui.loaders import get_library
from alliance_lens.ui.watch import render_watch_page

render_watch_page(get_library())
