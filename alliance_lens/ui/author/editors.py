"""Field editors of the selected item: text fields, and a rupture's type, markers and repairs
(markers and strategies as pills, each with its 3RS definition on hover and focus)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from alliance_lens import authoring as au
from alliance_lens.library import Library
from alliance_lens.ui.safe_text import lit
from alliance_lens.vocabulary import Vocabulary

from .actions import commit, field_changed, markers_changed, repair_strategies_changed
from .state import DEPTHS, DIRECTNESS, RESOLUTIONS, TYPES, key, state


def text_field(
    sel: au.Selection,
    track: int,
    name: str,
    label: str,
    item: dict[str, Any],
    prefix: str,
    area: bool = False,
) -> None:
    widget = st.text_area if area else st.text_input
    widget(
        label,
        value=str(item.get(name) or ""),
        key=prefix + name,
        on_change=field_changed,
        args=(sel, track, name, prefix + name),
    )


def episode_fields(
    library: Library,
    current: au.DraftFile,
    sel: au.Selection,
    track: int,
    item: dict[str, Any],
    prefix: str,
    mapped: au.RowProblems,
) -> None:
    vocab = library.vocabulary
    # type and resolution side by side, the markers under them at full width (long labels)
    top = st.columns([3, 2])
    cols = [top[0], st.container(), top[1]]
    rtype = item.get("type")
    cols[0].radio(
        "Rupture type",
        TYPES,
        index=TYPES.index(rtype) if rtype in TYPES else None,
        format_func=str.capitalize,
        horizontal=True,
        key=prefix + "type",
        on_change=field_changed,
        args=(sel, track, "type", prefix + "type"),
    )
    options = list(vocab.markers_of(rtype)) if rtype in TYPES else list(vocab.markers)
    chosen = [m for m in item.get("markers") or [] if isinstance(m, str)]
    options += [m for m in chosen if m not in options]
    # pills stay on screen for several picks (a multiselect's menu closes after each);
    # each shows its 3RS definition on hover or keyboard focus
    with cols[1].container(key=key("marker_pills")):
        st.pills(
            "Markers",
            options,
            selection_mode="multi",
            default=chosen,
            format_func=lambda m: lit(vocab.marker_label(m)),
            key=prefix + "markers",
            help=marker_help(vocab, options),
            on_change=markers_changed,
            args=(sel, track, prefix + "markers", vocab),
        )
        definitions = [
            f"{vocab.marker_label(m)}: {vocab.markers[m].definition}"
            if m in vocab.markers and vocab.markers[m].definition
            else ""
            for m in options
        ]
        st.html(option_tips(key("marker_pills"), definitions))
    res = item.get("resolution")
    cols[2].selectbox(
        "Resolution",
        RESOLUTIONS,
        index=RESOLUTIONS.index(res) if res in RESOLUTIONS else None,
        key=prefix + "resolution",
        placeholder="Choose…",  # the default is cut short in the narrow column
        on_change=field_changed,
        args=(sel, track, "resolution", prefix + "resolution"),
    )
    text_field(sel, track, "title", "Short title", item, prefix)
    st.markdown("**Repair moves** (the therapist's; add a row per move)")
    frame = au.to_frame(
        current.draft, "repairs", track, mapped.repairs.get(sel.row), episode=sel.row
    )
    config = {
        "at": st.column_config.TextColumn("At (mm:ss.mmm)", required=True),
        "strategies": st.column_config.MultiselectColumn(
            "Strategies",
            options=list(vocab.strategies),
            format_func=vocab.strategy_label,
            width="large",
            help=strategy_help(vocab),
        ),
        "depth": st.column_config.SelectboxColumn("Depth", options=list(DEPTHS)),
        "directness": st.column_config.SelectboxColumn("Directness", options=list(DIRECTNESS)),
        "note": st.column_config.TextColumn("Note", width="large"),
        au.PROBLEM_COLUMN: st.column_config.TextColumn("Problem", disabled=True),
    }
    edited = st.data_editor(
        frame,
        column_config=config,
        num_rows="dynamic",
        hide_index=True,
        key=key(f"repairs_{state().version}"),
    )
    new = au.from_frame(current.draft, "repairs", edited, track, episode=sel.row)
    if new != current.draft:
        commit(new)
        st.rerun()
    strategy_pills(vocab, sel, track, item, prefix)


def strategy_pills(
    vocab: Vocabulary, sel: au.Selection, track: int, item: dict[str, Any], prefix: str
) -> None:
    """One repair move's strategies as pills: several picks without reopening a menu."""
    repairs = [r for r in item.get("repairs") or [] if isinstance(r, dict)]
    if not repairs:
        st.caption("Add a repair move above (its time), then pick its strategies here.")
        return
    index = 0
    if len(repairs) > 1:
        index = (
            st.selectbox(
                "Repair move",
                range(len(repairs)),
                format_func=lambda i: (
                    f"Move {i + 1} at {au.time_cell(repairs[i].get('at')) or '?'}"
                ),
                key=key("repair_pick"),
            )
            or 0
        )
    options = list(vocab.strategies)
    chosen = [s for s in repairs[index].get("strategies") or [] if isinstance(s, str)]
    options += [s for s in chosen if s not in options]
    widget = prefix + f"strategies_{index}"
    with st.container(key=key("strategy_pills")):
        st.pills(
            f"Strategies of move {index + 1}",
            options,
            selection_mode="multi",
            default=chosen,
            format_func=lambda s: lit(vocab.strategy_label(s)),
            key=widget,
            help=strategy_help(vocab),
            on_change=repair_strategies_changed,
            args=(sel, track, index, widget),
        )
        tips = [
            f"{vocab.strategy_label(s)}: {vocab.strategy_definition(s)}"
            if vocab.strategy_definition(s)
            else ""
            for s in options
        ]
        st.html(option_tips(key("strategy_pills"), tips))


