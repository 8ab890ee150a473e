"""The format registry: every registered format round-trips, unknown extensions are named."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from test_formats import sample_doc

from alliance_lens import formats
from alliance_lens.errors import FormatError
from alliance_lens.formats import (
    FORMATS,
    MEDIA_TYPES,
    REGISTRY,
    convert,
    export_bytes,
    format_of,
    read_file,
    write_file,
)
from alliance_lens.formats._registry import discover
from alliance_lens.model import CommentaryFile


def minimal_doc() -> CommentaryFile:
    """What every format carries: one track of timed cues, named like the file."""
    return CommentaryFile.model_validate(
        {
            "video": "sample.mp4",
            "title": "sample",
            "tracks": [
                {
                    "id": "sample",
                    "name": "sample",
                    "cues": [
                        {"start": "00:01.250", "end": "00:04", "text": "Open question."},
                        {"start": "00:04.5", "end": "01:02.003", "text": "Two\nlines & <b>"},
                    ],
                }
            ],
        }
    )


def test_registry_is_the_format_list() -> None:
    assert set(REGISTRY) == FORMATS == {".yaml", ".yml", ".vtt", ".srt", ".eaf", ".csv"}
    assert MEDIA_TYPES == {  # what the Author page's downloads are served as
        ".yaml": "application/yaml",
        ".yml": "application/yaml",
        ".vtt": "text/vtt",
        ".srt": "application/x-subrip",
        ".eaf": "application/xml",
        ".csv": "text/csv",
    }
    assert REGISTRY[".yaml"] is REGISTRY[".yml"]
    for ext, fmt in REGISTRY.items():
        assert ext in fmt.extensions and fmt.label and "/" in fmt.media_type
    assert [ext for ext, fmt in REGISTRY.items() if fmt.one_track] == [".srt", ".vtt"]


@pytest.mark.parametrize("ext", sorted(REGISTRY))
def test_every_format_round_trips_a_minimal_doc(ext: str) -> None:
    doc = minimal_doc()
    data, warnings = export_bytes(doc, ext)
    assert isinstance(data, bytes) and data
    assert read_file("sample" + ext, text=data).doc == doc
    # only SRT has something to confess here: it never holds the file's metadata
    assert [w.message for w in warnings if "cannot carry" not in w.message] == []


@pytest.mark.parametrize("ext", sorted(REGISTRY))
@pytest.mark.parametrize("tracks", [1, 2])
def test_no_warning_means_nothing_was_lost(ext: str, tracks: int) -> None:
    """The rule of every exporter: what it cannot carry is named; otherwise it is exact."""
    doc = sample_doc()
    doc = doc.model_copy(update={"tracks": doc.tracks[:tracks]})
    data, warnings = export_bytes(doc, ext)
    back = read_file("x" + ext, text=data).doc
    if not warnings:
        assert back == doc
    else:
        assert back != doc
        assert all(w.severity == "warning" and w.file == f"<{ext[1:]} export>" for w in warnings)


@pytest.mark.parametrize("ext", sorted(ext for ext, fmt in REGISTRY.items() if fmt.one_track))
def test_one_track_formats_name_the_other_tracks(ext: str) -> None:
    doc = sample_doc()
    _, warnings = export_bytes(doc, ext, track_id="second")
    label = REGISTRY[ext].label
    (warning,) = [w for w in warnings if "other tracks" in w.message]
    assert warning.message.startswith(f"{label} holds one track ('second') and cannot carry")
    assert "other tracks (expert)" in warning.message


def test_unknown_extension_names_the_file_and_the_supported_ones(tmp_path: Path) -> None:
    supported = ", ".join(sorted(REGISTRY))
    for call in (
        lambda: read_file(tmp_path / "notes.docx", text="x"),
        lambda: write_file(sample_doc(), tmp_path / "notes.docx"),
        lambda: convert(tmp_path / "missing.yaml", tmp_path / "notes.docx"),
    ):
        with pytest.raises(FormatError) as info:
            call()
        err = info.value
        assert err.file == str(tmp_path / "notes.docx")
        assert err.message == f"unknown format '.docx'; expected one of: {supported}"
        assert "notes.docx" in str(err)
    assert not (tmp_path / "notes.docx").exists()
    with pytest.raises(FormatError) as info:
        read_file(tmp_path / "README", text="x")  # not taken as a format name
    assert info.value.file == str(tmp_path / "README")
    assert (
        info.value.message
        == f"no file extension to tell the format by; expected one of: {supported}"
    )
    with pytest.raises(FormatError, match="unknown format '.txt'"):
        format_of("txt")  # a bare format name
    with pytest.raises(FormatError, match=f"expected one of: {supported}"):
        export_bytes(sample_doc(), "pdf")


def _package(tmp_path: Path, name: str, modules: dict[str, str]) -> ModuleType:
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    for module, body in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(body))
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))


FAKE = """
from alliance_lens.formats._registry import Format, Written
FORMAT = Format({exts}, "Fake", "text/plain", one_track=False,
                read=lambda raw, file, stem: None, write=lambda doc, file: Written(b""))
"""


def test_discover_finds_a_new_format_in_its_own_file(tmp_path: Path) -> None:
    package = _package(
        tmp_path, "fmt_ok", {"fake": FAKE.format(exts="('.fake', '.fk')"), "_helper": "X = 1"}
    )
    found = discover(package)
    assert list(found) == [".fake", ".fk"] and found[".fake"].label == "Fake"


def test_discover_refuses_a_module_without_format_or_a_taken_extension(tmp_path: Path) -> None:
    bare = _package(tmp_path, "fmt_bare", {"notes": "X = 1"})
    with pytest.raises(TypeError, match="fmt_bare.notes defines no FORMAT"):
        discover(bare)
    twice = _package(
        tmp_path,
        "fmt_twice",
        {"a": FAKE.format(exts="('.fake',)"), "b": FAKE.format(exts="('.fake',)")},
    )
    with pytest.raises(ValueError, match="extension '.fake' is taken"):
        discover(twice)


def test_the_facade_is_unchanged_for_its_callers() -> None:
    """cli.py and ui/author.py call these; their signatures stay."""
    import inspect

    assert str(inspect.signature(formats.export_bytes)) == (
        "(doc: 'CommentaryFile', fmt: 'str', track_id: 'str | None' = None, *, "
        "file: 'str' = '') -> 'tuple[bytes, list[Problem]]'"
    )
    assert str(inspect.signature(formats.read_file)) == (
        "(path: 'Path | str', *, text: 'bytes | str | None' = None, "
        "base: 'CommentaryFile | None' = None, track_id: 'str | None' = None, "
        "notes_as_presenter_notes: 'bool' = False) -> 'ImportResult'"  # added, with a default
    )


def test_docs_describe_every_registered_format() -> None:
    docs = Path(__file__).parents[2] / "docs"
    text = (docs / "formats.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    for ext, fmt in REGISTRY.items():
        assert any(f"`{ext}`" in h for h in headings), f"docs/formats.md: no section for {ext}"
        assert f"| `{ext}`" in text or f", `{ext}` |" in text, f"{ext} missing from the table"
        assert fmt.label in text
    assert "](formats.md)" in (docs / "commentary-format.md").read_text(encoding="utf-8")
