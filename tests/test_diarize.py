"""Single-channel diarization (transcribe/speakers/diarize) on real and synthetic audio,
through the public diarize() and embed(). The steps on made-up windows: test_diarize_steps.py.

Bounds are what bench/bench_speakers.py measured plus a margin (see docs/speakers-diarization.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import permutations

import numpy as np
import pytest
import soundfile as sf
from conftest import ROOT, SAMPLES, missing

from listenwell.intervals import intersect, shares, talk_time, total
from listenwell.records import Turn
from listenwell.transcribe.speakers.assign import TurnIndex
from listenwell.transcribe.speakers.diarize import Options, diarize, embed
from listenwell.transcribe.speakers.rttm import read_rttm

SAMPLE = SAMPLES / "interview"
# real recordings with true turns in ../shared/data: name -> (audio, RTTM, file id in it)
REAL = {
    "pyannote-sample": ("pyannote-sample/audio.flac", "pyannote-sample/truth.rttm", "sample"),
    "ami-dev00": ("ami-dev/dev00.flac", "ami-dev/truth.rttm", "dev00"),
    "ami-dev01": ("ami-dev/dev01.flac", "ami-dev/truth.rttm", "dev01"),
    "paa-4spk": ("conversations/paa-4spk/conv-paa-4spk.flac", "conversations/paa-4spk/conv-paa-4spk.rttm",
                 "conv-paa-4spk"),
    "ina-2spk": ("conversations/ina-lamartine-2spk/conv-ina-lamartine-2spk.flac",
                 "conversations/ina-lamartine-2spk/conv-ina-lamartine-2spk.rttm", "conv-ina-lamartine-2spk"),
}
VARIANTS = {  # the two steps that move hand-overs, each on and off
    "both": Options(),
    "split only": Options(snap_s=0.0),
    "snap only": Options(split_changes=False),
    "neither": Options(split_changes=False, snap_s=0.0),
}
_RUNS: dict[tuple[str, str], tuple[list[Turn], list[Turn]]] = {}  # (clip, variant) -> truth, turns


def _by_speaker(turns):
    out: dict[str, list[tuple[float, float]]] = {}
    for t in turns:
        out.setdefault(t.speaker, []).append((t.start, t.end))
    return out


def _mapping(truth: list[Turn], hyp: list[Turn]) -> dict[str, str | None]:
    """Hypothesis speakers mapped one to one onto true ones (or None) for the largest overlap."""
    tb, hb = _by_speaker(truth), _by_speaker(hyp)
    tl, hl = list(tb), list(hb)
    ov = {(h, t): total(intersect(hb[h], tb[t])) for h in hl for t in tl}
    return max(
        (dict(zip(hl, perm, strict=False)) for perm in permutations(tl + [None] * len(hl), len(hl))),
        key=lambda m: sum(ov.get((h, t), 0.0) for h, t in m.items()),
    )


def share_error_pp(truth: list[Turn], hyp: list[Turn]) -> float:
    """Worst per-speaker talk-share error (percentage points), hypothesis speakers mapped
    one to one onto true ones for the largest overlap."""
    ts, hs = shares(talk_time(_by_speaker(truth))), shares(talk_time(_by_speaker(hyp)))
    got = dict.fromkeys(ts, 0.0)
    for h, t in _mapping(truth, hyp).items():
        if t is not None:
            got[t] += hs[h]
    return max(abs(got[t] - ts[t]) * 100 for t in ts)


def true_handovers(truth: list[Turn], min_alone_s: float = 0.5, max_gap_s: float = 1.0) -> list[tuple[float, float]]:
    """Where one voice alone (for at least min_alone_s) gives way to another alone, with at
    most max_gap_s of silence or of both talking between them: that stretch, (from, to)."""
    step = 0.01
    names = sorted({t.speaker for t in truth})
    on = np.zeros((len(names), int(max(t.end for t in truth) / step) + 2), dtype=bool)
    for t in truth:
        on[names.index(t.speaker), round(t.start / step) : round(t.end / step)] = True
    alone = np.where(on.sum(axis=0) == 1, on.argmax(axis=0), -1)
    edges = np.flatnonzero(np.diff(np.r_[-2, alone, -2]))
    runs = [(alone[a], a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if alone[a] >= 0]
    return [(b1 * step, a2 * step) for (s1, a1, b1), (s2, a2, b2) in zip(runs[:-1], runs[1:], strict=True)
            if s1 != s2 and min(b1 - a1, b2 - a2) * step >= min_alone_s and (a2 - b1) * step <= max_gap_s]


def handover_errors(truth: list[Turn], hyp: list[Turn]) -> list[float]:
    """Per true hand-over, how far (s) the nearest change of speaker in hyp lies outside
    the stretch between the two voices (0: inside it)."""
    ts = sorted(hyp, key=lambda t: t.start)
    changes = np.array([x for a, b in zip(ts[:-1], ts[1:], strict=True) if a.speaker != b.speaker
                        for x in (a.end, b.start)])
    return [float(np.maximum(0.0, np.maximum(lo - changes, changes - hi)).min()) if len(changes) else np.inf
            for lo, hi in true_handovers(truth)]


def words_right(truth: list[Turn], hyp: list[Turn], words: list[tuple[float, float, str]]) -> int:
    """Words whose speaker by hyp (as the transcript's words get theirs), mapped onto the
    true speakers, really talks at the word's middle."""
    m, index = _mapping(truth, hyp), TurnIndex(hyp)
    return sum(m.get(index.speaker(a, b, w)) in {t.speaker for t in truth if t.start <= (a + b) / 2 <= t.end}
               for a, b, w in words)


def real_run(data, clip: str, variant: str = "both") -> tuple[list[Turn], list[Turn]]:
    """The true turns of a REAL clip and diarize()'s with the VARIANTS options, once per module,
    with the number of people the plan would give (at most that many speakers)."""
    if (clip, variant) not in _RUNS:
        audio_path, rttm, file_id = REAL[clip]
        audio, sr = sf.read(data / audio_path, dtype="float32")
        truth = read_rttm(data / rttm)[file_id]
        people = len({t.speaker for t in truth})
        _RUNS[(clip, variant)] = truth, diarize(audio, sr, max_speakers=people, options=VARIANTS[variant]).turns
    return _RUNS[(clip, variant)]


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "audio.flac").is_file():
        missing("samples/interview not built")
    audio, sr = sf.read(SAMPLE / "audio.flac", dtype="float32")
    truth = [Turn(**t) for t in json.loads((SAMPLE / "truth.json").read_text())["turns"]]
    return audio, sr, truth


