"""ELAN (.eaf), through pympi-ling.

Export: per track, time-aligned tiers ``<track id> cues`` (value: the text), ``<track id>
episodes`` (onset -> resolution; value: the rupture type, from the controlled vocabulary
``rupture-type``) and ``<track id> prompts`` (value: the question), with the track's name as
the tiers' participant; the file's ``chapters`` tier holds chapter titles. Each of these has
a child tier ``<tier> data`` (symbolic association, one annotation per item) with JSON of
what the value cannot hold (ids, markers, repairs, reveal...), so ELAN users can retime and
re-word items and the import still finds their details. The file's metadata and the tracks'
names/colours/descriptions are a header PROPERTY ``alliance-lens``. The video is linked.

ELAN annotations need a duration: a cue without an end runs to the next later cue (or 3 s),
an empty one lasts 1 ms, episodes without a resolution and prompts 1 s, and chapters run to
the next one; the data tier records the real shape, so nothing is lost. Text loses CR line
ends and control characters XML cannot hold (with a warning).

Import (in ``_eaf_read``): a file we wrote comes back whole. Any other ELAN file: every tier
with annotations becomes a track of cues (named after the tier and its participant); child
tiers that refer to a parent take the parent's times.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from pympi import Elan

from ..errors import Problem
from ..model import CommentaryFile
from ._common import (
    META_FIELDS,
    dumps_json,
    meta_of,
    plain_lines,
    shown_until,
    track_head,
)
from ._eaf_read import PROPERTY, read
from ._lost import lost_fields
from ._registry import Format, Written

CV_ID = "rupture-type"
EPISODE_TYPE = "alliance-lens-episode"
DATA_TYPE = "alliance-lens-data"
POINT_MS = 1000
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


# Cues, episodes (with repairs) and prompts are carried whole in their data; the header and
# the chapters tier carry only these fields (anything else is named as lost, see _lost.py).
CARRIED = {
    "file": {"version", "chapters", "tracks", *META_FIELDS},
    "track": {"id", "name", "colour", "description", "episodes", "cues", "prompts"},
    "chapter": {"id", "start", "title"},
}


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
    return Written(out.getvalue(), lost_fields(doc, CARRIED), problems)


FORMAT = Format((".eaf",), "ELAN", "application/xml", one_track=False, read=read, write=write)
