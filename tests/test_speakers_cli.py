"""Speaker attribution through the real command line: transcribe, label, enroll."""

from __future__ import annotations

import json
import stat

import numpy as np
import pytest
import soundfile as sf
from typer.testing import CliRunner

from listenwell.cli import app
from listenwell.folder import InterviewFolder
from listenwell.intervals import shares, talk_time
from listenwell.records import AudioInfo, Transcript
from listenwell.transcribe.speakers import SpeakerOptions, attribute_audio
from listenwell.transcribe.speakers.rttm import read_rttm
from samples.synth_conversation import make_conversation, make_monologue, speech_spans  # noqa: E402

runner = CliRunner()


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path, monkeypatch):
    """No test sees (or writes) the voice profile of whoever runs the tests."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def make_folder(tmp_path, name, audio, sr, **meta):
    src = tmp_path / f"{name}.wav"
    sf.write(src, audio.T if audio.ndim == 2 else audio, sr)
    folder = tmp_path / name
    r = runner.invoke(app, ["import", str(src), "--to", str(folder)])
    assert r.exit_code == 0, r.output
    if meta:
        InterviewFolder(folder).update_metadata(**meta)
    return folder


def transcribe(folder, *extra):
    r = runner.invoke(app, ["transcribe", str(folder), *extra])
    assert r.exit_code == 0, r.output
    return json.loads((folder / "transcript.json").read_text())


def talk_shares(turns):
    by = {}
    for t in turns:
        by.setdefault(t["speaker"] if isinstance(t, dict) else t.speaker, []).append(
            (t["start"], t["end"]) if isinstance(t, dict) else (t.start, t.end))
    return shares(talk_time(by))


@pytest.mark.slow
def test_two_channel_recording_then_label_swap(tmp_path):
    audio, sr, truth = make_conversation(seed=1, exchanges=2, two_channel=True)
    folder = make_folder(tmp_path, "call", audio, sr, channels=["interviewer", "interviewee"])
    d = transcribe(folder)
    assert d["speakers"]["method"] == "channels" and d["speakers"]["interviewer_by"] == "metadata"
    assert {t["speaker"] for t in d["turns"]} == {"interviewer", "interviewee"}
    words = [w for s in d["segments"] for w in s["words"]]
    assert words and all(w["speaker"] in ("interviewer", "interviewee") for w in words)
    assert all(s["speaker"] == w["speaker"] for s in d["segments"] for w in s["words"])
    assert [s["id"] for s in d["segments"]] == list(range(len(d["segments"])))
    want, got = talk_shares(truth), talk_shares(d["turns"])
    assert abs(want["interviewee"] - got["interviewee"]) < 0.02
    (rttm,) = read_rttm(folder / "speakers.rttm").values()
    assert len(rttm) == len(d["turns"])
    assert "[interviewer]" in (folder / "transcript.srt").read_text()
    assert "<v interviewee>" in (folder / "transcript.vtt").read_text()

    r = runner.invoke(app, ["label", str(folder), "--swap"])
    assert r.exit_code == 0, r.output
    e = json.loads((folder / "transcript.json").read_text())
    assert e["speakers"]["interviewer_by"] == "manual"
    assert [t["speaker"] for t in e["turns"]] == [
        {"interviewer": "interviewee", "interviewee": "interviewer"}[t["speaker"]] for t in d["turns"]]
    (rttm,) = read_rttm(folder / "speakers.rttm").values()
    assert [t.speaker for t in rttm] == [t["speaker"] for t in e["turns"]]
    first = e["segments"][0]
    assert f"[{first['speaker']}]" in (folder / "transcript.txt").read_text().splitlines()[0]
    r = runner.invoke(app, ["label", str(folder), "--interviewer", "nobody"])
    assert r.exit_code == 2 and "no speaker 'nobody'" in r.output


@pytest.mark.slow
def test_one_speaker_gives_one_speaker(tmp_path):
    audio, sr, _ = make_monologue(25, seed=1)
    d = transcribe(make_folder(tmp_path, "solo", audio, sr))
    assert d["speakers"]["method"] == "diarization" and d["speakers"]["count"] == 1
    assert {t["speaker"] for t in d["turns"]} == {"S1"}


@pytest.mark.slow
def test_identical_stereo_channels_are_not_one_speaker_each(tmp_path):
    """The same sound on both channels, even with metadata claiming a speaker per channel."""
    audio, sr, _ = make_conversation(seed=2, exchanges=1)
    stereo = np.stack([audio, audio])
    d = transcribe(make_folder(tmp_path, "dup", stereo, sr, channels=["interviewer", "interviewee"]))
    assert d["speakers"]["method"] == "diarization"
    assert "same sound" in d["speakers"]["detail"]["note"]


def bare_transcript(duration: float) -> Transcript:
    return Transcript(AudioInfo("a.wav", "x", duration, 16000, 1), "m", {}, "en", [])


def test_silence_and_music_have_no_speakers(tmp_path):
    sr = 16000
    out = attribute_audio(bare_transcript(8), np.zeros(sr * 8, np.float32), sr, {}, None, SpeakerOptions())
    assert out.turns == [] and out.speakers["count"] == 0
    t = np.arange(sr * 8) / sr
    chord = sum(np.sin(2 * np.pi * f * t) for f in (261.6, 329.6, 392.0)) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t))
    music = (0.1 * chord).astype(np.float32)
    for meta in ({}, {"channels": ["interviewer", "interviewee"]}):
        out = attribute_audio(bare_transcript(8), np.stack([music, 0.7 * music[::-1].copy()]), sr, meta, None,
                              SpeakerOptions())
        assert out.speakers["count"] == 0, meta


def test_no_speakers_option_turns_attribution_off():
    out = attribute_audio(bare_transcript(1), np.zeros(16000, np.float32), 16000, {}, None,
                          SpeakerOptions(enabled=False))
    assert out.speakers["method"] == "none"


@pytest.mark.slow
def test_enroll_names_the_interviewer_by_voice(tmp_path, monkeypatch):
    from listenwell.transcribe.speakers.profile import load_profile

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # a clip of the interviewer's voice alone, from another conversation with the same voices
    two, sr, _ = make_conversation(seed=0, exchanges=4, two_channel=True, crosstalk_db=None)
    sf.write(tmp_path / "me.wav", two[0], sr)
    r = runner.invoke(app, ["enroll", "--from-file", str(tmp_path / "me.wav")])
    assert r.exit_code == 0, r.output
    path = tmp_path / "data" / "listenwell" / "voice-profile.npz"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    mono, sr, truth = make_conversation(seed=0, exchanges=2, questions=["Where did you study?", "Who hired you?"])
    tr = bare_transcript(len(mono) / sr)
    out = attribute_audio(tr, mono, sr, {}, None, SpeakerOptions(enrollment=load_profile().id))
    assert out.speakers["interviewer_by"] == "enrollment"
    want, got = talk_shares(truth), talk_shares(out.turns)
    assert abs(want["interviewer"] - got["interviewer"]) < 0.05

    r = runner.invoke(app, ["enroll", "--delete"])
    assert r.exit_code == 0 and not path.exists()


def test_enroll_refuses_a_clip_without_speech(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sf.write(tmp_path / "quiet.wav", np.zeros(16000 * 8, np.float32), 16000)
    r = runner.invoke(app, ["enroll", "--from-file", str(tmp_path / "quiet.wav")])
    assert r.exit_code == 2 and "speech found" in r.output
    assert not (tmp_path / "data" / "listenwell" / "voice-profile.npz").exists()
    assert speech_spans(np.zeros(100, np.float32), 16000) == []


@pytest.mark.slow
def test_channels_are_speakers_option_and_no_speakers(tmp_path):
    audio, sr, truth = make_conversation(seed=3, exchanges=2, two_channel=True)
    folder = make_folder(tmp_path, "call", audio, sr)  # no metadata about channels
    d = transcribe(folder, "--channels-are-speakers")
    assert d["speakers"]["method"] == "channels"
    assert d["speakers"]["interviewer_by"] in ("most-questions", "planned-questions")
    assert d["turns"][0]["speaker"] == "interviewer" == truth[0].speaker  # the one asking
    before = (folder / "transcript.json").stat().st_mtime_ns
    transcribe(folder, "--channels-are-speakers")  # same settings: skipped, nothing rewritten
    assert (folder / "transcript.json").stat().st_mtime_ns == before
    d = transcribe(folder, "--no-speakers")
    assert d["speakers"]["method"] == "none" and d["turns"] == []
    assert all(w["speaker"] is None for s in d["segments"] for w in s["words"])
    assert not (folder / "speakers.rttm").exists()


@pytest.mark.slow
def test_enroll_records_from_the_microphone(tmp_path):
    """The real sounddevice path, on the private PulseAudio rig's virtual microphone."""
    from rig import start_rig

    rig = start_rig(tmp_path / "rig")
    try:
        voice, sr, _ = make_monologue(20, seed=2)
        sf.write(tmp_path / "voice.wav", voice, sr)
        rig.env["XDG_DATA_HOME"] = str(tmp_path / "data")
        enroll = rig.listenwell("enroll", "--seconds", "8", "--device", "virtmic")
        player = rig.play(tmp_path / "voice.wav")
        out, err = enroll.communicate(timeout=60)
        player.kill()
        player.wait()
    finally:
        rig.stop()
    assert enroll.returncode == 0, err
    assert "voice profile: 1 occasion(s)" in out and "microphone" in out
    path = tmp_path / "data" / "listenwell" / "voice-profile.npz"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and np.load(path)["embeddings"].shape == (2, 192)  # as recorded and in the telephone band


