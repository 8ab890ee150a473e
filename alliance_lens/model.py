"""The commentary model: a video's commentary file with its named tracks.

A *commentary file* (``CommentaryFile``) belongs to one video and holds chapters and one or
more named *tracks* (e.g. "Expert", "Mentalization lens"). A track holds rupture *episodes*
(onset -> resolution, with markers and repairs), running commentary *cues* and
pause-and-reflect *prompts*. Times are integer milliseconds.

Models are immutable and check shapes and types when built (pydantic collects every
problem at once). Rules that need the whole file or the vocabulary live in
``semantic_problems`` so that each finding can point at the exact field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)

from .timecode import MAX_MS, format_time, parse_time

FORMAT_VERSION = 1
MAX_TEXT = 20_000  # characters in one text field: longer is junk, not commentary


def _parse_ms(value: Any, info: ValidationInfo) -> int:
    """Strings are times; numbers are seconds in files but milliseconds from Python code."""
    if isinstance(value, int) and not isinstance(value, bool) and not _from_file(info):
        if not 0 <= value <= MAX_MS:
            raise ValueError(f"expected a time from 0 to 100 hours in ms, found {value}")
        return value
    try:
        return parse_time(value)
    except ValueError as exc:  # pydantic turns ValueError into a located error
        raise ValueError(str(exc)) from None


FILE_CONTEXT = {"source": "file"}


def _from_file(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and info.context.get("source") == "file"


Millis = Annotated[
    int,
    BeforeValidator(_parse_ms),
    PlainSerializer(lambda ms: format_time(ms, compact=True), return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "pattern": r"^\s*(\d{1,3}:)?(\d{1,2}:)?\d{1,6}([.,]\d{1,3})?\s*$",
                },
                {"type": "number", "minimum": 0},
            ],
            "description": "A time: ss, mm:ss or hh:mm:ss with optional .mmm, or seconds.",
            "examples": ["01:02.500", "75", "1:02:03"],
        }
    ),
]
Id = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"),
]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
ShortText = Annotated[str, StringConstraints(max_length=500)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

RuptureType = Literal["withdrawal", "confrontation"]
Resolution = Literal["resolved", "partly", "unresolved"]
AllianceElement = Literal["goals", "tasks", "bond"]
RepairDepth = Literal["immediate", "exploratory"]
RepairDirectness = Literal["direct", "indirect"]
PromptKind = Literal["text", "choice", "multi", "marker"]
RepairOutcome = Literal["helped", "partly", "did_not_help"]
ParticipantRole = Literal["leader", "co-leader", "member", "therapist", "client"]
Rating = Annotated[int, Field(ge=1, le=5)]  # a 3RS rating: 1 (not at all) .. 5 (very)
Status = Literal["draft", "published"]  # learners never see a draft (see visibility.py)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Chapter(_Model):
    """A named section of the video, for the jump list and the timeline."""

    id: Id | None = Field(default=None, description="Optional stable id.")
    start: Millis = Field(description="Where the chapter starts.")
    title: ShortText = Field(min_length=1, description="Shown in the jump list.")
    safe_to_show_early: bool = Field(
        default=False,
        description="Learners see this title before its start is reached (it gives nothing away).",
    )


class Participant(_Model):
    """Someone who speaks in the video: a therapist and client, or a group's leader and members."""

    id: Id = Field(description="Unique within the file; episodes' involved lists refer to it.")
    name: ShortText = Field(min_length=1, description="Shown in captions and on episode cards.")
    role: ParticipantRole = Field(
        description="leader, co-leader or member (a group); therapist or client (individual)."
    )


class Repair(_Model):
    """One repair move by the therapist within an episode."""

    at: Millis = Field(description="When the repair move happens.")
    strategies: tuple[str, ...] = Field(
        default=(), description="Resolution strategies (ids from the vocabulary)."
    )
    depth: RepairDepth | None = Field(
        default=None, description="immediate (surface) or exploratory (working through it)."
    )
    directness: RepairDirectness | None = Field(
        default=None, description="direct (names the rupture) or indirect."
    )
    note: Text = Field(default="", description="Commentary on this repair move.")
    outcome: RepairOutcome | None = Field(
        default=None,
        description="helped, partly or did_not_help (a move that deepened the rupture).",
    )
    stages: tuple[str, ...] = Field(
        default=(), description="Resolution-stage tags (ids from the vocabulary), optional."
    )