@pytest.fixture(scope="module")
def sample_result(sample):
    audio, sr, _ = sample
    return diarize(audio, sr, num_speakers=2)


def test_sample_interview_two_speakers_and_talk_share(sample, sample_result):
    """The sample's two espeak-ng voices relate at 0.2-0.3 (as different real people):
    with the count only capped at two (an interview's default), both are found; told there
    are two (`--speakers 2`), the same."""
    audio, sr, truth = sample
    d = sample_result
    labels = [t.speaker for t in d.turns]
    assert sorted(set(labels)) == ["S1", "S2"]
    assert labels[0] == "S1"  # labelled in order of first appearance
    assert [t.start for t in d.turns] == sorted(t.start for t in d.turns)
    assert all(t.end > t.start for t in d.turns)
    assert set(d.centroids) == {"S1", "S2"}
    assert all(abs(np.linalg.norm(v) - 1) < 1e-4 for v in d.centroids.values())
    assert share_error_pp(truth, d.turns) <= 3.0  # measured 0.2 pp
    capped = diarize(audio[: 90 * sr], sr, max_speakers=2).turns
    assert len({t.speaker for t in capped}) == 2


def test_real_clips_speaker_count_and_talk_shares(shared_data):
    """Phone call, far-field meeting, read conversations: 2 to 4 speakers, as many as the
    plan says at most, all found."""
    errors = []
    for clip in REAL:
        truth, turns = real_run(shared_data, clip)
        assert len({t.speaker for t in turns}) == len({t.speaker for t in truth}), clip
        errors.append(share_error_pp(truth, turns))
    # measured (without the transcript's words) 1.0 (paa) to 9.0 pp (AMI dev01: a 1.5 s
    # piece across the change at 7.0 s and a 0.5 s "yeah" at 29 s go to the other voice)
    assert max(errors) <= 12.0 and np.mean(errors) <= 6.0, errors


