"""A learner's journal: each answer beside its prompt and the expert commentary it revealed.

Pure Python (no Streamlit): the Reflections page renders what this module builds, and the
exports (CSV, Markdown) come from here too, so the page and the files never disagree.

Answers are stored against ids (video slug, track id, prompt id); the question and the
commentary are looked up in the *current* library. A prompt edited out of its track since
keeps its answers, shown with ``REMOVED_NOTE``.

>>> deep_link("homework", 27_993)
'./?video=homework&t=27.993'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

import pandas as pd

from .answers import SEVERAL_KINDS, correct_labels, decode, shown
from .answers import verdict as several_verdict
from .library import Library
from .model import CommentaryFile, Prompt
from .richtext import md_commentary, md_escape
from .store import Answer, Learner, Store
from .timecode import format_time, format_when, iso_utc

REMOVED_NOTE = "(prompt removed from the track)"
UNREADABLE_NOTE = "(the commentary file cannot be read at the moment)"
MISSING_VIDEO_NOTE = "(video no longer in the library)"

CSV_COLUMNS = (
    "learner",
    "video_id",
    "video_title",
    "track_id",
    "prompt_id",
    "question",
    "attempt",
    "answered_at",
    "answer_text",
    "answer_choice",
    "expected",
    "reveal",
    "link",
)
EDUCATOR_COLUMNS = ("learner", "learner_id", "attempt", "answered_at", "text", "choice")
CHOICE_COLUMNS = ("option", "learners (latest choice)", "expert's choice")
COMPLETION_COLUMNS = ("track", "prompt", "at", "question", "learners answered")

# "ok": the prompt is in the library now; "removed": its track no longer has it;
# "unreadable": the video's commentary file has errors, so we cannot tell.
Status = Literal["ok", "removed", "unreadable"]


@dataclass(frozen=True)
class JournalEntry:
    """One prompt the learner answered, with every attempt (newest first)."""

    video_id: str
    video_title: str
    track_id: str
    track_name: str
    prompt_id: str
    status: Status
    at_ms: int | None  # when the video pauses for it; None unless status is "ok"
    question: str
    kind: str  # "text", "choice", "multi" or "marker"
    expected: str | None
    reveal: str
    link: str  # back to this moment in the Watch page; "" when the video is gone
    attempts: tuple[Answer, ...]
    correct: tuple[str, ...] = ()  # multi/marker: the expert's options, as the learner saw them

    @property
    def expert_answer(self) -> str | None:
        """The expert's option(s) in words, or None when the prompt has none."""
        return self.expected or "; ".join(self.correct) or None

    def verdict(self, choice: str) -> str:
        """How a stored choice compares with the expert's; "" without an expert answer."""
        several = decode(choice)
        if several is not None:
            return several_verdict(several, self.correct)
        if self.expected is None:
            return ""
        same = choice == self.expected
        return "✓ the same as the expert" if same else "the expert chose otherwise"

    @property
    def note(self) -> str:
        return {"ok": "", "removed": REMOVED_NOTE, "unreadable": UNREADABLE_NOTE}[self.status]


