"""The telephone band (transcribe/speakers/band.py): narrowband recordings are told from
wideband ones, and the voice profile keeps each occasion in both bands so that a phone call
is compared with the user's voice as a phone line carries it."""

from __future__ import annotations

import json

import numpy as np
import soundfile as sf

from listenwell.transcribe.speakers.band import band_ratio_db, is_narrowband, phone_band
from listenwell.transcribe.speakers.diarize import embed, to_16k
from listenwell.transcribe.speakers.profile import (
    add_occasion,
    read_profile,
    save_profile,
    voice_from_audio,
)
from samples.synth_conversation import make_monologue
from tests.conftest import SAMPLES


def test_narrowband_is_told_from_wideband():
    audio, rate = sf.read(SAMPLES / "interview" / "audio.flac", dtype="float32")
    wide = to_16k(audio, rate)
    assert not is_narrowband(wide)
    assert is_narrowband(phone_band(wide))
    assert band_ratio_db(phone_band(wide)) < band_ratio_db(wide) - 30
    assert is_narrowband(audio[::2], 8000)  # a file sampled at 8 kHz has nothing above 4 kHz
    assert band_ratio_db(np.zeros(100, np.float32)) is None and not is_narrowband(np.zeros(16000, np.float32))


def test_profile_keeps_each_occasion_in_both_bands(tmp_path):
    """Enrolled from a laptop microphone: the voice as recorded and cut to the telephone band;
    a phone recording of the same voice is nearer the profile with the telephone-band entry
    than without it; saved and read back with its bands; a clip that is narrowband already
    gives one entry."""
    talk, rate, _ = make_monologue(seconds_min=30, seed=1)
    talk = to_16k(talk, rate)
    mine, call = talk[: len(talk) // 2], talk[len(talk) // 2 :]  # one voice, other words
    profile, _ = add_occasion(None, voice_from_audio(mine), "microphone A")
    assert [e.band for e in profile.entries] == ["wide", "phone"] and profile.occasions == 1
    assert profile.for_recording(narrowband=False).shape == (1, 192)
    assert profile.for_recording(narrowband=True).shape == (2, 192)

    heard = embed(phone_band(call), 16000)  # the same voice over a phone line
    assert profile.similarity(heard, narrowband=True)[0] > profile.similarity(heard, narrowband=False)[0] + 0.05

    path = save_profile(profile, tmp_path / "voice-profile.npz")
    again = read_profile(path)
    assert [e.band for e in again.entries] == ["wide", "phone"] and again.id == profile.id

    over_phone = voice_from_audio(phone_band(call))
    assert over_phone.band == "phone" and over_phone.phone is None
    more, sim = add_occasion(again, over_phone, "a phone call")
    assert sim is not None and [e.band for e in more.entries] == ["wide", "phone", "phone"] and more.occasions == 2


def test_a_profile_of_an_earlier_version_reads_as_wideband(tmp_path):
    path = tmp_path / "voice-profile.npz"
    meta = {"model": "campplus-int8.onnx", "entries": [{"source": "a", "created": "2026-11-01T10:00:00+00:00",
                                                        "speech_s": 12.0}]}
    v = np.ones((1, 192), np.float32) / np.sqrt(192)
    np.savez(path, embeddings=v, meta=np.array(json.dumps(meta)))
    old = read_profile(path)
    assert [e.band for e in old.entries] == ["wide"]
    assert old.for_recording(narrowband=True).shape == (1, 192)


def test_a_phone_call_says_when_the_profile_lacks_the_telephone_band():
    """Transcribing a narrowband recording: the transcript says it was narrowband, and the
    margin reasons name what is missing: the profile, or an older profile's telephone-band
    entry; a wideband recording is not called a phone call."""
    from listenwell.records import AudioInfo, Transcript
    from listenwell.transcribe.speakers import SpeakerOptions, attribute_audio
    from listenwell.transcribe.speakers.facts import (
        NO_PHONE_BAND_REASON,
        PHONE_WITHOUT_PROFILE_REASON,
    )
    from listenwell.transcribe.speakers.profile import VoiceProfile
    from samples.synth_conversation import make_conversation

    mono, rate, _ = make_conversation(seed=1, exchanges=2)
    call = phone_band(to_16k(mono, rate))
    bare = Transcript(AudioInfo("call.wav", "", len(call) / 16000, 16000, 1), "tiny.en", {}, "en", [])
    new, _ = add_occasion(None, voice_from_audio(to_16k(mono, rate)[: 16000 * 12]), "microphone")
    old = VoiceProfile([e for e in new.entries if e.band == "wide"])  # as profiles of earlier versions
    for profile, lacking in ((new, False), (old, True)):
        out = attribute_audio(bare, call, 16000, {}, None, SpeakerOptions(), profile=profile)
        assert out.speakers["detail"]["telephone_band"] is True
        assert (NO_PHONE_BAND_REASON in out.speakers["margin_reasons"]) is lacking
        assert PHONE_WITHOUT_PROFILE_REASON not in out.speakers["margin_reasons"]
    none = SpeakerOptions(enrollment=None)
    out = attribute_audio(bare, call, 16000, {}, None, none)
    assert out.speakers["detail"]["telephone_band"] is True
    assert PHONE_WITHOUT_PROFILE_REASON in out.speakers["margin_reasons"]
    wide = attribute_audio(bare, to_16k(mono, rate), 16000, {}, None, none)
    assert wide.speakers["detail"]["telephone_band"] is False
    assert PHONE_WITHOUT_PROFILE_REASON not in wide.speakers["margin_reasons"]
