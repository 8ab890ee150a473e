"""The transcode job a page polls: it always ends, with a result, an error or a cancel."""

from __future__ import annotations

import time

from alliance_lens.transcoding import TranscodeJob, start_transcode, web_copy_path
from tools.clips import make_frame_numbered_video


def wait_done(job: TranscodeJob, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not job.done:
        assert time.monotonic() < deadline, "the job never ended"
        time.sleep(0.05)  # polling interval


def test_a_job_converts_beside_the_original_and_keeps_it(tmp_path):
    src = make_frame_numbered_video(tmp_path / "old.avi", seconds=1, codec="mjpg-avi")
    job = start_transcode(src)
    wait_done(job)
    assert job.error == "" and job.result == tmp_path / "old.mp4" and job.progress == 1.0
    assert src.exists() and job.result.stat().st_size > 0
    assert web_copy_path(tmp_path / "old.mp4") == tmp_path / "old-web.mp4"
    assert web_copy_path(src) == tmp_path / "old-2.mp4"  # never over a file


def test_a_failing_job_ends_with_its_error_and_no_file(tmp_path):
    junk = tmp_path / "junk.mov"
    junk.write_bytes(b"\0garbage" * 1000)
    job = start_transcode(junk)
    wait_done(job)
    assert job.result is None and "ffmpeg failed" in job.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.mov"]


def test_a_cancelled_job_ends_without_a_file(tmp_path):
    src = make_frame_numbered_video(tmp_path / "long.avi", seconds=10, codec="mjpg-avi")
    job = TranscodeJob(src, tmp_path / "long.mp4")
    job.cancel()
    job.run()  # in this thread: cancelled before ffmpeg got anywhere
    assert job.done and job.result is None and job.error == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.avi"]
