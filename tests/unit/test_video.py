"""alliance_lens.video against real generated files (tools.clips); no mocks.

Every generated frame shows its own number, so a thumbnail is checked by decoding it.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import threading
from fractions import Fraction
from math import ceil
from pathlib import Path

import cv2
import imageio_ffmpeg
import pytest

from alliance_lens.errors import AllianceLensError, VideoError
from alliance_lens.transcoding import transcode
from alliance_lens.video import content_key, probe, thumbnail, thumbnails
from tools.clips import FrameRenderer, decode_frame_number, make_frame_numbered_video

NTSC = Fraction(30000, 1001)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("clips")
    return {
        # B-frames and a 2 s GOP: the case where OpenCV's own seek lands early.
        "h264": make_frame_numbered_video(
            d / "h264.mp4", seconds=8, audio=True, keyframe_interval_s=2, bframes=3
        ),
        "ntsc": make_frame_numbered_video(
            d / "ntsc.mp4", seconds=6, fps=NTSC, keyframe_interval_s=2, bframes=3
        ),
        "mjpg": make_frame_numbered_video(d / "mjpg.avi", seconds=2, codec="mjpg-avi"),
        "mp4v": make_frame_numbered_video(d / "mp4v.mp4", seconds=2, codec="mp4v"),
    }


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
    )


def first_frame_at_or_after(at_ms: int, fps: Fraction, frame_count: int) -> int:
    """Frame n is shown from n * 1000 / fps ms; past the end we expect the last frame."""
    return min(ceil(Fraction(at_ms) * fps / 1000), frame_count - 1)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- probe -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fourccs", "codec", "container", "playable"),
    [
        ("h264", {"h264", "avc1"}, "H.264", "mp4", True),
        ("mjpg", {"MJPG"}, "Motion JPEG", "avi", False),
        ("mp4v", {"FMP4", "mp4v"}, "MPEG-4 Part 2", "mp4", False),
    ],
)
def test_probe_fields(clips, name, fourccs, codec, container, playable):
    frames = {"h264": 200, "mjpg": 50, "mp4v": 50}[name]
    info = probe(clips[name])
    assert info.path == clips[name]
    assert (info.width, info.height, info.fps) == (640, 360, 25.0)
    assert info.frame_count == frames
    assert info.duration_ms == frames * 40
    assert info.fourcc in fourccs
    assert (info.codec_name, info.container, info.browser_playable) == (codec, container, playable)


def test_probe_ntsc_rate(clips):
    info = probe(clips["ntsc"])
    assert info.fps == pytest.approx(30000 / 1001)
    assert info.frame_count == 180
    assert info.duration_ms == 6006


def test_h264_playability_depends_on_container_and_pixel_format(tmp_path):
    src = ("-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=0.4")
    ffmpeg(*src, "-c:v", "libx264", "-pix_fmt", "yuv420p", str(tmp_path / "a.mkv"))
    ffmpeg(*src, "-c:v", "libx264", "-pix_fmt", "yuv444p", str(tmp_path / "b.mp4"))
    ffmpeg(*src, "-c:v", "libvpx-vp9", str(tmp_path / "c.webm"))
    mkv, yuv444, webm = (probe(tmp_path / n) for n in ("a.mkv", "b.mp4", "c.webm"))
    assert (mkv.codec_name, mkv.container, mkv.browser_playable) == ("H.264", "matroska", False)
    assert (yuv444.codec_name, yuv444.browser_playable) == ("H.264", False)  # High 4:4:4
    assert (webm.codec_name, webm.container, webm.browser_playable) == ("VP9", "webm", True)


def test_probe_missing_file(tmp_path):
    missing = tmp_path / "nope.mp4"
    with pytest.raises(VideoError, match="not found") as exc:
        probe(missing)
    assert exc.value.file == str(missing)
    assert isinstance(exc.value, AllianceLensError)


def test_probe_junk_file(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video\n" * 100)
    with pytest.raises(VideoError, match="not a video") as exc:
        probe(junk)
    assert exc.value.file == str(junk)
    assert "junk.mp4" in str(exc.value)


# --- thumbnails --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["h264", "ntsc"])
def test_thumbnails_are_frame_exact(clips, tmp_path, name):
    info = probe(clips[name])
    fps = NTSC if name == "ntsc" else Fraction(25)
    rng = random.Random(7)
    times = [rng.randrange(info.duration_ms) for _ in range(20)]
    # Boundaries: on a frame, just after, just before; a GOP start; past the end.
    times += [0, 1, 39, 40, 41, 2000, 1999, info.duration_ms - 1, info.duration_ms + 5000]
    times += range(3000, 3400, 7)  # dense: reached by stepping, several per frame
    paths = thumbnails(clips[name], times, cache_dir=tmp_path)
    got = [decode_frame_number(p.read_bytes()) for p in paths]
    want = [first_frame_at_or_after(t, fps, info.frame_count) for t in times]
    assert got == want


def test_thumbnails_keep_input_order_and_duplicates(clips, tmp_path):
    times = [3000, 120, 3000, 0]
    paths = thumbnails(clips["h264"], times, cache_dir=tmp_path)
    assert [decode_frame_number(p.read_bytes()) for p in paths] == [75, 3, 75, 0]
    assert paths[0] == paths[2]


def test_thumbnail_size_and_single_call(clips, tmp_path):
    p = thumbnail(clips["mjpg"], 1000, width=160, cache_dir=tmp_path)
    img = cv2.imread(str(p))
    assert img.shape[:2] == (90, 160)
    assert decode_frame_number(img) == 25


def test_thumbnail_errors(clips, tmp_path):
    with pytest.raises(ValueError):
        thumbnail(clips["mjpg"], -1, cache_dir=tmp_path)
    with pytest.raises(VideoError, match="not found"):
        thumbnail(tmp_path / "missing.mp4", 0, cache_dir=tmp_path)


def test_thumbnail_cache_follows_content_not_name(clips, tmp_path):
    cache = tmp_path / "cache"
    video = tmp_path / "v.mp4"
    shutil.copy(clips["h264"], video)
    first = thumbnail(video, 1000, cache_dir=cache)
    stamp = first.stat().st_mtime_ns

    renamed = video.rename(tmp_path / "renamed.mp4")
    hit = thumbnail(renamed, 1000, cache_dir=cache)
    assert hit == first and hit.stat().st_mtime_ns == stamp  # not rewritten
    assert len(list(cache.iterdir())) == 1

    assert thumbnail(renamed, 1000, width=200, cache_dir=cache) != first  # width is in the key

    with renamed.open("ab") as f:  # an edit (here: bytes appended) changes the key
        f.write(b"\0" * 10)
    miss = thumbnail(renamed, 1000, cache_dir=cache)
    assert miss != first and miss.exists()
    assert content_key(renamed) != content_key(clips["h264"])


# --- transcode ---------------------------------------------------------------------------


def test_transcode_mjpg_to_playable_mp4(clips, tmp_path):
    before = sha(clips["mjpg"])
    seen: list[float] = []
    out = transcode(clips["mjpg"], tmp_path / "out" / "mjpg.mp4", progress=seen.append)
    assert out == tmp_path / "out" / "mjpg.mp4"
    info = probe(out)
    assert (info.codec_name, info.container, info.browser_playable) == ("H.264", "mp4", True)
    assert info.frame_count == 50
    assert seen and seen[-1] == pytest.approx(1.0)
    assert seen == sorted(seen) and all(0 <= s <= 1 for s in seen)
    assert sha(clips["mjpg"]) == before  # original untouched
    assert [p.name for p in out.parent.iterdir()] == ["mjpg.mp4"]  # no temp files left
    assert decode_frame_number(cv2.VideoCapture(str(out)).read()[1]) == 0


def test_transcode_odd_size_and_audio(clips, tmp_path):
    odd = make_frame_numbered_video(
        tmp_path / "odd.avi", seconds=1, size=(321, 181), codec="mjpg-avi"
    )
    info = probe(transcode(odd, tmp_path / "odd.mp4"))
    assert (info.width, info.height, info.browser_playable) == (320, 180, True)
    # An input with audio keeps a stream the browser can play (H.264 + AAC).
    assert probe(transcode(clips["h264"], tmp_path / "a.mp4")).browser_playable


def test_transcode_cancel_leaves_nothing(tmp_path):
    src = make_frame_numbered_video(tmp_path / "long.avi", seconds=15, codec="mjpg-avi")
    out_dir = tmp_path / "out"
    cancel = threading.Event()
    seen: list[float] = []

    def on_progress(frac: float) -> None:
        seen.append(frac)
        cancel.set()  # cancel as soon as ffmpeg is under way

    assert transcode(src, out_dir / "x.mp4", progress=on_progress, cancel=cancel) is None
    assert seen and seen[-1] < 1.0
    assert list(out_dir.iterdir()) == []

    cancel_early = threading.Event()
    cancel_early.set()
    assert transcode(src, out_dir / "y.mp4", cancel=cancel_early) is None
    assert list(out_dir.iterdir()) == []


def test_transcode_errors_name_the_file(tmp_path, clips):
    junk = tmp_path / "junk.mov"
    junk.write_bytes(b"\0garbage" * 1000)
    with pytest.raises(VideoError, match="ffmpeg failed") as exc:
        transcode(junk, tmp_path / "j.mp4")
    assert exc.value.file == str(junk) and "junk.mov" in exc.value.message
    assert not (tmp_path / "j.mp4").exists()

    audio_only = tmp_path / "voice.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=d=0.5", "-c:a", "aac", str(audio_only))
    with pytest.raises(VideoError, match="no video stream"):
        transcode(audio_only, tmp_path / "v.mp4")

    with pytest.raises(VideoError, match="original"):
        transcode(clips["mjpg"], clips["mjpg"])
    with pytest.raises(VideoError, match="not found"):
        transcode(tmp_path / "missing.avi", tmp_path / "m.mp4")


# --- the generator's own decoder ------------------------------------------------------------


def test_decode_frame_number_in_a_scaled_screenshot():
    frame = FrameRenderer((640, 360)).bgr(123_456)
    page = cv2.copyMakeBorder(
        cv2.resize(frame, (417, 235)), 40, 17, 25, 60, cv2.BORDER_CONSTANT, value=(255, 255, 255)
    )
    ok, png = cv2.imencode(".png", page)
    assert decode_frame_number(png.tobytes(), region=(25, 40, 417, 235)) == 123_456
    assert decode_frame_number(cv2.imencode(".png", page * 0 + 128)[1].tobytes()) is None
