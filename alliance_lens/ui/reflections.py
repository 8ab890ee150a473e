"""The Reflections page: a learner's journal, its exports and deletion; the educator view.

Everything a learner or a commentary author wrote is shown as text: learners' answers with
``st.text`` (no Markdown, no HTML), names and titles through ``safe_text.lit``, commentary
through ``safe_text.commentary``.
"""

from __future__ import annotations

import time
from urllib.parse import urljoin

import streamlit as st

from alliance_lens import journal
from alliance_lens.answers import SEVERAL_KINDS
from alliance_lens.answers import shown as journal_shown
from alliance_lens.errors import StoreError
from alliance_lens.journal import JournalEntry
from alliance_lens.library import Library
from alliance_lens.store import Learner, Store
from alliance_lens.timecode import format_time, format_when
from alliance_lens.ui.access import current_access
from alliance_lens.ui.learner import (
    WHERE_KEPT,
    current_learner,
    get_store,
    name_form,
    offer_link,
    unavailable,
)
from alliance_lens.ui.navigation import PAGES_DIR
from alliance_lens.ui.practice_views import cohort_view, practice_history
from alliance_lens.ui.safe_text import commentary, lit, subheader

WATCH_PAGE = PAGES_DIR / "watch.py"
CONFIRM_KEY = "reflections_confirm_delete"
DELETED_KEY = "reflections_deleted"  # what was removed, shown once after the rerun

HOW_IT_WORKS = (
    "Reflections are collected on the **Watch** page. In *Learner* mode the video stops at "
    "pause-and-reflect prompts and asks what you notice: a rupture, what the client or the "
    "therapist might be feeling, what you would say next. Write or choose your answer, then "
    "reveal the expert's commentary. Every answer is kept here, beside that commentary, with a "
    "link back to the moment in the video; answering again adds a new attempt."
)


def render_reflections_page(library: Library) -> None:
    head, toggle = st.columns([4, 1], vertical_alignment="bottom")
    head.title("Reflections")
    educator = current_access().feature("educator_view") and toggle.toggle(
        "Educator view", key="reflections_educator", help="Every learner's answers to a prompt."
    )
    try:
        store = get_store()
        if educator:
            _educator_view(store, library)
        else:
            _learner_view(store, library)
    except StoreError as exc:
        st.error(unavailable(exc).message, icon=":material/database:")


# --- Learner ------------------------------------------------------------------------------------


def _learner_view(store: Store, library: Library) -> None:
    deleted = st.session_state.pop(DELETED_KEY, None)
    if deleted:
        st.success(deleted, icon=":material/delete:")
    offer_link()  # signed in: this browser's earlier anonymous answers, with consent
    learner = current_learner()
    if learner is None:  # no answer and no name yet from this browser
        st.markdown(HOW_IT_WORKS)
        st.caption(WHERE_KEPT)
        if name_form() is not None:
            st.rerun()
        return
    # Exported links must work from a file, so they are absolute when the browser's URL is known.
    base = urljoin(st.context.url, "./") if st.context.url else "./"
    entries = journal.learner_journal(store, library, learner.id, base)
    whose = f", **{lit(learner.display_name)}**" if learner.named else " (no name yet)"
    st.markdown(
        f"Your journal{whose}: "
        + (f"{journal.summarize(entries)}." if entries else "no reflections yet.")
    )
    if not learner.named and name_form() is not None:
        st.rerun()
    if not entries:
        st.info(HOW_IT_WORKS, icon=":material/edit_note:")
        st.page_link(WATCH_PAGE, label="Go to Watch", icon=":material/play_circle:")
    video = None
    for entry in entries:
        if entry.video_id != video:
            video = entry.video_id
            subheader(entry.video_title, divider="gray")
        _journal_entry(entry)
    practice_history(store, library, learner)
    _your_data(store, learner, entries)


def _journal_entry(e: JournalEntry) -> None:
    with st.container(border=True):
        top, link = st.columns([3, 1], vertical_alignment="center")
        at = f" · {_mmss(e.at_ms)}" if e.at_ms is not None else ""
        top.markdown(f"**{lit(e.track_name)}**{at}")
        if e.link:
            link.page_link(
                WATCH_PAGE,
                label="Back to this moment" if e.at_ms is not None else "Open the video",
                icon=":material/replay:",
                query_params=journal.link_params(e.video_id, e.at_ms),
            )
        if e.question:
            commentary(e.question)
        else:
            st.caption(lit(e.note))
        mine, expert = st.columns(2, gap="large")
        with mine:
            st.markdown(
                "**Your answer**" if len(e.attempts) == 1 else "**Your answers**, newest first"
            )
            for answer in e.attempts:
                when = format_when(answer.answered_at, st.context.timezone)
                st.caption(f"Attempt {answer.attempt} · {when}")
                if answer.choice is not None:
                    verdict = e.verdict(answer.choice)
                    verdict = f"  ({verdict})" if verdict else ""
                    st.text(f"You chose: {journal_shown(answer.choice)}{verdict}")
                if answer.text:
                    st.text(answer.text)
        with expert:
            st.markdown("**Expert commentary**")
            if e.expert_answer:
                st.markdown(f"The expert chose: *{lit(e.expert_answer)}*")
            if e.reveal:
                commentary(e.reveal)
            elif e.status == "ok":
                st.caption("This prompt has no commentary to reveal.")
            else:
                st.caption("Not available: " + e.note.strip("()") + ".")


def _mmss(ms: int) -> str:
    # whole seconds are precise enough for people; the link carries the exact time
    return format_time(ms - ms % 1000, compact=True)


