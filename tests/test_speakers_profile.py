"""The user's voice profile (transcribe/speakers/profile.py): where it lives and how it is
kept, `enroll --from DIR`, `check` making one, `import --tracks`, and what transcripts say
about it (people, profile, margin)."""

from __future__ import annotations

import json
import stat

import numpy as np
import pytest
import soundfile as sf
from typer.testing import CliRunner

from listenwell import userdata
from listenwell.cli import app
from listenwell.errors import UserError
from listenwell.folder import InterviewFolder
from listenwell.records import AudioInfo, Segment, Transcript, Turn
from listenwell.transcribe.speakers import SpeakerOptions, attribute, attribute_audio
from listenwell.transcribe.speakers.profile import (
    MAX_OCCASIONS,
    Voice,
    VoiceProfile,
    add_occasion,
    delete_profile,
    load_profile,
    read_profile,
    save_profile,
)
from samples.synth_conversation import make_conversation, make_monologue

runner = CliRunner()


def unit(rng, d=192):
    v = rng.standard_normal(d)
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_profile_file_is_private_keeps_occasions_and_deletes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    rng = np.random.default_rng(0)
    me = unit(rng)
    assert load_profile() is None and not userdata.has_voice_profile()
    profile, sim = add_occasion(None, Voice(me, 14.0), "microphone A")
    assert sim is None
    path = save_profile(profile)
    assert path == userdata.profile_path() and userdata.has_voice_profile()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    first_id = load_profile().id
    for k in range(MAX_OCCASIONS + 2):  # the same voice through other microphones
        near = me + 0.3 * unit(rng)
        profile, sim = add_occasion(load_profile(), Voice(near / np.linalg.norm(near), 10.0), f"occasion {k}")
        assert sim > 0.6
        save_profile(profile)
    again = load_profile()
    assert len(again.entries) == MAX_OCCASIONS and again.entries[-1].source == f"occasion {MAX_OCCASIONS + 1}"
    assert again.id != first_id and again.summary()["occasions"] == MAX_OCCASIONS
    assert again.similarity(me[None, :])[0] > 0.6
    with pytest.raises(UserError, match="does not sound like your profile"):
        add_occasion(again, Voice(unit(rng), 10.0), "someone else")
    # a profile of an earlier version (one embedding) is read as one occasion, and deleted with it
    legacy = path.with_name(userdata.LEGACY_PROFILE)
    np.save(legacy, me)
    assert {p.name for p in delete_profile()} == {userdata.PROFILE, userdata.LEGACY_PROFILE}
    np.save(legacy, me)
    old = load_profile()
    assert old is not None and len(old.entries) == 1 and old.usable
    delete_profile()
    assert load_profile() is None


def bare(seconds: float, segments: list[Segment] | None = None) -> Transcript:
    return Transcript(AudioInfo("audio.wav", "", seconds, 16000, 1), "tiny.en", {}, "en", segments or [])


