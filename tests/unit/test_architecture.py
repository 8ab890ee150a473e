"""House rules that keep the core simple: it never imports Streamlit."""

from __future__ import annotations

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


# Headings render Markdown; a non-literal one must come through ui/safe_text (title, subheader).
HEADING_CALLS = {"title", "header", "subheader"}
NOT_YET_ROUTED = "author"  # ui/author/ (just split): to be routed through safe_text next


def test_pages_show_headings_from_files_only_through_safe_text() -> None:
    import ast

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
