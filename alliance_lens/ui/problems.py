"""Showing problems from a file: one clear panel, errors first, never a traceback."""

from __future__ import annotations

import streamlit as st

from alliance_lens.errors import Problem


def problem_line(problem: Problem) -> str:
    where = problem.file.rsplit("/", 1)[-1] or "input"
    if problem.line is not None:
        where += f", line {problem.line}"
        if problem.column is not None:
            where += f", column {problem.column}"
    field = f" `{problem.field}`" if problem.field else ""
    return f"**{where}**{field}: {problem.message}"


def show_problems(problems: list[Problem], *, title: str) -> None:
    """Errors in a red panel, warnings in a collapsed yellow one. Text, not HTML."""
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if errors:
        st.error(
            f"**{title}** ({len(errors)} error{'s' * (len(errors) != 1)})\n\n"
            + "\n".join(f"- {_escape(problem_line(p))}" for p in errors)
        )
    if warnings:
        with st.expander(f"{len(warnings)} warning{'s' * (len(warnings) != 1)}"):
            for p in warnings:
                st.markdown(f"- {_escape(problem_line(p))}")


def _escape(text: str) -> str:
    # problem messages quote file content; keep Markdown/HTML in it inert
    return text.replace("<", "&lt;").replace(">", "&gt;")