@pytest.mark.slow
def test_real_hand_overs_found_near_the_truth(shared_data):
    """Where one voice alone gives way to another, a change of speaker is found nearby:
    measured 19 of the clips' 22 within 0.5 s (the misses: on AMI dev00 MEE012's 1 s
    interjection at 20.6 s and the overlap at 23 s are heard as MEE009 going on; on dev01 a
    piece across the change at 7.0 s goes to the next voice, 0.8 s early)."""
    errors = [e for clip in REAL for e in handover_errors(*real_run(shared_data, clip))]
    assert len(errors) >= 20
    assert np.mean(np.array(errors) <= 0.5) >= 0.8, errors


@pytest.mark.slow
def test_split_and_snap_bring_hand_overs_nearer_the_truth(shared_data):
    """Cutting pieces where an overlapping window heard the change (split_changes: AMI dev00,
    where the window 10-20 s hears both far-field voices as one) and moving hand-overs to the
    breath between voices (snap_s) each bring the clips' hand-overs nearer the truth: the
    summed distance falls (measured by 0.65 s, 0.80 s, both 0.98 s), and no hand-over moves
    more than 0.1 s farther from it."""
    errors = {v: np.array([e for clip in REAL for e in handover_errors(*real_run(shared_data, clip, v))])
              for v in VARIANTS}
    for variant in ("split only", "snap only", "both"):
        assert errors[variant].sum() <= errors["neither"].sum() - 0.3, (variant, errors)
        assert (errors[variant] <= errors["neither"] + 0.1).all(), (variant, errors)
    assert errors["both"].sum() <= min(errors["split only"].sum(), errors["snap only"].sum())


@pytest.mark.slow
def test_transcript_words_put_more_words_with_their_speaker(shared_data):
    """A hand-over no window heard and no breath marks moves to a pause between the
    transcript's words (snap_words): with the words of the bundled model, as the transcribe
    stage passes them, no clip has fewer words given to a speaker who is talking, and some
    have more (measured on AMI dev01 51 of 52 instead of 49: "If you dump it in there." no
    longer loses its last words to the next speaker)."""
    from listenwell.transcribe.model import load_model
    from listenwell.transcribe.pipeline import TranscribeOptions

    model = load_model()
    gained = 0
    for clip in ("pyannote-sample", "ami-dev00", "ami-dev01"):
        audio_path, rttm, file_id = REAL[clip]
        audio, sr = sf.read(shared_data / audio_path, dtype="float32")
        truth = read_rttm(shared_data / rttm)[file_id]
        segments, _ = model.transcribe(audio, **TranscribeOptions().whisper_kwargs())
        words = [(w.start, w.end, w.word) for s in segments for w in s.words or []]
        right = {use: words_right(truth, diarize(audio, sr, words=words, options=Options(snap_words=use)).turns, words)
                 for use in (True, False)}
        assert right[True] >= right[False], (clip, right)
        gained += right[True] - right[False]
    assert gained > 0


def test_one_real_speaker_is_one_speaker(shared_data):
    files = sorted((shared_data / "librivox").glob("*.flac"))
    audio = np.concatenate([sf.read(f, dtype="float32")[0] for f in files])
    d = diarize(audio, 16000)
    assert {t.speaker for t in d.turns} == {"S1"}
    assert sum(t.duration for t in d.turns) > 0.6 * len(audio) / 16000


@pytest.mark.slow
def test_one_synthetic_speaker_with_reverb_is_one_speaker():
    from samples.synth_conversation import make_monologue

    audio, sr, truth = make_monologue(40.0, seed=1, reverb=True, noise_db=-45.0)
    d = diarize(audio, sr)
    assert {t.speaker for t in d.turns} == {"S1"}


def test_silence_and_music_give_no_turns():
    assert diarize(np.zeros(16000 * 15, dtype=np.float32), 16000).turns == []
    rng = np.random.default_rng(0)
    quiet_noise = (1e-4 * rng.standard_normal(16000 * 15)).astype(np.float32)
    assert diarize(quiet_noise, 16000).turns == []
    t = np.arange(16000 * 20) / 16000
    chords = sum(np.sin(2 * np.pi * f * t) * (((t * 2 + i / 3) % 3) < 1.5) for i, f in enumerate((220, 277.2, 329.6, 370)))
    beat = np.exp(-((t % 0.5) * 30)) * rng.standard_normal(t.size) * 0.3
    d = diarize((0.1 * chords + 0.3 * beat).astype(np.float32), 16000)
    assert len({t.speaker for t in d.turns}) <= 1
    assert sum(t.duration for t in d.turns) < 2.0


