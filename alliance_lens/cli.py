"""The ``alliance-lens`` command: validate, convert, inspect and prepare commentary and videos.

Exit codes: 0 success (warnings allowed), 1 errors found or the action failed, 2 bad usage.
No traceback reaches the user; set ALLIANCE_LENS_DEBUG=1 to see one for a bug report.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import AllianceLensError, Problem
from .library import NOT_TRACKS, library_root, load_entry, scan_library
from .video import probe_duration_ms
from .vocabulary import Vocabulary, load_vocabulary

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except AllianceLensError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("alliance-lens: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so briefly, keep the traceback for a report
        if os.environ.get("ALLIANCE_LENS_DEBUG"):
            raise
        print(
            f"alliance-lens: internal error: {type(exc).__name__}: {exc} "
            "(run again with ALLIANCE_LENS_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_ERRORS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="alliance-lens", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--library",
        help="library folder (default: $ALLIANCE_LENS_LIBRARY or the bundled sample library)",
    )
    sub = parser.add_subparsers(metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("validate", help="check commentary files; print FILE:LINE:COL problems")
    p.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (default: the library's commentary/)"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("library", help="list the library's videos, tracks and what is missing")
    p.set_defaults(func=cmd_library)

    p = sub.add_parser("convert", help="convert between .yaml .vtt .srt .eaf .csv")
    p.add_argument("input", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("info", help="duration, frame rate, size and codec of a video")
    p.add_argument("video", type=Path)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("transcode", help="make a browser-playable H.264/AAC MP4")
    p.add_argument("input", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.set_defaults(func=cmd_transcode)

    p = sub.add_parser("schema", help="write (or --check) commentary/schema.json")
    p.add_argument("--output", type=Path, help="default: the library's commentary/schema.json")
    p.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("score", help="score a learner's rupture marks (CSV) against a track")
    p.add_argument("commentary", type=Path, help="the commentary file (.yaml)")
    p.add_argument("marks", type=Path, help="CSV with columns at_ms and optional type, markers")
    p.add_argument("--track", help="track id (default: the file's practice track)")
    p.add_argument("--json", action="store_true", help="print every hit, miss and false alarm")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser(
        "passphrase", help="hash a workshop passphrase for [access] in .streamlit/secrets.toml"
    )
    p.add_argument("role", choices=["learner", "presenter", "educator"])
    p.set_defaults(func=cmd_passphrase)
    return parser


def cmd_passphrase(args: argparse.Namespace) -> int:
    """Ask for the passphrase twice (never on the command line: shells keep a history) and
    print the line to put under [access]; only the slow hash is ever stored."""
    import getpass

    from .passphrase import PassphraseError, check_new_passphrase, hash_passphrase

    if sys.stdin.isatty():
        first = getpass.getpass(f"Passphrase for {args.role}s: ")
        second = getpass.getpass("Once more: ")
    else:  # piped in (scripts, tests): one line, read twice from the same text
        first = second = sys.stdin.readline().rstrip("\n")
    if first != second:
        print("alliance-lens: the two passphrases differ; nothing written", file=sys.stderr)
        return EXIT_ERRORS
    try:
        check_new_passphrase(first)
    except PassphraseError as exc:
        print(f"alliance-lens: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    print("# under [access] in .streamlit/secrets.toml")
    print(f'{args.role}_passphrase_hash = "{hash_passphrase(first)}"')
    return EXIT_OK


# ---------------------------------------------------------------- validate


def _track_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            folder = path / "commentary" if (path / "commentary").is_dir() else path
            files.extend(f for f in sorted(folder.glob("*.y*ml")) if f.name not in NOT_TRACKS)
        elif path.is_file():
            files.append(path)
        elif path.exists():  # a FIFO or a device would block or never end
            raise AllianceLensError("not a regular file or folder", file=str(path))
        else:
            raise AllianceLensError("no such file or folder", file=str(path))
    return files


def _library_of(track: Path) -> Path:
    """The library a track file belongs to: the folder that holds its commentary/ folder."""
    folder = track.resolve().parent
    return folder.parent if folder.name == "commentary" else folder


def cmd_validate(args: argparse.Namespace) -> int:
    paths = args.paths or [library_root(override=args.library) / "commentary"]
    files = _track_files(paths)
    if not files:
        print(
            "alliance-lens: no commentary files (*.yaml) found in " + ", ".join(map(str, paths)),
            file=sys.stderr,
        )
        return EXIT_ERRORS
    vocabularies: dict[Path, Vocabulary] = {}
    errors = warnings = 0
    for track in files:
        root = _library_of(track)
        if root not in vocabularies:
            vocab_file = root / "commentary" / "vocabulary.yaml"
            try:
                vocabularies[root] = load_vocabulary(vocab_file if vocab_file.exists() else None)
            except AllianceLensError as exc:
                _print_problems(exc.problems, quiet=False)
                errors += len(exc.problems)
                vocabularies[root] = load_vocabulary(None)
        entry = load_entry(track, root / "media", vocabularies[root], probe_duration_ms)
        problems = [_relative(p) for p in entry.all_problems]
        _print_problems(problems, quiet=args.quiet)
        errors += sum(p.is_error for p in problems)
        warnings += sum(not p.is_error for p in problems)
    summary = f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)"
    print(summary, file=sys.stderr)
    return EXIT_ERRORS if errors else EXIT_OK


def _relative(problem: Problem) -> Problem:
    try:
        return problem.in_file(os.path.relpath(problem.file))
    except ValueError:
        return problem


def _print_problems(problems: list[Problem], *, quiet: bool) -> None:
    for problem in problems:
        if problem.is_error or not quiet:
            print(problem)


# ---------------------------------------------------------------- library


def cmd_library(args: argparse.Namespace) -> int:
    library = scan_library(library_root(override=args.library), probe_duration=probe_duration_ms)
    print(f"Library: {library.root}")
    for problem in library.problems:
        print(f"  {problem}")
    bad = 0
    width = max([len(e.slug) for e in library.entries] + [15]) + 2
    for entry in library.entries:
        status = "errors" if entry.has_errors else "ok"
        bad += entry.has_errors
        video = entry.video_url or (entry.video_path.name if entry.video_path else "-")
        tracks = ", ".join(t.name for t in entry.doc.tracks) if entry.doc else "-"
        print(f"  {entry.slug:<{width}} {status:<7} video: {video}  tracks: {tracks}")
        for problem in entry.all_problems:
            if problem.is_error:
                print(f"      {_relative(problem)}")
    for orphan in library.orphan_videos:
        print(f"  {'(no commentary)':<{width}} {'':<7} video: {orphan.name}")
    return EXIT_ERRORS if bad or any(p.is_error for p in library.problems) else EXIT_OK


# ---------------------------------------------------------------- convert, schema


def cmd_convert(args: argparse.Namespace) -> int:
    from .formats import convert

    _check_output(args.output, args.force)
    for warning in convert(args.input, args.output):
        print(warning, file=sys.stderr)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _check_output(output: Path, force: bool) -> None:
    """Refuse before any work is done: a folder, a missing folder, or an existing file."""
    if output.is_dir():
        raise AllianceLensError("is a folder; expected an output file name", file=str(output))
    if not output.parent.is_dir():
        raise AllianceLensError("the folder for the output does not exist", file=str(output))
    if output.exists() and not force:
        raise AllianceLensError("output exists; pass --force to overwrite", file=str(output))


def cmd_schema(args: argparse.Namespace) -> int:
    from .atomic import atomic_write
    from .trackfile import json_schema_text

    target = args.output or library_root(override=args.library) / "commentary" / "schema.json"
    text = json_schema_text()
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target}: stale; run `alliance-lens schema` to regenerate", file=sys.stderr)
            return EXIT_ERRORS
        print(f"{target}: up to date", file=sys.stderr)
        return EXIT_OK
    atomic_write(target, text)
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------- score


def cmd_score(args: argparse.Namespace) -> int:
    import json

    from .practice.marks import read_marks_csv
    from .practice.scoring import practice_track, score_track, summary
    from .trackfile import load_commentary

    vocab_file = _library_of(args.commentary) / "commentary" / "vocabulary.yaml"
    vocabulary = load_vocabulary(vocab_file if vocab_file.is_file() else None)
    doc = load_commentary(args.commentary, vocabulary=vocabulary)
    track = practice_track(doc, args.track)
    if track is None:
        known = ", ".join(t.id for t in doc.tracks)
        what = f"no track with id {args.track!r}" if args.track else "no track has episodes"
        raise AllianceLensError(f"{what}; tracks: {known}", file=str(args.commentary))
    marks = read_marks_csv(args.marks)
    result = score_track(track, marks)
    if args.json:
        print(json.dumps({"track": track.id} | result.to_json(), indent=2))
        return EXIT_OK
    print(_score_table(track.name, track.id, result.figures()))
    for line in summary(result, vocabulary):
        print(line)
    return EXIT_OK


def _score_table(name: str, track_id: str, figures: dict[str, object]) -> str:
    def share(value: object) -> str:
        return "-" if value is None else f"{float(value):.0%}"  # type: ignore[arg-type]

    latency = figures["median_latency_ms"]
    overlap = figures["marker_overlap"]
    rows = [
        ("track", f"{name} ({track_id})"),
        ("expert onsets", figures["onsets"]),
        ("marks", figures["marks"]),
        ("hits", figures["hits"]),
        ("misses", figures["misses"]),
        ("false alarms", figures["false_alarms"]),
        ("hit rate", share(figures["hit_rate"])),
        ("precision", share(figures["precision"])),
        ("median latency", "-" if latency is None else f"{latency} ms"),
        ("type agreement", share(figures["type_agreement"])),
        ("marker overlap", "-" if overlap is None else f"{float(overlap):.2f}"),  # type: ignore[arg-type]
    ]
    return "\n".join(f"{label + ':':<16}{value}" for label, value in rows)


# ---------------------------------------------------------------- video


def cmd_info(args: argparse.Namespace) -> int:
    from .timecode import format_time
    from .video import probe

    info = probe(args.video)
    print(f"file:      {args.video}")
    print(f"duration:  {format_time(info.duration_ms)} ({info.duration_ms} ms)")
    print(f"frames:    {info.frame_count} at {info.fps:.3f} fps")
    print(f"size:      {info.width}x{info.height}")
    print(f"codec:     {info.codec_name} ({info.fourcc})")
    if not info.browser_playable:
        print(
            f"note:      browsers cannot play this codec; convert it with "
            f"`alliance-lens transcode {args.video} {args.video.with_suffix('.mp4').name}`"
        )
    return EXIT_OK


def cmd_transcode(args: argparse.Namespace) -> int:
    from .transcoding import transcode

    _check_output(args.output, args.force)
    if args.output.suffix.lower() not in {".mp4", ".m4v"}:
        raise AllianceLensError("the output is an MP4: name it *.mp4", file=str(args.output))
    bar = _ProgressBar(f"transcoding {args.input.name}")
    transcode(args.input, args.output, progress=bar.update)
    bar.done()
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


class _ProgressBar:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label, self.width, self.last = label, width, -1
        self.tty = sys.stderr.isatty()

    def update(self, fraction: float) -> None:
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent == self.last or (not self.tty and percent - self.last < 10 and percent < 100):
            return
        self.last = percent
        filled = self.width * percent // 100
        line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}%"
        print(
            ("\r" + line) if self.tty else line,
            end="" if self.tty else "\n",
            file=sys.stderr,
            flush=True,
        )

    def done(self) -> None:
        self.update(1.0)
        if self.tty:
            print(file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
