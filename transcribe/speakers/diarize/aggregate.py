"""Step 5: who talks in each of the recording's segmentation frames, from every window
covering it (pyannote style).

Each window's local speakers get the recording's speakers (a piece's own speaker where the
window decided, else the local speaker's majority speaker); their probabilities are averaged
over the covering windows with Hamming weights (the nearer a window's centre, the more it
counts), and a frame's speakers are the most probable ones, as many as the windows' weighted
mean count says, so that where two people talk at once both are talking (the talk-time
definition in listenwell.intervals).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import numpy as np

from . import segmentation as seg
from .pieces import Piece


def placement(w: seg.Window, n_frames: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where window w's frames fall among the recording's n_frames: their indices there,
    which of the window's frames those are (a mask), and how much each counts (Hamming: the
    nearer the window's centre, the more)."""
    n = len(w.active)
    g = w.offset + np.arange(n)
    keep = (g >= 0) & (g < n_frames)
    wt = np.hamming(n + 2)[1:-1]
    return g[keep], keep, wt[keep].astype(np.float32)


def frame_activity(windows: list[seg.Window], pieces: list[Piece], labels: np.ndarray, n_speakers: int,
                   n_frames: int) -> np.ndarray:
    """(n_speakers, n_frames) bool: who talks in each frame. `labels`: the speaker index of
    each piece (-1: none). Each window's local speakers' probabilities (its on/off activity
    where it has none) count for the speakers they stand for, weighted by `placement`; the
    number of speakers per frame is the weighted mean of the windows' counts."""
    score = np.zeros((n_speakers, n_frames), dtype=np.float32)
    count = np.zeros(n_frames, dtype=np.float32)
    wsum = np.zeros(n_frames, dtype=np.float32)
    for w, lab in zip(windows, _local_speakers(windows, pieces, labels), strict=True):
        val = w.probs if w.probs is not None else w.active.astype(np.float32)
        contrib = np.zeros((n_speakers, len(w.active)), dtype=np.float32)
        on = np.zeros((n_speakers, len(w.active)), dtype=bool)
        for a in range(seg.LOCAL_SPEAKERS):
            for s in np.unique(lab[:, a][lab[:, a] >= 0]):
                m = lab[:, a] == s
                contrib[s, m] = np.maximum(contrib[s, m], val[m, a])
                on[s, m] |= w.active[m, a]
        g, keep, wt = placement(w, n_frames)
        score[:, g] += wt * contrib[:, keep]
        count[g] += wt * on[:, keep].sum(axis=0)
        wsum[g] += wt
    wsum[wsum == 0] = 1.0
    score /= wsum
    k_frame = np.floor(count / wsum + 0.5).astype(int)
    rank = np.argsort(np.argsort(-score, axis=0, kind="stable"), axis=0)
    return (rank < k_frame) & (score > 0)


def _local_speakers(windows: list[seg.Window], pieces: list[Piece], labels: np.ndarray) -> Iterator[np.ndarray]:
    """Per window in turn, (frames, LOCAL_SPEAKERS): the speaker each local speaker stands for in
    each frame (-1: none). Where the window decided, a piece's own speaker; elsewhere the
    local speaker's majority speaker over its pieces (weighted by their talk)."""
    votes: dict[tuple[int, int], Counter] = {}
    mine: list[list[tuple[Piece, int]]] = [[] for _ in windows]
    for p, lab in zip(pieces, labels, strict=True):
        if lab >= 0:
            votes.setdefault((p.window, p.local), Counter())[int(lab)] += p.talk_s + 1e-3
            mine[p.window].append((p, int(lab)))
    for k, w in enumerate(windows):
        lab = np.full((len(w.active), seg.LOCAL_SPEAKERS), -1, dtype=int)
        for a in range(seg.LOCAL_SPEAKERS):
            if (k, a) in votes:
                lab[:, a] = votes[(k, a)].most_common(1)[0][0]
        for p, lb in mine[k]:
            lab[p.start : p.end, p.local] = lb
        yield lab


def speech_curve(windows: list[seg.Window], n_frames: int) -> np.ndarray:
    """Per frame of the recording, the probability that anyone talks, averaged over the
    windows covering it with the same Hamming weights as the speakers' activations."""
    total = np.zeros(n_frames, dtype=np.float32)
    wsum = np.zeros(n_frames, dtype=np.float32)
    for w in windows:
        g, keep, wt = placement(w, n_frames)
        total[g] += wt * w.speech_prob[keep]
        wsum[g] += wt
    return total / np.maximum(wsum, 1e-6)