def test_short_audio_and_forced_speaker_count(sample):
    audio, sr, _ = sample
    assert diarize(audio[: sr // 10], sr).turns == []  # 0.1 s: nothing to say
    d = diarize(audio[: 60 * sr], sr, num_speakers=3)
    assert {t.speaker for t in d.turns} == {"S1", "S2", "S3"}
    assert d.margin_pp is not None and d.margin_pp >= 0


def test_embed_same_voice_close_other_voice_far(sample):
    audio, sr, truth = sample

    def clip(speaker, which):
        turns = [t for t in truth if t.speaker == speaker and t.duration > 2.0]
        t = turns[which]
        return audio[int(t.start * sr) : int(t.end * sr)]

    a1, a2 = embed(clip("interviewee", 0), sr), embed(clip("interviewee", -1), sr)
    b1 = embed(clip("interviewer", 0), sr)
    assert a1.shape == (192,) and abs(np.linalg.norm(a1) - 1) < 1e-4
    assert np.allclose(a1, embed(clip("interviewee", 0), sr), atol=1e-5)  # deterministic
    assert a1 @ a2 > a1 @ b1 + 0.05


def test_embed_real_voices_differ(shared_data):
    audio, sr = sf.read(shared_data / "pyannote-sample/audio.flac", dtype="float32")
    # two stretches of each speaker where they talk alone (from truth.rttm)
    spans = {"speaker90": [(11.1, 14.4), (18.7, 21.4)], "speaker91": [(14.8, 17.8), (22.0, 25.0)]}
    e = {s: [embed(audio[int(a * sr) : int(b * sr)], sr) for a, b in v] for s, v in spans.items()}
    same = min(e["speaker90"][0] @ e["speaker90"][1], e["speaker91"][0] @ e["speaker91"][1])
    other = max(x @ y for x in e["speaker90"] for y in e["speaker91"])
    assert same > other + 0.1


def test_runs_without_torch(sample):
    code = (
        "import sys, numpy as np, soundfile as sf\n"
        "from listenwell.transcribe.speakers.diarize import diarize, embed\n"
        f"a, sr = sf.read({str(SAMPLE / 'audio.flac')!r}, dtype='float32')\n"
        "d = diarize(a[: 30 * sr], sr); embed(a[: 5 * sr], sr)\n"
        "assert d.turns\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"



def test_int16_audio_gives_the_same_turns(sample):
    """The transcribe stage hands 16-bit PCM to the diarizer (half the memory on long files)."""
    audio, sr, _ = sample
    clip = audio[: 60 * sr]
    pcm = np.clip(np.rint(clip * 32768), -32768, 32767).astype(np.int16)
    assert diarize(pcm, sr).turns == diarize(pcm.astype(np.float32) / 32768, sr).turns


def test_fbank_on_demand_matches_the_whole_recording(sample):
    from listenwell.transcribe.speakers.diarize.embedding import Fbank, fbank

    audio = sample[0][: 90 * 16000]
    whole = fbank(audio)
    lazy = Fbank(audio)
    assert len(lazy) == len(whole)
    rng = np.random.default_rng(0)
    # forward requests (the diarizer's order), one that jumps ahead, and one far behind
    for lo in [*range(0, 8000, 700), 8400, 120]:
        idx = np.sort(rng.choice(np.arange(lo, min(lo + 300, len(whole))), size=120, replace=False))
        np.testing.assert_allclose(lazy[idx], whole[idx], rtol=1e-5, atol=1e-4)


def test_batched_embeddings_equal_one_at_a_time(sample):
    """Consecutive pieces of one length run as one batch; lengths are not mixed (CAM++'s
    pooling must not see padding) and a repeated selection reuses the earlier embedding."""
    from listenwell.transcribe.speakers.diarize.embedding import embed_frames, fbank

    feats = fbank(sample[0][: 30 * 16000])
    frames = [np.arange(s, s + n) for s, n in [(0, 200), (150, 200), (300, 200), (420, 120), (500, 200),
                                                (150, 200), (700, 200), (900, 60)]]
    one = embed_frames(feats, frames, batch=1)
    batched = embed_frames(feats, frames, batch=4)
    np.testing.assert_allclose(batched, one, atol=1e-5)
    np.testing.assert_array_equal(batched[5], batched[1])
    assert (one[0] @ one[3]) < 0.9999  # different pieces, different embeddings (order kept)


