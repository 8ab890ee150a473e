"""The bundled role-play samples (tools/make_samples.py): committed outputs are valid,
consistent with their dialogue scripts, browser-ready and small.

None of this needs espeak-ng: it checks the committed files. Only the regeneration test
does, and it is skipped without it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import pytest
import webvtt

from alliance_lens.library import NOT_TRACKS
from alliance_lens.timecode import parse_time
from alliance_lens.trackfile import parse_commentary
from alliance_lens.vocabulary import load_vocabulary
from tools import make_samples as ms

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "media"
COMMENTARY = ROOT / "commentary"
SCRIPTS = ms.script_paths()
NAMES = [p.stem for p in SCRIPTS]
MAX_MEDIA_BYTES = 15 * 1024 * 1024


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


def _doc(name: str):
    result = parse_commentary(COMMENTARY / f"{name}.yaml", vocabulary=load_vocabulary())
    assert result.doc is not None, [str(p) for p in result.errors]
    return result.doc


def _cue_ms(value: str) -> int:
    return parse_time(value)


def _probe(path: Path) -> str:
    """ffmpeg's description of the file (there is no ffprobe): its stderr for ``-i``."""
    proc = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
        capture_output=True,
        text=True,
    )
    return proc.stderr


def test_at_least_three_samples_with_all_outputs():
    assert len(NAMES) >= 3
    for name in NAMES:
        for path in (MEDIA / f"{name}.mp4", MEDIA / f"{name}.vtt", COMMENTARY / f"{name}.yaml"):
            assert path.is_file(), f"{path} missing: run python tools/make_samples.py"


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(COMMENTARY.glob("*.yaml")) if p.name not in NOT_TRACKS],
    ids=lambda p: p.name,
)
def test_every_commentary_file_validates(path, vocabulary):
    result = parse_commentary(path, vocabulary=vocabulary)
    assert not result.errors, "\n".join(str(p) for p in result.errors)


@pytest.mark.parametrize("name", NAMES)
def test_sample_commentary_is_clean_against_its_video(name, vocabulary):
    """No errors and no warnings either (unknown ids, times past the end, overlaps)."""
    cap = cv2.VideoCapture(str(MEDIA / f"{name}.mp4"))
    duration_ms = round(cap.get(cv2.CAP_PROP_FRAME_COUNT) * 1000 / cap.get(cv2.CAP_PROP_FPS))
    cap.release()
    result = parse_commentary(
        COMMENTARY / f"{name}.yaml", vocabulary=vocabulary, duration_ms=duration_ms
    )
    assert result.problems == []
    doc = result.doc
    assert doc.video == f"{name}.mp4"
    assert doc.licence == "CC BY 4.0"
    assert "Alliance Lens sample library" in doc.authors
    assert "synthetic voices" in doc.consent and "no real client" in doc.consent
    assert doc.chapters


@pytest.mark.parametrize("name", NAMES)
def test_video_is_h264_aac_with_the_expected_duration(name):
    path = MEDIA / f"{name}.mp4"
    captions = webvtt.read(str(MEDIA / f"{name}.vtt")).captions
    expected_s = (_cue_ms(captions[-1].end) + ms.TAIL_MS) / 1000

    cap = cv2.VideoCapture(str(path))
    assert cap.isOpened()
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = cap.get(cv2.CAP_PROP_FRAME_COUNT)
    fourcc = int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode("ascii", "replace")
    ok, frame = cap.read()
    cap.release()
    assert ok and frame.shape == (ms.HEIGHT, ms.WIDTH, 3)
    assert fourcc.lower() in {"avc1", "h264"}
    assert fps == pytest.approx(ms.FPS)
    assert frames / fps == pytest.approx(expected_s, abs=0.2)
    assert 90 <= frames / fps <= 180, "a sample should run 1.5 to 3 minutes"

    info = _probe(path)
    assert re.search(r"Video: h264 .*yuv420p", info), info
    assert re.search(r"Audio: aac .*mono", info), info
    hh, mm, ss = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    assert int(hh) * 3600 + int(mm) * 60 + float(ss) == pytest.approx(expected_s, abs=0.2)


