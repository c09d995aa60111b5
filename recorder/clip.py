"""A short clip from the microphone through the real capture path (not the interview).

`listenwell check` (a level and transcript test before the interview) and `listenwell
enroll` (the interviewer's voice) both need a few seconds of sound from the very devices
and code that will record the interview, so that what they test is what will run.
Nothing is kept: the clip lives in a private temporary folder while it is captured.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from listenwell.errors import UserError
from listenwell.recorder.capture import Capture
from listenwell.recorder.devices import (
    InputDevice,
    check_rate,
    pick_samplerate,
    quiet_native_stderr,
    resolve,
)

POLL_S = 0.1


@dataclass
class Clip:
    audio: np.ndarray  # int16, shape (frames, channels): microphone first, then system audio
    samplerate: int
    mic: InputDevice
    system: InputDevice | None
    lost_frames: int

    @property
    def seconds(self) -> float:
        return len(self.audio) / self.samplerate

    def mic_float(self) -> np.ndarray:
        """The microphone channel as float32 in [-1, 1]."""
        return self.audio[:, 0].astype(np.float32) / 32768


def open_devices(device: str | None, system_audio: str | None = None) -> tuple[InputDevice, InputDevice | None, int]:
    """The microphone, the optional system-audio device and a rate both support.
    Raises UserError naming what is wrong (no such device, rates that differ)."""
    mic = resolve(device, "--device")
    rate = pick_samplerate(mic)
    system = None
    if system_audio:
        system = resolve(system_audio, "--system-audio")
        check_rate(system, rate)
    return mic, system, rate


def record_clip(
    device: str | None,
    seconds: float,
    system_audio: str | None = None,
    on_tick: Callable[[float], None] | None = None,
) -> Clip:
    """Record `seconds` from the devices through Capture; on_tick(elapsed_s) while it runs.
    Raises UserError when a device cannot be opened or stops delivering sound."""
    import soundfile as sf

    mic, system, rate = open_devices(device, system_audio)
    with tempfile.TemporaryDirectory(prefix="listenwell-clip-") as tmp, quiet_native_stderr():
        cap = Capture(Path(tmp), mic, rate, system)
        cap.open()
        cap.start()
        start = time.monotonic()
        problem = None
        while (elapsed := time.monotonic() - start) < seconds and not problem:
            time.sleep(POLL_S)
            problem = cap.problem or cap.stream_problem()
            if on_tick:
                on_tick(min(elapsed, seconds))
        cap.stop()
        problem = problem or cap.problem
        if problem:
            raise UserError(problem)
        audio, _ = sf.read(cap.audio_path, dtype="int16", always_2d=True)
        return Clip(audio, rate, mic, system, cap.stats()["lost_frames"])
