"""Author: build and edit commentary tracks against the video, without ever losing work."""

from alliance_lens.ui.author import render_author_page
from alliance_lens.ui.loaders import get_library

render_author_page(get_library())
