"""Group the local speakers of all windows into the recording's speakers.

1. Agglomerative clustering (average linkage, cosine distance) of the embeddings that rest
   on enough speech finds the number of speakers by a distance threshold, or cuts at
   `num_speakers` when the caller knows it.
2. Clusters that hold too little speech to be a voice of their own are folded into the
   nearest one; two clusters that are alike and never talk within the same 10 s window
   are one speaker heard differently (the segmentation model would have told two
   people apart there): this keeps a dominant speaker from being split.
3. Every local speaker, weak or strong, then takes the nearest speaker, with the rule that
   two local speakers of one window are two different speakers (best joint assignment).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import permutations

import numpy as np

from .embedding import normalise


@dataclass
class Params:
    threshold: float = 0.4  # cosine distance at which two groups are different speakers
    min_speaker_s: float = 3.0  # a cluster with less speech than this is not a speaker
    min_speaker_frac: float = 0.02  # ... nor one with less than this share of all speech
    same_voice_sim: float = 0.45  # alike enough to merge when never heard together


def _ahc(emb: np.ndarray, threshold: float, n: int | None) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(emb) == 1:
        return np.zeros(1, dtype=int)
    z = linkage(emb, method="average", metric="cosine")
    if n is not None:
        labels = fcluster(z, t=min(n, len(emb)), criterion="maxclust")
    else:
        labels = fcluster(z, t=threshold, criterion="distance")
    return labels - 1


def _centroids(emb: np.ndarray, weight: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return normalise(np.stack([(emb[labels == c] * weight[labels == c, None]).sum(0) for c in range(k)]))


def _relabel(labels: np.ndarray) -> tuple[np.ndarray, int]:
    uniq, inv = np.unique(labels, return_inverse=True)
    return inv, len(uniq)


def cluster(
    emb: np.ndarray,
    weight: np.ndarray,
    talk: np.ndarray,
    window: np.ndarray,
    strong: np.ndarray,
    num_speakers: int | None = None,
    params: Params | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Speaker index per embedding (-1: none) and the speakers' centroids.

    emb: (n, d) L2-normalised; weight: seconds of speech behind each; talk: seconds of the
    recording each local speaker talks (decided by its window); window: the window each came from; strong: which rest on enough speech to shape the clusters."""
    p = params or Params()
    if len(emb) == 0:
        return np.zeros(0, dtype=int), np.zeros((0, emb.shape[1] if emb.ndim == 2 else 192))
    if not strong.any():
        strong = np.ones(len(emb), dtype=bool)
    se, sw, swin = emb[strong], weight[strong], window[strong]
    talk = talk[strong]
    labels, k = _relabel(_ahc(se, p.threshold, num_speakers))

    if num_speakers is None and k > 1:
        labels, k = _fold_small(se, sw, talk, labels, k, p)
        labels, k = _merge_never_together(se, sw, swin, labels, k, p)
    cents = _centroids(se, sw, labels, k)
    return assign(emb, window, cents), cents


def _fold_small(emb, weight, talk, labels, k, p: Params):
    while k > 1:
        mass = np.bincount(labels, weights=talk, minlength=k)
        small = np.flatnonzero((mass < p.min_speaker_s) | (mass < p.min_speaker_frac * mass.sum()))
        if len(small) == 0:
            break
        c = small[np.argmin(mass[small])]
        cents = _centroids(emb, weight, labels, k)
        sims = cents @ cents[c]
        sims[c] = -np.inf
        labels[labels == c] = int(np.argmax(sims))
        labels, k = _relabel(labels)
    return labels, k


def _merge_never_together(emb, weight, window, labels, k, p: Params):
    while k > 1:
        cents = _centroids(emb, weight, labels, k)
        sims = cents @ cents.T
        together = np.zeros((k, k), dtype=bool)
        for w in np.unique(window):
            cs = np.unique(labels[window == w])
            together[np.ix_(cs, cs)] = True
        sims[together] = -np.inf
        np.fill_diagonal(sims, -np.inf)
        a, b = np.unravel_index(np.argmax(sims), sims.shape)
        if sims[a, b] < p.same_voice_sim:
            break
        labels[labels == b] = a
        labels, k = _relabel(labels)
    return labels, k


def assign(emb: np.ndarray, window: np.ndarray, cents: np.ndarray) -> np.ndarray:
    """Nearest speaker per embedding; local speakers of one window get distinct speakers
    (while there are enough speakers), chosen to maximise the summed similarity."""
    labels = np.full(len(emb), -1, dtype=int)
    if len(cents) == 0:
        return labels
    sims = emb @ cents.T
    for w in np.unique(window):
        idx = np.flatnonzero(window == w)
        if len(idx) == 1 or len(idx) > len(cents):
            labels[idx] = np.argmax(sims[idx], axis=1)
            continue
        best, best_score = None, -np.inf
        for perm in permutations(range(len(cents)), len(idx)):
            score = sims[idx, perm].sum()
            if score > best_score:
                best, best_score = perm, score
        labels[idx] = best
    return labels
