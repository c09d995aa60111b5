"""Before the interview: `listenwell check` (10-15 minutes before the call) and `listenwell
enroll` (your voice profile).

Both span two stages (a clip through the recorder's real capture path, then the speech
model or the speaker embedding of the transcribe stage), so they live here, with the
command-line assembly, and not inside either stage.

check: the device, a few seconds recorded with their level and transcript, free disk for
the planned minutes, the speech model loads, and your voice profile: when there is none
yet, the check records 15 s of you instead of a few and keeps your voice from them (the
interviewer is the user: the same voice in every interview). Every step is shown; any
failure ends with a non-zero exit and the reason (no profile is a warning, not a failure).

enroll: a voice profile from the microphone, a clip, or an interview whose interviewer is
known (`--from DIR`), added as one more occasion to the profile; `--delete` forgets it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import typer
from rich.console import Console

from listenwell.errors import UserError
from listenwell.plan import load_plan
from listenwell.userdata import NO_PROFILE_NOTICE

QUIET_PEAK_DBFS = -40.0  # speech peaks below this: the mic is too far or the gain too low
DEFAULT_MINUTES = 60.0
DISK_MARGIN = 1.5  # room for transcripts, reports and a longer talk than promised
EXIT_CHECK_FAILED = 1
ENROLL_SECONDS = 15.0


def register(app: typer.Typer) -> None:
    app.command("check")(check_cmd)
    app.command("enroll")(enroll_cmd)


# ---- check ------------------------------------------------------------------------------


def check_cmd(
    plan: Path = typer.Argument(None, help="The interview plan, for its planned minutes."),
    device: str = typer.Option(None, "--device", "-d", help="Microphone: number or part of its name."),
    system_audio: str = typer.Option(None, "--system-audio", help="The call's sound device, to test too."),
    seconds: float = typer.Option(4.0, "--seconds", min=1.0, max=30.0, help="How long to record."),
    minutes: float = typer.Option(None, "--minutes", help="Planned length, for the disk check (default: the plan's, else 60)."),
    where: Path = typer.Option(Path("."), "--where", help="Where the interview folder will go (disk check)."),
    model: str = typer.Option(None, "--model", help="Speech model to test (default: the bundled one)."),
    profile: bool = typer.Option(True, "--profile/--no-profile", help="Without a voice profile yet, record 15 s of you to make one."),
) -> None:
    """Check the setup before an interview: device, level, transcript, disk, model, your voice profile.

    Example: listenwell check plan.toml --device USB
    """
    run_check(plan, device, system_audio, seconds, minutes, where, model, Console(highlight=False), profile)


@dataclass
class Checklist:
    console: Console
    failures: list[str] = field(default_factory=list)

    def ok(self, label: str, detail: str) -> None:
        self.console.print(f"[green]✓[/green] {label}: {detail}", highlight=False)

    def warn(self, label: str, detail: str) -> None:
        self.console.print(f"[yellow]![/yellow] {label}: {detail}", highlight=False)

    def fail(self, label: str, detail: str) -> None:
        self.console.print(f"[red]✗[/red] {label}: {detail}", highlight=False)
        self.failures.append(f"{label}: {detail}")


def run_check(plan_path: Path | None, device: str | None, system_audio: str | None, seconds: float,
              minutes: float | None, where: Path, model: str | None, console: Console,
              make_profile: bool = True) -> None:
    from listenwell.recorder.clip import open_devices, record_clip
    from listenwell.transcribe.speakers.profile import read_profile

    out = Checklist(console)
    plan = load_plan(plan_path) if plan_path else None
    minutes = minutes or (plan.minutes if plan and plan.minutes else DEFAULT_MINUTES)

    try:
        mic, system, rate = open_devices(device, system_audio)
    except UserError as e:
        out.fail("device", str(e))
        _end(out)
        return
    out.ok("microphone", f"{mic.name} ({mic.index}) at {rate} Hz")
    if system:
        out.ok("system audio", f"{system.name} ({system.index})")

    channels = 2 if system else 1
    try:
        profile, damaged = read_profile(), None
    except UserError as e:
        profile, damaged = None, str(e)
        make_profile = False  # never over a damaged file the user may want to look at
    enrolling = make_profile and (profile is None or not profile.usable)
    ask = "say a sentence into the microphone"
    if enrolling:  # one recording for both: the level test and the profile
        seconds = max(seconds, ENROLL_SECONDS)
        ask = "no voice profile of you yet: read anything aloud in your normal voice (it makes one)"
    try:
        with console.status(f"recording {seconds:.0f} s: {ask}..."):
            clip = record_clip(device, seconds, system_audio)
    except UserError as e:
        out.fail("recording", str(e))
        clip = None
    else:
        out.ok("recording", f"{clip.seconds:.1f} s captured, {clip.lost_frames} frames lost")
        _levels(out, clip.audio, ["microphone", "system audio"][:channels])
        _transcript(out, clip.mic_float(), clip.samplerate, model)
    if enrolling and clip is not None:
        _make_profile(out, clip.mic_float(), clip.samplerate, f"check, microphone {mic.name}")
    elif profile is not None and profile.usable:
        out.ok("voice profile", f"{len(profile.entries)} occasion(s), last {profile.summary()['updated'][:10]}")
    elif damaged:
        out.warn("voice profile", damaged)
    else:
        out.warn("voice profile", NO_PROFILE_NOTICE)

    need = minutes * 60 * rate * 2 * channels * DISK_MARGIN
    try:
        free = shutil.disk_usage(where).free
    except OSError as e:
        out.fail("disk", f"cannot see {where}: {e.strerror}")
    else:
        detail = f"{free / 1e9:.1f} GB free in {where}, {need / 1e9:.2f} GB needed for {minutes:.0f} min"
        (out.ok if free >= need else out.fail)("disk", detail)
    _end(out)


def _levels(out: Checklist, audio: np.ndarray, names: list[str]) -> None:
    from listenwell.recorder.source import dbfs

    for ch, name in enumerate(names):
        x = audio[:, ch]
        peak = int(np.abs(x.astype(np.int32)).max()) if len(x) else 0
        rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0
        level = f"peak {dbfs(peak):.0f} dBFS, average {dbfs(rms):.0f} dBFS"
        if peak == 0:
            if ch == 0:
                out.fail(f"{name} level", "only digital zeros: the device delivers no sound (muted or unplugged?)")
            else:
                out.warn(f"{name} level", "silent: play something in the call to test it")
        elif peak >= 32767:
            out.warn(f"{name} level", f"{level}: clipping, lower the input gain")
        elif dbfs(peak) < QUIET_PEAK_DBFS and ch == 0:
            out.warn(f"{name} level", f"{level}: very quiet; speak during the check or raise the gain")
        else:
            out.ok(f"{name} level", level)


def _transcript(out: Checklist, mic: np.ndarray, rate: int, model: str | None) -> None:
    from listenwell.transcribe import transcribe_audio
    from listenwell.transcribe.audio import SAMPLE_RATE

    audio = mic
    if rate != SAMPLE_RATE:  # linear resampling is plenty for a check transcript
        n = int(len(audio) * SAMPLE_RATE / rate)
        audio = np.interp(np.arange(n) * rate / SAMPLE_RATE, np.arange(len(audio)), audio).astype(np.float32)
    t0 = time.monotonic()
    try:
        text = transcribe_audio(audio, model=model)
    except UserError as e:
        out.fail("speech model", str(e))
        return
    out.ok("speech model", f"loaded and ran in {time.monotonic() - t0:.1f} s")
    if text:
        out.ok("transcript", f"“{text}”")
    else:
        out.warn("transcript", "no words recognised; speak during the check to test it")


def _make_profile(out: Checklist, mic: np.ndarray, rate: int, source: str) -> None:
    """Your voice profile from the check's recording; a warning (not a failure) if it cannot be made."""
    from listenwell.transcribe.speakers.profile import add_occasion, save_profile, voice_from_audio

    try:
        voice = voice_from_audio(_to_16k(mic, rate))
        path = save_profile(add_occasion(None, voice, source)[0])
    except UserError as e:
        out.warn("voice profile", f"not made: {e}; `listenwell enroll` makes one later")
        return
    out.ok("voice profile", f"made from {voice.speech_s:.0f} s of your voice: {path} (only numbers, no audio; "
                            "`listenwell enroll --delete` forgets it)")


