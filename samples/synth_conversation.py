"""Realistic synthetic conversations with exact speaker truth, for speaker-attribution work.

    from samples.synth_conversation import make_conversation
    audio, sr, turns = make_conversation(speakers=2, seed=3, reverb=True, far="interviewee")

Each person is an espeak-ng voice (different voice, pitch and speed). Utterances are laid
out like an interview: questions, long answers, short replies, hesitations, and short
back-channels ("mm-hm", "right") spoken *over* the other person. The mix can then be
degraded: speakers at different levels, background noise, room reverb (sox), one speaker
far from the microphone (quieter and more reverberant), telephone band at 8 kHz, or a
two-channel recording (one person per channel) with crosstalk: each channel also carries
the other side's voice `crosstalk_db` lower and slightly delayed.

Truth `turns` are speech only: each utterance's dry signal, trimmed, split at its inner
silences of 0.3 s or more. Reverb tails and leaks are not speech. Labels: "interviewer",
"interviewee", then "colleague" for a third person.

Audio is float32 in [-1, 1]: shape (n,) for one channel, (2, n) for `two_channel=True`.
Command line (writes a wav, truth.rttm and truth.json to look at or listen to):

    python samples/synth_conversation.py OUT_DIR --seed 1 --reverb --two-channel
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `listenwell` importable
    sys.path.insert(0, str(ROOT))

from listenwell.records import Turn  # noqa: E402

LABELS = ("interviewer", "interviewee", "colleague")


@dataclass(frozen=True)
class Voice:
    espeak: str  # espeak-ng voice name with variant
    pitch: int  # 0-99
    speed: int  # words per minute


# Distinct voices; a seed picks which one plays which person.
VOICES = (
    Voice("en-us+m3", 40, 165),
    Voice("en-gb+f3", 62, 150),
    Voice("en-gb-scotland+m5", 30, 155),
    Voice("en-us+f2", 70, 170),
    Voice("en-gb-x-rp+m2", 50, 160),
    Voice("en-029+f4", 55, 145),
)

QUESTIONS = (
    "How did you get started in this field?",
    "What does a typical day look like for you?",
    "What skills matter most in your role?",
    "What do you wish you had known when you started?",
    "How is your team organised, and who do you work with most?",
    "What is the hardest part of the job?",
    "How do people usually move up from a junior position?",
    "What would you look for in someone applying today?",
    "Which tools do you use every day?",
    "Is there anyone else you think I should talk to?",
)
ANSWERS = (
    "I started as an intern at a small company, mostly fixing reports, and after a year they asked me to stay on full time. "
    "Looking back, the best thing was that nobody minded when I asked questions.",
    "Most days start with a short meeting with the team. Then I spend a few hours on analysis, "
    "and the afternoon usually goes to calls with clients or other departments.",
    "Honestly, communication matters more than anything technical. You can learn the tools in a few months, "
    "but explaining a result clearly to someone who is busy takes years.",
    "I wish I had known that it is fine to say no to some projects. Early on I took everything, "
    "and I was tired all the time without learning much more.",
    "We are about eight people. I work most with the product managers and with the engineers who build the data pipelines.",
    "The hardest part is the uncertainty. You often have to make a recommendation before all the data is in, "
    "and you have to be comfortable with being wrong sometimes.",
    "Usually people move up by taking ownership of one area. Once you are the person others come to for something, "
    "the promotion tends to follow within a year or so.",
    "I would look for curiosity, and some evidence that you finished a project on your own, even a small one.",
    "Mostly spreadsheets and a notebook environment, plus a lot of email, to be honest.",
    "Yes, you should talk to my colleague in the planning team. She moved over from finance and has a very different view.",
)
FOLLOWUPS = ("Could you say more about that?", "Why was that?", "And how long did that take?", "Interesting. What happened next?")
REPLIES = ("Sure.", "Yes, exactly.", "Good question.", "Oh, definitely.", "I see.", "That makes sense.")
BACKCHANNELS = ("mm-hm", "right", "yeah", "okay", "uh-huh")
THIRD = (
    "If I can add something, in my experience the first year is mostly about learning how decisions get made.",
    "I agree with that. We also look at whether people can work with the engineers without friction.",
    "From my side, the planning team is a good place to start because you see the whole business.",
)


@lru_cache(maxsize=512)
def _speak(voice: Voice, text: str, sample_rate: int) -> np.ndarray:
    """One utterance from espeak-ng, resampled by sox: float32 mono, peak-normalised."""
    espeak = subprocess.run(
        ["espeak-ng", "-v", voice.espeak, "-p", str(voice.pitch), "-s", str(voice.speed), "--stdout", text],
        capture_output=True, check=True,
    )
    raw = subprocess.run(
        ["sox", "-t", "wav", "-", "-t", "raw", "-e", "float", "-b", "32", "-c", "1", "-r", str(sample_rate), "-"],
        input=espeak.stdout, capture_output=True, check=True,
    ).stdout
    x = np.frombuffer(raw, dtype=np.float32).copy()
    return x / (np.abs(x).max() + 1e-9)


def _sox(x: np.ndarray, sample_rate: int, effects: list[str], out_rate: int | None = None) -> np.ndarray:
    """Run float32 mono audio through sox effects; the result keeps the input length."""
    out_rate = out_rate or sample_rate
    fmt = ["-t", "raw", "-e", "float", "-b", "32", "-c", "1"]
    y = subprocess.run(
        ["sox", *fmt, "-r", str(sample_rate), "-", *fmt, "-r", str(out_rate), "-", *effects],
        input=np.ascontiguousarray(x, dtype=np.float32).tobytes(), capture_output=True, check=True,
    ).stdout
    y = np.frombuffer(y, dtype=np.float32).copy()
    n = int(round(len(x) * out_rate / sample_rate))
    return np.pad(y, (0, max(0, n - len(y))))[:n]


def _reverb(x: np.ndarray, sample_rate: int, amount: int) -> np.ndarray:
    """Room reverb (sox `reverb`, reverberance `amount` %), wet and dry together."""
    return _sox(x, sample_rate, ["reverb", str(amount), "50", "100", "100", "10", "0"])


def speech_spans(x: np.ndarray, sample_rate: int, min_gap_s: float = 0.3) -> list[tuple[float, float]]:
    """Where a dry utterance is sounding: 10 ms frames above -45 dB of its peak, split at
    silences of min_gap_s or more."""
    hop = sample_rate // 100
    n = len(x) // hop
    if n == 0:
        return []
    rms = np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12)
    on = rms > rms.max() * 10 ** (-45 / 20)
    spans: list[list[int]] = []
    for i in np.flatnonzero(on):
        if spans and i - spans[-1][1] < min_gap_s * 100:
            spans[-1][1] = i + 1
        else:
            spans.append([i, i + 1])
    return [(s / 100, e / 100) for s, e in spans]


@dataclass
class _Utterance:
    speaker: int
    text: str
    start: float  # seconds


def _script(rng: np.random.Generator, speakers: int, exchanges: int, questions: list[str] | None,
            backchannels: bool, short_turns: bool) -> list[tuple[int, str, str]]:
    """(speaker index, text, kind) in speaking order; kind is "turn" or "backchannel"."""
    qs = list(questions) if questions else [QUESTIONS[i] for i in rng.permutation(len(QUESTIONS))]
    answers = [ANSWERS[i] for i in rng.permutation(len(ANSWERS))]
    out: list[tuple[int, str, str]] = [(0, "Thanks for making the time to talk with me today.", "turn"),
                                       (1, "Of course, happy to help.", "turn")]
    for k in range(exchanges):
        out.append((0, qs[k % len(qs)], "turn"))
        if short_turns and rng.random() < 0.5:
            out.append((1, REPLIES[rng.integers(len(REPLIES))], "turn"))
        out.append((1, answers[k % len(answers)], "turn"))
        if backchannels and rng.random() < 0.7:
            out.append((0, BACKCHANNELS[rng.integers(len(BACKCHANNELS))], "backchannel"))
        if speakers > 2 and rng.random() < 0.6:
            out.append((2, THIRD[rng.integers(len(THIRD))], "turn"))
        if short_turns and rng.random() < 0.4:
            out.append((0, FOLLOWUPS[rng.integers(len(FOLLOWUPS))], "turn"))
            out.append((1, REPLIES[rng.integers(len(REPLIES))], "turn"))
    out.append((0, "This was really helpful. Thank you so much.", "turn"))
    out.append((1, "You are welcome, good luck.", "turn"))
    return out


def make_conversation(
    speakers: int = 2,
    exchanges: int = 4,
    seed: int = 0,
    *,
    questions: list[str] | None = None,
    level_gap_db: float = 6.0,
    noise_db: float | None = -55.0,
    reverb: bool = False,
    far: str | None = None,
    backchannels: bool = True,
    short_turns: bool = True,
    phone: bool = False,
    two_channel: bool = False,
    crosstalk_db: float = -20.0,
    crosstalk_delay_s: float = 0.015,
    sample_rate: int = 16000,
) -> tuple[np.ndarray, int, list[Turn]]:
    """A synthetic conversation: (audio, sample_rate, truth turns sorted by start).

    speakers: 1 (a monologue by the interviewee), 2 or 3. exchanges: question/answer pairs
    (about 15-20 s each). questions: the interviewer's questions (default: a shuffled bank).
    level_gap_db: each person after the first is this much quieter than the one before.
    noise_db: background noise level in dBFS (None: none). reverb: a room for everyone.
    far: label of a person far from the microphone (12 dB quieter, heavy reverb).
    backchannels: the interviewer says "mm-hm"/"right" over some answers.
    short_turns: one- or two-word replies and quick follow-ups.
    phone: telephone band (300-3400 Hz, mu-law) at 8 kHz; sample_rate becomes 8000.
    two_channel: (2, n) audio, one person per channel, each channel leaking into the other
    at crosstalk_db (None: no leak), crosstalk_delay_s late. Needs speakers=2.
    """
    if speakers not in (1, 2, 3):
        raise ValueError("speakers must be 1, 2 or 3")
    if two_channel and speakers != 2:
        raise ValueError("two_channel needs speakers=2")
    rng = np.random.default_rng(seed)
    voices = [VOICES[i] for i in rng.permutation(len(VOICES))[:3]]

    if speakers == 1:
        script = [(1, a, "turn") for a in [ANSWERS[i] for i in rng.permutation(len(ANSWERS))][: max(1, exchanges)]]
    else:
        script = _script(rng, speakers, exchanges, questions, backchannels, short_turns)

    # Lay the utterances out in time; back-channels land inside the previous utterance.
    clips: list[np.ndarray] = []
    utterances: list[_Utterance] = []
    t = 0.5
    prev_span = (0.0, 0.0)
    for who, text, kind in script:
        clip = _speak(voices[who], text, sample_rate)
        spans = speech_spans(clip, sample_rate)
        if not spans:
            continue
        lead, speech_len = spans[0][0], spans[-1][1] - spans[0][0]
        if kind == "backchannel":
            # over the other person's speech, somewhere in its second half
            at = prev_span[0] + (prev_span[1] - prev_span[0]) * rng.uniform(0.5, 0.85)
            start = at - lead
        else:
            gap = rng.uniform(0.25, 1.0) if rng.random() > 0.15 else -rng.uniform(0.1, 0.4)  # some overlap
            start = max(0.0, t + gap) - lead
            t = start + lead + speech_len
            prev_span = (start + lead, t)
        clips.append(clip)
        utterances.append(_Utterance(who, text, max(0.0, start)))

    n = int((max(u.start for u in utterances) + max(len(c) for c in clips) / sample_rate + 0.5) * sample_rate)
    tracks = np.zeros((speakers if speakers > 1 else 2, n), np.float32)
    turns: list[Turn] = []
    for u, clip in zip(utterances, clips, strict=True):
        i = int(u.start * sample_rate)
        tracks[u.speaker, i : i + len(clip)] += clip[: n - i]
        for s, e in speech_spans(clip, sample_rate):
            turns.append(Turn(float(round(u.start + s, 3)), float(round(u.start + e, 3)), LABELS[u.speaker]))
    if speakers == 1:
        tracks = tracks[1:]

    # Room and distance per person, then levels (speech peaks around -6 dBFS for the loudest).
    present = sorted({u.speaker for u in utterances})
    for k, who in enumerate(present):
        row = who if speakers > 1 else 0
        x = tracks[row]
        gain_db = -6.0 - level_gap_db * k
        if far == LABELS[who]:
            x = _reverb(x, sample_rate, 90)
            gain_db -= 12.0
        elif reverb:
            x = _reverb(x, sample_rate, 50)
        x = x * 10 ** (gain_db / 20) / (np.abs(x).max() + 1e-9)
        tracks[row] = x

    def noise(m: int) -> np.ndarray:
        if noise_db is None:
            return np.zeros(m, np.float32)
        w = rng.standard_normal(m).astype(np.float32)
        w = w + np.convolve(w, np.exp(-np.arange(64) / 16.0), mode="same") * 0.3  # hiss plus rumble
        return (w / (np.sqrt(np.mean(w**2)) + 1e-9) * 10 ** (noise_db / 20)).astype(np.float32)

    if two_channel:
        delay = max(1, int(crosstalk_delay_s * sample_rate))  # the other side arrives late through the room
        leak = 0.0 if crosstalk_db is None else 10 ** (crosstalk_db / 20)
        a, b = tracks[0], tracks[1]
        # each channel normalised to the same speech level, as a recorder's gain would do
        a = a / (np.abs(a).max() + 1e-9) * 0.5
        b = b / (np.abs(b).max() + 1e-9) * 0.5
        shifted = lambda x: np.concatenate([np.zeros(delay, np.float32), x[:-delay]])  # noqa: E731
        out = np.stack([a + leak * shifted(b) + noise(n), b + leak * shifted(a) + noise(n)])
        if phone:
            out = np.stack([_sox(c, sample_rate, ["sinc", "300-3400"], 8000) for c in out])
            sample_rate = 8000
        out = np.clip(out, -1, 1).astype(np.float32)
    else:
        mix = tracks.sum(axis=0) + noise(n)
        if phone:
            mix = _phone(mix, sample_rate)
            sample_rate = 8000
        out = np.clip(mix, -1, 1).astype(np.float32)
    turns.sort(key=lambda t: (t.start, t.speaker))
    return out, sample_rate, turns


def _phone(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """Telephone channel: 300-3400 Hz band, 8 kHz, 8-bit mu-law, and back to float."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.raw"), os.path.join(d, "out.wav")
        np.ascontiguousarray(x, dtype=np.float32).tofile(src)
        # -R: the dither that 8-bit mu-law gets is seeded, so a seed gives the same audio every time
        subprocess.run(["sox", "-R", "-t", "raw", "-e", "float", "-b", "32", "-c", "1", "-r", str(sample_rate), src,
                        "-r", "8000", "-e", "u-law", "-b", "8", dst, "sinc", "300-3400"], check=True, capture_output=True)
        y = subprocess.run(["sox", dst, "-t", "raw", "-e", "float", "-b", "32", "-"], check=True,
                           capture_output=True).stdout
    return np.frombuffer(y, dtype=np.float32).copy()


