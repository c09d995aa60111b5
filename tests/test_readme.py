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


def _code_lines(markdown: str) -> list[str]:
    """The lines inside fenced code blocks."""
    out, inside = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            inside = not inside
        elif inside:
            out.append(line)
    return out


def test_the_command_reference_is_generated_from_the_cli():
    import subprocess
    import sys

    run = subprocess.run([sys.executable, str(ROOT / "tools" / "cli_reference.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_option_the_readme_shows_exists():
    """Each `listenwell ...` line in the README's code blocks names a real command and only
    options that command has (checked against the CLI, as --help shows it)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    checked = 0
    for line in _code_lines(readme):
        words = line.split("#", 1)[0].split()
        if not words or words[0] != "listenwell":
            continue
        command, rest = root, words[1:]
        while rest and getattr(command, "commands", None) and rest[0] in command.commands:
            command, rest = command.commands[rest[0]], rest[1:]
        assert not getattr(command, "commands", None), f"not a command: {line}"
        known = {o for p in command.params for o in [*p.opts, *p.secondary_opts]} | {"--help", "-h"}
        unknown = [w for w in rest if w.startswith("-") and w.split("=")[0] not in known]
        assert not unknown, f"README: {line!r} uses options {unknown} that `{command.name}` does not have"
        checked += 1
    assert checked >= 20