@dataclass(frozen=True)
class Summary:
    videos: int
    prompts: int
    attempts: int

    def __str__(self) -> str:
        return (
            f"{_plural(self.attempts, 'answer')} to {_plural(self.prompts, 'prompt')} "
            f"in {_plural(self.videos, 'video')}"
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- Links and escaping -------------------------------------------------------------------------


def link_params(video_id: str, at_ms: int | None = None) -> dict[str, str]:
    """The Watch page's query parameters for a moment: ``video`` (slug) and ``t`` (seconds).

    >>> link_params("homework", 27_000)
    {'video': 'homework', 't': '27'}
    """
    params = {"video": video_id}
    if at_ms is not None:
        params["t"] = f"{at_ms // 1000}" if at_ms % 1000 == 0 else f"{at_ms / 1000:.3f}"
    return params


def deep_link(video_id: str, at_ms: int | None = None, base: str = "./") -> str:
    """A link to the Watch page (the app's default page) at ``at_ms`` in ``video_id``.

    Relative by default: from the Reflections page, ``./`` is the app's root, also under a
    ``server.baseUrlPath``. Exports pass an absolute ``base`` so the link works from a file.

    >>> deep_link("a b", None, "http://127.0.0.1:8501/")
    'http://127.0.0.1:8501/?video=a+b'
    """
    return f"{base}?{urlencode(link_params(video_id, at_ms))}"


# --- The journal --------------------------------------------------------------------------------


def build_journal(
    answers: Iterable[Answer], library: Library, base: str = "./"
) -> list[JournalEntry]:
    """Group ``answers`` by prompt, ordered as the library shows videos and tracks show prompts.

    Videos no longer in the library come last; so do removed prompts within a track.
    """
    grouped: dict[tuple[str, str, str], list[Answer]] = {}
    for answer in answers:
        grouped.setdefault((answer.video_id, answer.track_id, answer.prompt_id), []).append(answer)
    video_order = {entry.slug: i for i, entry in enumerate(library.entries)}
    entries = []
    for (video_id, track_id, prompt_id), attempts in grouped.items():
        attempts.sort(key=lambda a: (a.attempt, a.answered_at), reverse=True)
        entries.append(_entry(library, video_id, track_id, prompt_id, tuple(attempts), base))

    def order(e: JournalEntry) -> tuple[Any, ...]:
        entry = library.entry(e.video_id)
        doc = entry.doc if entry else None
        track_ids = [t.id for t in doc.tracks] if doc else []
        return (
            video_order.get(e.video_id, len(video_order)),
            e.video_id,
            track_ids.index(e.track_id) if e.track_id in track_ids else len(track_ids),
            e.track_id,
            e.at_ms is None,
            e.at_ms or 0,
            e.prompt_id,
        )

    return sorted(entries, key=order)


def learner_journal(
    store: Store, library: Library, learner_id: int, base: str = "./"
) -> list[JournalEntry]:
    return build_journal(store.answers_for_learner(learner_id), library, base)


def _entry(
    library: Library,
    video_id: str,
    track_id: str,
    prompt_id: str,
    attempts: tuple[Answer, ...],
    base: str,
) -> JournalEntry:
    lib_entry = library.entry(video_id)
    doc = lib_entry.doc if lib_entry else None
    track = doc.track(track_id) if doc else None
    prompt = next((p for p in track.prompts if p.id == prompt_id), None) if track else None
    status: Status = "ok" if prompt else "removed" if doc or not lib_entry else "unreadable"
    if lib_entry is None:
        title, link = f"{video_id} {MISSING_VIDEO_NOTE}", ""
    else:
        title, link = lib_entry.title, deep_link(video_id, prompt.at if prompt else None, base)
    return JournalEntry(
        video_id=video_id,
        video_title=title,
        track_id=track_id,
        track_name=track.name if track else track_id,
        prompt_id=prompt_id,
        status=status,
        at_ms=prompt.at if prompt else None,
        question=prompt.question if prompt else "",
        kind=prompt.kind if prompt else _kind_of(attempts),
        expected=prompt.expected if prompt else None,
        reveal=prompt.reveal if prompt else "",
        link=link,
        attempts=attempts,
        correct=correct_labels(prompt.kind, prompt.correct, library.vocabulary.marker_label)
        if prompt
        else (),
    )


def _kind_of(attempts: Sequence[Answer]) -> str:
    return "choice" if any(a.choice is not None for a in attempts) else "text"


def summarize(entries: Sequence[JournalEntry]) -> Summary:
    return Summary(
        videos=len({e.video_id for e in entries}),
        prompts=len(entries),
        attempts=sum(len(e.attempts) for e in entries),
    )


# --- Exports ------------------------------------------------------------------------------------


def journal_rows(entries: Sequence[JournalEntry], learner_name: str) -> list[dict[str, Any]]:
    """One row per attempt, columns as ``CSV_COLUMNS``; times in ISO 8601 UTC."""
    return [
        {
            "learner": learner_name,
            "video_id": e.video_id,
            "video_title": e.video_title,
            "track_id": e.track_id,
            "prompt_id": e.prompt_id,
            "question": e.question or e.note,
            "attempt": a.attempt,
            "answered_at": iso_utc(a.answered_at),
            "answer_text": a.text,
            "answer_choice": shown(a.choice) if a.choice is not None else None,
            "expected": e.expert_answer,
            "reveal": e.reveal,
            "link": e.link,
        }
        for e in entries
        for a in e.attempts
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: object) -> object:
    """Spreadsheets run a cell starting with = + - @ as a formula (CSV injection): an answer
    like ``=HYPERLINK(...)`` would act when an educator opens the file. A leading ``'`` makes
    it text, as OWASP recommends."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = CSV_COLUMNS) -> bytes:
    """CSV bytes (UTF-8 with a byte-order mark, so spreadsheets read accents correctly)."""
    frame = pd.DataFrame(list(rows), columns=list(columns))
    frame = frame.map(_defuse)
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_markdown(
    entries: Sequence[JournalEntry],
    learner_name: str,
    exported_at_ms: int,
    timezone: str | None = None,
) -> str:
    """The journal as a Markdown document: learners' text escaped, commentary kept as written."""
    lines = [
        f"# Reflections of {md_escape(learner_name)}",
        "",
        f"Exported from Alliance Lens on {format_when(exported_at_ms, timezone)}: "
        f"{summarize(entries)}. Confidential: your own notes on therapy recordings.",
    ]
    video = None
    for e in entries:
        if e.video_id != video:
            video = e.video_id
            lines += ["", f"## {md_escape(e.video_title)}"]
        at = f" at {format_time(e.at_ms)}" if e.at_ms is not None else ""
        lines += ["", f"### {md_escape(e.track_name)}{at}", ""]
        lines.append(f"**Question:** {md_commentary(e.question)}" if e.question else f"*{e.note}*")
        if e.link:
            lines += ["", f"[Back to this moment in the video]({e.link})"]
        lines += ["", "**Your answers** (newest first):", ""]
        for a in e.attempts:
            when = format_when(a.answered_at, timezone)
            lines.append(f"- Attempt {a.attempt}, {when}:")
            if a.choice is not None:
                said = e.verdict(a.choice)
                said = f" ({md_escape(said)})" if said else ""
                lines.append(f"  - Your choice: {md_escape(shown(a.choice))}{said}")
            if a.text:
                lines += [
                    f"  > {md_escape(line)}" if line else "  >" for line in a.text.splitlines()
                ]
        if e.expert_answer:
            lines += ["", f"**The expert chose:** {md_commentary(e.expert_answer)}"]
        if e.reveal:
            lines += ["", f"**Expert commentary:** {md_commentary(e.reveal)}"]
    if not entries:
        lines += ["", "No reflections yet."]
    return "\n".join(lines) + "\n"


# --- Educator view ------------------------------------------------------------------------------


def prompt_answers_frame(
    pairs: Iterable[tuple[Learner, Answer]], when: Callable[[int], str] = iso_utc
) -> pd.DataFrame:
    """Every learner's attempts at one prompt (``Store.answers_for_prompt``) as a table;
    ``when`` writes ``answered_at`` (ISO UTC for files, local time on screen)."""
    return pd.DataFrame(
        [
            {
                "learner": learner.label,  # "Unnamed learner #0007" until they choose a name
                "learner_id": learner.id,  # display names need not be unique
                "attempt": answer.attempt,
                "answered_at": when(answer.answered_at),
                "text": answer.text,
                "choice": shown(answer.choice) if answer.choice is not None else None,
            }
            for learner, answer in pairs
        ],
        columns=list(EDUCATOR_COLUMNS),
    )


def choice_frame(
    prompt: Prompt,
    pairs: Iterable[tuple[Learner, Answer]],
    label: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """For a choice, multi or marker prompt: how many learners' latest answer includes each
    option, the expert's marked; ``label`` names a marker prompt's options as learners saw them.

    Choices that are no longer options (the prompt was edited) are listed after the options.
    """
    latest: dict[int, tuple[str, ...]] = {}
    for learner, answer in sorted(pairs, key=lambda pair: pair[1].attempt):
        if answer.choice is not None:
            latest[learner.id] = decode(answer.choice) or (answer.choice,)
    tally = Counter(option for chosen in latest.values() for option in chosen)
    shown_options = list(correct_labels(prompt.kind, prompt.options, label or str))
    expert = (
        set(correct_labels(prompt.kind, prompt.correct, label or str))
        if prompt.kind in SEVERAL_KINDS
        else {prompt.expected}
    )
    options = shown_options + sorted(set(tally) - set(shown_options))
    return pd.DataFrame(
        [(o, tally.get(o, 0), "✓" if o in expert else "") for o in options],
        columns=list(CHOICE_COLUMNS),
    )


def completion_frame(
    doc: CommentaryFile | None, counts: Mapping[tuple[str, str], int]
) -> pd.DataFrame:
    """Learners who answered each prompt at least once; prompts with answers but no longer in
    the file are listed after, with ``REMOVED_NOTE``."""
    rows = []
    seen = set()
    for track in doc.tracks if doc else ():
        for prompt in sorted(track.prompts, key=lambda p: p.at):
            seen.add((track.id, prompt.id))
            rows.append(
                (
                    track.name,
                    prompt.id,
                    format_time(prompt.at),
                    prompt.question,
                    counts.get((track.id, prompt.id), 0),
                )
            )
    for (track_id, prompt_id), count in sorted(counts.items()):
        if (track_id, prompt_id) not in seen:
            rows.append((track_id, prompt_id, "", REMOVED_NOTE, count))
    return pd.DataFrame(rows, columns=list(COMPLETION_COLUMNS))
