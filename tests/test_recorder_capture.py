"""`listenwell record` through the real capture path: a PulseAudio server with a virtual
microphone and a call's sound source (tests/rig.py), sounddevice, the writer, the files."""

from __future__ import annotations

import json
import re
import signal
import time

import numpy as np
import pytest
import soundfile as sf
from rig import PLAN, meta, speak, start_rig, started, tone, wait_for

from listenwell.recorder.wavfile import sha256

pytestmark = pytest.mark.slow
CONSENT = ["--consent", "verbal", "--consent-by", "Ada Lovelace"]
SENTENCE = "Thank you for agreeing to talk with me about your career today"


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    r = start_rig(tmp_path_factory.mktemp("pulse"))
    yield r
    r.stop()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def test_spoken_sentence_comes_back_through_transcribe(rig, plan, tmp_path):
    speech = speak(SENTENCE, tmp_path / "s.wav", pad_s=0.3)
    folder = tmp_path / "iv"
    rec = rig.listenwell("record", str(plan), "--to", str(folder), "--device", "virtmic",
                         *CONSENT, "--duration", "5")
    assert wait_for(lambda: started(folder), 15)
    rig.play(speech).wait(timeout=15)
    out, err = rec.communicate(timeout=20)
    assert rec.returncode == 0, err
    m = meta(folder)
    assert m["source"] == "recorded" and m["audio"] == "audio.wav" and m["stopped_by"] == "duration"
    # lost_frames compares delivered frames with wall-clock time; the rig's virtual sources
    # themselves run up to ~0.5 % slow on a loaded machine, hence a tolerance.
    assert 0 <= m["lost_frames"] < 0.1 * m["sample_rate"] and "channels" not in m
    info = sf.info(str(folder / "audio.wav"))
    assert 4.0 < info.duration < 6.0 and info.channels == 1
    assert info.frames == m["frames"] == m["frames_received"]  # every frame delivered is kept
    consent = json.loads((folder / "consent.json").read_text())
    assert consent["given_by"] == "Ada Lovelace" and consent["method"] == "verbal"
    assert consent["audio_sha256"] == sha256(folder / "audio.wav")
    assert (folder / "plan.toml").read_text() == PLAN
    assert oct((folder / "audio.wav").stat().st_mode)[-3:] == "600"
    assert oct(folder.stat().st_mode)[-3:] == "700"

    tr = rig.run("transcribe", str(folder), "--no-speakers", timeout=120)
    assert tr.returncode == 0, tr.stderr
    text = " ".join(s["text"] for s in json.loads((folder / "transcript.json").read_text())["segments"])
    assert words(text) == words(SENTENCE), text


def test_call_audio_is_channel_two_aligned_with_the_mic(rig, plan, tmp_path):
    # A 440 Hz burst into the microphone and a 1000 Hz burst into the call, started together.
    mic_wav = tone(tmp_path / "mic.wav", 440, 1.0, start_s=0.5)
    call_wav = tone(tmp_path / "call.wav", 1000, 1.0, start_s=0.5)
    folder = tmp_path / "iv"
    rec = rig.listenwell("record", str(plan), "--to", str(folder), "--device", "virtmic",
                         "--system-audio", "sysaudio", *CONSENT, "--duration", "3.5")
    assert wait_for(lambda: started(folder), 15)
    time.sleep(0.3)
    players = [rig.play(mic_wav, "mic_feed"), rig.play(call_wav, "sysaudio")]
    for p in players:
        p.wait(timeout=15)
    _, err = rec.communicate(timeout=20)
    assert rec.returncode == 0, err
    assert meta(folder)["channels"] == ["interviewer", "interviewee"]
    x, sr = sf.read(folder / "audio.wav", dtype="float32", always_2d=True)
    assert x.shape[1] == 2

    def dominant(ch):
        spec = np.abs(np.fft.rfft(x[:, ch]))
        return np.fft.rfftfreq(len(x), 1 / sr)[np.argmax(spec)]

    def onset(ch):
        return np.argmax(np.abs(x[:, ch]) > 0.05) / sr

    assert abs(dominant(0) - 440) < 5 and abs(dominant(1) - 1000) < 5
    # Each channel carries only its own source: the other tone is absent.
    for ch, other in ((0, 1000), (1, 440)):
        spec = np.abs(np.fft.rfft(x[:, ch]))
        f = np.fft.rfftfreq(len(x), 1 / sr)
        assert spec[np.abs(f - other) < 5].max() < 0.01 * spec.max()
    # Aligned in time: both bursts start together (two players started ~together).
    assert onset(0) > 0.3 and onset(1) > 0.3
    assert abs(onset(0) - onset(1)) < 0.1, (onset(0), onset(1))
    assert 0 <= meta(folder)["lost_frames"] < 0.1 * sr


