"""Every command of `thidua-cli`, its help and a wrong call of it, in Vietnamese:
spell-checked with hunspell-vi (which knows no English), with the command names,
option names and placeholders (upper case) left out, since they are typed as they are."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from collections.abc import Iterator

import pytest

from app.cli.program import build_parser, main
from app.core import i18n
from tests.language.spelling import require_hunspell, unknown_words


@pytest.fixture(autouse=True)
def _hunspell() -> None:
    require_hunspell()


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every command path (``("plan", "show")``…), groups included."""
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def run(argv: list[str]) -> str:
    """What ``thidua-cli argv`` prints (help or usage error), without opening a database."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit),
    ):
        main(argv, out=out)
    return out.getvalue() + err.getvalue()


def prose(text: str) -> list[str]:
    """The lines people read: not the usage synopsis (command and option names),
    not upper-case placeholders or {choice,sets}."""
    lines, in_usage = [], False
    for line in text.splitlines():
        if line.startswith("cách dùng:"):
            in_usage = True
            continue
        if in_usage and line.startswith(" "):
            continue
        in_usage = False
        line = re.sub(r"\{[^}]*\}|\b[A-Z][A-Z_]*\b", " ", line)
        lines.append(line)
    return lines


ALL = sorted(commands(build_parser()))


def test_every_command_is_listed() -> None:
    assert ("print", "batch") in ALL and ("deadlines", "extend") in ALL
    assert len(ALL) > 60


@pytest.mark.parametrize("path", ALL, ids=lambda path: " ".join(path) or "thidua-cli")
def test_help_and_wrong_call_in_vietnamese(path: tuple[str, ...]) -> None:
    try:
        help_text = run([*path, "--help"])
        wrong = run([*path, "--no-such-option"])
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)
    assert help_text.startswith("cách dùng: thidua-cli")
    assert "lỗi:" in wrong
    # Each command's own words: the names of its subcommands are listed, not prose.
    names = {name for other in ALL for name in other}
    lines = [
        line for line in prose(help_text + wrong) if not (line.split() and line.split()[0] in names)
    ]
    assert unknown_words(lines) == {}
