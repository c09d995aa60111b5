"""`listenwell check`: the pre-interview check, 10-15 minutes before the call.

The device, a few seconds recorded through the real capture path with their level and
transcript, free disk for the planned minutes, the speech model loads. Every step is
shown; any failure ends with a non-zero exit and the reason.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from listenwell.recorder.capture import Capture, dbfs
from listenwell.recorder.devices import check_rate, pick_samplerate, quiet_native_stderr, resolve
from rich.console import Console

from listenwell.errors import UserError
from listenwell.plan import load_plan

QUIET_PEAK_DBFS = -40.0  # speech peaks below this: the mic is too far or the gain too low
DEFAULT_MINUTES = 60.0
DISK_MARGIN = 1.5  # room for transcripts, reports and a longer talk than promised
EXIT_CHECK_FAILED = 1


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
              minutes: float | None, where: Path, model: str | None, console: Console) -> None:
    out = Checklist(console)
    plan = load_plan(plan_path) if plan_path else None
    minutes = minutes or (plan.minutes if plan and plan.minutes else DEFAULT_MINUTES)

    try:
        mic = resolve(device, "--device")
        rate = pick_samplerate(mic)
        out.ok("microphone", f"{mic.name} ({mic.index}) at {rate} Hz")
        system = None
        if system_audio:
            system = resolve(system_audio, "--system-audio")
            check_rate(system, rate)
            out.ok("system audio", f"{system.name} ({system.index})")
    except UserError as e:
        out.fail("device", str(e))
        _end(out)
        return

    channels = 2 if system else 1
    with quiet_native_stderr():
        audio = _record(out, mic, rate, system, seconds, console)
    if audio is not None:
        _levels(out, audio, ["microphone", "system audio"][:channels])
        _transcript(out, audio[:, 0], rate, model)

    need = minutes * 60 * rate * 2 * channels * DISK_MARGIN
    try:
        free = shutil.disk_usage(where).free
    except OSError as e:
        out.fail("disk", f"cannot see {where}: {e.strerror}")
    else:
        detail = f"{free / 1e9:.1f} GB free in {where}, {need / 1e9:.2f} GB needed for {minutes:.0f} min"
        (out.ok if free >= need else out.fail)("disk", detail)
    _end(out)


def _record(out: Checklist, mic, rate: int, system, seconds: float, console: Console) -> np.ndarray | None:
    import soundfile as sf

    with tempfile.TemporaryDirectory(prefix="listenwell-check-") as tmp:
        cap = Capture(Path(tmp), mic, rate, system)
        try:
            cap.open()
            cap.start()
        except UserError as e:
            out.fail("recording", str(e))
            return None
        with console.status(f"recording {seconds:.0f} s: say a sentence into the microphone..."):
            end = time.monotonic() + seconds
            problem = None
            while time.monotonic() < end and not problem:
                time.sleep(0.1)
                problem = cap.problem or cap.stream_problem()
            cap.stop()
        problem = problem or cap.problem
        if problem:
            out.fail("recording", problem)
            return None
        audio, _ = sf.read(cap.audio_path, dtype="int16", always_2d=True)
        out.ok("recording", f"{len(audio) / rate:.1f} s captured, {cap.stats()['lost_frames']} frames lost")
        return audio


def _levels(out: Checklist, audio: np.ndarray, names: list[str]) -> None:
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

    audio = mic.astype(np.float32) / 32768
    if rate != 16000:  # linear resampling is plenty for a check transcript
        n = int(len(audio) * 16000 / rate)
        audio = np.interp(np.arange(n) * rate / 16000, np.arange(len(audio)), audio).astype(np.float32)
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


def _end(out: Checklist) -> None:
    if out.failures:
        reasons = "; ".join(out.failures)
        raise UserError(f"check failed: {reasons}", EXIT_CHECK_FAILED)
    out.console.print("[bold green]ready to record[/bold green]")
