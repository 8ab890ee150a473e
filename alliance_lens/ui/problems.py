"""Showing problems from a file: one clear panel, errors first, never a traceback."""

from __future__ import annotations

import streamlit as st

from alliance_lens.errors import Problem
from alliance_lens.ui.safe_text import code, lit


def problem_line(problem: Problem) -> str:
    """One problem as Markdown; file name, field and message (which quote the file) escaped."""
    where = problem.file.rsplit("/", 1)[-1] or "input"
    if problem.line is not None:
        where += f", line {problem.line}"
        if problem.column is not None:
            where += f", column {problem.column}"
    field = f" {code(problem.field)}" if problem.field else ""
    return f"**{lit(where)}**{field}: {lit(problem.message)}"


def show_problems(problems: list[Problem], *, title: str) -> None:
    """Errors in a red panel, warnings in a collapsed yellow one. Text, not HTML."""
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if errors:
        st.error(
            f"**{lit(title)}** ({len(errors)} error{'s' * (len(errors) != 1)})\n\n"
            + "\n".join(f"- {problem_line(p)}" for p in errors)
        )
    if warnings:
        with st.expander(f"{len(warnings)} warning{'s' * (len(warnings) != 1)}"):
            for p in warnings:
                st.markdown(f"- {problem_line(p)}")
