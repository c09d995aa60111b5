"""Real voices from ../shared/data, cut into utterances and phrases, with a speaker split
into a tuning part and a held-out part. The interviews and one-speaker recordings built
from them are in samples/real_interviews.py.

    from samples.real_voices import speakers, utterances
    for sp in speakers(held_out=True): ...

Sources (see ../shared/data/README.md): LibriSpeech test-other (`ll`: 10 speakers, 66-104 s
each, ten utterances of one chapter), the asterisk telephone voice talents (`v8`: 3 speakers,
8 kHz prompts), LibriSpeech train-clean-100 (`ls`: 126 speakers, one utterance each of
2-16 s), CMU ARCTIC (`arctic`: 3 speakers) and a LibriVox reader (`librivox`).

Held out from everything tuned (fixed here, before any result was seen): 2 of the 5 women
and 2 of the 5 men of `ll`, the man of `v8`, every third `ls` speaker by id, and all of
`arctic` and `librivox`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RATE = 16000

LL_HELD_OUT = {"1998", "3331", "2033", "2609"}  # F, F, M, M
V8_HELD_OUT = {"it_IT_m_Carlo"}


@dataclass(frozen=True)
class Speaker:
    id: str  # source:name, e.g. "ll:1688"
    source: str  # ll, v8, ls, arctic, librivox
    gender: str  # F / M / ?
    held_out: bool

    @property
    def long(self) -> bool:
        """Enough speech (over a minute) to be an interviewee or a one-speaker recording."""
        return self.source in ("ll", "v8")


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@lru_cache(maxsize=1)
def _all_speakers() -> tuple[Speaker, ...]:
    out: list[Speaker] = []
    for row in _tsv(DATA / "librispeech-long" / "speakers.tsv"):
        out.append(Speaker(f"ll:{row['ls_speaker']}", "ll", row["gender"], row["ls_speaker"] in LL_HELD_OUT))
    for f in sorted((DATA / "voices-8k").glob("*.flac")):
        name = f.stem.split("asterisk-")[1]
        gender = "M" if "_m_" in name else "F"
        out.append(Speaker(f"v8:{name}", "v8", gender, name in V8_HELD_OUT))
    rows = sorted(_tsv(DATA / "librispeech-short" / "speakers.tsv"), key=lambda r: int(r["ls_speaker"]))
    for i, row in enumerate(rows):
        out.append(Speaker(f"ls:{row['file']}", "ls", row["gender"], i % 3 == 0))
    for name in sorted({f.stem.split("_")[3] for f in (DATA / "cmu-arctic").glob("*.flac")}):
        out.append(Speaker(f"arctic:{name}", "arctic", "?", True))
    out.append(Speaker("librivox:austen", "librivox", "F", True))
    return tuple(out)


def speakers(held_out: bool | None = None, source: str | None = None, long: bool | None = None) -> list[Speaker]:
    """The speakers, optionally only the held-out (True) or tuning (False) ones, one
    source, or only those with over a minute of speech."""
    return [s for s in _all_speakers()
            if (held_out is None or s.held_out == held_out) and (source is None or s.source == source)
            and (long is None or s.long == long)]


def speaker(sid: str) -> Speaker:
    return next(s for s in _all_speakers() if s.id == sid)


def _read(path: Path) -> np.ndarray:
    """Mono float32 at 16 kHz (8 kHz sources resampled)."""
    import soundfile as sf

    from listenwell.transcribe.audio import resample

    a, sr = sf.read(path, dtype="float32", always_2d=True)
    return resample(a.mean(axis=1), sr, RATE)


def _rttm_spans(path: Path) -> list[tuple[float, float]]:
    spans = []
    for line in path.read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            spans.append((float(f[3]), float(f[3]) + float(f[4])))
    return sorted(spans)


@lru_cache(maxsize=64)
def utterances(sid: str) -> tuple[np.ndarray, ...]:
    """The speaker's utterances in recording order, 16 kHz float32, each as recorded."""
    sp = speaker(sid)
    name = sid.split(":", 1)[1]
    if sp.source in ("ll", "v8"):
        stem = f"ls-to-{name}" if sp.source == "ll" else f"asterisk-{name}"
        folder = DATA / ("librispeech-long" if sp.source == "ll" else "voices-8k")
        audio = _read(folder / f"{stem}.flac")
        return tuple(audio[int(a * RATE) : int(b * RATE)] for a, b in _rttm_spans(folder / f"{stem}.rttm"))
    if sp.source == "ls":
        return (_read(DATA / "librispeech-short" / f"{name}.flac"),)
    if sp.source == "arctic":
        return tuple(_read(f) for f in sorted((DATA / "cmu-arctic").glob(f"cmu_arctic_us_{name}_*.flac")))
    return tuple(_read(f) for f in sorted((DATA / "librivox").glob("*.flac")))


