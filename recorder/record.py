"""`listenwell record`: the consent gate, then capture into a new interview folder.

Order matters: the plan and devices are checked first (a wrong device writes nothing),
then consent is obtained, then the folder, plan copy, consent.json (fsynced) and
interview.json are written, and only then do the audio streams open.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.live import Live

from listenwell import __version__, manifest, userdata
from listenwell.errors import UserError
from listenwell.folder import InterviewFolder, append_jsonl, write_text
from listenwell.plan import Plan, load_plan
from listenwell.recorder import consent as consent_mod
from listenwell.recorder.capture import Capture
from listenwell.recorder.devices import (
    InputDevice,
    check_rate,
    pick_samplerate,
    quiet_native_stderr,
    resolve,
)
from listenwell.recorder.finish import finalize
from listenwell.recorder.live import Keys, status_line, warnings_for
from listenwell.recorder.source import dbfs
from listenwell.timefmt import clock

AUDIO_NAME = "audio.wav"
CONSENT_AUDIO_NAME = "consent-audio.wav"
POLL_S = 0.5  # status refresh and fault checks; keys are answered at once
CLIP_SHOW_S = 2.0
EXIT_DEVICE_LOST = 3
EXIT_DISK_FULL = 4
EXIT_WRITE_ERROR = 5


@dataclass
class RecordOptions:
    plan_path: Path
    to: Path | None = None
    device: str | None = None
    system_audio: str | None = None
    consent: str | None = None
    consent_by: str | None = None
    record_consent: bool = False
    duration: float | None = None  # stop by itself after this many seconds


def default_folder(plan: Plan, base: Path = Path(".")) -> Path:
    """A new folder named from today's date and the interviewee: 2026-11-25-morgan-lee."""
    slug = re.sub(r"[^a-z0-9]+", "-", plan.interviewee.lower()).strip("-") or "interview"
    stem = f"{date.today().isoformat()}-{slug}"
    path, n = base / stem, 2
    while path.exists():
        path, n = base / f"{stem}-{n}", n + 1
    return path


def record(opts: RecordOptions, console: Console) -> Path:
    plan = load_plan(opts.plan_path)
    consent_mod.check_options(opts.consent, opts.consent_by)
    mic = resolve(opts.device, "--device")
    rate = pick_samplerate(mic)
    system = None
    if opts.system_audio:
        system = resolve(opts.system_audio, "--system-audio")
        if system.index == mic.index:
            raise UserError("--system-audio must be another device than the microphone")
        check_rate(system, rate)
    target = Path(opts.to) if opts.to else default_folder(plan)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"{target} already exists and is not empty; choose another --to")

    # -- voice profile notice (speaker attribution; see docs/speakers.md) --
    if system is None and not userdata.has_voice_profile():
        console.print(f"note: {userdata.NO_PROFILE_NOTICE}", style="yellow", highlight=False)
    # -- end of voice profile notice --

    consent = consent_mod.obtain(plan.consent_statement, plan.interviewee, plan.interviewer,
                                 opts.consent, opts.consent_by, on_tape=opts.record_consent)

    with quiet_native_stderr():
        _capture(opts, console, plan, mic, rate, system, target, consent)
    return target


def _capture(opts, console, plan, mic, rate, system, target, consent) -> None:
    created = not target.exists()
    folder = InterviewFolder.create(target, exist_ok=True)
    capture: Capture | None = None
    try:
        write_text(folder.path / f"plan{opts.plan_path.suffix.lower()}",
                   opts.plan_path.read_text(encoding="utf-8"))
        consent_mod.write(folder.consent_path, consent)
        folder.update_metadata(
            audio=AUDIO_NAME, source="recorded", created_at=consent_mod.now_iso(),
            recording=True, recorder_pid=os.getpid(), tool_version=__version__,
            device=mic.name, system_audio=system.name if system else None, sample_rate=rate,
            interviewee=plan.interviewee, interviewer=plan.interviewer,
            planned_minutes=plan.minutes,
            **({"channels": ["interviewer", "interviewee"]} if system else {}),
            **({"consent_audio": CONSENT_AUDIO_NAME} if opts.record_consent else {}),
        )
        capture = Capture(folder.path, mic, rate, system, consent_part=opts.record_consent,
                          audio_name=AUDIO_NAME, consent_name=CONSENT_AUDIO_NAME)
        capture.open()
        Session(folder, capture, plan, opts, console, mic, system).run()
    except BaseException:
        if capture is None or not capture.running:
            # The device failed between the check and now: leave nothing behind.
            for p in manifest.inventory(folder.path).ours:
                p.unlink(missing_ok=True)
            if created:
                shutil.rmtree(folder.path, ignore_errors=True)
        raise


