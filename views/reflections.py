"""Reflections: the learner's journal of answers beside the expert commentary; educator view."""

from alliance_lens.ui.loaders import get_library
from alliance_lens.ui.reflections import render_reflections_page

render_reflections_page(get_library())
