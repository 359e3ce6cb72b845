"""A fault of ours in a command reaches the user as words, not a traceback: the
command stops with status 2, its traceback goes to the log, and the message names
the log file and the incident to quote."""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import pytest

from app.cli import program

BUILD_PARSER = program.build_parser


def _parser_with_a_failing_guide() -> argparse.ArgumentParser:
    parser = BUILD_PARSER()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):

            def fails(*_args: object) -> int:
                raise ZeroDivisionError("a bug of ours")

            action.choices["guide"].set_defaults(handler=fails)
    return parser


def test_an_unexpected_error_is_said_in_words_and_logged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(program, "build_parser", _parser_with_a_failing_guide)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = program.main(["guide", "--out", str(tmp_path / "g.pdf")], out=io.StringIO())
    said = err.getvalue()
    assert status == 2
    assert "Traceback" not in said and "ZeroDivisionError" not in said
    assert "lỗi không mong muốn đã làm dừng lệnh" in said
    log = tmp_path / "home" / "logs" / "thidua.log"
    assert str(log) in said
    text = log.read_text(encoding="utf-8")
    assert "ZeroDivisionError: a bug of ours" in text and "Traceback" in text
    reference = said.split("mã sự cố ")[1].split(")")[0]
    assert f"incident {reference}" in text
    assert not (tmp_path / "g.pdf").exists()
