"""Commands of the transcribe stage: `listenwell import` and `listenwell transcribe`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the listenwell app."""
    app.command("import")(import_cmd)
    app.command("transcribe")(transcribe_cmd)
    from listenwell.transcribe.speakers.cli import register as register_speakers

    register_speakers(app)  # enroll, label


def import_cmd(
    audio: Path | None = typer.Argument(None, help="A recording: wav, flac, mp3, m4a, ogg, webm..."),
    to: Path = typer.Option(..., "--to", help="The new interview folder to create."),
    plan: Path | None = typer.Option(None, "--plan", help="The interview plan (TOML or Markdown)."),
    tracks: tuple[Path, Path] | None = typer.Option(None, "--tracks", help="One file per participant, yours first (a video call's separate tracks): ME THEM."),
    offset: float = typer.Option(0.0, "--offset", help="With --tracks: how many seconds later the other track starts than yours."),
) -> None:
    """Make an interview folder from an existing recording (copied, never moved).

    Example: listenwell import ~/Downloads/call.m4a --plan plan.toml --to interviews/priya
    Example: listenwell import --tracks me.m4a them.m4a --to interviews/priya
    """
    from listenwell.errors import UserError
    from listenwell.transcribe.importing import import_audio, import_tracks

    if (audio is None) == (tracks is None):
        raise UserError("give one recording, or --tracks ME THEM (one file per participant)")
    if tracks is not None:
        folder, warning = import_tracks(tracks[0], tracks[1], to, plan, offset)
        if warning:
            typer.echo(f"warning: {warning}", err=True)
        audio = tracks[0]
    else:
        folder = import_audio(audio, to, plan)
    meta = folder.metadata()
    dur = meta.get("duration_s")
    length = f", {dur / 60:.1f} min" if dur else ""
    with_plan = f" with {folder.plan_path.name}" if folder.plan_path else ""
    typer.echo(f"imported {audio} -> {folder.path}/{meta['audio']}{length}{with_plan}")
    typer.echo(f"next: listenwell transcribe {folder.path}")


def transcribe_cmd(
    targets: list[Path] = typer.Argument(..., help="Interview folders, or audio files (each gets a folder <name>/ beside it)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Whisper model: a faster-whisper name (base.en, small, large-v3...) or a folder with a CTranslate2 model. Default: the bundled offline tiny.en."),
    language: str | None = typer.Option(None, "--language", "-l", help="Language code (en, fr...). Default: English for .en models, else detected."),
    compute_type: str = typer.Option("int8", "--compute-type", help="CTranslate2 compute type: int8, int8_float32, float32..."),
    threads: int = typer.Option(0, "--threads", help="CPU threads per worker (0: the cores split between workers)."),
    workers: int = typer.Option(0, "--workers", "-w", help="Files transcribed in parallel processes (0: suits this machine)."),
    force: bool = typer.Option(False, "--force", "-f", help="Transcribe again even when the transcript is current."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON on stdout."),
    speakers: int | None = typer.Option(None, "--speakers", min=1, max=20, help="Number of speakers, when known (default: found from the voices)."),
    channels_are_speakers: bool = typer.Option(False, "--channels-are-speakers", help="Each channel of the recording is one person (a call recorded as mic + system audio)."),
    no_speakers: bool = typer.Option(False, "--no-speakers", help="Skip speaker attribution (who spoke when)."),
    no_profile: bool = typer.Option(False, "--no-profile", help="Do not use your voice profile (speakers told apart by voice alone)."),
) -> None:
    """Transcribe interviews (batch): transcript.json + .srt .vtt .txt in each folder.

    A folder whose transcript was made from the same audio, model and settings is skipped
    (--force redoes it). Failures do not stop the batch; they are listed at the end and the
    exit code is non-zero.

    Example: listenwell transcribe interviews/* --workers 2
    """
    model_path = Path(model).expanduser() if model else None
    if model is None or (model_path and model_path.is_dir()):
        # nothing may touch the network unless the user named a model that is not on disk
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from listenwell.transcribe.runner import run_transcribe
    from listenwell.transcribe.speakers import SpeakerOptions

    enrollment, notice = (None, None) if no_speakers or no_profile or channels_are_speakers else _profile()
    results, code = run_transcribe(
        [str(t) for t in targets], model=model, language=language, compute_type=compute_type,
        threads=threads, workers=workers, force=force, quiet=as_json, notice=notice,
        speakers=SpeakerOptions(enabled=not no_speakers, num_speakers=speakers,
                                channels_are_speakers=channels_are_speakers, enrollment=enrollment),
    )
    if as_json:
        typer.echo(json.dumps([r.__dict__ for r in results], indent=2, default=str))
    if code:
        raise typer.Exit(code)


def _profile() -> tuple[str | None, str | None]:
    """The id of your voice profile, or None and a notice of what that costs without one
    (printed only when a folder is actually transcribed, so that errors stay one line)."""
    from listenwell.errors import UserError
    from listenwell.transcribe.speakers.profile import read_profile
    from listenwell.userdata import NO_PROFILE_NOTICE

    try:
        profile = read_profile()
    except UserError as e:  # transcribe without it; the note says what to do
        return None, f"note: {e}; speakers are told apart by voice alone"
    if profile is None or not profile.usable:
        why = "" if profile is None else " (made with another speaker model: enroll again)"
        return None, f"note: {NO_PROFILE_NOTICE}{why}"
    return profile.id, None
