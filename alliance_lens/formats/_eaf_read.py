"""Reading ELAN (.eaf) files for the ``eaf`` format: ours come back whole, others tier by tier.

Our own export is recognised by its header PROPERTY ``alliance-lens``; its ``<track> cues /
episodes / prompts`` tiers and their ``data`` child tiers rebuild the tracks exactly. Every
other tier with annotations becomes a track of cues. pympi parses the XML; only the parts it
documents (``tiers``, ``timeslots``, ``get_properties``...) are read.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings as py_warnings
import xml.etree.ElementTree as ET
from typing import Any

from pympi import Elan

from ..errors import FormatError, Problem
from ..model import Chapter, Cue, Episode, Prompt, Track
from ._common import OPEN_END_MS, Imported, build, check_ms, loads_json, ms, slug

PROPERTY = "alliance-lens"  # the header property our export writes
_WHERE = re.compile(r": line \d+, column \d+$")
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"


def read(raw: bytes | str, file: str, stem: str) -> Imported:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = _WHERE.sub("", str(exc))  # the position goes into line/column instead
        raise FormatError(
            f"not well-formed XML ({reason}); expected an ELAN .eaf file",
            file=file,
            line=line,
            column=column + 1,
        ) from None
    except (ValueError, RecursionError) as exc:
        raise FormatError(
            f"not readable XML ({exc}); expected an ELAN .eaf file", file=file
        ) from None
    if root.tag != "ANNOTATION_DOCUMENT":
        raise FormatError(
            f"expected an ELAN document (<ANNOTATION_DOCUMENT>), found <{root.tag[:40]}>",
            file=file,
            line=1,
        )
    # pympi needs these attributes; files from other tools may leave them out
    root.attrib.setdefault("VERSION", "3.0")
    root.attrib.setdefault(_XSI, "http://www.mpi.nl/tools/elan/EAFv3.0.xsd")
    eaf = _parse(ET.tostring(root), file)
    try:
        return _Reader(eaf, file, stem).read()
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise FormatError(
            f"inconsistent ELAN file ({type(exc).__name__}: {exc}); "
            "expected tiers whose annotations point at existing time slots and annotations",
            file=file,
        ) from None


def _parse(data: bytes, file: str) -> Elan.Eaf:
    fd, tmp = tempfile.mkstemp(suffix=".eaf")  # pympi reads from a path only
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        with py_warnings.catch_warnings():
            py_warnings.simplefilter("ignore")
            return Elan.Eaf(tmp, suppress_version_warning=True)
    except Exception as exc:  # pympi raises bare Exception, KeyError, IndexError... on odd files
        raise FormatError(
            f"not a readable ELAN file ({type(exc).__name__}: {exc}); "
            "expected TIME_ORDER, TIER and ANNOTATION elements as ELAN writes them",
            file=file,
        ) from None
    finally:
        os.unlink(tmp)


class _Reader:
    def __init__(self, eaf: Elan.Eaf, file: str, stem: str) -> None:
        self.eaf = eaf
        self.file = file
        self.stem = stem
        self.warnings: list[Problem] = []
        self.untimed = 0
        # read only what pympi documents (tiers, timeslots): its id -> tier map is internal
        self.tier_of = {
            aid: name
            for name, (aligned, refs, _, _) in eaf.tiers.items()
            for aid in (*aligned, *refs)
        }

    def annotations(self, tier: str) -> list[tuple[int, int, str, str | None]]:
        """(start, end, value, data JSON or None) in file order; unaligned ones skipped."""
        eaf = self.eaf
        aligned, refs = eaf.tiers[tier][0], eaf.tiers[tier][1]
        data_tier = f"{tier} data"
        data: dict[str, str] = {}
        if (
            data_tier in eaf.tiers
            and eaf.get_parameters_for_tier(data_tier).get("PARENT_REF") == tier
        ):
            data = {ref: value for ref, value, _, _ in eaf.tiers[data_tier][1].values()}
        out = []
        for aid, (ts1, ts2, value, _) in aligned.items():
            out.append((eaf.timeslots[ts1], eaf.timeslots[ts2], value, data.get(aid)))
        for aid, (ref, value, _, _) in refs.items():
            ts1, ts2 = self._parent_slots(ref)
            out.append((eaf.timeslots[ts1], eaf.timeslots[ts2], value, data.get(aid)))
        timed = [a for a in out if a[0] is not None and a[1] is not None]
        self.untimed += len(out) - len(timed)
        for start, end, _, _ in timed:
            check_ms(start, file=self.file, line=None, where=f"tier {tier!r}")
            # ends may pass the limit by the display length we add to open cues
            check_ms(max(0, end - OPEN_END_MS), file=self.file, line=None, where=f"tier {tier!r}")
            if end < start:
                raise FormatError(
                    f"an annotation ends before it starts ({start} > {end} ms)",
                    file=self.file,
                    field=f"tier {tier!r}",
                )
        return timed  # file order: ELAN writes time order, and ours is the model's order

    def _parent_slots(self, ref: str) -> tuple[str, str]:
        seen = set()
        while ref not in seen:  # follow references up to the time-aligned annotation
            seen.add(ref)
            tier = self.tier_of[ref]
            aligned, refs = self.eaf.tiers[tier][0], self.eaf.tiers[tier][1]
            if ref in aligned:
                return aligned[ref][0], aligned[ref][1]
            ref = refs[ref][0]
        raise ValueError(f"annotation references loop at {ref!r}")

    def item(self, blob: str | None, tier: str, start: int) -> dict[str, Any]:
        if blob is None:
            return {}
        where = f"tier {tier!r} at {start} ms"
        data = loads_json(blob, file=self.file, line=None, where=where)
        if not isinstance(data, dict):
            raise FormatError("expected a JSON object", file=self.file, field=where)
        return data

    def read(self) -> Imported:
        eaf = self.eaf
        props = [value for key, value in eaf.get_properties() if key == PROPERTY]
        head: dict[str, Any] = {}
        if props:
            head = loads_json(
                props[-1] or "", file=self.file, line=None, where=f"PROPERTY {PROPERTY}"
            )
            if not isinstance(head, dict):
                raise FormatError(
                    "expected a JSON object", file=self.file, field=f"PROPERTY {PROPERTY}"
                )
        heads = [h for h in head.pop("tracks", []) if isinstance(h, dict)]
        used: set[str] = set()
        tracks: list[Track] = []
        chapters: list[Chapter] = []
        for th in heads:
            tid = str(th.get("id"))
            names = [f"{tid} {part}" for part in ("cues", "episodes", "prompts")]
            if not any(n in eaf.tiers for n in names):
                continue
            used.update(names)
            used.update(f"{n} data" for n in names)
            tracks.append(self.own_track(th))
        if props and "chapters" in eaf.tiers:
            used.update({"chapters", "chapters data"})
            for i, (start, _, value, blob) in enumerate(self.annotations("chapters")):
                data = self.item(blob, "chapters", start) | {"start": ms(start), "title": value}
                chapters.append(
                    build(Chapter, data, file=self.file, line=None, where=f"chapters[{i}]")
                )
        taken = {t.id for t in tracks}
        for tier in sorted(eaf.tiers, key=lambda name: eaf.tiers[name][3]):
            if tier in used:
                continue
            track = self.generic_track(tier, taken)
            if track is not None:
                taken.add(track.id)
                tracks.append(track)
        if not tracks:
            raise FormatError(
                "no tier with annotations; expected at least one tier to import",
                file=self.file,
            )
        if self.untimed:
            self.warnings.append(
                Problem(
                    "warning",
                    f"{self.untimed} annotation(s) without aligned times were left out",
                    self.file,
                )
            )
        return Imported(tracks, chapters, head or None, self.warnings)

    def own_track(self, th: dict[str, Any]) -> Track:
        tid = str(th.get("id"))
        cues, episodes, prompts = [], [], []
        tier = f"{tid} cues"
        for i, (start, end, value, blob) in enumerate(self._maybe(tier)):
            data = self.item(blob, tier, start)
            data = {"start": ms(start), "end": ms(end), "text": value} | data
            cues.append(build(Cue, data, file=self.file, line=None, where=f"{tier}[{i}]"))
        tier = f"{tid} episodes"
        for i, (start, end, value, blob) in enumerate(self._maybe(tier)):
            data = {"onset": ms(start), "resolved_at": ms(end), "type": value}
            data |= self.item(blob, tier, start)
            episodes.append(build(Episode, data, file=self.file, line=None, where=f"{tier}[{i}]"))
        tier = f"{tid} prompts"
        for i, (start, _, value, blob) in enumerate(self._maybe(tier)):
            data = {"at": ms(start), "question": value} | self.item(blob, tier, start)
            prompts.append(build(Prompt, data, file=self.file, line=None, where=f"{tier}[{i}]"))
        return build(
            Track,
            th | {"cues": cues, "episodes": episodes, "prompts": prompts},
            file=self.file,
            line=None,
            where=f"track {tid!r}",
        )

    def _maybe(self, tier: str) -> list[tuple[int, int, str, str | None]]:
        return self.annotations(tier) if tier in self.eaf.tiers else []

    def generic_track(self, tier: str, taken: set[str]) -> Track | None:
        attrs = self.eaf.get_parameters_for_tier(tier)
        annotations = self.annotations(tier)
        cues = []
        empty = 0
        for i, (start, end, value, _) in enumerate(annotations):
            if not value:
                empty += 1
                continue
            data = {"start": ms(start), "end": ms(end), "text": value}
            cues.append(build(Cue, data, file=self.file, line=None, where=f"{tier}[{i}]"))
        if empty:
            self.warnings.append(
                Problem(
                    "warning",
                    f"{empty} empty annotation(s) left out",
                    self.file,
                    field=f"tier {tier!r}",
                )
            )
        if not cues:
            return None
        participant = (attrs.get("PARTICIPANT") or "").strip()
        name = tier if not participant or participant == tier else f"{tier} ({participant})"
        about = f"Imported from ELAN tier {tier!r}"
        if participant:
            about += f", participant {participant!r}"
        if attrs.get("ANNOTATOR"):
            about += f", annotator {attrs['ANNOTATOR']!r}"
        return build(
            Track,
            {"id": slug(tier, taken), "name": name[:500], "description": about + ".", "cues": cues},
            file=self.file,
            line=None,
            where=f"tier {tier!r}",
        )
