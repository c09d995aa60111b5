"""A private PulseAudio server for the recorder tests (tools/pulse-rig.sh), and helpers to
feed it speech and run `listenwell` against it. Tests skip with the reason when the sound
server packages are not installed (tools/system-packages.sh installs them)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import missing

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "pulse-rig.sh"
LISTENWELL = [sys.executable, "-m", "listenwell"]
PLAN = """\
[interview]
interviewee = "Ada Lovelace"
interviewer = "Tester"
minutes = 1

[[questions]]
text = "What does a typical day look like?"
"""


def missing_tools() -> str | None:
    for tool in ("pulseaudio", "pactl", "paplay", "espeak-ng"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (tools/system-packages.sh installs the sound rig)"
    return None


class PulseRig:
    def __init__(self, path: Path):
        self.path = path
        self.env: dict[str, str] = {}

    def start(self) -> PulseRig:
        run = subprocess.run([str(SCRIPT), "start", str(self.path)], capture_output=True, text=True,
                             timeout=30)
        if run.returncode == 3:  # a package is missing: the script names it
            missing(run.stderr.strip())
        if run.returncode != 0:
            raise RuntimeError(f"pulse rig did not start: {run.stderr.strip()}")
        env = dict(os.environ)
        for line in (self.path / "env").read_text().splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            env[key] = value.strip('"')
        env["PYTHONUNBUFFERED"] = "1"
        self.env = env
        return self

    def stop(self) -> None:
        subprocess.run([str(SCRIPT), "stop", str(self.path)], capture_output=True, timeout=30)

    @property
    def pid(self) -> int:
        return int((self.path / "pid").read_text())

    def kill_server(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def pactl(self, *args: str) -> str:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True,
                              check=True, timeout=10).stdout

    def play(self, wav: Path, sink: str = "mic_feed") -> subprocess.Popen:
        """Play into the virtual microphone (mic_feed) or the call's sound (sysaudio)."""
        return subprocess.Popen(["paplay", "-d", sink, str(wav)], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def listenwell(self, *args: str, cwd: Path | None = None, **kw) -> subprocess.Popen:
        kw.setdefault("stdin", subprocess.DEVNULL)
        return subprocess.Popen([*LISTENWELL, *args], env=self.env, cwd=cwd, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)

    def run(self, *args: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
        p = self.listenwell(*args, **kw)
        out, err = p.communicate(timeout=timeout)
        return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def start_rig(tmp: Path) -> PulseRig:
    reason = missing_tools()
    if reason:
        missing(reason)
    return PulseRig(tmp).start()


def speak(text: str, path: Path, voice: str = "en-us", pad_s: float = 0.0) -> Path:
    """An espeak-ng sentence as a WAV file (with pad_s of silence after it)."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True,
                   timeout=30)
    if pad_s:
        import numpy as np
        import soundfile as sf

        x, sr = sf.read(path, dtype="int16")
        sf.write(path, np.concatenate([x, np.zeros(int(pad_s * sr), dtype=np.int16)]), sr)
    return path


def tone(path: Path, freq: float, seconds: float, start_s: float = 0.0, rate: int = 16000,
         amp: float = 0.3) -> Path:
    """A sine burst of `seconds` after `start_s` of silence."""
    import numpy as np
    import soundfile as sf

    t = np.arange(int(seconds * rate)) / rate
    x = np.concatenate([np.zeros(int(start_s * rate)), amp * np.sin(2 * np.pi * freq * t)])
    sf.write(path, x.astype(np.float32), rate, subtype="PCM_16")
    return path


def wait_for(predicate, timeout: float, step: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def started(folder: Path) -> bool:
    """Whether a recorder has opened its stream (interview.json says when it started)."""
    try:
        return "started_at" in json.loads((folder / "interview.json").read_text())
    except (FileNotFoundError, ValueError):
        return False


def meta(folder: Path) -> dict:
    return json.loads((folder / "interview.json").read_text())