def _your_data(store: Store, learner: Learner, entries: list[JournalEntry]) -> None:
    st.subheader("Your data", divider="gray")
    st.caption(
        WHERE_KEPT.replace("open the Reflections page and use", "use")
        + " The exports include the questions and commentary, so you can read them away from "
        "the app."
    )
    stamp = time.strftime("%Y-%m-%d")
    row = st.container(horizontal=True)
    row.download_button(
        "Download CSV",
        journal.to_csv(journal.journal_rows(entries, learner.label)),
        file_name=f"alliance-lens-reflections-{stamp}.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        disabled=not entries,
    )
    row.download_button(
        "Download Markdown",
        journal.to_markdown(entries, learner.label, int(time.time() * 1000), st.context.timezone),
        file_name=f"alliance-lens-reflections-{stamp}.md",
        mime="text/markdown",
        icon=":material/description:",
        on_click="ignore",
        disabled=not entries,
    )
    if row.button("Delete my data…", icon=":material/delete:", key="reflections_delete"):
        st.session_state[CONFIRM_KEY] = True
    if st.session_state.get(CONFIRM_KEY):
        _confirm_delete(store, learner, entries)


def _confirm_delete(store: Store, learner: Learner, entries: list[JournalEntry]) -> None:
    # A named learner types their name; one without a name types DELETE.
    expected = learner.display_name if learner.named else "DELETE"
    with st.container(border=True):
        st.warning(
            (
                "This permanently deletes your name, "
                if learner.named
                else "This permanently deletes "
            )
            + (f"{journal.summarize(entries)}" if entries else "your (empty) journal")
            + " and where you stopped in each video. It cannot be undone; download an export "
            "first if you want to keep them.",
            icon=":material/warning:",
        )
        label = "Type your name to confirm" if learner.named else "Type DELETE to confirm"
        typed = st.text_input(label, key="reflections_delete_name")
        go, cancel = st.columns([1, 4])
        confirmed = go.button("Delete everything", type="primary", key="reflections_delete_go")
        if cancel.button("Cancel", key="reflections_delete_cancel"):
            st.session_state[CONFIRM_KEY] = False
            st.rerun()
    if not confirmed:
        return
    if typed.strip() != expected.strip():
        st.error(
            ("The name you typed does not match" if learner.named else "You did not type DELETE")
            + ": nothing was deleted."
        )
        return
    store.delete_learner_data(learner.id)
    st.session_state[CONFIRM_KEY] = False
    st.session_state[DELETED_KEY] = (
        "Deleted: "
        + (f"the name “{lit(learner.display_name)}”, " if learner.named else "")
        + (str(journal.summarize(entries)) if entries else "no answers")
        + ", and every saved place in a video. Nothing of yours is left in Alliance Lens."
    )
    st.rerun()


# --- Educator -----------------------------------------------------------------------------------


def _educator_view(store: Store, library: Library) -> None:
    st.caption(
        "Every learner's answers on this installation, for discussing a prompt with a group. "
        "Names are the ones learners chose; a learner who has not chosen one is shown as "
        "“Unnamed learner #” and a number. Treat what they wrote as confidential."
    )
    videos = [e for e in library.entries if e.doc is not None]
    if not videos:
        st.info(f"No readable commentary files in {library.commentary_dir}.")
        return
    pick = st.columns(3)
    titles = {e.slug: e.title for e in videos}
    slugs = list(titles)
    # a selectbox with options and a default index always has a value
    slug = pick[0].selectbox("Video", slugs, format_func=titles.__getitem__, key="edu_video")
    entry = library.entry(slug or slugs[0])
    assert entry is not None and entry.doc is not None
    slug, doc = entry.slug, entry.doc
    tracks = {t.id: t for t in doc.tracks if t.prompts}
    if not tracks:
        st.info("This video's tracks have no pause-and-reflect prompts.")
    else:
        track_id = pick[1].selectbox(
            "Track", list(tracks), format_func=lambda t: tracks[t].name, key=f"edu_track_{slug}"
        )
        track = tracks[track_id]
        prompts = {p.id: p for p in sorted(track.prompts, key=lambda p: p.at)}
        prompt_id = pick[2].selectbox(
            "Prompt",
            list(prompts),
            format_func=lambda p: f"{_mmss(prompts[p].at)} · {_short(prompts[p].question)}",
            key=f"edu_prompt_{slug}_{track_id}",
        )
        prompt = prompts[prompt_id]
        commentary(prompt.question)
        pairs = store.answers_for_prompt(slug, track_id, prompt_id)
        if prompt.kind in ("choice", *SEVERAL_KINDS):
            frame = journal.choice_frame(prompt, pairs, library.vocabulary.marker_label)
            st.dataframe(frame, hide_index=True, width="stretch")
        frame = journal.prompt_answers_frame(pairs)
        if frame.empty:
            st.info("No one has answered this prompt yet.", icon=":material/hourglass_empty:")
        else:
            # On screen: local times, and only the answer column(s) this prompt uses.
            shown = journal.prompt_answers_frame(
                pairs, lambda ms: format_when(ms, st.context.timezone)
            ).dropna(axis="columns", how="all")
            st.dataframe(shown, hide_index=True, width="stretch")
            st.download_button(
                "Download these answers (CSV)",
                journal.to_csv(frame.to_dict("records"), journal.EDUCATOR_COLUMNS),
                file_name=f"alliance-lens-{slug}-{track_id}-{prompt_id}.csv",
                mime="text/csv",
                icon=":material/table:",
                on_click="ignore",
            )
    st.subheader("Completion", divider="gray")
    st.caption("How many learners answered each prompt of this video at least once.")
    completion = journal.completion_frame(doc, store.completion_counts(slug))
    st.dataframe(
        completion,
        hide_index=True,
        width="stretch",
        column_order=("track", "at", "prompt", "learners answered", "question"),
    )
    cohort_view(store, entry)


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
