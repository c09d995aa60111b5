"""The consent gate: nothing is captured or written until the interviewee has agreed.

Interactive: the statement is shown and the interviewer must type `yes` (a bare Enter
never counts). Scripts: `--consent verbal|written --consent-by NAME`. Neither, and no
terminal to ask on: exit 2 before anything is created.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import typer

from listenwell import __version__
from listenwell.errors import UserError
from listenwell.folder import write_json

METHODS = ("verbal", "written")
MAX_TRIES = 3


@dataclass
class Consent:
    given_by: str  # the interviewee's name, as they agreed
    method: str  # verbal | written
    given_at: str  # ISO time with zone
    statement: str  # the statement shown / read out
    recorded_by: str  # the interviewer (plan), or ""
    tool_version: str = __version__
    asked_on_tape: bool = False  # --record-consent: the question is in consent-audio.wav


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def check_options(method: str | None, by: str | None) -> tuple[str, str]:
    """--consent and --consent-by given together and well: (method, name), else UserError.
    Checked before anything else happens (devices, folders)."""
    if method is None:
        if by is not None:
            raise UserError("--consent-by needs --consent verbal|written (how they agreed); nothing was recorded")
        return "", ""
    method = method.lower()
    if method not in METHODS:
        raise UserError(f"--consent must be one of {', '.join(METHODS)}, not '{method}'; nothing was recorded")
    name = " ".join((by or "").split())
    if not name:  # the plan's interviewee is who should agree, not proof that they did
        raise UserError("--consent needs --consent-by NAME: the name of the person who agreed; "
                        "nothing was recorded")
    return method, name


def obtain(
    statement: str,
    interviewee: str,
    interviewer: str,
    method: str | None,
    by: str | None,
    on_tape: bool = False,
) -> Consent:
    """Consent from the options, or asked for on the terminal; UserError when not given."""
    if method is not None:
        method, name = check_options(method, by)
        return Consent(name, method, now_iso(), statement, interviewer, asked_on_tape=on_tape)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(
            "no consent: run in a terminal to confirm it, or pass --consent verbal|written "
            "--consent-by NAME; nothing was recorded")
    return ask(statement, interviewee, interviewer, on_tape)


def ask(statement: str, interviewee: str, interviewer: str, on_tape: bool) -> Consent:
    who = interviewee or "the interviewee"
    typer.secho("\nBefore recording, read this to " + who + ":", bold=True)
    typer.echo(f"\n  \"{statement}\"\n")
    if on_tape:
        typer.echo("(--record-consent: after you type yes, recording starts; ask again on tape and "
                   "press c when they have agreed.)")
    for _ in range(MAX_TRIES):
        answer = typer.prompt(f"Did {who} agree to be recorded? Type yes or no",
                              default="", show_default=False).strip().lower()
        if answer in ("yes", "y"):
            break
        if answer in ("no", "n"):
            raise UserError("consent not given; nothing was recorded")
        typer.echo("Please type yes or no (Enter alone does not count).")
    else:
        raise UserError("consent not confirmed; nothing was recorded")
    name = " ".join(interviewee.split())
    if not name:
        name = " ".join(typer.prompt("Their name", default="", show_default=False).split())
        if not name:
            raise UserError("consent needs the name of who agreed; nothing was recorded")
    method = typer.prompt("How did they agree? verbal or written", default="verbal").strip().lower()
    if method not in METHODS:
        raise UserError(f"consent method must be one of {', '.join(METHODS)}; nothing was recorded")
    return Consent(name, method, now_iso(), statement, interviewer, asked_on_tape=on_tape)


def write(path: Path, consent: Consent) -> None:
    """consent.json, on the disk (fsynced, folder too) before any audio stream opens."""
    write_json(path, asdict(consent))
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
