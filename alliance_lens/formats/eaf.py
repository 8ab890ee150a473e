"""ELAN (.eaf), through pympi-ling.

Export: per track, time-aligned tiers ``<track id> cues`` (value: the text), ``<track id>
episodes`` (onset -> resolution; value: the rupture type, from the controlled vocabulary
``rupture-type``) and ``<track id> prompts`` (value: the question), with the track's name as
the tiers' participant; the file's ``chapters`` tier holds chapter titles. Each of these has
a child tier ``<tier> data`` (symbolic association, one annotation per item) with JSON of
what the value cannot hold (ids, markers, repairs, reveal...), so ELAN users can retime and
re-word items and the import still finds their details. The file's metadata and the tracks'
names/colours/descriptions are a header PROPERTY ``alliance-lens``. The video is linked.

ELAN annotations need a duration: a cue without an end is written 3 s long, prompts 1 s and
chapters run to the next one; the data tier records the real shape, so nothing is lost.
Text loses CR line ends and control characters XML cannot hold (with a warning).

Import: a file we wrote comes back whole. Any other ELAN file: every tier with annotations
becomes a track of cues (named after the tier and its participant); child tiers that refer
to a parent take the parent's times.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings as py_warnings
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from pympi import Elan

from ..errors import FormatError, Problem
from ..model import Chapter, CommentaryFile, Cue, Episode, Prompt, Track
from ._common import (
    OPEN_END_MS,
    Imported,
    build,
    check_ms,
    dumps_json,
    loads_json,
    meta_of,
    ms,
    plain_lines,
    shown_until,
    slug,
    track_head,
)
from ._registry import Format, Written

PROPERTY = "alliance-lens"
CV_ID = "rupture-type"
EPISODE_TYPE = "alliance-lens-episode"
DATA_TYPE = "alliance-lens-data"
POINT_MS = 1000
_WHERE = re.compile(r": line \d+, column \d+$")
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"
_MIME = {
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "mpg": "video/mpeg",
    "mpeg": "video/mpeg",
    "wav": "audio/x-wav",
    "mp3": "audio/mpeg",
}


# ---------------------------------------------------------------- writing


class _Writer:
    def __init__(self, doc: CommentaryFile) -> None:
        self.eaf = Elan.Eaf(author=", ".join(doc.authors) or "Alliance Lens")
        self.eaf.remove_tier("default")  # a new Eaf() carries a stray "default" tier
        self.changed = 0
        self.overlaps: list[str] = []
        self.data: dict[str, list[str]] = {}  # tier -> JSON of each item, in order
        eaf = self.eaf
        eaf.add_language("eng", "http://cdb.iso.org/lg/CDB-00138502-001", "English (eng)")
        eaf.add_controlled_vocabulary(CV_ID)
        eaf.add_cv_description(CV_ID, "eng", "Rupture type (Safran & Muran)")
        for value in ("withdrawal", "confrontation"):
            eaf.add_cv_entry(CV_ID, f"cve-{value}", [(value, "eng", None)])
        eaf.add_linguistic_type(
            EPISODE_TYPE,
            param_dict={
                "LINGUISTIC_TYPE_ID": EPISODE_TYPE,
                "TIME_ALIGNABLE": "true",
                "GRAPHIC_REFERENCES": "false",
                "CONTROLLED_VOCABULARY_REF": CV_ID,
            },
        )
        eaf.add_linguistic_type(DATA_TYPE, "Symbolic_Association", timealignable=False)

    def text(self, value: str) -> str:
        out, changed = plain_lines(value)
        self.changed += changed
        return out

    def tier(
        self,
        name: str,
        items: Sequence[tuple[int, int, str, dict[str, Any]]],
        *,
        participant: str | None = None,
        ling: str = "default-lt",
    ) -> None:
        """A time-aligned tier and its data tier; items are (start, end, value, data)."""
        eaf = self.eaf
        part = self.text(participant) if participant else None
        eaf.add_tier(name, ling=ling, part=part)
        eaf.add_tier(f"{name} data", ling=DATA_TYPE, parent=name, part=part)
        spans = sorted((s, e) for s, e, _, _ in items)
        if any(b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False)):
            self.overlaps.append(name)
        for start, end, value, _ in items:
            # ELAN has no empty annotations
            eaf.add_annotation(name, start, max(end, start + 1), self.text(value))
        self.data[name] = [dumps_json(data) for _, _, _, data in items]

    def document(self) -> ET.Element:
        """The XML, each data annotation referring to its item's annotation.

        pympi's public ``add_ref_annotation`` finds the parent by time, so of two items with
        the same span both would point at the first; instead the references are added to
        the XML pympi made, by position (it writes a tier's annotations in the order added).
        """
        root = Elan.to_adocument(self.eaf, pretty=False)
        tiers = {t.get("TIER_ID"): t for t in root.iter("TIER")}
        used = [
            int("0" + re.sub(r"\D", "", a.get("ANNOTATION_ID") or ""))
            for a in root.iter("ALIGNABLE_ANNOTATION")
        ]
        last = max(used, default=0)
        for name, blobs in self.data.items():
            parents = [a.get("ANNOTATION_ID") for a in tiers[name].iter("ALIGNABLE_ANNOTATION")]
            for parent, blob in zip(parents, blobs, strict=True):
                last += 1
                attrs = {"ANNOTATION_ID": f"a{last}", "ANNOTATION_REF": str(parent)}
                holder = ET.SubElement(tiers[f"{name} data"], "ANNOTATION")
                ref = ET.SubElement(holder, "REF_ANNOTATION", attrs)
                ET.SubElement(ref, "ANNOTATION_VALUE").text = blob
        ET.indent(root, "\t")
        return root


def write(doc: CommentaryFile, file: str) -> Written:
    w = _Writer(doc)
    for track in doc.tracks:
        cues = []
        for index, cue in enumerate(track.cues):
            data = cue.model_dump(
                mode="json", exclude={"start", "end", "text"}, exclude_defaults=True
            )
            if cue.end is None:  # the annotation needs an end; the data says there is none
                data["end"] = None
            elif cue.end <= cue.start:  # ELAN needs a duration: keep the real (empty) one aside
                data["end"] = cue.model_dump(mode="json")["end"]
            cues.append((cue.start, shown_until(track.cues, index), cue.text, data))
        episodes = []
        for ep in track.episodes:
            data = ep.model_dump(
                mode="json", exclude={"onset", "resolved_at", "type"}, exclude_defaults=True
            ) | {"id": ep.id}
            end = ep.resolved_at
            if end is None or end <= ep.onset:
                data["resolved_at"] = ep.model_dump(mode="json")["resolved_at"]
                end = ep.onset + POINT_MS
            episodes.append((ep.onset, end, ep.type, data))
        prompts = [
            (
                p.at,
                p.at + POINT_MS,
                p.question,
                p.model_dump(mode="json", exclude={"at", "question"}, exclude_defaults=True)
                | {"id": p.id},
            )
            for p in track.prompts
        ]
        w.tier(f"{track.id} cues", cues, participant=track.name)
        w.tier(f"{track.id} episodes", episodes, participant=track.name, ling=EPISODE_TYPE)
        w.tier(f"{track.id} prompts", prompts, participant=track.name)
    starts = sorted(c.start for c in doc.chapters)
    chapters = []
    for chapter in doc.chapters:
        later = [s for s in starts if s > chapter.start]
        end = later[0] if later else chapter.start + POINT_MS
        data = {"id": chapter.id} if chapter.id is not None else {}
        chapters.append((chapter.start, end, chapter.title, data))
    w.tier("chapters", chapters)

    head = meta_of(doc) | {"tracks": [track_head(t) for t in doc.tracks]}
    w.eaf.add_property(PROPERTY, dumps_json(head))
    video = w.text(doc.video)
    is_url = "://" in video
    w.eaf.add_linked_file(
        video,
        relpath=None if is_url else f"./{video}",
        mimetype=_MIME.get(video.rsplit(".", 1)[-1].lower(), "video/*"),
    )
    root = w.document()
    out = BytesIO()
    ET.ElementTree(root).write(out, encoding="UTF-8", xml_declaration=True)

    problems = []
    if w.changed:
        problems.append(
            Problem(
                "warning",
                f"{w.changed} text(s) had CR line ends or control characters XML cannot "
                "hold; they were normalised",
                file,
            )
        )
    if w.overlaps:
        problems.append(
            Problem(
                "warning",
                "annotations overlap on tier(s) "
                + ", ".join(map(repr, w.overlaps))
                + "; ELAN shows them but cannot edit overlapping annotations well",
                file,
            )
        )
    return Written(out.getvalue(), warnings=problems)


# ---------------------------------------------------------------- reading


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


FORMAT = Format((".eaf",), "ELAN", "application/xml", one_track=False, read=read, write=write)