def _to_16k(audio: np.ndarray, rate: int) -> np.ndarray:
    from listenwell.transcribe.audio import SAMPLE_RATE, resample

    return resample(audio, rate, SAMPLE_RATE)


def _end(out: Checklist) -> None:
    if out.failures:
        reasons = "; ".join(out.failures)
        raise UserError(f"check failed: {reasons}", EXIT_CHECK_FAILED)
    out.console.print("[bold green]ready to record[/bold green]")


# ---- enroll -----------------------------------------------------------------------------


def enroll_cmd(
    from_file: Path | None = typer.Option(None, "--from-file", help="Use an existing clip of your voice instead of recording."),
    from_dir: Path | None = typer.Option(None, "--from", help="An interview whose interviewer is known: a two-channel recording's microphone side, or a transcript you corrected with `listenwell label`."),
    seconds: float = typer.Option(ENROLL_SECONDS, "--seconds", min=6.0, max=120.0, help="How long to record."),
    device: str | None = typer.Option(None, "--device", "-d", help="Microphone: number or part of its name (see `listenwell devices`)."),
    delete: bool = typer.Option(False, "--delete", help="Delete your voice profile."),
) -> None:
    """Your voice profile: 15 s of your voice, so transcripts know which speaker is you.

    Each enrollment adds an occasion (another microphone, room or day) to the profile.
    Only voice embeddings (lists of numbers) are kept, on this machine, readable by you
    alone: $XDG_DATA_HOME/listenwell/voice-profile.npz. `--delete` removes it.

    Example: listenwell enroll            (then read any text aloud until it stops)
    Example: listenwell enroll --from-file my-voice.m4a
    Example: listenwell enroll --from interviews/priya
    """
    from listenwell.transcribe.audio import decode
    from listenwell.transcribe.speakers.profile import (
        add_occasion,
        delete_profile,
        read_profile,
        save_profile,
        voice_from_audio,
    )
    from listenwell.userdata import profile_path

    if delete:
        gone = delete_profile()
        typer.echo(f"deleted {', '.join(map(str, gone))}" if gone else f"no voice profile ({profile_path()} does not exist)")
        return
    if from_file is not None and from_dir is not None:
        raise UserError("give either --from-file or --from, not both")
    if from_dir is not None:
        from listenwell.transcribe.speakers.profile_sources import voice_from_interview

        voice, source = voice_from_interview(from_dir)
    else:
        if from_file is not None:
            if not from_file.is_file():
                raise UserError(f"{from_file}: no such file")
            audio, source = decode(from_file), f"file {from_file.name}"
        else:
            audio, source = _record_voice(seconds, device)
        voice = voice_from_audio(audio)
    profile, similarity = add_occasion(read_profile(), voice, source)
    path = save_profile(profile)
    before = f"; it sounds like your profile (similarity {similarity:.2f})" if similarity is not None else ""
    typer.echo(f"voice profile: {profile.occasions} occasion(s), this one from {voice.speech_s:.0f} s of speech "
               f"({source}){before}: {path} (delete with `listenwell enroll --delete`)")


def _record_voice(seconds: float, device: str | None) -> tuple[np.ndarray, str]:
    """Your voice from the microphone, 16 kHz mono float32 (resampled by the same decoder
    as recordings, through a private temporary file), and the microphone's name."""
    import soundfile as sf
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from listenwell.recorder.clip import open_devices, record_clip
    from listenwell.transcribe.audio import decode

    mic, _, _ = open_devices(device)
    typer.echo(f"recording {seconds:.0f} s from {mic.name}: read any text aloud in your normal voice")
    with Progress(TextColumn("enroll"), BarColumn(), TimeRemainingColumn()) as bar:
        task = bar.add_task("rec", total=seconds)
        clip = record_clip(device, seconds, on_tick=lambda t: bar.update(task, completed=t))
        bar.update(task, completed=seconds)
    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "enroll.wav"
        sf.write(wav, clip.audio[:, 0], clip.samplerate)
        return decode(wav), f"microphone {mic.name}"
