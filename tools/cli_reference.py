"""Write docs/cli.md, the command reference, from the command line itself (`--help`).

    .venv/bin/python tools/cli_reference.py          # rewrite docs/cli.md
    .venv/bin/python tools/cli_reference.py --check  # exit 1 if docs/cli.md is stale

tests/test_readme.py runs the check, so the reference cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from listenwell.cli import app

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "cli.md"


# typer vendors its own click: parameters and groups are told apart by duck typing.


def commands(group, prefix: str = "listenwell"):
    """(full name, command) for every command, depth first, in registration order."""
    for name, command in group.commands.items():
        if getattr(command, "commands", None) is not None:
            yield from commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


def _is_option(p) -> bool:
    return p.param_type_name == "option"


def _option_row(p, ctx) -> str:
    names = ", ".join(f"`{n}`" for n in [*p.opts, *p.secondary_opts])
    kind = "flag" if p.is_flag else p.display_type(ctx).strip("<>")
    default = p.default if p.default not in (None, False, ()) and not callable(p.default) else ""
    help_text = " ".join((getattr(p, "help", None) or "").split()).replace("|", "\\|")
    return f"| {names} | {kind} | {f'`{default}`' if default != '' else ''} | {help_text} |"


def _arguments(command) -> str:
    out = []
    for p in command.params:
        if not _is_option(p):
            name = p.name.upper() + ("..." if p.nargs != 1 else "")
            out.append(name if p.required else f"[{name}]")
    return " ".join(out)


def _body(doc: str) -> tuple[list[str], list[str]]:
    """A docstring's paragraphs (joined lines) and its `Example:` lines."""
    prose, examples, para = [], [], []
    for line in [*doc.splitlines(), ""]:
        text = line.strip()
        if text.startswith("Example:"):
            examples.append(text[len("Example:"):].strip())
        elif text:
            para.append(text)
        elif para:
            prose.append(" ".join(para))
            para = []
    return prose, examples


def reference() -> str:
    root = typer.main.get_command(app)
    lines = ["# Command reference", "",
             "Generated from the command line by `tools/cli_reference.py`; do not edit by hand.",
             "Every command also answers `--help`.", ""]
    for name, command in commands(root):
        doc = (command.help or "").strip()
        summary, _, rest = doc.partition("\n\n")
        lines += [f"## `{name}`", "", " ".join(summary.split()), "",
                  "```", f"{name} [OPTIONS] {_arguments(command)}".rstrip(), "```", ""]
        prose, examples = _body(rest)
        lines += [text for para in prose for text in (para, "")]
        if examples:
            lines += ["```sh", *examples, "```", ""]
        options = [p for p in command.params if _is_option(p) and "--help" not in p.opts]
        if options:
            lines += ["| option | type | default | what |", "|---|---|---|---|"]
            ctx = typer.Context(command)
            lines += [_option_row(p, ctx) for p in options] + [""]
    return "\n".join(lines)


def main() -> int:
    text = reference()
    if "--check" in sys.argv[1:]:
        if not REFERENCE.is_file() or REFERENCE.read_text(encoding="utf-8") != text:
            print(f"{REFERENCE.relative_to(ROOT)} is stale: run .venv/bin/python tools/cli_reference.py")
            return 1
        return 0
    REFERENCE.write_text(text, encoding="utf-8")
    print(f"wrote {REFERENCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