def test_videos_start_with_faststart_moov():
    """``+faststart``: the index (moov) comes before the media data (mdat)."""
    for name in NAMES:
        head = (MEDIA / f"{name}.mp4").read_bytes()[:4096]
        assert 0 <= head.find(b"moov") < max(head.find(b"mdat"), 4096), name


@pytest.mark.parametrize("name", NAMES)
def test_captions_line_up_with_the_script(name):
    script = ms.load_script(ms.SCRIPTS_DIR / f"{name}.yaml")
    captions = webvtt.read(str(MEDIA / f"{name}.vtt")).captions
    expected = [
        (f"{line.id}.{k}", script.voice_label(line.speaker), sentence)
        for line in script.lines
        for k, sentence in enumerate(line.sentences, 1)
    ]
    assert [(c.identifier, c.voice, c.text) for c in captions] == expected
    previous_end = ms.TITLE_MS
    for cue in captions:
        start, end = _cue_ms(cue.start), _cue_ms(cue.end)
        assert previous_end <= start < end, cue.identifier
        previous_end = end


@pytest.mark.parametrize("name", NAMES)
def test_committed_outputs_follow_from_script_and_caption_lengths(name):
    """Rebuild captions and commentary from the script plus the committed cue lengths:
    every time in the commentary must come out of the timeline, none typed by hand."""
    script = ms.load_script(ms.SCRIPTS_DIR / f"{name}.yaml")
    captions = webvtt.read(str(MEDIA / f"{name}.vtt")).captions
    lengths = [_cue_ms(c.end) - _cue_ms(c.start) for c in captions]
    rebuilt = ms.build_text(script, lengths)
    assert rebuilt.vtt == (MEDIA / f"{name}.vtt").read_text(encoding="utf-8")
    assert rebuilt.commentary == (COMMENTARY / f"{name}.yaml").read_text(encoding="utf-8")


def test_both_rupture_types_occur_across_the_set():
    types = {ep.type for name in NAMES for track in _doc(name).tracks for ep in track.episodes}
    assert types == {"withdrawal", "confrontation"}


def test_every_marker_strategy_and_lens_is_in_the_vocabulary(vocabulary):
    for name in NAMES:
        for track in _doc(name).tracks:
            for ep in track.episodes:
                kinds = {vocabulary.marker_type(marker) for marker in ep.markers}
                assert None not in kinds, (name, ep.id)
                assert not ep.markers or ep.type in kinds, (name, ep.id)  # the primary type
                for repair in ep.repairs:
                    assert set(repair.strategies) <= set(vocabulary.strategies), name
            for cue in track.cues:
                assert cue.lens in vocabulary.lenses, (name, cue.lens)


@pytest.mark.parametrize("name", NAMES)
def test_expert_track_teaches(name):
    doc = _doc(name)
    expert = doc.track("expert")
    assert expert is not None and expert.name == "Expert"
    assert expert.episodes
    for ep in expert.episodes:
        assert ep.alliance, f"{ep.id}: tag the alliance elements strained"
        assert ep.markers and ep.resolution and ep.repairs
        assert ep.significance and ep.resolution_rating and ep.salience is None
        assert all(r.strategies and r.depth and r.directness for r in ep.repairs)
        assert all(r.outcome for r in ep.repairs), f"{ep.id}: code every repair's outcome"
        assert all(r.at <= ep.resolved_at for r in ep.repairs if ep.resolved_at is not None)
    revealed = [p for p in expert.prompts if p.reveal]
    assert len(revealed) >= 2
    assert any(p.kind == "choice" and p.expected in p.options for p in expert.prompts)
    assert any("feeling" in p.question for p in expert.prompts), "a mentalizing prompt"
    assert any("land in you" in p.question and p.kind == "text" for p in expert.prompts)
    elements = [p for p in expert.prompts if p.kind == "multi" and "alliance" in p.question]
    assert elements, "a prompt on the strained alliance elements"
    for prompt in elements:
        ep = expert.episode(prompt.episode)
        named = {c.split(":")[0].lower() for c in prompt.correct}
        assert ep is not None and named == set(ep.alliance), prompt.id
    for prompt in expert.prompts:
        assert prompt.episode is not None
        rewind = expert.rewind_point(prompt)
        assert rewind is not None and rewind <= prompt.at
        if prompt.rewind_to is None:
            assert rewind == expert.episode(prompt.episode).onset
    assert min(p.at for p in expert.prompts) > 3000
    assert any(c.presenter_notes for c in expert.cues)
    assert all(c.episode for c in expert.cues)


