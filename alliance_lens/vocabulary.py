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
            markers[str(key)] = Marker(str(key), _label(entry, key), rupture_type, group)
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
    return Vocabulary(markers, strategies, lenses, groups, defaults, stages, terms)


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
