"""The README stays true: every command of the CLI is documented there with an example."""

from __future__ import annotations

import re

import typer
from conftest import ROOT

from listenwell.cli import app


def _commands(group, prefix="listenwell"):
    for name, command in group.commands.items():
        if getattr(command, "commands", None):
            yield from _commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}"


def test_every_command_has_an_example_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = list(_commands(typer.main.get_command(app)))
    assert len(commands) >= 14
    missing = [c for c in commands if not re.search(rf"^\s*\$?\s*{re.escape(c)}\b", readme, re.M)]
    assert not missing, f"commands without an example line in README.md: {missing}"


def test_readme_quick_start_is_the_two_make_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make (\w+)", quick, re.M) == ["demo", "test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("install", "demo", "test", "bench"):
        assert re.search(rf"^{target}:", makefile, re.M)
    assert re.search(r"^demo: install", makefile, re.M) and re.search(r"^test: install", makefile, re.M)
