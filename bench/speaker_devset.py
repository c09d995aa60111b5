"""Shared by bench/bench_speakers.py and bench/calibrate_speakers.py: the real recordings
with truth, the real-voice development set (samples/real_interviews.py), how a result is
scored, and a cache of the diarizer's expensive steps for calibration runs.

Scores, per recording: the share error (pp) of the interviewee for the real-voice
interviews (of the worst-placed speaker for real recordings, speakers mapped one to one
for the largest overlap); for one-speaker recordings the percentage of speech not given
to the main speaker; DER (pyannote.metrics, 0.25 s collar, overlap scored); speakers found.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import permutations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))
SHARED = ROOT.parent / "shared" / "data"
CACHE = ROOT / "bench" / "out" / "speaker-cache"

from listenwell.intervals import intersect, shares, talk_time, total  # noqa: E402
from listenwell.records import Turn  # noqa: E402

# real recordings with turn truth: name -> (audio, RTTM, file id in it)
REAL = {
    "pyannote-sample": ("pyannote-sample/audio.flac", "pyannote-sample/truth.rttm", "sample"),
    "ami-dev00": ("ami-dev/dev00.flac", "ami-dev/truth.rttm", "dev00"),
    "ami-dev01": ("ami-dev/dev01.flac", "ami-dev/truth.rttm", "dev01"),
    "ina-lamartine-2spk": ("conversations/ina-lamartine-2spk/conv-ina-lamartine-2spk.flac",
                           "conversations/ina-lamartine-2spk/conv-ina-lamartine-2spk.rttm", "conv-ina-lamartine-2spk"),
    "fw-stereo-overlap-2spk": ("conversations/fw-stereo-overlap-2spk/conv-fw-stereo-overlap-2spk.flac",
                               "conversations/fw-stereo-overlap-2spk/conv-fw-stereo-overlap-2spk.rttm",
                               "conv-fw-stereo-overlap-2spk"),
    "falcon-3spk": ("conversations/falcon-3spk/conv-falcon-3spk.flac",
                    "conversations/falcon-3spk/conv-falcon-3spk.rttm", "conv-falcon-3spk"),
    "paa-4spk": ("conversations/paa-4spk/conv-paa-4spk.flac", "conversations/paa-4spk/conv-paa-4spk.rttm",
                 "conv-paa-4spk"),
    "ami-tst00": ("ami-dev/tst00.flac", "ami-dev/truth.rttm", "tst00"),
    "ami-tst01": ("ami-dev/tst01.flac", "ami-dev/truth.rttm", "tst01"),
}


@dataclass
class Recording:
    """A recording to score: real, or from the development set."""

    name: str
    condition: str  # real-2spk..., clean/room/phone/sparse, one-whole/one-takes
    audio: np.ndarray
    sample_rate: int
    truth: list[Turn]
    people: int  # what the plan would say
    profile: np.ndarray | None = None  # audio of the interviewer on another occasion (16 kHz)
    held_out: bool = True
    interviewee: str | None = None  # the truth label whose share is scored (None: worst speaker)
    voices: tuple[str, ...] = ()  # the speakers in it (for cross-validation folds)


def profile_matrix(rec: Recording) -> np.ndarray:
    """The profile's embeddings the transcribe stage would compare `rec` with: a profile made
    from rec.profile as `listenwell enroll` makes one, in the band of the recording."""
    from listenwell.transcribe.speakers.band import is_narrowband
    from listenwell.transcribe.speakers.diarize import to_16k
    from listenwell.transcribe.speakers.profile import add_occasion, voice_from_audio

    profile, _ = add_occasion(None, voice_from_audio(rec.profile, 16000), "development set")
    return profile.for_recording(is_narrowband(to_16k(rec.audio, rec.sample_rate)))


def read_rttm(path: Path) -> dict[str, list[Turn]]:
    out: dict[str, list[Turn]] = {}
    for line in path.read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            s, d = float(f[3]), float(f[4])
            out.setdefault(f[1], []).append(Turn(s, s + d, f[7]))
    return out


def real_recordings() -> Iterator[Recording]:
    import soundfile as sf

    if not SHARED.is_dir():
        print("(../shared/data absent: real recordings skipped)")
        return
    for name, (audio, rttm, fid) in REAL.items():
        a, sr = sf.read(SHARED / audio, dtype="float32", always_2d=True)
        truth = read_rttm(SHARED / rttm)[fid]
        n = len({t.speaker for t in truth})
        yield Recording(f"real/{name}", f"real-{n}spk", a.mean(axis=1), sr, truth, n)


def dev_recordings(held_out: bool | None, per_condition: int = 6) -> Iterator[Recording]:
    """The real-voice development set (held_out: True only the held-out voices, False only
    the tuning ones, None both)."""
    if not SHARED.is_dir():
        return
    from samples.real_interviews import cases

    for c in cases(held_out=held_out, per_condition=per_condition):
        voices = tuple(v for v in (c.interviewee, c.interviewer) if v)
        # one voice too runs as an interview (at most two people): it must not be split
        yield Recording(c.name, c.condition, c.audio, c.sample_rate, c.turns, 2, c.profile, c.held_out,
                        "interviewee" if c.interviewer else None, voices)


def over_phone(rec: Recording) -> Recording:
    """`rec` through a telephone band (a stress test: every voice and room of the
    development set over a phone line, where the phone condition has six interviews)."""
    from listenwell.transcribe.speakers.band import is_narrowband, phone_band
    from listenwell.transcribe.speakers.diarize import to_16k

    audio = to_16k(rec.audio, rec.sample_rate)
    audio = audio if is_narrowband(audio) else phone_band(audio)
    return replace(rec, name=f"tel-{rec.name}", condition=f"tel-{rec.condition}", audio=audio, sample_rate=16000)


def by_speaker(turns: list[Turn]) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    for t in turns:
        out.setdefault(t.speaker, []).append((t.start, t.end))
    return out


def mapping(truth: list[Turn], hyp: list[Turn]) -> dict[str, str]:
    """hyp label -> truth label maximising overlapping time (one to one)."""
    tb, hb = by_speaker(truth), by_speaker(hyp)
    tl, hl = list(tb), list(hb)
    if not tl or not hl:
        return {}
    ov = np.array([[total(intersect(hb[h], tb[t])) for t in tl] for h in hl])
    best, score = {}, -1.0
    for perm in permutations(range(max(len(tl), len(hl))), min(len(tl), len(hl))):
        pairs = list(enumerate(perm)) if len(hl) <= len(tl) else [(i, j) for j, i in enumerate(perm)]
        s = sum(ov[i, j] for i, j in pairs)
        if s > score:
            best, score = {hl[i]: tl[j] for i, j in pairs}, s
    return best


def share_errors(truth: list[Turn], hyp: list[Turn]) -> dict[str, float]:
    """Per true speaker: |found share - true share| in percentage points."""
    m = mapping(truth, hyp)
    ts = shares(talk_time(by_speaker(truth)))
    hs = shares(talk_time(by_speaker(hyp)))
    got = {t: 0.0 for t in ts}
    for h, v in hs.items():
        if h in m:
            got[m[h]] += v
    return {t: abs(got[t] - ts[t]) * 100 for t in ts}


def der(truth: list[Turn], hyp: list[Turn], duration: float) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref, h = Annotation(), Annotation()
    for i, t in enumerate(truth):
        ref[Segment(t.start, t.end), i] = t.speaker
    for i, t in enumerate(hyp):
        h[Segment(t.start, t.end), i] = t.speaker
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(DiarizationErrorRate(collar=0.25, skip_overlap=False)(ref, h, uem=Segment(0, duration)))


def error_pp(rec: Recording, hyp: list[Turn]) -> float:
    """The number the targets are about: the interviewee's share error, the worst
    speaker's for real recordings, and for one voice the speech not given to it."""
    if rec.interviewee is None and len({t.speaker for t in rec.truth}) == 1:
        talk = talk_time(by_speaker(hyp))
        return 100 * (1 - max(talk.values()) / sum(talk.values())) if talk and sum(talk.values()) else 100.0
    errs = share_errors(rec.truth, hyp)
    return errs[rec.interviewee] if rec.interviewee else max(errs.values())