@pytest.mark.parametrize("name", NAMES)
def test_second_lens_track(name):
    doc = _doc(name)
    others = [t for t in doc.tracks if t.id != "expert"]
    assert others, "each sample has a second lens track"
    for track in others:
        assert track.cues and track.prompts and all(p.reveal for p in track.prompts)
        assert {c.lens for c in track.cues} != {"alliance"}


def test_media_folder_stays_small():
    total = sum(p.stat().st_size for p in MEDIA.rglob("*") if p.is_file())
    assert total <= MAX_MEDIA_BYTES, f"media/ is {total / 1e6:.1f} MB"


# ---------------------------------------------------------------- the generator itself


def _fake_lengths(script, base: int = 900) -> list[int]:
    n = sum(len(line.sentences) for line in script.lines)
    return [base + 37 * (i % 11) for i in range(n)]


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_pure_parts_are_deterministic_and_derive_times(path):
    script = ms.load_script(path)
    first = ms.build_text(script, _fake_lengths(script))
    second = ms.build_text(ms.load_script(path), _fake_lengths(script))
    assert first == second
    # Longer speech moves every time: nothing in the commentary is fixed by hand.
    longer = ms.build_text(script, _fake_lengths(script, base=1400))
    assert longer.commentary != first.commentary
    assert longer.timeline.duration > first.timeline.duration
    # An episode's onset is the start of the line it refers to, or of the silence before it.
    data = ms.build_commentary(script, first.timeline)
    raw = next(t for t in script.tracks if t["id"] == "expert")["episodes"][0]["onset"]
    line_id, edge = raw.split(".")
    onset = parse_time(data["tracks"][0]["episodes"][0]["onset"])
    start = first.timeline.spans[line_id][0]
    if edge == "pause":
        line = script.line(line_id)
        assert line.pause_ms and onset == start - line.pause_ms
    else:
        assert onset == start


def test_timeline_layout_rules():
    script = ms.load_script(SCRIPTS[0])
    timeline = ms.layout(script, _fake_lengths(script))
    first = script.lines[0]
    assert timeline.spans[first.id][0] == ms.TITLE_MS + ms.LEAD_IN_MS
    for a, b in zip(timeline.utterances, timeline.utterances[1:], strict=False):
        assert b.start - a.end >= ms.SENTENCE_GAP_MS
    assert timeline.duration >= timeline.speech_end + ms.TAIL_MS
    frames = round(timeline.duration * ms.FPS / 1000)  # a whole number of frames
    assert abs(frames * 1000 / ms.FPS - timeline.duration) < 1
    assert ms.resolve("t1.end+400", timeline) == timeline.spans["t1"][1] + 400
    assert ms.resolve("title.end", timeline) == ms.TITLE_MS
    with pytest.raises(ms.ScriptError):
        ms.resolve("nope.start", timeline)
    with pytest.raises(ms.ScriptError):
        ms.layout(script, [1000])


