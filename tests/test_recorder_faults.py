"""Faults of the recorder, each for real: kill -9 then `recover`, the sound server killed,
the microphone removed, a full disk, a wrong device, and no consent."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import soundfile as sf
from conftest import mount_tmpfs, unmount
from rig import LISTENWELL, meta, start_rig, started, tone, wait_for

from listenwell.recorder.wavfile import sha256

pytestmark = pytest.mark.slow
CONSENT = ["--consent", "written", "--consent-by", "Ada Lovelace"]


@pytest.fixture
def rig(tmp_path_factory):
    # Each test gets its own server: several of them break it on purpose.
    r = start_rig(tmp_path_factory.mktemp("pulse"))
    yield r
    r.stop()


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def recording(rig, plan, tmp_path: Path, folder: Path, bed_s: float, *extra: str):
    """`listenwell record` into `folder`, once capture has started, with a tone of `bed_s`
    seconds (written in tmp_path, not on a test's small disk) playing into the virtual
    microphone: (recorder process, player process)."""
    bed = tone(tmp_path / "bed.wav", 300, bed_s, amp=0.1)
    rec = rig.listenwell("record", str(plan), "--to", str(folder), "--device", "virtmic", *CONSENT, *extra)
    assert wait_for(lambda: started(folder), 15)
    return rec, rig.play(bed)


def test_sigkill_then_recover_keeps_all_but_a_second(rig, plan, tmp_path):
    n = 3.0
    folder = tmp_path / "iv"
    rec, player = recording(rig, plan, tmp_path, folder, 8.0)
    time.sleep(n)
    rec.send_signal(signal.SIGKILL)
    rec.communicate(timeout=10)
    player.kill()
    audio = folder / "audio.wav"
    # Valid as it lies: every reader agrees on all but the last second.
    assert sf.info(str(audio)).duration >= n - 1 - 0.3
    assert meta(folder)["recording"] is True

    out = rig.run("recover", str(folder))
    assert out.returncode == 0, out.stderr
    assert "recovered" in out.stdout or "nothing to repair" in out.stdout
    seconds = sf.info(str(audio)).duration
    assert seconds >= n - 1
    m = meta(folder)
    assert m["recording"] is False and m["stopped_by"] == "crash"
    assert abs(m["duration_s"] - seconds) < 0.01
    assert json.loads((folder / "consent.json").read_text())["audio_sha256"] == sha256(audio)
    if shutil.which("soxi"):  # sox is the strictest reader of WAV headers
        soxi = subprocess.run(["soxi", "-D", str(audio)], capture_output=True, text=True)
        assert abs(float(soxi.stdout) - seconds) < 0.01
    # Recovering again changes nothing.
    again = rig.run("recover", str(folder))
    assert again.returncode == 0 and "nothing to repair" in again.stdout


def test_sound_server_killed_mid_capture_leaves_valid_audio(rig, plan, tmp_path):
    folder = tmp_path / "iv"
    rec, player = recording(rig, plan, tmp_path, folder, 8.0)
    time.sleep(2.0)
    rig.kill_server()
    _, err = rec.communicate(timeout=20)
    player.kill()
    assert rec.returncode == 3
    assert "stopped delivering sound" in one_error_line(err)
    info = sf.info(str(folder / "audio.wav"))
    assert 1.5 < info.duration < 3.0
    m = meta(folder)
    assert m["stopped_by"] == "device-lost" and m["recording"] is False
    assert json.loads((folder / "consent.json").read_text())["audio_sha256"] == sha256(folder / "audio.wav")


def test_microphone_removed_mid_capture(rig, plan, tmp_path):
    # Like unplugging a USB mic: the stream moves to another source that delivers zeros.
    folder = tmp_path / "iv"
    rec, player = recording(rig, plan, tmp_path, folder, 10.0)
    time.sleep(1.5)
    module = next(line.split()[0] for line in rig.pactl("list", "short", "modules").splitlines()
                  if "module-virtual-source" in line)
    rig.pactl("unload-module", module)
    _, err = rec.communicate(timeout=30)
    player.kill()
    assert rec.returncode == 3
    line = one_error_line(err)
    assert "zeros" in line or "stopped delivering" in line
    assert sf.info(str(folder / "audio.wav")).duration > 1.2
    assert meta(folder)["stopped_by"] == "device-lost"


@pytest.fixture
def small_disk(tmp_path):
    """A 700 KiB tmpfs (root and mount(8); skipped otherwise)."""
    mnt = mount_tmpfs(tmp_path / "small", "700k")
    yield mnt
    unmount(mnt)


def test_disk_full_stops_and_keeps_everything(rig, plan, tmp_path, small_disk):
    bed = tone(tmp_path / "bed.wav", 300, 15.0, amp=0.1)
    folder = small_disk / "iv"
    player = rig.play(bed)
    out = rig.run("record", str(plan), "--to", str(folder), "--device", "virtmic", *CONSENT,
                  "--duration", "30", timeout=40)
    player.kill()
    assert out.returncode == 4
    assert "disk is full" in one_error_line(out.stderr)
    info = sf.info(str(folder / "audio.wav"))
    assert info.duration > 1.0
    m = meta(folder)
    assert m["stopped_by"] == "disk-full" and abs(m["duration_s"] - info.duration) < 0.01
    assert json.loads((folder / "consent.json").read_text())["audio_sha256"] == sha256(folder / "audio.wav")


def test_disk_filled_by_someone_else(rig, plan, tmp_path, small_disk):
    # Another program takes every byte left: writes fail outright; what was written stays.
    folder = small_disk / "iv"
    rec, player = recording(rig, plan, tmp_path, folder, 10.0, "--duration", "20")
    time.sleep(1.5)
    with open(small_disk / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    _, err = rec.communicate(timeout=20)
    player.kill()
    assert rec.returncode == 4
    assert "disk is full" in err
    assert sf.info(str(folder / "audio.wav")).duration > 0.5
    (small_disk / "filler").unlink()
    fixed = rig.run("recover", str(folder))
    assert fixed.returncode == 0, fixed.stderr
    assert sf.info(str(folder / "audio.wav")).duration >= 1.0
    assert meta(folder)["recording"] is False


def test_no_such_device_writes_nothing(rig, plan, tmp_path):
    folder = tmp_path / "iv"
    out = rig.run("record", str(plan), "--to", str(folder), "--device", "no-such-mic", *CONSENT)
    assert out.returncode == 2
    assert "no input device matches" in one_error_line(out.stderr)
    assert not folder.exists()


def test_sound_server_down_writes_nothing(rig, plan, tmp_path):
    # The device is listed (ALSA's pulse plugin) but cannot be opened.
    rig.stop()
    folder = tmp_path / "iv"
    out = rig.run("record", str(plan), "--to", str(folder), "--device", "virtmic", *CONSENT)
    assert out.returncode == 2
    one_error_line(out.stderr)
    assert not folder.exists()


def test_no_consent_without_a_terminal_records_nothing(rig, plan, tmp_path):
    folder = tmp_path / "iv"
    out = rig.run("record", str(plan), "--to", str(folder), "--device", "virtmic")
    assert out.returncode == 2
    assert "no consent" in one_error_line(out.stderr)
    assert not folder.exists()
    half = rig.run("record", str(plan), "--to", str(folder), "--consent-by", "Ada")
    assert half.returncode == 2 and not folder.exists()


def test_no_input_device_at_all_writes_nothing(plan, tmp_path):
    # No sound server and no sound card: PortAudio lists no input device.
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent", "XDG_RUNTIME_DIR": str(tmp_path)}
    env.pop("ALSA_CONFIG_PATH", None)
    listing = subprocess.run([*LISTENWELL, "devices"], env=env, capture_output=True, text=True,
                             timeout=60)
    if listing.returncode == 0:
        pytest.skip("this machine has sound hardware: cannot stage 'no input device'")
    folder = tmp_path / "iv"
    out = subprocess.run([*LISTENWELL, "record", str(plan), "--to", str(folder), *CONSENT],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "no audio input device" in one_error_line(out.stderr)
    assert not folder.exists()