def option_tips(container: str, definitions: list[str]) -> str:
    """CSS that shows the definition of the pill under the pointer or keyboard focus, in a
    box over the pills (a pill clips what overflows it, so the box hangs off the toolbar).

    Streamlit gives a pill no tooltip of its own; the n-th button of the container's
    toolbar is the n-th option. The text is app text, escaped for a CSS string anyway.
    """
    bar = f".st-key-{container} [role=toolbar]"
    rules = [
        f"{bar} {{ position: relative; }}",
        # a long label wraps inside its pill rather than ending in "…" (3RS labels are long)
        f"{bar} > button {{ height: auto; max-width: 100%; }}",
        f"{bar} > button p {{ white-space: normal; overflow: visible; text-align: left; }}",
        f"{bar}:has(> button:is(:hover, :focus-visible))::after {{ position: absolute; "
        "left: 0; right: 0; bottom: calc(100% + 2px); z-index: 1000; white-space: normal; "
        "font-size: 0.85rem; line-height: 1.35; padding: 0.4rem 0.6rem; border-radius: 0.3rem; "
        "background: #1f2933; color: #fff; pointer-events: none; }",
    ]
    for n, text in enumerate(definitions, start=1):
        if text:
            rules.append(f"{bar}:has(> button:nth-of-type({n}):is(:hover, :focus-visible))"
                         f"::after {{ content: {css_string(text)}; }}")  # fmt: skip
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def css_string(text: str) -> str:
    """``text`` as a CSS string: anything but letters, digits and plain punctuation escaped.

    >>> css_string('Say "no" </style>')
    '"Say \\\\22 no\\\\22  \\\\3c /style\\\\3e "'
    """
    safe = set(" .,;:!?()'-/")
    return '"' + "".join(c if c.isalnum() or c in safe else f"\\{ord(c):x} " for c in text) + '"'


def marker_help(vocab: Vocabulary, options: list[str]) -> str:
    """What each marker on offer means, as the vocabulary says (type, group, label)."""
    lines = []
    for marker_id in options:
        marker = vocab.markers.get(marker_id)
        if marker is None:
            lines.append(f"- **{lit(marker_id)}**: not in this library's vocabulary")
            continue
        group = vocab.marker_groups.get(marker.group or "", "")
        kind = f"{marker.type} marker" + (f", {group.lower()}" if group else "")
        meaning = f" — {marker.definition}" if marker.definition else ""
        lines.append(f"- **{lit(marker.label)}** ({lit(kind)}){meaning}")
    return "3RS rupture markers (Eubanks, Muran & Safran):\n\n" + "\n".join(lines)


def strategy_help(vocab: Vocabulary) -> str:
    """The repair strategies on offer, as the vocabulary names them."""
    lines = [f"- {lit(label)}" for label in vocab.strategies.values()]
    return "3RS repair strategies (pick several per move):\n\n" + "\n".join(lines)