@pytest.mark.slow
def test_enroll_from_interviews_whose_interviewer_is_known(tmp_path, monkeypatch):
    """A two-channel recording's microphone side makes a profile; a transcript the user
    corrected adds an occasion; a guessed one is refused."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    two, sr, _ = make_conversation(seed=2, exchanges=3, two_channel=True)
    sf.write(tmp_path / "call.wav", two.T, sr)
    call = tmp_path / "call"
    assert runner.invoke(app, ["import", str(tmp_path / "call.wav"), "--to", str(call)]).exit_code == 0
    InterviewFolder(call).update_metadata(channels=["interviewer", "interviewee"])
    r = runner.invoke(app, ["enroll", "--from", str(call)])
    assert r.exit_code == 0, r.output
    assert "microphone channel" in r.output and load_profile().occasions == 1

    mono, sr, truth = make_conversation(seed=2, exchanges=2)
    sf.write(tmp_path / "talk.wav", mono, sr)
    talk = tmp_path / "talk"
    assert runner.invoke(app, ["import", str(tmp_path / "talk.wav"), "--to", str(talk)]).exit_code == 0
    t = bare(len(mono) / sr)
    t.turns = [Turn(x.start, x.end, x.speaker) for x in truth]
    t.speakers = {"method": "diarization", "interviewer": "interviewer", "interviewer_by": "most-questions"}
    (talk / "transcript.json").write_text(json.dumps(t.to_dict()))
    r = runner.invoke(app, ["enroll", "--from", str(talk)])
    assert r.exit_code == 2 and "confirm it" in r.output and load_profile().occasions == 1
    t.speakers["interviewer_by"] = "manual"
    (talk / "transcript.json").write_text(json.dumps(t.to_dict()))
    r = runner.invoke(app, ["enroll", "--from", str(talk)])
    assert r.exit_code == 0, r.output
    assert "sounds like your profile" in r.output and load_profile().occasions == 2


@pytest.mark.slow
def test_transcripts_say_whether_a_profile_was_used_and_how_sure_the_shares_are(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    mono, sr, truth = make_conversation(seed=4, exchanges=2)
    sf.write(tmp_path / "talk.wav", mono, sr)
    folder = tmp_path / "talk"
    assert runner.invoke(app, ["import", str(tmp_path / "talk.wav"), "--to", str(folder)]).exit_code == 0
    r = runner.invoke(app, ["transcribe", str(folder)])
    assert r.exit_code == 0 and "no voice profile" in r.output  # the notice (stderr, mixed in by the runner)
    d = json.loads((folder / "transcript.json").read_text())
    sp = d["speakers"]
    assert sp["people"] == 2 and sp["people_from"] == "default" and sp["count"] <= 2
    assert sp["profile"]["used"] is False and "no voice profile" in sp["margin_reasons"]
    assert isinstance(sp["margin_pp"], float) and sp["margin_pp"] >= 0
    assert d["settings"]["speakers"]["enrollment"] is None

    two, sr2, _ = make_conversation(seed=4, exchanges=4, two_channel=True, crosstalk_db=None)
    sf.write(tmp_path / "me.wav", two[0], sr2)  # the interviewer's voice, another conversation
    assert runner.invoke(app, ["enroll", "--from-file", str(tmp_path / "me.wav")]).exit_code == 0
    profile = load_profile()
    r = runner.invoke(app, ["transcribe", str(folder)])  # the profile changed: not skipped
    assert r.exit_code == 0, r.output
    d = json.loads((folder / "transcript.json").read_text())
    assert d["settings"]["speakers"]["enrollment"] == profile.id
    sp = d["speakers"]
    assert sp["profile"]["used"] and sp["profile"]["id"] == profile.id and sp["profile"]["occasions"] == 1
    assert sp["interviewer_by"] == "enrollment" and sp["profile"]["recognised"] == "interviewer"
    assert "no voice profile" not in sp["margin_reasons"]


def test_import_tracks_makes_a_two_channel_interview(tmp_path):
    """One file per participant (yours first) becomes one two-channel file whose channels
    interview.json names: attribution per channel, the originals untouched."""
    two, sr, truth = make_conversation(seed=5, exchanges=2, two_channel=True)
    sf.write(tmp_path / "me.wav", two[0], sr)
    sf.write(tmp_path / "them.wav", two[1][: -3 * sr], sr)  # the other track stops 3 s early
    before = (tmp_path / "me.wav").read_bytes()
    folder = tmp_path / "call"
    r = runner.invoke(app, ["import", "--tracks", str(tmp_path / "me.wav"), str(tmp_path / "them.wav"),
                            "--to", str(folder)])
    assert r.exit_code == 0, r.output
    assert "differ in length by 3.0 s" in r.output  # the warning: did they start together?
    assert (tmp_path / "me.wav").read_bytes() == before
    meta = json.loads((folder / "interview.json").read_text())
    assert meta["channels"] == ["interviewer", "interviewee"] and meta["audio"] == "audio.flac"
    audio, rate = sf.read(folder / "audio.flac", dtype="int16")
    assert audio.shape == (two.shape[1], 2) and rate == 16000
    out = attribute(bare(two.shape[1] / sr), folder / "audio.flac", meta, None, SpeakerOptions())
    assert out.speakers["method"] == "channels" and out.speakers["interviewer_by"] == "metadata"
    assert out.speakers["margin_pp"] > 0 and out.speakers["profile"]["used"] is False
    r = runner.invoke(app, ["import", str(tmp_path / "me.wav"), "--tracks", str(tmp_path / "me.wav"),
                            str(tmp_path / "them.wav"), "--to", str(tmp_path / "x")])
    assert r.exit_code == 2 and not (tmp_path / "x").exists()


@pytest.mark.slow
def test_check_makes_a_profile_when_there_is_none(tmp_path):
    """`check` without a profile records 15 s of you and keeps your voice (the real capture
    path, on the PulseAudio rig's virtual microphone)."""
    from rig import start_rig

    rig = start_rig(tmp_path / "rig")
    try:
        voice, sr, _ = make_monologue(25, seed=3)
        sf.write(tmp_path / "voice.wav", voice, sr)
        rig.env["XDG_DATA_HOME"] = str(tmp_path / "data")
        check = rig.listenwell("check", "--device", "virtmic", "--seconds", "2", "--where", str(tmp_path))
        player = rig.play(tmp_path / "voice.wav")
        out, err = check.communicate(timeout=120)
        player.kill()
        player.wait()
        assert check.returncode == 0, out + err
        assert "voice profile: made from" in out
    finally:
        rig.stop()
    path = tmp_path / "data" / "listenwell" / userdata.PROFILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_profile(path).entries[0].source.startswith("check, microphone")


def test_an_unusable_profile_is_not_used():
    """A profile made with another embedding model says nothing about these voices."""
    mono, sr, _ = make_conversation(seed=1, exchanges=1)
    other = VoiceProfile(add_occasion(None, Voice(np.ones(192, np.float32) / np.sqrt(192), 9.0), "old")[0].entries, "old.onnx")
    out = attribute_audio(bare(len(mono) / sr), mono, sr, {}, None, SpeakerOptions(), profile=other)
    assert out.speakers["profile"]["used"] is False


def test_a_damaged_profile_is_named_and_never_overwritten(tmp_path, monkeypatch):
    """A profile whose meta or embeddings do not fit its schema: `enroll` says which file and
    what is wrong (one line, exit 2) and leaves it; transcribing goes on without it."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    rng = np.random.default_rng(3)
    path = save_profile(add_occasion(None, Voice(unit(rng), 14.0), "microphone A")[0])
    audio, rate, _ = make_monologue(seconds_min=12, seed=2)
    clip = tmp_path / "me.wav"
    sf.write(clip, audio, rate)
    cases = {
        "meta": dict(embeddings=np.ones((1, 192), np.float32), meta=np.array('{"model": 3, "entries": []}')),
        "shape": dict(embeddings=np.ones((2, 192), np.float32),
                      meta=np.array('{"model": "m", "entries": [{"source": "a", "created": "b", "speech_s": 1}]}')),
        "bytes": None,
    }
    for name, content in cases.items():
        if content is None:
            path.write_bytes(b"PK\x03\x04 not a zip")
        else:
            with path.open("wb") as f:
                np.savez(f, **content)
        before = path.read_bytes()
        with pytest.raises(UserError, match="damaged voice profile"):
            read_profile()
        assert load_profile() is None
        r = runner.invoke(app, ["enroll", "--from-file", str(clip)])
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        assert r.exit_code == 2 and len(lines) == 1 and str(path) in lines[0], (name, r.output)
        assert path.read_bytes() == before
