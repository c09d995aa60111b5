"""Realistic interviews mixed from real voices, with exact truth: the development set for
speaker attribution (bench/bench_speakers.py, bench/speaker_devset.py).

    from samples.real_interviews import cases
    for case in cases(held_out=True):        # only voices kept out of all tuning
        audio, sr, turns = case.audio, case.sample_rate, case.turns
        case.profile      # the interviewer's voice recorded on another occasion (or None)

An interview: the interviewee (a real voice with over a minute of speech, samples/real_voices.py)
talks 60-95 % of the time in answers of 6-25 s; the interviewer (another real voice) asks
short questions made of their own phrases and says short back-channels over the answers;
now and then the two overlap at a hand-over. Each voice gets its own microphone (a random
EQ), the two sit 0-8 dB apart, and the condition adds noise, room reverb, or an 8 kHz
telephone line (mu-law). The interviewer's profile comes from other utterances of theirs,
through another microphone and room, always wideband (a laptop): another occasion.

Conditions: clean, room (reverb, noise), phone (8 kHz), sparse (the interviewer says 3-7 %
of the talk: a few brief remarks). One-speaker recordings: a long voice as recorded, and the
same voice in three takes, each through another microphone, room and level.

Truth: every phrase's speech from its clean source (samples/real_voices.speech_spans).
LibriSpeech is CC BY 4.0: "LibriSpeech ASR corpus, V. Panayotov, G. Chen, D. Povey,
S. Khudanpur, ICASSP 2015"; see ../shared/data/README.md for the other sources.
Command line: python samples/real_interviews.py OUT_DIR [--held-out] writes each case's
audio.wav, profile.wav, truth.rttm.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from listenwell.records import Turn  # noqa: E402
from samples.real_voices import RATE, Phrase, join, phrases, speakers, speech_spans, utterances  # noqa: E402
from samples.synth_conversation import _phone, _reverb, _sox, write_case  # noqa: E402

INTERVIEWER, INTERVIEWEE = "interviewer", "interviewee"
PROFILE_S = 16.0  # speech kept back from the interview for the interviewer's profile


@dataclass(frozen=True)
class Condition:
    share: tuple[float, float]  # the interviewee's share of the talk
    level_db: tuple[float, float]  # how far apart the two voices are (either may be louder)
    noise_db: tuple[float, float]  # background noise, dBFS
    reverb: tuple[int, int] | None = None  # sox reverberance %, per voice
    phone: bool = False  # 8 kHz telephone line


CONDITIONS = {
    "clean": Condition((0.60, 0.95), (0, 8), (-65, -55)),
    "room": Condition((0.60, 0.95), (0, 8), (-48, -40), reverb=(30, 80)),
    "phone": Condition((0.60, 0.95), (0, 6), (-55, -45), phone=True),
    "sparse": Condition((0.93, 0.97), (0, 8), (-62, -52), reverb=(0, 40)),
}


@dataclass
class Case:
    name: str  # condition/interviewee+interviewer or one/kind/speaker
    condition: str
    audio: np.ndarray  # float32 mono
    sample_rate: int
    turns: list[Turn]
    profile: np.ndarray | None  # the interviewer's voice on another occasion, 16 kHz
    held_out: bool
    interviewee: str
    interviewer: str | None


def _rng(*key: object) -> np.random.Generator:
    return np.random.default_rng(int(hashlib.sha256(repr(key).encode()).hexdigest()[:12], 16))


def _mic(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A microphone and its placement: a random high-pass, low-pass and tilt."""
    effects = ["highpass", str(int(rng.uniform(60, 250))), "lowpass", str(int(rng.uniform(5000, 7800))),
               "bass", f"{rng.uniform(-4, 4):.1f}", "treble", f"{rng.uniform(-6, 3):.1f}"]
    return _sox(x, RATE, effects)


def _speech_rms(x: np.ndarray, turns: list[tuple[float, float]]) -> float:
    idx = np.concatenate([np.arange(int(a * RATE), min(len(x), int(b * RATE))) for a, b in turns] or [np.zeros(0, int)])
    return float(np.sqrt(np.mean(x[idx] ** 2))) if len(idx) else 1.0


def _noise(n: int, db: float, rng: np.random.Generator) -> np.ndarray:
    w = rng.standard_normal(n).astype(np.float32)
    w = w + np.convolve(w, np.exp(-np.arange(64) / 16.0), mode="same").astype(np.float32) * 0.3
    return (w / (np.sqrt(np.mean(w**2)) + 1e-9) * 10 ** (db / 20)).astype(np.float32)


