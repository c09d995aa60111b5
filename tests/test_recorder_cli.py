"""The interactive consent gate (on a real pseudo-terminal), `devices` and `check`
(`forget`: tests/test_forget.py)."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest
from rig import LISTENWELL, speak, start_rig, wait_for


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    r = start_rig(tmp_path_factory.mktemp("pulse"))
    yield r
    r.stop()


class Terminal:
    """`listenwell` on a pseudo-terminal, as an interviewer would run it."""

    def __init__(self, args: list[str], env: dict, cwd: Path):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen([*LISTENWELL, *args], stdin=slave, stdout=slave, stderr=slave,
                                     env={**env, "COLUMNS": "200"}, cwd=cwd, close_fds=True)
        os.close(slave)
        self.screen = ""

    def read_until(self, text: str, timeout: float = 20) -> str:
        end = time.monotonic() + timeout
        while text not in self.screen and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.screen += os.read(self.master, 4096).decode(errors="replace")
                except OSError:
                    break
        assert text in self.screen, self.screen
        return self.screen

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, timeout: float = 20) -> int:
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                with contextlib.suppress(OSError):
                    self.screen += os.read(self.master, 4096).decode(errors="replace")
        code = self.proc.wait(timeout=5)
        os.close(self.master)
        return code


@pytest.mark.slow
def test_consent_must_be_typed_and_no_means_nothing(rig, plan, tmp_path):
    folder = tmp_path / "iv"
    term = Terminal(["record", str(plan), "--to", str(folder), "--device", "virtmic"], rig.env, tmp_path)
    term.read_until("Type yes or no")
    term.type("\r")  # a bare Enter never counts
    term.read_until("Enter alone does not count")
    assert not folder.exists()
    term.type("no\r")
    assert term.wait() == 2
    assert "consent not given" in term.screen
    assert not folder.exists()


@pytest.mark.slow
def test_consent_typed_yes_then_q_stops(rig, plan, tmp_path):
    folder = tmp_path / "iv"
    term = Terminal(["record", str(plan), "--to", str(folder), "--device", "virtmic"], rig.env, tmp_path)
    term.read_until("Type yes or no")
    term.type("yes\r")
    term.read_until("verbal or written")
    term.type("written\r")
    term.read_until("recording to")
    assert wait_for(lambda: (folder / "audio.wav").exists(), 10)
    time.sleep(1.0)
    term.type("m")  # single keys, no Enter
    term.read_until("mark 1")
    term.type("q")
    assert term.wait() == 0, term.screen
    consent = json.loads((folder / "consent.json").read_text())
    assert consent["method"] == "written" and consent["given_by"] == "Ada Lovelace"
    assert "REC" in term.screen  # the live status line was drawn
    notes = (folder / "notes.jsonl").read_text().splitlines()
    assert json.loads(notes[0])["kind"] == "mark"


@pytest.mark.slow
def test_devices_lists_inputs_and_marks_the_default(rig):
    out = rig.run("devices")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any("virtmic" in ln for ln in lines) and any("sysaudio" in ln for ln in lines)
    assert sum(ln.startswith("*") for ln in lines) == 1
    data = json.loads(rig.run("devices", "--json").stdout)
    assert {"index", "name", "channels", "default_samplerate", "is_default"} <= set(data[0])


@pytest.mark.slow
def test_check_records_and_transcribes(rig, plan, tmp_path):
    speech = speak("Can you hear me clearly now", tmp_path / "s.wav")
    check = rig.listenwell("check", str(plan), "--device", "virtmic", "--seconds", "4",
                           "--where", str(tmp_path), "--no-profile")
    time.sleep(1.5)  # the check has opened its stream by now
    rig.play(speech).wait(timeout=15)
    out, err = check.communicate(timeout=120)
    assert check.returncode == 0, out + err
    assert "ready to record" in out
    assert "hear me" in out.lower()
    assert "microphone level: peak" in out


@pytest.mark.slow
def test_check_fails_on_a_silent_device(rig, tmp_path):
    out = rig.run("check", "--device", "virtmic", "--seconds", "1.5", "--where", str(tmp_path),
                  "--no-profile", timeout=120)
    assert out.returncode == 1
    assert "only digital zeros" in out.stderr and "check failed" in out.stderr
