"""Two-channel speaker path on synthetic calls with exact truth, and its bad inputs."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from listenwell.intervals import intersect, shares, subtract, talk_time, total
from listenwell.transcribe.speakers.channels import channel_turns, same_signal
from samples.synth_conversation import make_conversation  # noqa: E402

LABELS = ["interviewer", "interviewee"]


def spans(turns, speaker):
    return [(t.start, t.end) for t in turns if t.speaker == speaker]


def share_error_pp(truth, hyp) -> float:
    st = shares(talk_time({k: spans(truth, k) for k in LABELS}))
    sh = shares(talk_time({k: spans(hyp, k) for k in LABELS}))
    return max(abs(st[k] - sh[k]) * 100 for k in LABELS)


@pytest.mark.parametrize("crosstalk_db", [None, -20.0, -10.0])
def test_two_channels_give_near_exact_talk_share(crosstalk_db):
    audio, sr, truth = make_conversation(seed=1, exchanges=3, two_channel=True, crosstalk_db=crosstalk_db)
    hyp = channel_turns(audio, sr, LABELS)
    assert share_error_pp(truth, hyp) < 1.5
    # the leak of one side into the other channel is not speech of the other side
    for me, other in (LABELS, LABELS[::-1]):
        only_other = subtract(spans(truth, other), spans(truth, me))
        leaked = total(intersect(spans(hyp, me), only_other))
        assert leaked < 0.5, f"{me} credited with {leaked:.2f} s of {other}'s speech"


def test_back_channels_over_the_other_side_are_found():
    audio, sr, truth = make_conversation(seed=4, exchanges=4, two_channel=True)
    hyp = channel_turns(audio, sr, LABELS)
    overlapped = [t for t in truth if t.speaker == "interviewer"
                  and any(o.speaker == "interviewee" and o.start < t.start and t.end < o.end for o in truth)]
    assert overlapped, "the synthetic call should have back-channels inside answers"
    for t in overlapped:
        covered = total(intersect([(t.start, t.end)], spans(hyp, "interviewer")))
        assert covered >= 0.5 * t.duration, f"back-channel at {t.start:.2f}s missed"


def test_identical_channels_are_not_two_speakers():
    audio, sr, _ = make_conversation(seed=2, exchanges=1)
    assert same_signal(np.stack([audio, audio]))
    assert same_signal(np.stack([audio, 0.5 * audio]))  # one side just quieter
    assert same_signal(np.stack([audio, np.zeros_like(audio)]))  # one side silent
    two, _, _ = make_conversation(seed=2, exchanges=1, two_channel=True)
    assert not same_signal(two)


def test_silence_and_noise_give_no_turns():
    sr = 16000
    rng = np.random.default_rng(0)
    assert channel_turns(np.zeros((2, sr * 10), np.float32), sr, LABELS) == []
    noise = (rng.standard_normal((2, sr * 10)) * 0.003).astype(np.float32)
    assert channel_turns(noise, sr, LABELS) == []
    assert channel_turns(noise[:, :50], sr, LABELS) == []  # a few samples


def test_music_is_not_talk(tmp_path):
    """Chords on one channel (hold music), speech on the other: only the speech is talk."""
    wav = tmp_path / "music.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(wav), "synth", "12", "sine", "261.6",
                    "sine", "329.6", "sine", "392", "tremolo", "2", "60", "gain", "-8"], check=True)
    import soundfile as sf

    music, sr = sf.read(wav, dtype="float32")
    speech, sr2, truth = make_conversation(speakers=1, exchanges=1, seed=3)
    n = min(len(music), len(speech))
    hyp = channel_turns(np.stack([music[:n], speech[:n]]), sr, LABELS)
    assert total(spans(hyp, "interviewer")) < 0.3
    talk = total(spans(truth, "interviewee"))
    assert abs(total(spans(hyp, "interviewee")) - talk) < 0.15 * talk


def test_very_short_turns():
    """Short replies ("Sure.") between long turns each keep their own speaker."""
    audio, sr, truth = make_conversation(seed=5, exchanges=4, two_channel=True, short_turns=True)
    hyp = channel_turns(audio, sr, LABELS)
    short = [t for t in truth if t.duration < 0.8]
    assert short
    for t in short:
        mine = total(intersect([(t.start, t.end)], spans(hyp, t.speaker)))
        assert mine >= 0.5 * t.duration, f"{t.speaker} {t.start:.2f}-{t.end:.2f} missed"