def test_keys_pause_notes_and_consent_part(rig, plan, tmp_path):
    noise = tone(tmp_path / "bed.wav", 300, 7.0, amp=0.05)  # keeps the mic from digital zeros
    folder = tmp_path / "iv"
    rec = rig.listenwell("record", str(plan), "--to", str(folder), "--device", "virtmic",
                         *CONSENT, "--record-consent", stdin=__import__("subprocess").PIPE)
    assert wait_for(lambda: started(folder), 15)
    player = rig.play(noise)

    def key(line: str, at: float) -> None:
        time.sleep(max(0.0, at - (time.monotonic() - t0)))
        rec.stdin.write(line + "\n")
        rec.stdin.flush()

    t0 = time.monotonic()
    key("c", 1.5)  # consent given on tape
    key("m", 2.0)
    key("n the salary question", 2.2)
    key("p", 2.5)
    key("p", 3.5)
    key("q", 5.0)
    _, err = rec.communicate(timeout=20)
    player.kill()
    assert rec.returncode == 0, err
    consent_part = sf.info(str(folder / "consent-audio.wav")).duration
    interview = sf.info(str(folder / "audio.wav")).duration
    assert 1.0 < consent_part < 2.2
    assert 1.8 < interview < 3.4  # 5 s - consent part - 1 s paused
    notes = [json.loads(line) for line in (folder / "notes.jsonl").read_text().splitlines()]
    assert [n["kind"] for n in notes] == ["mark", "note", "pause", "resume"]
    assert notes[1]["text"] == "the salary question"
    assert 0 <= notes[0]["t"] <= notes[1]["t"] <= notes[2]["t"] <= notes[3]["t"] < interview
    m = meta(folder)
    assert 0.85 < m["paused_s"] < 1.15 and m["stopped_by"] == "user"
    consent = json.loads((folder / "consent.json").read_text())
    assert consent["asked_on_tape"] is True
    assert consent["consent_audio_sha256"] == sha256(folder / "consent-audio.wav")
    assert consent["audio_sha256"] == sha256(folder / "audio.wav")


def test_sigterm_keeps_the_last_sentence(rig, plan, tmp_path):
    # Stop right as the sound ends: everything still queued must reach the file.
    burst = tone(tmp_path / "burst.wav", 500, 1.5, start_s=0.2)
    folder = tmp_path / "iv"
    devices = json.loads(rig.run("devices", "--json").stdout)
    index = next(d["index"] for d in devices if d["name"] == "virtmic")
    rec = rig.listenwell("record", str(plan), "--to", str(folder), "--device", str(index), *CONSENT)
    assert wait_for(lambda: started(folder), 15)
    rig.play(burst).wait(timeout=15)
    rec.send_signal(signal.SIGTERM)
    _, err = rec.communicate(timeout=20)
    assert rec.returncode == 0, err
    assert meta(folder)["stopped_by"] == "sigterm" and meta(folder)["device"] == "virtmic"
    x, sr = sf.read(folder / "audio.wav", dtype="float32")
    loud = np.flatnonzero(np.abs(x) > 0.1)
    assert (loud[-1] - loud[0]) / sr > 1.4  # the whole 1.5 s burst, its end included
