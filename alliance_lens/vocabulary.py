"""The controlled vocabulary: rupture markers, repair strategies, stages, terms and lenses.

It lives in a library's ``commentary/vocabulary.yaml``. A library without one uses the
bundled vocabulary; one with ``extends: bundled`` starts from it and adds or renames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, TrackFileError

BUNDLED_VOCABULARY = Path(__file__).resolve().parent.parent / "commentary" / "vocabulary.yaml"
DEFAULT_LENS_COLOUR = "#5a6470"


@dataclass(frozen=True)
class Marker:
    id: str
    label: str
    type: str  # withdrawal | confrontation
    group: str | None = None
    definition: str = ""  # app text (DEFINITIONS), never read from a file


@dataclass(frozen=True)
class Stage:
    """A resolution-stage tag (Safran & Muran); ``type`` is withdrawal, confrontation or both."""

    id: str
    label: str
    type: str = "both"


@dataclass(frozen=True)
class Term:
    """A group-level term (e.g. a member-leader rupture, cohesion) with its definition."""

    id: str
    label: str
    definition: str = ""


@dataclass(frozen=True)
class Lens:
    id: str
    label: str
    colour: str = DEFAULT_LENS_COLOUR


@dataclass(frozen=True)
class Vocabulary:
    markers: dict[str, Marker] = field(default_factory=dict)
    strategies: dict[str, str] = field(default_factory=dict)
    lenses: dict[str, Lens] = field(default_factory=dict)
    marker_groups: dict[str, str] = field(default_factory=dict)
    # strategy id -> (depth, directness): its usual coding (docs/commentary-format.md)
    strategy_defaults: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    stages: dict[str, Stage] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    # strategy id -> what it means (app text, DEFINITIONS); a library's own has none
    strategy_definitions: dict[str, str] = field(default_factory=dict)

    def marker_type(self, marker_id: str) -> str | None:
        marker = self.markers.get(marker_id)
        return marker.type if marker else None

    def markers_of(self, rupture_type: str) -> dict[str, Marker]:
        return {k: m for k, m in self.markers.items() if m.type == rupture_type}

    def marker_label(self, marker_id: str) -> str:
        marker = self.markers.get(marker_id)
        return marker.label if marker else marker_id.replace("_", " ")

    def strategy_label(self, strategy_id: str) -> str:
        return self.strategies.get(strategy_id, strategy_id.replace("_", " "))

    def strategy_definition(self, strategy_id: str) -> str:
        return self.strategy_definitions.get(strategy_id, "")

    def repair_coding(self, strategies: tuple[str, ...]) -> tuple[str | None, str | None]:
        """The documented rule: exploratory if any strategy is, direct if any strategy is."""
        codings = [self.strategy_defaults[s] for s in strategies if s in self.strategy_defaults]
        depths = {depth for depth, _ in codings}
        ways = {way for _, way in codings}
        depth = "exploratory" if "exploratory" in depths else "immediate" if depths else None
        directness = "direct" if "direct" in ways else "indirect" if ways else None
        return depth, directness

    def stage_label(self, stage_id: str) -> str:
        stage = self.stages.get(stage_id)
        return stage.label if stage else stage_id.replace("_", " ")

    def lens(self, lens_id: str) -> Lens:
        return self.lenses.get(lens_id) or Lens(lens_id, lens_id.replace("_", " ").title())


# The three elements of the working alliance (Bordin, 1979), as the episode card defines them.
ALLIANCE_ELEMENTS = {
    "goals": ("Goals", "Agreement on what therapy is for."),
    "tasks": ("Tasks", "Agreement on what to do in sessions to get there."),
    "bond": ("Bond", "The mutual trust, respect and liking that lets the work happen."),
}


# What each 3RS marker and resolution strategy means, in the app's words: a plain summary for
# the pickers' hover/focus text, after the 3RS manual (Eubanks, Muran & Safran, 2015) and
# Safran & Muran (2000). App text, keyed by the bundled ids: a library may rename a label, and
# the definition follows the id; a marker or strategy a library adds has none.
DEFINITIONS: dict[str, str] = {
    # withdrawal: moving away from the therapist or the work
    "denial": "The client denies a feeling that seems evident, or that something in the "
    "relationship or the work matters to them.",
    "minimal_response": 'Short answers ("yes", "I don\'t know", silence) that close an '
    "exchange the therapist tried to open.",
    "abstract_communication": "Vague, intellectual or jargon-laden talk that keeps the "
    "client's own experience at a distance.",
    "avoidant_storytelling": "Long stories or a change of subject that steer away from the "
    "therapist, the task or a painful feeling.",
    "deferential_appeasing": "Overly agreeable or submissive: going along with the therapist "
    "to avoid tension rather than saying what the client thinks.",
    "content_affect_split": "What the client says and the feeling they show do not match "
    "(e.g. smiling while describing something painful).",
    "giving_up": "Self-criticism or hopelessness that pulls the client out of the work "
    '("I\'m hopeless at this", "nothing will help").',
    # confrontation: moving against the therapist or the work
    "complaints_about_therapist": "The client criticises the therapist or voices "
    "dissatisfaction with them, as a person or as a professional.",
    "rejects_intervention": "The client dismisses or refuses what the therapist offers: an "
    "interpretation, a suggestion, a question.",
    "complaints_about_activities": "The client objects to what therapy asks of them: tasks, "
    "exercises, homework, the topics explored.",
    "complaints_about_parameters": "The client objects to the arrangements of therapy: time, "
    "fees, scheduling, frequency.",
    "complaints_about_progress": "The client says therapy is not helping or not moving fast "
    "enough.",
    "defends_self": "The client justifies or defends themself against what they hear as the "
    "therapist's criticism or judgement.",
    "controls_pressures": "The client tries to direct what the therapist does or says, or "
    "pressures them to act.",
    # resolution strategies (the therapist's)
    "clarifies_misunderstanding": "The therapist clears up a misunderstanding between them.",
    "changes_tasks_goals": "The therapist changes what they are doing or aiming for, in "
    "response to the client.",
    "illustrates_rationale": "The therapist shows how a task works or explains why it may help.",
    "invites_feelings_about_therapy": "The therapist asks the client to say what they think "
    "or feel about the therapist or the therapy (metacommunication).",
    "acknowledges_contribution": "The therapist owns their part in the rupture, without "
    "defensiveness.",
    "discloses_experience": "The therapist shares their own experience of what is happening "
    "between them, now.",
    "links_to_therapy_patterns": "The therapist links the rupture to a pattern that recurs "
    "in their relationship.",
    "links_to_other_relationships": "The therapist links the rupture to patterns in the "
    "client's relationships outside therapy.",
    "validates_defensive_posture": "The therapist affirms the client's defensive stance as "
    "understandable instead of challenging it.",
    "redirects": "The therapist moves the conversation to the task or a new focus, without "
    "naming the rupture.",
}


def _label(entry: Any, key: str) -> str:
    if isinstance(entry, dict):
        return str(entry.get("label") or key)
    return str(entry) if entry else key


def merge(base: Vocabulary, data: dict[str, Any]) -> Vocabulary:
    """Apply a vocabulary file's entries on top of ``base`` (renames and additions)."""
    markers = dict(base.markers)
    for rupture_type in ("withdrawal", "confrontation"):
        for key, entry in (data.get("markers", {}) or {}).get(rupture_type, {}).items():
            group = entry.get("group") if isinstance(entry, dict) else None
            markers[str(key)] = Marker(
                str(key), _label(entry, key), rupture_type, group, DEFINITIONS.get(str(key), "")
            )
    strategies = dict(base.strategies)
    defaults = dict(base.strategy_defaults)
    for key, entry in (data.get("strategies", {}) or {}).items():
        strategies[str(key)] = _label(entry, key)
        if isinstance(entry, dict) and ("depth" in entry or "directness" in entry):
            defaults[str(key)] = (_opt(entry, "depth"), _opt(entry, "directness"))
    stages = dict(base.stages)
    for key, entry in (data.get("stages", {}) or {}).items():
        kind = _opt(entry, "type") if isinstance(entry, dict) else None
        stages[str(key)] = Stage(str(key), _label(entry, key), kind or "both")
    terms = dict(base.terms)
    for key, entry in (data.get("terms", {}) or {}).items():
        text = _opt(entry, "definition") if isinstance(entry, dict) else None
        terms[str(key)] = Term(str(key), _label(entry, key), text or "")
    lenses = dict(base.lenses)
    for key, entry in (data.get("lenses", {}) or {}).items():
        colour = entry.get("colour") if isinstance(entry, dict) else None
        lenses[str(key)] = Lens(str(key), _label(entry, key), colour or DEFAULT_LENS_COLOUR)
    groups = dict(base.marker_groups)
    groups.update({str(k): str(v) for k, v in (data.get("marker_groups", {}) or {}).items()})
    meanings = {k: DEFINITIONS[k] for k in strategies if k in DEFINITIONS}
    return Vocabulary(markers, strategies, lenses, groups, defaults, stages, terms, meanings)


def _opt(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return None if value is None else str(value)


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Load ``path`` (or the bundled vocabulary). Raises TrackFileError with a location."""
    from .trackfile import load_yaml  # local: trackfile imports the model, not us

    path = path or BUNDLED_VOCABULARY
    data, _positions = load_yaml(path)
    if not isinstance(data, dict):
        raise TrackFileError("vocabulary file must be a mapping", file=str(path), line=1, column=1)
    try:
        base = Vocabulary()
        if data.get("extends") == "bundled" and path.resolve() != BUNDLED_VOCABULARY:
            base = load_vocabulary(BUNDLED_VOCABULARY)
        return merge(base, data)
    except (AttributeError, TypeError) as exc:
        raise TrackFileError(
            f"vocabulary file has an unexpected shape ({exc}); see docs/commentary-format.md",
            file=str(path),
            problems=[Problem("error", f"unexpected shape: {exc}", str(path), 1, 1)],
        ) from None
