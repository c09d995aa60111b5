"""`listenwell label`: correct who is the interviewer in a transcript.

(`listenwell enroll`, your voice once, records through the recorder stage: it lives with
the command-line assembly, listenwell/prepare.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from listenwell.errors import UserError


def register(app: typer.Typer) -> None:
    app.command("label")(label_cmd)


def label_cmd(
    folder: Path = typer.Argument(..., help="An interview folder with a transcript."),
    swap: bool = typer.Option(False, "--swap", help="Swap interviewer and interviewee."),
    interviewer: str | None = typer.Option(None, "--interviewer", help="The label (as in the transcript: S1, S2, interviewee...) of the interviewer."),
    as_json: bool = typer.Option(False, "--json", help="Print the resulting speakers entry as JSON."),
) -> None:
    """Correct who the interviewer is: rewrites transcript.json, the exports and speakers.rttm.

    Example: listenwell label interviews/priya --swap
    Example: listenwell label interviews/panel --interviewer S2
    """
    from listenwell.folder import open_folder
    from listenwell.lock import folder_lock
    from listenwell.records import Transcript
    from listenwell.transcribe.pipeline import write_transcript
    from listenwell.transcribe.speakers.naming import relabel_for

    if swap == (interviewer is not None):
        raise UserError("give either --swap or --interviewer LABEL")
    f = open_folder(folder)
    with folder_lock(f.path, "label"):
        transcript = Transcript.load(f.transcript_path)
        before = transcript.speakers.get("interviewer")
        transcript = relabel_for(transcript, swap=swap, interviewer=interviewer)
        write_transcript(f, transcript)
    sp = transcript.speakers
    if as_json:
        typer.echo(json.dumps(sp, indent=2))
    else:
        typer.echo(f"interviewer: {sp.get('interviewer')} (was {before}); speakers: {', '.join(sp.get('labels', []))}")
        typer.echo(f"rewrote {f.transcript_path} and its exports")
    if f.report_path.is_file():  # on stderr: --json output stays valid JSON
        typer.echo(f"the report is now out of date: run `listenwell report {folder}`", err=True)
