"""Commands of the recorder stage: record, devices, recover, forget."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import typer

from listenwell.errors import UserError

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
) -> None:
    """Delete every file of an interview (consent withdrawn); says what it deleted.

    Example: listenwell forget 2026-11-25-morgan-lee
    """
    from listenwell.folder import open_folder

    f = open_folder(folder)
    if not f.is_interview():
        raise UserError(f"{folder} is not an interview folder (no interview.json, consent.json or "
                        "transcript.json); nothing deleted")
    files = f.files()
    meta = f.metadata()
    typer.echo(f"{len(files)} files in {folder}:")
    for p in files:
        typer.echo(f"  {p.relative_to(f.path)}")
    if not yes and not typer.confirm("Delete them all, for good?", default=False):
        raise UserError("nothing deleted", exit_code=1)
    for p in files:
        p.unlink()
    shutil.rmtree(f.path)
    typer.echo(f"deleted {len(files)} files and the folder {folder}")
    if meta.get("imported_from"):
        typer.echo(f"note: the original it was imported from is not touched: {meta['imported_from']}")