def _trim(p: Phrase, seconds: float) -> Phrase:
    """The phrase cut after `seconds` of its audio (faded), its speech cut there too."""
    n = int(seconds * RATE)
    audio = p.audio[:n].copy()
    k = min(len(audio) // 2, RATE // 100)
    if k:
        audio[-k:] *= np.linspace(1.0, 0.0, k, dtype=np.float32)
    return Phrase(audio, [(a, min(b, seconds)) for a, b in p.spans if a < seconds - 0.05])


class _Voice:
    """A speaker's phrases, handed out in order (cycling when used up)."""

    def __init__(self, sid: str, keep_for_profile: bool):
        utts = list(utterances(sid))
        self.profile_utts: list[np.ndarray] = []
        if keep_for_profile:
            while utts and sum(len(u) for u in self.profile_utts) < PROFILE_S * RATE * 1.15 and len(utts) > 2:
                self.profile_utts.insert(0, utts.pop())
        self.phrases = [p for u in utts for p in phrases(u, 0.2) if p.speech_s > 0.2]
        self.i = 0

    def take(self, seconds: float, rng: np.random.Generator, exact: bool = False) -> Phrase:
        """Consecutive phrases with about `seconds` of speech (cut to it when `exact`)."""
        got: list[Phrase] = []
        while sum(p.speech_s for p in got) < seconds * 0.8 or not got:
            got.append(self.phrases[self.i % len(self.phrases)])
            self.i += 1
        p = join(got)
        return _trim(p, p.spans[0][0] + seconds + 0.1) if exact and p.speech_s > seconds * 1.3 else p

    @property
    def available_s(self) -> float:
        return sum(p.speech_s for p in self.phrases)


def _script(ee: _Voice, er: _Voice, cond: Condition, rng: np.random.Generator) -> list[tuple[str, Phrase, str]]:
    """(who, phrase, kind) in speaking order; kind: turn, or backchannel (over the answer)."""
    share = rng.uniform(*cond.share)
    total_e = min(ee.available_s * 0.95, rng.uniform(55, 100))
    budget = total_e * (1 - share) / share  # the interviewer's speech
    answers: list[Phrase] = []
    while sum(a.speech_s for a in answers) < total_e:
        answers.append(ee.take(rng.uniform(6, 25), rng))
    back_s = 0.15 * budget if budget > 6 else 0.0
    n_q = len(answers) if budget > 6 else max(1, min(len(answers), int(round(budget / 1.5))))
    asked = set(rng.choice(len(answers), n_q, replace=False).tolist()) | ({0} if budget > 6 else set())
    weights = rng.dirichlet(np.ones(len(asked)) * 2)
    q_len = {i: max(0.6, (budget - back_s) * w) for i, w in zip(sorted(asked), weights, strict=True)}
    out: list[tuple[str, Phrase, str]] = []
    left_back = back_s
    for i, a in enumerate(answers):
        if i in q_len:
            out.append((INTERVIEWER, er.take(q_len[i], rng, exact=True), "turn"))
        out.append((INTERVIEWEE, a, "turn"))
        if left_back > 0.2 and rng.random() < 0.8:
            b = er.take(0.3, rng)
            b = _trim(b, b.spans[0][0] + rng.uniform(0.3, 0.8))
            left_back -= b.speech_s
            out.append((INTERVIEWER, b, "backchannel"))
    return out


def _layout(script: list[tuple[str, Phrase, str]], rng: np.random.Generator) -> tuple[dict[str, np.ndarray], list[Turn]]:
    """Dry tracks per voice and the truth turns."""
    placed: list[tuple[str, Phrase, float]] = []
    t, prev = 0.5, (0.0, 0.0)
    for who, p, kind in script:
        lead = p.spans[0][0]
        if kind == "backchannel":
            at = prev[0] + (prev[1] - prev[0]) * rng.uniform(0.4, 0.85)
            placed.append((who, p, at - lead))
            continue
        gap = rng.uniform(0.2, 0.9) if rng.random() > 0.15 else -rng.uniform(0.1, 0.4)
        start = max(0.0, t + gap) - lead
        placed.append((who, p, start))
        t = start + p.spans[-1][1]
        prev = (start + lead, t)
    n = int((max(s + len(p.audio) / RATE for _, p, s in placed) + 0.5) * RATE)
    tracks = {INTERVIEWER: np.zeros(n, np.float32), INTERVIEWEE: np.zeros(n, np.float32)}
    turns = []
    for who, p, s in placed:
        i = max(0, int(s * RATE))
        tracks[who][i : i + len(p.audio)] += p.audio[: n - i]
        turns += [Turn(round(i / RATE + a, 3), round(i / RATE + b, 3), who) for a, b in p.spans]
    return tracks, sorted(turns, key=lambda x: (x.start, x.speaker))


def _room(x: np.ndarray, cond: Condition, rng: np.random.Generator) -> np.ndarray:
    x = _mic(x, rng)
    if cond.reverb and cond.reverb[1] > 0:
        amount = int(rng.uniform(*cond.reverb))
        if amount > 0:
            x = _reverb(x, RATE, amount)
    return x


def _profile(voice: _Voice, rng: np.random.Generator) -> np.ndarray | None:
    """The interviewer's kept-back utterances through another microphone and room."""
    if not voice.profile_utts:
        return None
    x = np.concatenate([np.concatenate([u, np.zeros(RATE // 2, np.float32)]) for u in voice.profile_utts])
    x = _mic(x, rng)
    x = _reverb(x, RATE, int(rng.uniform(0, 40))) if rng.random() < 0.5 else x
    x = x / (np.abs(x).max() + 1e-9) * 10 ** (rng.uniform(-12, -3) / 20)
    return (x + _noise(len(x), rng.uniform(-62, -50), rng)).astype(np.float32)


def make_interview(interviewee: str, interviewer: str, condition: str, seed: int = 0, held_out: bool = False) -> Case:
    cond = CONDITIONS[condition]
    rng = _rng(interviewee, interviewer, condition, seed)
    ee, er = _Voice(interviewee, False), _Voice(interviewer, True)
    tracks, turns = _layout(_script(ee, er, cond, rng), rng)
    gap = rng.uniform(*cond.level_db) * (1 if rng.random() < 0.5 else -1)
    mix = np.zeros(len(tracks[INTERVIEWER]), np.float32)
    for who, gain_db in ((INTERVIEWER, -20.0 - max(0.0, gap)), (INTERVIEWEE, -20.0 - max(0.0, -gap))):
        x = _room(tracks[who], cond, rng)
        mix += x * 10 ** (gain_db / 20) / (_speech_rms(x, [(t.start, t.end) for t in turns if t.speaker == who]) + 1e-9)
    mix += _noise(len(mix), rng.uniform(*cond.noise_db), rng)
    rate = RATE
    if cond.phone:
        mix, rate = _phone(mix, RATE), 8000
    profile = _profile(er, _rng("profile", interviewer, seed))
    name = f"{condition}/{interviewee.split(':')[1]}+{interviewer.split(':')[1]}"
    return Case(name, condition, np.clip(mix, -1, 1).astype(np.float32), rate, turns, profile, held_out,
                interviewee, interviewer)


def make_one_speaker(sid: str, kind: str = "takes", held_out: bool = False) -> Case:
    """One voice: `whole` (as recorded, utterances back to back) or `takes` (three takes,
    each through another microphone and room, at another level, 1 s apart)."""
    utts = list(utterances(sid))
    rng = _rng("one", sid, kind)
    if kind == "whole":
        dry = [np.concatenate(utts)]
    else:
        k = -(-len(utts) // 3) if len(utts) >= 3 else 1
        dry = [np.concatenate(utts[i : i + k]) for i in range(0, len(utts), k)]
        if len(dry) == 1:  # one long recording: three parts of it
            x = dry[0]
            dry = [x[i * len(x) // 3 : (i + 1) * len(x) // 3] for i in range(3)]
    audio, turns, t = [], [], 0.0
    for d in dry:
        y = d
        if kind != "whole":  # each take through its own microphone, room and level
            y = _mic(d, rng)
            if rng.random() < 0.6:
                y = _reverb(y, RATE, int(rng.uniform(20, 70)))
            y = y / (np.abs(y).max() + 1e-9) * 10 ** (rng.uniform(-14, -3) / 20)
        turns += [Turn(round(t + a, 3), round(t + b, 3), "speaker") for a, b in speech_spans(d)]
        audio += [y, np.zeros(RATE, np.float32)]
        t += len(y) / RATE + 1.0
    x = np.concatenate(audio)
    x = x + _noise(len(x), rng.uniform(-65, -55), rng)
    return Case(f"one/{kind}/{sid.split(':')[1]}", f"one-{kind}", np.clip(x, -1, 1).astype(np.float32), RATE,
                turns, None, held_out, sid, None)


def interview_plan(held_out: bool, per_condition: int = 6) -> list[tuple[str, str, str, int]]:
    """(interviewee, interviewer, condition, seed) of the development set's interviews:
    per condition, two in three with a long-voice interviewer (who has a profile), one in
    three with a short-voice one (no profile), every pair within the split."""
    long = [s.id for s in speakers(held_out=held_out, long=True)]
    short = [s.id for s in speakers(held_out=held_out, source="ls")]
    rng = _rng("plan", held_out)
    out = []
    for c, condition in enumerate(CONDITIONS):
        for i in range(per_condition):
            ee = long[(i + c * per_condition) % len(long)]
            if i % 3 == 2:
                er = short[int(rng.integers(len(short)))]
            else:
                others = [s for s in long if s != ee]
                er = others[int(rng.integers(len(others)))]
            out.append((ee, er, condition, i))
    return out


def cases(held_out: bool | None = None, interviews: bool = True, one_speaker: bool = True,
          per_condition: int = 6):
    """The development set (a generator: each case is built when it is reached)."""
    for split in ([held_out] if held_out is not None else [False, True]):
        if interviews:
            for ee, er, condition, seed in interview_plan(split, per_condition):
                yield make_interview(ee, er, condition, seed, split)
        if one_speaker:
            for s in speakers(held_out=split, long=True):
                for kind in ("whole", "takes"):
                    yield make_one_speaker(s.id, kind, split)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--held-out", action="store_true", help="only the held-out voices")
    a = ap.parse_args()
    import soundfile as sf

    for case in cases(held_out=True if a.held_out else None):
        d = a.out_dir / case.name.replace("/", "_")
        write_case(d, case.audio, case.sample_rate, case.turns)
        if case.profile is not None:
            sf.write(d / "profile.wav", case.profile, RATE, subtype="PCM_16")
        print(f"{d}: {len(case.audio) / case.sample_rate:.1f} s")


if __name__ == "__main__":
    main()