class Session:
    """The recording loop on the main thread: keys, signals, status, faults."""

    def __init__(self, folder: InterviewFolder, capture: Capture, plan: Plan, opts: RecordOptions,
                 console: Console, mic: InputDevice, system: InputDevice | None):
        self.folder, self.capture, self.plan, self.opts, self.console = folder, capture, plan, opts, console
        self.names = ["mic"] + (["call"] if system else [])
        self.planned_s = plan.minutes * 60 if plan.minutes else None
        self.stop_reason: str | None = None
        self.marks = 0
        self.said: set[str] = set()  # warnings already printed as a line
        self.started_at = ""
        self.fault: str | None = None

    # ---- events ---------------------------------------------------------------------
    def _signal(self, signum, _frame) -> None:
        self.stop_reason = {signal.SIGINT: "ctrl-c", signal.SIGTERM: "sigterm"}.get(signum, "signal")

    def note(self, kind: str, text: str = "") -> None:
        entry = {"kind": kind, "t": round(self.capture.position_s(), 2),
                 "at": consent_mod.now_iso()}
        if text:
            entry["text"] = text
        append_jsonl(self.folder.notes_path, entry)

    def say(self, message: str, style: str = "") -> None:
        self.console.print(message, style=style, highlight=False)

    def handle(self, key: str, text: str, keys: Keys, live: Live | None) -> None:
        cap = self.capture
        if key == "q":
            self.stop_reason = "user"
        elif key == "m":
            self.marks += 1
            self.note("mark", text)
            self.say(f"mark {self.marks} at {clock(cap.position_s())}")
        elif key == "n":
            t = cap.position_s()
            if not text and keys.tty:
                if live:
                    live.stop()
                text = keys.read_note(f"note at {clock(t)}: ")
                if live:
                    live.start()
            if text:
                entry = {"kind": "note", "t": round(t, 2), "at": consent_mod.now_iso(), "text": text}
                append_jsonl(self.folder.notes_path, entry)
                self.say(f"note at {clock(t)} saved")
        elif key == "p":
            cap.set_paused(not cap.paused)
            self.note("pause" if cap.paused else "resume")
            self.say("paused: nothing is recorded until you press p again" if cap.paused else "resumed")
        elif key == "c" and cap.consent_path is not None and cap.consent_at is None:
            cap.consent_given()
            self.say("consent part saved separately; recording the interview")
        elif key not in ("c",):
            self.say(f"keys: {self.status_help()}", style="dim")

    @staticmethod
    def status_help() -> str:
        return "m mark, n note, p pause/resume, q stop"

    def warnings(self, elapsed: float) -> list[str]:
        cap, now = self.capture, time.monotonic()
        clipping = [name for name, src in zip(self.names, cap.sources, strict=False)
                    if src.clipped_at and now - src.clipped_at < CLIP_SHOW_S]
        out = warnings_for(elapsed, self.planned_s, cap.sources[0].silent_frames / cap.samplerate,
                           clipping, cap.paused)
        for w in out:  # without a status line, each kind of warning is printed once
            kind = w.split(" ")[0] if "left" not in w else "time-80"
            if kind not in self.said and not self.console.is_terminal:
                self.say(f"warning: {w}")
            self.said.add(kind)
        return out

    def levels(self) -> list[tuple[str, float]]:
        out = []
        for name, src in zip(self.names, self.capture.sources, strict=False):
            out.append((name, dbfs(src.peak)))
            src.peak = 0.0
        return out

    # ---- the loop -------------------------------------------------------------------
    def run(self) -> None:
        cap = self.capture
        old = {s: signal.signal(s, self._signal) for s in (signal.SIGINT, signal.SIGTERM)}
        keys = None
        try:
            keys = Keys()
            cap.start()
            self.started_at = consent_mod.now_iso()
            self.folder.update_metadata(started_at=self.started_at)
            t0 = time.monotonic()
            where = self.folder.path
            self.say(f"recording to {where}" + (" — consent part first: press c once they agreed on tape"
                                                 if cap.consent_path else ""))
            live_cm = (Live(console=self.console, auto_refresh=False, transient=True)
                       if self.console.is_terminal else contextlib.nullcontext())
            with live_cm as live:
                while self.stop_reason is None:
                    for key, text in keys.poll(POLL_S):
                        self.handle(key, text, keys, live)
                    elapsed = time.monotonic() - t0
                    self.fault = cap.problem or cap.stream_problem()
                    if self.fault:
                        break
                    if self.opts.duration and elapsed >= self.opts.duration:
                        self.stop_reason = "duration"
                    if live is not None:
                        live.update(status_line(elapsed, self.planned_s, self.levels(), cap.paused,
                                                cap.consent_path is not None and cap.consent_at is None, self.marks,
                                                self.warnings(elapsed)), refresh=True)
                    else:
                        self.warnings(elapsed)
        finally:
            if keys is not None:
                keys.close()
            cap.stop()
            for s, handler in old.items():
                signal.signal(s, handler)
        self.finish()

    def finish(self) -> None:
        cap = self.capture
        problem = cap.problem or self.fault  # a disk filling during the final drain counts too
        kind = cap.problem_kind or ("device-lost" if problem else None)
        stopped_by = kind or self.stop_reason or "user"
        summary = finalize(self.folder, cap, stopped_by, self.started_at)
        self.say(summary)
        if kind == "device-lost":
            raise UserError(f"{problem}; everything up to then is saved in {self.folder.path}",
                            EXIT_DEVICE_LOST)
        if kind == "disk-full":
            raise UserError(f"{problem}; recording stopped, everything written is kept in "
                            f"{self.folder.path}", EXIT_DISK_FULL)
        if kind == "write-error":
            raise UserError(f"{problem}; what was written is kept in {self.folder.path} "
                            f"(`listenwell recover {self.folder.path}`)", EXIT_WRITE_ERROR)
        if sys.stdout.isatty():
            self.say(f"next: listenwell transcribe {self.folder.path}", style="dim")