# ---- a cache of segmentation windows and CAM++ embeddings, for calibration ---------------

class FrontEndCache:
    """While active, the diarizer's segmentation and CAM++ embeddings of one recording come
    from (and go to) bench/out/speaker-cache: calibration reruns only the steps after them.
    Never used where CPU is measured."""

    def __init__(self, rec: Recording):
        key = hashlib.sha1(np.ascontiguousarray(rec.audio).tobytes()).hexdigest()[:16]
        self.path = CACHE / f"{rec.name.replace('/', '_')}-{key}.pkl"
        self.windows, self.emb, self.dirty = None, {}, False
        if self.path.is_file():
            data = pickle.loads(self.path.read_bytes())
            self.windows, self.emb = data["windows"], data["emb"]

    def __enter__(self) -> FrontEndCache:
        from listenwell.transcribe.speakers.diarize import changes, pipeline, voices

        self._saved = (pipeline.seg.segment, voices.embed_frames, changes.embed_frames)
        segment, embed = self._saved[0], self._saved[1]

        def cached_segment(audio, *a, **k):
            if self.windows is None:
                self.windows, self.dirty = segment(audio, *a, **k), True
            return self.windows

        def cached_embed(feats, frames, *a, **k):
            # the fbank's length in the key: an embedding of other audio made inside the
            # context (a profile) must not be taken for this recording's frames
            # (and whether a line was taken out of it: channel.py)
            tag = str((len(feats), k.get("channel") is not None)).encode()
            keys = [hashlib.md5(f.tobytes() + tag).digest() for f in frames]
            need = [i for i, key in enumerate(keys) if key not in self.emb]
            if need:
                new = embed(feats, [frames[i] for i in need], *a, **k)
                for i, v in zip(need, new, strict=True):
                    self.emb[keys[i]] = v
                self.dirty = True
            return np.stack([self.emb[key] for key in keys]) if keys else np.zeros((0, 192), np.float32)

        pipeline.seg.segment, voices.embed_frames, changes.embed_frames = cached_segment, cached_embed, cached_embed
        return self

    def __exit__(self, *exc) -> None:
        from listenwell.transcribe.speakers.diarize import changes, pipeline, voices

        pipeline.seg.segment, voices.embed_frames, changes.embed_frames = self._saved
        if self.dirty:
            CACHE.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps({"windows": self.windows, "emb": self.emb}))