class Episode(_Model):
    """A rupture episode: from its onset to its resolution, with markers and repairs."""

    id: Id = Field(description="Unique within the track; cues and prompts refer to it.")
    title: ShortText = Field(default="", description="Short name for lists and the timeline.")
    type: RuptureType = Field(description="withdrawal (away from) or confrontation (against).")
    onset: Millis = Field(description="When the rupture starts.")
    resolved_at: Millis | None = Field(
        default=None, description="When it is resolved (omit if it never is)."
    )
    markers: tuple[str, ...] = Field(
        default=(), description="Rupture markers (ids from the vocabulary)."
    )
    salience: int | None = Field(
        default=None, ge=1, le=5, description="Older name for significance; kept so files load."
    )
    significance: Rating | None = Field(
        default=None, description="3RS rupture significance, 1 (barely) to 5 (highly)."
    )
    resolution: Resolution | None = Field(
        default=None, description="resolved, partly or unresolved."
    )
    resolution_rating: Rating | None = Field(
        default=None, description="3RS resolution rating, 1 (not at all) to 5 (fully resolved)."
    )
    involved: tuple[Id, ...] = Field(
        default=(), description="Participant ids of who is involved (e.g. a member and the leader)."
    )
    alliance: tuple[AllianceElement, ...] = Field(
        default=(), description="Alliance elements strained: goals, tasks, bond."
    )
    repairs: tuple[Repair, ...] = Field(default=(), description="The therapist's repair moves.")
    commentary: Text = Field(default="", description="Free commentary on the whole episode.")

    @property
    def rated_significance(self) -> int | None:
        """The 3RS significance, read from the older ``salience`` when only that is set."""
        return self.significance if self.significance is not None else self.salience


class Cue(_Model):
    """One piece of running commentary, shown from ``start`` (to ``end``)."""

    id: Id | None = Field(default=None, description="Optional stable id.")
    start: Millis = Field(description="When the cue appears.")
    end: Millis | None = Field(default=None, description="When it stops being current.")
    lens: str = Field(default="alliance", description="Lens id from the vocabulary.")
    episode: Id | None = Field(default=None, description="Id of the episode it comments on.")
    text: Text = Field(min_length=1, description="The commentary (safe Markdown subset).")
    presenter_notes: Text = Field(
        default="", description="Notes for the presenter only; never shown to the room."
    )


class Prompt(_Model):
    """A pause-and-reflect moment: the video stops, asks, then reveals."""

    id: Id = Field(description="Unique within the track; answers are stored against it.")
    at: Millis = Field(description="When the video pauses for the question.")
    question: Text = Field(min_length=1, description="What the viewer is asked.")
    kind: PromptKind = Field(
        default="text",
        description="text (open answer), choice (one), multi (several correct) or marker.",
    )
    options: tuple[ShortText, ...] = Field(
        default=(), description="The choices; for kind: marker, marker ids from the vocabulary."
    )
    expected: ShortText | None = Field(
        default=None, description="For a choice: the option the expert would pick."
    )
    correct: tuple[ShortText, ...] = Field(
        default=(), description="For multi and marker: every option the expert counts as right."
    )
    reveal: Text = Field(default="", description="The commentary revealed after answering.")
    episode: Id | None = Field(default=None, description="Episode the prompt is about.")
    rewind_to: Millis | None = Field(
        default=None,
        description="'Stop and rewind' point; defaults to the onset of the prompt's episode.",
    )


# ---------------------------------------------------------------- practice (issue 12)
PracticeFeedback = Literal["end", "chapter"]
Significance = Annotated[int, Field(ge=1, le=5)]


class SegmentRating(_Model):
    """One row of an authored expert rating sheet (3RS style), overriding the derived one."""

    start: Millis = Field(description="Start of the segment this row rates.")
    withdrawal: Significance | None = Field(
        default=None, description="Withdrawal present, with its significance 1-5; omit if absent."
    )
    confrontation: Significance | None = Field(
        default=None,
        description="Confrontation present, with its significance 1-5; omit if absent.",
    )
    markers: tuple[str, ...] = Field(default=(), description="Markers seen (vocabulary ids).")
    strategies: tuple[str, ...] = Field(
        default=(), description="Repair strategies seen (vocabulary ids)."
    )
    resolution: Significance | None = Field(
        default=None, description="How well ruptures here were resolved, 1 (not) to 5 (fully)."
    )


