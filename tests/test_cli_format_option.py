"""Every command's ``--format`` takes only the values its help lists: any other is refused by the parser (exit 2,
naming the allowed values) before any work — ``--format yaml`` used to print a table and exit 0."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from faircollect.cli import app

runner = CliRunner()


def _with_format(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(command path, its --format option) for every command and group of the app that has one."""
    for param in command.params:
        if "--format" in getattr(param, "opts", ()):
            yield path, param
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _with_format(sub, (*path, name))


COMMANDS = dict(_with_format(typer.main.get_command(app)))


def test_the_commands_with_a_format_option_are_all_found() -> None:
    # A guard on the discovery below: were it to find nothing, the parametrized test would pass vacuously.
    assert len(COMMANDS) >= 30
    for path in (("strategy", "simulate"), ("collections", "plan"), ("loan", "replay"), ("lint",)):
        assert path in COMMANDS, sorted(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_a_format_the_help_does_not_list_is_refused_naming_the_allowed_ones(
    path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Were the value not checked, the command must not touch the developer's files or database.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = runner.invoke(app, [*path, "--format", "yaml"])
    message = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())
    assert result.exit_code == 2, result.output
    found = re.search(
        r"Invalid value for '--format'(?: / '-f')?: .*?'yaml' is not (?:one of )?((?:'\w+'(?:, )?)+)\.",
        message,
    )
    assert found, result.output
    allowed = re.findall(r"'(\w+)'", found.group(1))
    # The help names every value the parser accepts.
    help_text = COMMANDS[path].help or ""
    assert allowed and all(re.search(rf"\b{v}\b", help_text) for v in allowed), (allowed, help_text)
    assert not (tmp_path / "db.sqlite3").exists()
