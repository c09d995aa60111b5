"""A call recorded by `listenwell record` (microphone + the call's sound on the PulseAudio
rig, tests/rig.py) comes out of `listenwell transcribe` with the right talk shares: the
recorder marks the channels, the channel path splits them, crosstalk included."""

from __future__ import annotations

import json
import time

import pytest
import soundfile as sf
from rig import PLAN, start_rig, wait_for
from typer.testing import CliRunner

from listenwell.cli import app
from listenwell.folder import InterviewFolder
from listenwell.intervals import shares, talk_time
from samples.synth_conversation import make_conversation  # noqa: E402

CONSENT = ["--consent", "verbal", "--consent-by", "Ada Lovelace"]


def talk_shares(turns) -> dict[str, float]:
    by: dict[str, list[tuple[float, float]]] = {}
    for t in turns:
        speaker, start, end = (t["speaker"], t["start"], t["end"]) if isinstance(t, dict) else (t.speaker, t.start, t.end)
        by.setdefault(speaker, []).append((start, end))
    return shares(talk_time(by))


@pytest.mark.slow
def test_recorded_call_has_the_right_talk_shares(tmp_path):
    # the microphone hears the interviewer and, 20 dB down, the call's loudspeaker
    audio, sr, truth = make_conversation(seed=0, exchanges=1, two_channel=True, short_turns=False)
    sf.write(tmp_path / "mic.wav", audio[0], sr)
    sf.write(tmp_path / "call.wav", audio[1], sr)
    (tmp_path / "plan.toml").write_text(PLAN)
    folder = tmp_path / "call"
    rig = start_rig(tmp_path / "rig")
    try:
        rec = rig.listenwell("record", str(tmp_path / "plan.toml"), "--to", str(folder), "--device", "virtmic",
                             "--system-audio", "sysaudio", *CONSENT, "--duration", f"{audio.shape[1] / sr + 2:.0f}")
        assert wait_for(lambda: "started_at" in InterviewFolder(folder).metadata(), 15)
        time.sleep(0.3)
        players = [rig.play(tmp_path / "mic.wav", "mic_feed"), rig.play(tmp_path / "call.wav", "sysaudio")]
        for p in players:
            p.wait(timeout=60)
        _, err = rec.communicate(timeout=60)
    finally:
        rig.stop()
    assert rec.returncode == 0, err

    r = CliRunner().invoke(app, ["transcribe", str(folder)])
    assert r.exit_code == 0, r.output
    d = json.loads((folder / "transcript.json").read_text())
    assert d["speakers"]["method"] == "channels" and d["speakers"]["interviewer_by"] == "metadata"
    want, got = talk_shares(truth), talk_shares(d["turns"])
    assert abs(want["interviewee"] - got["interviewee"]) < 0.02, (want, got)