class Practice(_Model):
    """How learners practise spotting this track's ruptures and how they are scored."""

    window_before: Millis = Field(
        default=2_000, description="A mark counts for an onset from this long before it..."
    )
    window_after: Millis = Field(default=10_000, description="...to this long after it.")
    feedback: PracticeFeedback = Field(
        default="end", description="end (feedback after the video) or chapter (at each end)."
    )
    segment_minutes: int | None = Field(
        default=None,
        ge=1,
        le=120,
        description="Rating sheet segments of this many minutes; default: the chapters.",
    )
    sheet: tuple[SegmentRating, ...] = Field(
        default=(), description="An authored expert rating sheet; default: from the episodes."
    )


class Track(_Model):
    """A named set of commentary on the video, e.g. "Expert" or "Mentalization lens"."""

    id: Id = Field(description="Unique within the file.")
    name: ShortText = Field(min_length=1, description="Shown in the track picker.")
    colour: Colour | None = Field(default=None, description="#rrggbb colour for this track.")
    description: Text = Field(default="", description="What this track looks at.")
    status: Status = Field(
        default="published", description="draft (hidden from learners) or published."
    )
    episodes: tuple[Episode, ...] = Field(default=(), description="Rupture episodes.")
    cues: tuple[Cue, ...] = Field(default=(), description="Running commentary.")
    prompts: tuple[Prompt, ...] = Field(default=(), description="Pause-and-reflect prompts.")
    practice: Practice | None = Field(
        default=None, description="Practice settings: tolerance window, feedback, rating sheet."
    )

    def episode(self, episode_id: str | None) -> Episode | None:
        return next((e for e in self.episodes if e.id == episode_id), None)

    def rewind_point(self, prompt: Prompt) -> int | None:
        if prompt.rewind_to is not None:
            return prompt.rewind_to
        episode = self.episode(prompt.episode)
        return episode.onset if episode else None


class CommentaryFile(_Model):
    """Everything said about one video: its metadata, chapters and tracks."""

    version: Literal[1] = Field(default=1, description="Format version; always 1 for now.")
    video: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="The video: a path relative to the library's media/ folder, or an https URL."
    )
    title: ShortText = Field(min_length=1, description="Title of the video.")
    status: Status = Field(
        default="published", description="draft (the whole file hidden from learners) or published."
    )
    description: Text = Field(default="", description="What the video shows.")
    language: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = (
        Field(default="en", description="BCP 47 language tag of the video, e.g. en or en-GB.")
    )
    authors: tuple[ShortText, ...] = Field(default=(), description="Who wrote the commentary.")
    licence: ShortText = Field(default="", description="Licence of the video and commentary.")
    consent: Text = Field(
        default="", description="Consent note: who agreed to what, or that it is a role-play."
    )
    captions: str | None = Field(
        default=None,
        description="WebVTT captions relative to media/; defaults to the video's name with .vtt.",
    )
    participants: tuple[Participant, ...] = Field(
        default=(), description="Who speaks in the video, with their roles."
    )
    chapters: tuple[Chapter, ...] = Field(default=(), description="Chapters of the video.")
    tracks: tuple[Track, ...] = Field(min_length=1, description="One or more named tracks.")
    practice_track: Id | None = Field(
        default=None,
        description="Track whose episodes learners practise on; default: first with episodes.",
    )

    def track(self, track_id: str) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def practice_track_or_default(self) -> Track | None:
        """The practice track: ``practice_track`` if set, else the first track with episodes."""
        if self.practice_track is not None:
            return self.track(self.practice_track)
        return next((t for t in self.tracks if t.episodes), None)


def to_data(doc: CommentaryFile) -> dict[str, Any]:
    """Plain data for YAML/JSON: times as compact strings, empty and default fields left out."""
    return {"version": FORMAT_VERSION} | doc.model_dump(mode="json", exclude_defaults=True)