def make_monologue(seconds_min: float = 20.0, seed: int = 0, **kw) -> tuple[np.ndarray, int, list[Turn]]:
    """One person talking (the "one speaker" bad-input case): answers until seconds_min."""
    exchanges = max(1, int(seconds_min // 9) + 1)
    return make_conversation(speakers=1, exchanges=exchanges, seed=seed, **kw)


# Named cases used by benchmarks and tests: a spread of the hard conditions.
CASES: dict[str, dict] = {
    "clean": {},
    "levels-12dB": {"level_gap_db": 12.0},
    "noise-reverb": {"noise_db": -40.0, "reverb": True},
    "far-interviewee": {"far": "interviewee", "noise_db": -45.0},
    "phone-8k": {"phone": True, "noise_db": -45.0},
    "three-people": {"speakers": 3},
}
TWO_CHANNEL_CASES: dict[str, dict] = {
    "2ch-clean": {"two_channel": True, "crosstalk_db": None},
    "2ch-crosstalk": {"two_channel": True},
    "2ch-crosstalk-reverb": {"two_channel": True, "reverb": True, "noise_db": -45.0},
    "2ch-crosstalk-10dB": {"two_channel": True, "crosstalk_db": -10.0, "noise_db": -45.0},
    "2ch-crosstalk-late": {"two_channel": True, "crosstalk_db": -12.0, "crosstalk_delay_s": 0.15, "reverb": True},
    "2ch-far-phone": {"two_channel": True, "far": "interviewee", "phone": True, "noise_db": -45.0},
}


def write_case(out_dir: Path, audio: np.ndarray, sample_rate: int, turns: list[Turn], name: str = "audio") -> Path:
    """audio.wav + truth.rttm + truth.json in out_dir; returns the wav path."""
    import soundfile as sf

    out_dir.mkdir(parents=True, exist_ok=True)
    wav = out_dir / f"{name}.wav"
    sf.write(wav, audio.T if audio.ndim == 2 else audio, sample_rate, subtype="PCM_16")
    (out_dir / "truth.rttm").write_text("".join(
        f"SPEAKER {name} 1 {t.start:.3f} {t.duration:.3f} <NA> <NA> {t.speaker} <NA> <NA>\n" for t in turns))
    (out_dir / "truth.json").write_text(json.dumps({"turns": [asdict(t) for t in turns]}, indent=1))
    return wav


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out_dir", type=Path)
    p.add_argument("--case", choices=[*CASES, *TWO_CHANNEL_CASES], help="a named case (overrides the options)")
    p.add_argument("--speakers", type=int, default=2)
    p.add_argument("--exchanges", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reverb", action="store_true")
    p.add_argument("--far", choices=LABELS)
    p.add_argument("--phone", action="store_true")
    p.add_argument("--two-channel", action="store_true")
    a = p.parse_args()
    kw = {**CASES, **TWO_CHANNEL_CASES}[a.case] if a.case else {
        "speakers": a.speakers, "reverb": a.reverb, "far": a.far, "phone": a.phone, "two_channel": a.two_channel}
    audio, sr, turns = make_conversation(exchanges=a.exchanges, seed=a.seed, **kw)
    wav = write_case(a.out_dir, audio, sr, turns)
    print(f"{wav}: {audio.shape[-1] / sr:.1f} s, {len(turns)} truth turns")


if __name__ == "__main__":
    main()