def speech_spans(x: np.ndarray, min_gap_s: float = 0.3, rate: int = RATE) -> list[tuple[float, float]]:
    """Where a clean recording of one voice is speaking: 10 ms frames that are both 12 dB
    above its noise floor (the 10th percentile of frame levels) and within 40 dB of its
    loudest frame, and speech for the Silero VAD (faster-whisper's; breaths, clicks and
    noise between sentences rise above a level threshold in some recordings); runs closer
    than min_gap_s joined, runs shorter than 0.05 s dropped. The truth of every mixture."""
    hop = rate // 100
    n = len(x) // hop
    if n == 0:
        return []
    db = 10 * np.log10(np.mean(x[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1) + 1e-12)
    on = (db > max(np.percentile(db, 10) + 12.0, db.max() - 40.0)) & _vad(x, rate, n)
    spans: list[list[int]] = []
    for i in np.flatnonzero(on):
        if spans and i - spans[-1][1] < min_gap_s * 100:
            spans[-1][1] = i + 1
        else:
            spans.append([i, i + 1])
    return [(s / 100, e / 100) for s, e in spans if e - s >= 5]


def _vad(x: np.ndarray, rate: int, frames: int) -> np.ndarray:
    """Per 10 ms frame: speech for the Silero VAD (50 ms of padding)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    y = x if rate == RATE else np.interp(np.arange(len(x) * RATE // rate) * rate / RATE, np.arange(len(x)), x)
    out = np.zeros(frames, dtype=bool)
    for t in get_speech_timestamps(y.astype(np.float32), VadOptions(min_silence_duration_ms=100, speech_pad_ms=50)):
        out[t["start"] // (RATE // 100) : -(-t["end"] // (RATE // 100))] = True
    return out


@dataclass
class Phrase:
    """A stretch of one utterance between two pauses: `audio` from the middle of the pause
    before to the middle of the pause after, `spans` its speech in seconds of `audio`."""

    audio: np.ndarray
    spans: list[tuple[float, float]]

    @property
    def speech_s(self) -> float:
        return self.spans[-1][1] - self.spans[0][0] if self.spans else 0.0


def phrases(utt: np.ndarray, min_gap_s: float = 0.3) -> list[Phrase]:
    """An utterance cut into phrases at its pauses of min_gap_s or more."""
    spans = speech_spans(utt, min_gap_s)
    if not spans:
        return []
    cuts = [max(0.0, spans[0][0] - 0.1)]
    cuts += [(a[1] + b[0]) / 2 for a, b in zip(spans[:-1], spans[1:], strict=True)]
    cuts.append(min(len(utt) / RATE, spans[-1][1] + 0.1))
    out = []
    for (a, b), (s, e) in zip(zip(cuts[:-1], cuts[1:], strict=True), spans, strict=True):
        out.append(Phrase(_faded(utt[int(a * RATE) : int(b * RATE)]), [(s - a, e - a)]))
    return out


def join(ps: list[Phrase]) -> Phrase:
    """Consecutive phrases as one."""
    audio, spans, t = [], [], 0.0
    for p in ps:
        spans += [(s + t, e + t) for s, e in p.spans]
        audio.append(p.audio)
        t += len(p.audio) / RATE
    return Phrase(np.concatenate(audio) if audio else np.zeros(0, np.float32), spans)


def _faded(x: np.ndarray, fade_s: float = 0.01) -> np.ndarray:
    x = x.astype(np.float32).copy()
    k = min(len(x) // 2, int(fade_s * RATE))
    if k:
        ramp = np.linspace(0.0, 1.0, k, dtype=np.float32)
        x[:k] *= ramp
        x[-k:] *= ramp[::-1]
    return x
