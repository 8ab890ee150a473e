"""The Watch page's video facts: which video the player loads for a commentary file, and the
plain-language problems with it (online address, missing file, a codec browsers cannot play),
and a file's problems as lines relative to the library."""

from __future__ import annotations

from pathlib import Path

from alliance_lens.errors import AllianceLensError, Problem
from alliance_lens.library import Entry, Library, resolve_media, video_named_like
from alliance_lens.media_route import media_url
from alliance_lens.playerdata import VideoSource
from alliance_lens.ui.loaders import probe_video


def video_for(library: Library, entry: Entry) -> tuple[VideoSource, list[str]]:
    """The video the player should load, and plain-language messages about it."""
    if entry.video_url:
        msg = (
            f"This commentary points at an online video ({entry.video_url}). Alliance Lens "
            "never loads outside addresses; download the video into the library's media/ "
            "folder and set `video:` to its file name."
        )
        return VideoSource(None, problem=msg), [msg]
    path = entry.video_path or _video_of_broken_entry(library, entry)
    if path is None:
        msg = "The video for this commentary is not known (the file could not be read)."
        return VideoSource(None, problem=msg), [msg]
    shown = _display(library, path)
    if not path.is_file():
        msg = f"Video not found: {shown}"
        return VideoSource(None, problem=msg), [msg]
    facts = probe_video(path)
    rel = library.media_relative(path)
    captions = (
        media_url(library.media_relative(entry.captions_path)) if entry.captions_path else None
    )
    if "error" in facts:
        msg = f"Cannot read the video {shown}: {facts['error']}"
        return VideoSource(None, problem=msg), [msg]
    src = VideoSource(media_url(rel), facts["fps"], facts["duration_ms"], captions)
    if not facts["playable"]:
        out = Path(rel).with_suffix(".mp4").name
        if out == Path(rel).name:
            out = Path(rel).stem + "-web.mp4"
        msg = (
            f"Browsers cannot play {shown} ({facts['codec']} in {facts['container']}). "
            f"Convert it with `alliance-lens transcode {shown} media/{out}` and point the "
            "commentary's `video:` at the new file."
        )
        return VideoSource(src.src, src.fps, src.duration_ms, captions, problem=msg), [msg]
    return src, []


def _display(library: Library, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(library.root.resolve()))
    except ValueError:
        return str(path)


def _video_of_broken_entry(library: Library, entry: Entry) -> Path | None:
    """A track file with errors still names its video: play it without commentary."""
    try:
        ref = entry.result.video  # read when the file was loaded: no parse at each rerun
        if isinstance(ref, str) and not ref.startswith("https://"):
            return resolve_media(library.media_dir, ref)
    except AllianceLensError:
        pass  # not even YAML: fall back to a video named like the commentary file
    return video_named_like(library.media_dir, entry.slug)


def problem_lines(entry: Entry, library: Library) -> list[str]:
    root = library.root.resolve()

    def rel(p: Problem) -> str:
        try:
            return str(p.in_file(str(Path(p.file).resolve().relative_to(root))))
        except ValueError:
            return str(p)

    return [rel(p) for p in entry.all_problems]
