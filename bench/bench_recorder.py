"""Recorder cost during a real capture: CPU of the recorder process, frames lost, peak RSS.

Runs `listenwell record` on a pseudo-terminal (so the live status line is drawn, as in a
real interview) against the project's PulseAudio rig (tools/pulse-rig.sh), recording the
"room" monitor source as the microphone and the call's sound (two channels), both fed
continuously with talk-like sound.

    .venv/bin/python bench/bench_recorder.py            # 5 minutes
    .venv/bin/python bench/bench_recorder.py --seconds 30 --mono
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from rig import PLAN, PulseRig, missing_tools  # noqa: E402

TARGET_CPU = 3.0  # percent of one core


def feed(path: Path, seconds: float, freq: float, seed: int) -> Path:
    """Speech-like sound: a tone under noise, switched on and off like talk."""
    rate = 16000
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    talk = (np.sin(2 * np.pi * 0.3 * t + seed) > -0.3).astype(np.float32)
    x = talk * (0.2 * np.sin(2 * np.pi * freq * t) + 0.03 * rng.standard_normal(len(t)))
    sf.write(path, x.astype(np.float32), rate, subtype="PCM_16")
    return path


def hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def drain(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=300.0, help="capture length (default 300)")
    ap.add_argument("--mono", action="store_true", help="microphone only (no call audio)")
    ap.add_argument("--plain", action="store_true", help="no terminal: no live status line")
    ap.add_argument("--mic", default="room", help="rig microphone: room (default; a monitor "
                    "source that keeps time) or virtmic (its clock runs ~0.1 %% slow while fed)")
    args = ap.parse_args()
    reason = missing_tools()
    if reason:
        print(f"bench_recorder: skipped: {reason}")
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="listenwell-bench-rec-"))
    rig = PulseRig(tmp / "pulse").start()
    players = []
    try:
        plan = tmp / "plan.toml"
        plan.write_text(PLAN)
        sink = {"virtmic": "mic_feed", "room": "room"}[args.mic]
        players.append(rig.play(feed(tmp / "mic.wav", args.seconds + 20, 220, 1), sink))
        cmd = [*sys.argv[:0], sys.executable, "-m", "listenwell", "record", str(plan),
               "--to", str(tmp / "iv"), "--device", args.mic,
               "--consent", "verbal", "--consent-by", "Bench", "--duration", str(args.seconds)]
        if not args.mono:
            players.append(rig.play(feed(tmp / "call.wav", args.seconds + 20, 330, 2), "sysaudio"))
            cmd += ["--system-audio", "sysaudio"]
        master, slave = pty.openpty()
        if args.plain:
            os.close(slave)
            slave = subprocess.DEVNULL
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=rig.env,
                                close_fds=True)
        if not args.plain:
            os.close(slave)
        threading.Thread(target=drain, args=(master,), daemon=True).start()
        ps = psutil.Process(proc.pid)
        meta_path = tmp / "iv" / "interview.json"
        while proc.poll() is None and not (meta_path.exists() and "started_at" in meta_path.read_text()):
            time.sleep(0.05)
        time.sleep(2.0)  # past start-up (imports, stream opening): measure the steady state
        c0, w0 = ps.cpu_times(), time.monotonic()
        peak_rss = 0  # VmHWM: the process's own peak since exec (ru_maxrss would count
        # the pages this bench process had when it forked the recorder)
        usage = None
        while usage is None:
            try:
                peak_rss = max(peak_rss, hwm_kib(proc.pid) * 1024)
                c1, w1 = ps.cpu_times(), time.monotonic()
            except (psutil.NoSuchProcess, FileNotFoundError, ProcessLookupError):
                pass
            pid, _, ru = os.wait4(proc.pid, os.WNOHANG)  # reaps it: the whole run's rusage
            if pid:
                usage = ru
            else:
                time.sleep(0.5)
        wall_total = time.monotonic() - t0
        os.close(master)
        meta = json.loads(meta_path.read_text())
    finally:
        for p in players:
            p.kill()
        rig.stop()

    steady_cpu = (c1.user + c1.system - c0.user - c0.system) / (w1 - w0) * 100
    audio = tmp / "iv" / "audio.wav"
    info = sf.info(str(audio))
    print(f"recorder bench: {args.seconds:.0f} s capture, {info.channels} channel(s) at "
          f"{info.samplerate} Hz, live status line on a pty, {os.cpu_count()} cores")
    print(f"  cpu (steady, {w1 - w0:.0f} s)     {steady_cpu:.2f} % of one core (target <= {TARGET_CPU} %)")
    if usage is not None:
        total = (usage.ru_utime + usage.ru_stime) / wall_total * 100
        print(f"  cpu (whole process)    {total:.2f} % ({usage.ru_utime + usage.ru_stime:.1f} s cpu "
              f"in {wall_total:.0f} s, start-up included)")
    print(f"  peak RSS               {peak_rss / 2**20:.0f} MiB (VmHWM, sampled every 0.5 s)")
    rate = info.samplerate
    for name, lost in meta["lost_frames_by_source"].items():
        print(f"  frames lost ({name:8s})  {lost} = {lost / rate * 1000:.0f} ms "
              f"({lost / (args.seconds * rate) * 1e6:.0f} ppm of the capture)")
    print(f"  input overflows        {meta['input_overflows']}, {meta['frames_received']} mic frames received")
    print(f"  audio written          {info.duration:.1f} s, {audio.stat().st_size / 2**20:.1f} MiB")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
