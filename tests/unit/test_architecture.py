"""House rules that keep the core simple: it never imports Streamlit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "alliance_lens"
UI_ONLY = {"ui", "player"}


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        if rel.parts[1] in UI_ONLY:
            continue
        names.append(".".join(rel.parts).removesuffix(".__init__"))
    return names


def test_core_never_imports_streamlit() -> None:
    modules = core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]", f"core modules pulled in Streamlit: {out}"
    assert "alliance_lens.model" in modules and "alliance_lens.cli" in modules


# --- Pages and ui/ stay thin: no database driver, OpenCV, YAML or file I/O of their own ----------

ROOT = PACKAGE.parent
THIN = sorted([*(PACKAGE / "ui").rglob("*.py"), *(ROOT / "views").rglob("*.py")])
FORBIDDEN_IMPORTS = {"sqlalchemy", "cv2", "yaml", "ruamel", "shutil", "tempfile", "io"}
FILE_METHODS = {
    "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "mkdir", "rmdir",
    "touch", "rename", "symlink_to", "hardlink_to", "rglob", "iterdir", "glob",
}  # fmt: skip
OS_FILE_CALLS = {"replace", "rename", "remove", "unlink", "link", "makedirs", "mkdir", "open"}


def thin_layer_offences(path: Path, root: Path = ROOT) -> list[str]:
    """What in ``path`` belongs in the core: driver/OpenCV/YAML imports and file I/O calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found += [f"imports {n}" for n in names if n.split(".")[0] in FORBIDDEN_IMPORTS]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "open":
            found.append("calls open()")
        elif isinstance(func, ast.Attribute):
            on_os = isinstance(func.value, ast.Name) and func.value.id == "os"
            if func.attr in FILE_METHODS or (on_os and func.attr in OS_FILE_CALLS):
                found.append(f"calls .{func.attr}()")
    return [f"{path.relative_to(root)}:{offence}" for offence in found]


def test_thin_layers_do_no_file_io_and_import_no_driver() -> None:
    offences = [o for path in THIN for o in thin_layer_offences(path)]
    assert offences == [], "move these into the core (alliance_lens/, not ui/):\n" + "\n".join(
        offences
    )


def test_thin_layer_check_catches_what_it_forbids(tmp_path: Path) -> None:
    sample = tmp_path / "page.py"
    sample.write_text(
        "import os\nfrom sqlalchemy.exc import SQLAlchemyError\nimport cv2\n"
        "open('x').read()\nos.replace('a', 'b')\nPath('x').write_text('y')\n"
        "store = Store.open(url)\n",
        encoding="utf-8",
    )
    found = sorted(o.split(":", 1)[1] for o in thin_layer_offences(sample, tmp_path))
    assert found == [
        "calls .replace()",
        "calls .write_text()",
        "calls open()",
        "imports cv2",
        "imports sqlalchemy.exc",
    ]


# --- The map stays true: every module is in docs/architecture.md and says what it is for --------

ARCHITECTURE = ROOT / "docs" / "architecture.md"
SOURCES = sorted(
    [
        *PACKAGE.rglob("*.py"),
        *(ROOT / "views").rglob("*.py"),
        *(ROOT / "tools").glob("*.py"),
        *(ROOT / "bench").glob("*.py"),
        ROOT / "app.py",
    ]
)


def documented_paths() -> list[str]:
    """Each module as the map names it, relative to alliance_lens/: ``store.py``,
    ``authoring/draft.py``; a package by its folder (``authoring/``), and a folder of
    JavaScript modules by itself (``player/js/``) with each of its ``.js`` files."""
    paths = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        paths.append(f"{rel.parent.as_posix()}/" if rel.name == "__init__.py" else rel.as_posix())
    for js in sorted(PACKAGE.rglob("*.js")):
        rel = js.relative_to(PACKAGE)
        paths += [f"{rel.parent.as_posix()}/", rel.as_posix()]
    return sorted(set(p for p in paths if p != "./"))


def test_architecture_doc_lists_every_module() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    missing = [path for path in documented_paths() if path not in text]
    assert missing == [], f"docs/architecture.md does not mention: {missing}"
    assert "authoring/draft.py" in documented_paths() and "player/js/" in documented_paths()


def test_every_module_opens_with_a_sentence_saying_what_it_is_for() -> None:
    offenders = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        doc = ast.get_docstring(tree)
        first = doc.strip().split("\n\n")[0].strip() if doc else ""
        if not first or not first.endswith((".", ":")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], f"no opening sentence saying what the module is for: {offenders}"
    assert len(SOURCES) > 50


# --- Files stay small enough to read at once ------------------------------------------------------

MAX_LINES = 420  # "about 400"
# Known to be over, each to be split by concept; the test fails once one is fixed, so this list
# only shrinks. None is over today.
KNOWN_OVER: set[str] = set()


def test_no_source_file_over_about_400_lines() -> None:
    files = [*SOURCES, *PACKAGE.rglob("*.js")]
    files = [f for f in files if f.name != "make_samples.py"]  # a generated-data script
    over = {
        str(f.relative_to(ROOT)): n
        for f in files
        if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(over) == KNOWN_OVER, f"split by concept (limit {MAX_LINES} lines): {over}"


# Headings render Markdown; a non-literal one must come through ui/safe_text (title, subheader).
HEADING_CALLS = {"title", "header", "subheader"}
NOT_YET_ROUTED = "author"  # ui/author/ (just split): to be routed through safe_text next


def test_pages_show_headings_from_files_only_through_safe_text() -> None:
    files = [*(PACKAGE.parent / "views").glob("*.py"), *(PACKAGE / "ui").rglob("*.py")]
    offenders = []
    for path in files:
        if NOT_YET_ROUTED in path.relative_to(PACKAGE.parent).parts or path.name == "safe_text.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in HEADING_CALLS
                and node.args
                and not isinstance(node.args[0], ast.Constant)
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, f"headings not through ui/safe_text: {offenders}"