def test_a_channel_without_speech_falls_back_to_diarization():
    """Metadata says one person per channel, but the call side captured only hiss (the
    call ran on loudspeakers into the microphone): both voices are on one channel."""
    mono, sr, _ = make_conversation(seed=1, exchanges=1)
    hiss = (np.random.default_rng(0).standard_normal(len(mono)) * 0.001).astype(np.float32)
    out = attribute_audio(bare_transcript(len(mono) / sr), np.stack([mono, hiss]), sr,
                          {"channels": ["interviewer", "interviewee"]}, None, SpeakerOptions())
    assert out.speakers["method"] == "diarization"
    assert "'interviewee' has almost no speech" in out.speakers["detail"]["note"]


def test_enrollment_names_a_channel():
    """--channels-are-speakers without metadata: the enrolled voice says which channel is
    the interviewer, even against the question counts (here the enrolled voice answers)."""
    from listenwell.transcribe.speakers.diarize import embed
    from listenwell.transcribe.speakers.profile import Voice, add_occasion

    two, sr, truth = make_conversation(seed=0, exchanges=2, two_channel=True, crosstalk_db=None)
    # the voice on channel 2 (the synthetic "interviewee")
    profile = add_occasion(None, Voice(embed(two[1], sr), 20.0), "test")[0]
    out = attribute_audio(bare_transcript(two.shape[1] / sr), two, sr, {}, None,
                          SpeakerOptions(channels_are_speakers=True), profile=profile)
    assert out.speakers["method"] == "channels" and out.speakers["interviewer_by"] == "enrollment"
    assert out.speakers["detail"]["enrollment_similarity"]["S2"] > 0.9
    want = {"interviewee": "interviewer", "interviewer": "interviewee"}
    got = talk_shares(out.turns)
    for k, v in talk_shares(truth).items():
        assert abs(got[want[k]] - v) < 0.02
