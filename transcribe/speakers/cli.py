"""Commands about speakers: `listenwell enroll` (your voice, once) and `listenwell label`
(correct who is the interviewer in a transcript)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from listenwell.errors import UserError

ENROLL_SECONDS = 15.0
MIN_SPEECH_S = 5.0  # an enrollment clip needs at least this much speech


def register(app: typer.Typer) -> None:
    app.command("enroll")(enroll_cmd)
    app.command("label")(label_cmd)


def enroll_cmd(
    from_file: Path | None = typer.Option(None, "--from-file", help="Use an existing clip of your voice instead of recording."),
    seconds: float = typer.Option(ENROLL_SECONDS, "--seconds", min=6.0, max=120.0, help="How long to record."),
    device: str | None = typer.Option(None, "--device", "-d", help="Microphone: number or part of its name (see `listenwell devices`)."),
    delete: bool = typer.Option(False, "--delete", help="Delete the enrolled voice."),
) -> None:
    """Record your voice once (about 15 s) so transcripts know which speaker is you.

    Only a voice embedding (a list of numbers) is kept, on this machine, readable by you
    alone: $XDG_DATA_HOME/listenwell/interviewer.npy. `--delete` removes it.

    Example: listenwell enroll            (then read any text aloud until it stops)
    Example: listenwell enroll --from-file my-voice.m4a
    """
    from listenwell.transcribe.speakers.naming import enrollment_path, save_enrollment

    path = enrollment_path()
    if delete:
        if path.exists():
            path.unlink()
            typer.echo(f"deleted {path}")
        else:
            typer.echo(f"no enrolled voice ({path} does not exist)")
        return
    import numpy as np
    from listenwell.transcribe.audio import decode

    if from_file is not None:
        if not from_file.is_file():
            raise UserError(f"{from_file}: no such file")
        audio = decode(from_file)
    else:
        audio = _record(seconds, device)
    speech_s = _speech_seconds(audio)
    if speech_s < MIN_SPEECH_S:
        raise UserError(
            f"only {speech_s:.1f} s of speech found (need {MIN_SPEECH_S:.0f} s); speak closer to the microphone and try again"
        )
    try:
        from listenwell.transcribe.speakers.diarize import embed
    except ImportError as e:
        raise UserError(f"the speaker models are not available ({e}); reinstall listenwell") from None
    vector = embed(np.asarray(audio, dtype=np.float32), 16000)
    save_enrollment(vector, path)
    typer.echo(f"enrolled your voice from {speech_s:.0f} s of speech: {path} (delete with `listenwell enroll --delete`)")


def _record(seconds: float, device: str | None):
    """Record from the microphone into a private temporary file; 16 kHz mono float32 back."""
    import tempfile

    import soundfile as sf
    from listenwell.recorder.devices import open_error, pick_samplerate, resolve, sounddevice
    from listenwell.transcribe.audio import decode
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    sd = sounddevice()
    dev = resolve(device)
    rate = pick_samplerate(dev)
    typer.echo(f"recording {seconds:.0f} s from {dev.name}: read any text aloud in your normal voice")
    try:
        buf = sd.rec(int(seconds * rate), samplerate=rate, channels=1, dtype="float32", device=dev.index)
    except (sd.PortAudioError, ValueError) as e:
        raise open_error(e, dev) from None
    with Progress(TextColumn("enroll"), BarColumn(), TimeRemainingColumn()) as bar:
        task = bar.add_task("rec", total=seconds)
        for i in range(int(seconds * 10)):
            sd.sleep(100)
            bar.update(task, completed=(i + 1) / 10)
    sd.wait()
    with tempfile.TemporaryDirectory() as d:  # resampled by the same decoder as recordings
        clip = Path(d) / "enroll.wav"
        sf.write(clip, buf, rate)
        return decode(clip)


def _speech_seconds(audio) -> float:
    """Seconds of the clip clearly above its noise floor (10 ms frames)."""
    import numpy as np
    from listenwell.transcribe.speakers.channels import HOP_S, _activity, frame_levels

    if len(audio) < 1600:
        return 0.0
    active, _ = _activity(frame_levels(np.asarray(audio, dtype=np.float32)[None, :], 16000))
    return float(active.sum() * HOP_S)


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
    from listenwell.transcribe.pipeline import write_transcript
    from listenwell.transcribe.speakers.naming import relabel_for

    from listenwell.folder import open_folder
    from listenwell.records import Transcript

    if swap == (interviewer is not None):
        raise UserError("give either --swap or --interviewer LABEL")
    f = open_folder(folder)
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
    if f.report_path.is_file():
        typer.echo(f"the report is now out of date: run `listenwell report {folder}`")