def test_frames_are_deterministic():
    script = ms.load_script(SCRIPTS[0])
    timeline = ms.layout(script, _fake_lengths(script))
    states = list(ms.frame_states(script, timeline, None, 22050))
    picks = [0, len(states) // 3, len(states) // 2, len(states) - 1]
    one = [ms.Painter(script).frame(*states[i][:2], 1) for i in picks]
    two = [ms.Painter(script).frame(*states[i][:2], 1) for i in picks]
    assert all((a == b).all() for a, b in zip(one, two, strict=True))
    assert states[0][3] == 1.0  # the title card comes first


def test_missing_espeak_is_a_one_line_message(monkeypatch, capsys):
    monkeypatch.setattr(ms.shutil, "which", lambda _name: None)
    assert ms.main([]) == 2
    err = capsys.readouterr().err.strip()
    assert "espeak-ng" in err and "\n" not in err and "Traceback" not in err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_regenerating_reproduces_committed_captions_and_commentary(tmp_path):
    path = SCRIPTS[0]
    ms.make_sample(path, media_dir=tmp_path, commentary_dir=tmp_path, video=False, log=str)
    name = path.stem
    assert (tmp_path / f"{name}.vtt").read_bytes() == (MEDIA / f"{name}.vtt").read_bytes()
    assert (tmp_path / f"{name}.yaml").read_bytes() == (COMMENTARY / f"{name}.yaml").read_bytes()


@pytest.mark.parametrize(
    ("name", "line"), [("withdrawal-direct-repair", "c1"), ("missed-microaggression-repair", "c3")]
)
def test_onsets_start_with_the_silence_before_the_first_marker(name, line):
    """The long pause before the first withheld answer is part of the marker."""
    script = ms.load_script(ms.SCRIPTS_DIR / f"{name}.yaml")
    expert = _doc(name).track("expert")
    captions = webvtt.read(str(MEDIA / f"{name}.vtt")).captions
    index = next(i for i, c in enumerate(captions) if c.identifier == f"{line}.1")
    silence_starts = _cue_ms(captions[index - 1].end)
    assert expert.episodes[0].onset == silence_starts
    assert _cue_ms(captions[index].start) - silence_starts == script.line(line).pause_ms
    assert any(c.start == silence_starts and "pause" in c.text for c in expert.cues)


def test_repairs_follow_the_depth_and_directness_rule(vocabulary):
    for name in NAMES:
        for track in _doc(name).tracks:
            for ep in track.episodes:
                for repair in ep.repairs:
                    depth, directness = vocabulary.repair_coding(repair.strategies)
                    assert repair.depth == depth, (name, ep.id, repair.at)
                    if repair.directness != directness:  # a departure says why
                        assert "Coded direct" in repair.note or "Coded indirect" in repair.note


def test_the_defensive_rationale_is_coded_as_not_helping():
    ep = _doc("confrontation-exploratory-repair").track("expert").episodes[0]
    first = ep.repairs[0]
    assert first.strategies == ("illustrates_rationale",) and first.outcome == "did_not_help"
    assert {"giving_up", "minimal_response"} <= set(ep.markers)  # both kinds in one episode


@pytest.mark.parametrize("name", NAMES)
def test_participants_are_the_caption_voices(name):
    voices = {c.voice for c in webvtt.read(str(MEDIA / f"{name}.vtt")).captions}
    people = _doc(name).participants
    assert {p.name for p in people} == voices
    roles = {p.role for p in people}
    assert roles in ({"therapist", "client"}, {"leader", "member"}), roles


def test_the_group_sample():
    """4-6 people around a circle, one voice each; a member-leader and a member-member rupture."""
    script = ms.load_script(ms.SCRIPTS_DIR / "group-member-leader-repair.yaml")
    assert script.group and 4 <= len(script.speakers) <= 6
    voices = {(p["voice"], p.get("pitch"), p.get("speed")) for p in script.people.values()}
    assert len(voices) == len(script.speakers)
    doc = _doc("group-member-leader-repair")
    roles = {p.id: p.role for p in doc.participants}
    expert = doc.track("expert")
    involved = [{roles[w] for w in ep.involved} for ep in expert.episodes]
    assert involved == [{"member", "leader"}, {"member"}]
    assert any("leader" in p.question and "group" in p.question for p in expert.prompts)
    assert any(c.lens == "group_process" for t in doc.tracks for c in t.cues)
