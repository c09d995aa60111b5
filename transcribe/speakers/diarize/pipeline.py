"""Single-channel diarization: who speaks when, from one mixed recording.

1. pyannote segmentation-3.0 on 10 s windows every `step_s` seconds: per window, up to three
   local speakers and when each talks (overlap included). Every moment of the recording is
   decided by the window whose centre is nearest, so each decision has context on both sides.
2. A CAM++ embedding per (window, local speaker), from the frames where that speaker talks
   alone (at most `embed_s` seconds, nearest the window centre).
3. Clustering links local speakers across windows into S1..Sn (see clustering.py).
4. A speaker talks in every frame where one of their local speakers is active, so where
   two people talk at once both are talking (the talk-time definition in listenwell.intervals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from listenwell.records import Turn

from . import segmentation as seg
from .clustering import Params, cluster
from .embedding import embed_features, fbank

SAMPLE_RATE = 16000
FB_SHIFT, FB_LEN = 160, 400  # fbank frame hop and length, samples
SEG_S = seg.FRAME_STEP / SAMPLE_RATE


@dataclass
class Options:
    step_s: float = 5.0  # segmentation window hop (windows are 10 s)
    speech_threshold: float = 0.5  # probability that someone talks
    embed_s: float = 3.0  # at most this much speech per embedding
    min_embed_s: float = 0.3  # less than this: no embedding, the local speaker is dropped
    strong_s: float = 1.0  # embeddings on at least this much speech shape the clusters
    min_turn_s: float = 0.05
    bridge_s: float = 0.05  # gaps this short inside one speaker's speech are closed
    cluster: Params = field(default_factory=Params)


@dataclass
class Diarization:
    """Who spoke when. Labels S1..Sn in order of first appearance; turns are speech only and
    may overlap in time (two people talking at once)."""

    turns: list[Turn]
    centroids: dict[str, np.ndarray]


@dataclass
class _Item:
    window: int
    local: int
    seconds: float  # speech the embedding rests on
    strong: bool
    talk_s: float  # speech this local speaker adds to the recording (its window's share)


def to_16k(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 2:  # (channels, n) or (n, channels): mix down
        audio = audio.mean(axis=0 if audio.shape[0] < audio.shape[1] else 1)
    if sample_rate != SAMPLE_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(sample_rate, SAMPLE_RATE)
        audio = resample_poly(audio, SAMPLE_RATE // g, sample_rate // g).astype(np.float32)
    return audio


def _owner_window(n_frames: int, windows: list[seg.Window]) -> tuple[np.ndarray, np.ndarray]:
    """For every global segmentation frame, the window deciding it and its frame there."""
    centres = seg.FRAME_CENTRE + seg.FRAME_STEP * np.arange(n_frames)
    wcentre = np.array([w.start + seg.WINDOW / 2 for w in windows])
    cuts = (wcentre[1:] + wcentre[:-1]) / 2
    owner = np.searchsorted(cuts, centres)
    starts = np.array([w.start for w in windows])[owner]
    lengths = np.array([len(w.active) for w in windows])[owner]
    local = np.clip(np.rint((centres - starts - seg.FRAME_CENTRE) / seg.FRAME_STEP), 0, lengths - 1)
    return owner, local.astype(int)


def _embedding_frames(w: seg.Window, mask: np.ndarray, n_fb: int, cap: int) -> np.ndarray:
    """Fbank frame indices inside window `w` whose centre lies in a masked segmentation
    frame, at most `cap` of them, nearest the window centre, in time order."""
    first = w.start // FB_SHIFT
    last = min(n_fb, (w.start + seg.WINDOW - FB_LEN) // FB_SHIFT + 1)
    fb = np.arange(first, max(first, last))
    centre = fb * FB_SHIFT + FB_LEN // 2
    i = np.clip(np.rint((centre - w.start - seg.FRAME_CENTRE) / seg.FRAME_STEP), 0, len(mask) - 1)
    fb = fb[mask[i.astype(int)]]
    if len(fb) > cap:
        mid = (w.start + seg.WINDOW / 2 - FB_LEN / 2) / FB_SHIFT
        fb = np.sort(fb[np.argsort(np.abs(fb - mid), kind="stable")[:cap]])
    return fb


def diarize_16k(
    audio: np.ndarray,
    num_speakers: int | None = None,
    word_times: list[tuple[float, float]] | None = None,
    progress: Callable[[float], None] | None = None,
    options: Options | None = None,
) -> Diarization:
    o = options or Options()
    empty = Diarization([], {})
    if len(audio) < SAMPLE_RATE // 4 or float(np.max(np.abs(audio), initial=0.0)) < 1e-4:
        return empty

    def part(lo: float, hi: float):
        return (lambda f: progress(lo + (hi - lo) * f)) if progress else None

    windows = seg.segment(audio, o.step_s, o.speech_threshold, progress=part(0.0, 0.5))
    feats = fbank(audio)
    n_frames = max(0, (len(audio) - seg.FRAME_CENTRE) // seg.FRAME_STEP + 1)
    owner, local = _owner_window(n_frames, windows)
    items: list[_Item] = []
    chunks: list[np.ndarray] = []
    cap = int(o.embed_s * 100)
    for k, w in enumerate(windows):
        mine = w.active[local[owner == k]]
        alone = w.active.sum(axis=1) == 1
        for a in range(3):
            if not w.active[:, a].any():
                continue
            solo = w.active[:, a] & alone
            mask = solo if solo.sum() * SEG_S >= o.min_embed_s else w.active[:, a]
            fb = _embedding_frames(w, mask, len(feats), cap)
            if len(fb) < o.min_embed_s * 100:
                continue
            strong = mask is solo and len(fb) >= o.strong_s * 100
            items.append(_Item(k, a, len(fb) / 100, strong, float(mine[:, a].sum()) * SEG_S))
            chunks.append(feats[fb])
    if progress:
        progress(0.6)
    if not items:
        return empty
    emb = embed_features(chunks)
    if progress:
        progress(0.9)
    labels, cents = cluster(
        emb,
        np.array([it.seconds for it in items]),
        np.array([it.talk_s for it in items]),
        np.array([it.window for it in items]),
        np.array([it.strong for it in items]),
        num_speakers,
        o.cluster,
    )

    # frame-level activity per speaker, from the owner window's local speakers
    who = np.full((len(windows), 3), -1, dtype=int)
    for it, lab in zip(items, labels, strict=True):
        who[it.window, it.local] = lab
    activity = np.zeros((len(cents), n_frames), dtype=bool)
    for k, w in enumerate(windows):
        sel = np.flatnonzero(owner == k)
        for a in range(3):
            if who[k, a] >= 0:
                activity[who[k, a], sel] |= w.active[local[sel], a]

    turns = _turns(activity, o)
    order = sorted({t.speaker for t in turns}, key=lambda s: min(t.start for t in turns if t.speaker == s))
    names = {int(s): f"S{i + 1}" for i, s in enumerate(order)}
    turns = [Turn(t.start, t.end, names[int(t.speaker)]) for t in turns]
    turns.sort(key=lambda t: (t.start, t.speaker))
    if progress:
        progress(1.0)
    return Diarization(turns, {names[int(s)]: cents[int(s)] for s in order})


def _turns(activity: np.ndarray, o: Options) -> list[Turn]:
    """Runs of active frames per speaker as turns (label = speaker index as a string)."""
    turns: list[Turn] = []
    half = seg.FRAME_STEP / 2
    for s, row in enumerate(activity):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(np.int8), [0]])))
        runs = []
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            start = (seg.FRAME_CENTRE + seg.FRAME_STEP * a - half) / SAMPLE_RATE
            end = (seg.FRAME_CENTRE + seg.FRAME_STEP * (b - 1) + half) / SAMPLE_RATE
            if runs and start - runs[-1][1] <= o.bridge_s:
                runs[-1][1] = end
            else:
                runs.append([start, end])
        turns += [Turn(round(a, 3), round(b, 3), str(s)) for a, b in runs if b - a >= o.min_turn_s]
    return turns
