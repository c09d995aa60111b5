"""Commands of the recorder stage: record, devices, recover, forget."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from listenwell.errors import UserError
from listenwell.folder import InterviewFolder

CONSENT_HELP = "How the interviewee agreed (verbal or written), for scripts; needs --consent-by."


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the listenwell app."""
    app.command("record")(record_cmd)
    app.command("devices")(devices_cmd)
    app.command("recover")(recover_cmd)
    app.command("forget")(forget_cmd)


def _console():
    from rich.console import Console

    return Console(highlight=False)


def record_cmd(
    plan: Path = typer.Argument(..., help="The interview plan (TOML or Markdown)."),
    to: Path = typer.Option(None, "--to", help="Interview folder to create (default: a new one named DATE-INTERVIEWEE)."),
    device: str = typer.Option(None, "--device", "-d", help="Microphone: number or part of its name (see `listenwell devices`)."),
    system_audio: str = typer.Option(None, "--system-audio", help="The call's sound (a loopback or monitor device), recorded as channel 2."),
    consent: str = typer.Option(None, "--consent", help=CONSENT_HELP),
    consent_by: str = typer.Option(None, "--consent-by", help="Who agreed (the interviewee's name)."),
    record_consent: bool = typer.Option(False, "--record-consent", help="Ask for consent on tape first and keep that part as consent-audio.wav (press c when they agreed)."),
    duration: float = typer.Option(None, "--duration", min=0.5, help="Stop by itself after this many seconds."),
) -> None:
    """Record an interview, after the interviewee's consent.

    Keys while recording: m mark, n note, p pause/resume, q stop (Ctrl-C stops too).
    Example: listenwell record plan.toml --system-audio monitor
    """
    from listenwell.recorder.record import RecordOptions, record

    record(RecordOptions(plan, to, device, system_audio, consent, consent_by, record_consent, duration),
           _console())


def devices_cmd(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """List the audio inputs; * marks the default.

    Example: listenwell devices
    """
    from dataclasses import asdict

    from listenwell.recorder.devices import list_inputs

    inputs = list_inputs()
    if as_json:
        typer.echo(json.dumps([asdict(d) for d in inputs], indent=2))
        return
    if not inputs:
        raise UserError("no audio input device found; plug in a microphone")
    for d in inputs:
        mark = "*" if d.is_default else " "
        typer.echo(f"{mark} {d.index:3d}  {d.name}  ({d.channels} ch, {d.default_samplerate:.0f} Hz, {d.hostapi})")


def recover_cmd(folder: Path = typer.Argument(..., help="The interview folder of a crashed recording.")) -> None:
    """Repair a recording after a crash or power loss, so every player reads all of it.

    Example: listenwell recover 2026-11-25-morgan-lee
    """
    from listenwell.folder import open_folder
    from listenwell.recorder.finish import recover

    for line in recover(open_folder(folder)):
        typer.echo(line)


def forget_cmd(
    folder: Path = typer.Argument(..., help="The interview folder to delete."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking (for scripts)."),
    include_other_files: bool = typer.Option(
        False, "--include-other-files",
        help="Also delete what listenwell did not write in the folder (shown first)."),
) -> None:
    """Delete every file listenwell made of an interview (consent withdrawn); says what it deleted.

    Files you put in the folder yourself are listed and left, unless --include-other-files.
    Pages that `listenwell compare` wrote quoting this interview are deleted too.

    Example: listenwell forget 2026-11-25-morgan-lee
    """
    from listenwell import forget
    from listenwell.lock import folder_lock

    plan = forget.what_to_delete(folder)
    say = typer.echo
    say(f"{len(plan.ours)} files listenwell made in {plan.folder}:")
    for p in plan.ours:
        say(f"  {p.name}")
    if plan.copies:
        say(f"{len(plan.copies)} pages by `listenwell compare` that quote it:")
        for p in plan.copies:
            say(f"  {p}")
    if plan.others:
        fate = "deleted too (--include-other-files)" if include_other_files else "left alone"
        say(f"{len(plan.others)} other items in the folder, not made by listenwell, {fate}:")
        for p in plan.others:
            say(f"  {p.name}{'/' if p.is_dir() else ''}")
    if not yes and not typer.confirm("Delete them, for good?", default=False):
        raise UserError("nothing deleted", exit_code=1)
    meta = InterviewFolder(plan.folder).metadata_or_empty()
    with folder_lock(plan.folder, "forget"):
        outcome = forget.delete(plan, include_others=include_other_files)
    _forget_summary(plan, outcome, meta)


def _forget_summary(plan, outcome, meta: dict) -> None:
    say = typer.echo
    say(f"deleted {len(outcome.deleted)} files" + (" and the folder" if outcome.folder_removed else ""))
    if outcome.left and not outcome.failed:
        say(f"left {plan.folder} with {len(outcome.left)} items listenwell did not make: "
            + ", ".join(p.name for p in outcome.left))
    if meta.get("imported_from"):
        say(f"note: the original it was imported from is not touched: {meta['imported_from']}")
    if outcome.failed:
        what = "; ".join(f"{p}: {why}" for p, why in outcome.failed)
        raise UserError(f"could not delete {len(outcome.failed)} of them: {what}", exit_code=1)
