"""Group the local speakers of all windows into the recording's speakers.

1. The embeddings that rest on enough speech are centred on their recording's mean, then
   split by agglomerative clustering (average linkage, cosine) refined by k-means, into
   the number of groups that separates most clearly (silhouette), or `num_speakers` groups
   when the caller knows it. One speaker when no split is clear.
2. Clusters that hold too little speech to be a voice of their own are folded into the
   nearest one.
3. Every item, weak or strong, then takes the nearest speaker, with the rule that two
   items heard at the same time are two different people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .embedding import normalise


@dataclass
class Params:
    same_voice: float = 0.3  # raw cosine distance (average linkage) below which all is one voice
    distinct: float = 0.6  # ... above which there are surely two voices
    min_silhouette: float = 0.2  # in between, a split into two must be at least this clear
    max_speakers: int = 6
    min_speaker_s: float = 3.0  # a cluster with less speech than this is not a speaker
    min_speaker_frac: float = 0.02  # ... nor one with less than this share of all speech


MAX_TREE = 1500  # items the agglomerative tree is built on (more: an even sample of them)


def _centroids(emb: np.ndarray, weight: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    w = np.maximum(weight, 1e-3)  # weak items still count a little
    return normalise(np.stack([(emb[labels == c] * w[labels == c, None]).sum(0) for c in range(k)]))


def _relabel(labels: np.ndarray) -> tuple[np.ndarray, int]:
    uniq, inv = np.unique(labels, return_inverse=True)
    return inv, len(uniq)


def _centre(emb: np.ndarray, weight: np.ndarray, mean: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Remove what all voices of this recording share (room, microphone, language, and for
    synthetic voices the synthesiser), so that what tells the speakers apart dominates."""
    if mean is None:
        mean = (emb * weight[:, None]).sum(0) / max(weight.sum(), 1e-9)
    return normalise(emb - mean), mean


def _kmeans(emb: np.ndarray, weight: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Spherical k-means from an agglomerative start (average linkage alone tends to cut
    off a few odd embeddings instead of splitting the voices)."""
    for _ in range(20):
        cents = _centroids(emb, weight, labels, k)
        new = np.argmax(emb @ cents.T, axis=1)
        if (new == labels).all() or len(np.unique(new)) < k:
            break
        labels = new
    return labels


def silhouette(emb: np.ndarray, weight: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Talk-weighted mean silhouette with cosine distances (how clearly the groups separate)."""
    if k < 2:
        return -1.0
    onehot = np.eye(k)[labels] * weight[:, None]
    mass = onehot.sum(0)
    # (n, k) weighted cosine-distance sums to each cluster, without the (n, n) distance
    # matrix (two hours of speech: thousands of items, hundreds of MB)
    sums = mass[None, :] - emb @ (emb.T @ onehot)
    own = sums[np.arange(len(emb)), labels]
    own_mass = mass[labels] - weight
    a = np.where(own_mass > 0, own / np.maximum(own_mass, 1e-9), 0.0)
    other = sums / np.maximum(mass, 1e-9)
    other[np.arange(len(emb)), labels] = np.inf
    b = other.min(axis=1)
    sil = np.where(own_mass > 0, (b - a) / np.maximum(np.maximum(a, b), 1e-9), 0.0)
    return float((sil * weight).sum() / weight.sum())


Tree = tuple[np.ndarray, np.ndarray]  # scipy linkage matrix, and the rows it was built on


def _tree(x: np.ndarray) -> Tree:
    """Average-linkage tree (cosine) of the rows of x, or of MAX_TREE of them spread evenly
    over the recording: the tree needs n^2/2 distances (a 2-hour interview: ~4500 items,
    80 MB per copy) and only seeds k-means, which then sees every item."""
    from scipy.cluster.hierarchy import linkage

    idx = np.arange(len(x)) if len(x) <= MAX_TREE else np.unique(np.linspace(0, len(x) - 1, MAX_TREE).astype(int))
    return linkage(x[idx], method="average", metric="cosine"), idx


def _partition(emb: np.ndarray, weight: np.ndarray, tree: Tree, k: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    z, idx = tree
    labels, k = _relabel(fcluster(z, t=k, criterion="maxclust") - 1)
    if len(idx) < len(emb):  # the tree saw a sample: every item starts at its nearest group
        labels = np.argmax(emb @ _centroids(emb[idx], weight[idx], labels, k).T, axis=1)
        labels, k = _relabel(labels)
    return _kmeans(emb, weight, labels, k)


def _count_and_partition(raw: np.ndarray, emb: np.ndarray, weight: np.ndarray, num_speakers: int | None, p: Params,
                         two_heard: bool = True) -> np.ndarray:
    """Speaker index per embedding (`emb`: centred, `raw`: as the model gave them)."""
    if len(emb) < 2:
        return np.zeros(len(emb), dtype=int)
    z = _tree(emb)
    if num_speakers is not None:
        return _partition(emb, weight, z, min(num_speakers, len(emb)))
    z_raw = _tree(raw)
    sils, parts = {}, {}
    for k in range(2, min(p.max_speakers, len(emb)) + 1):
        # two candidate splits: the centred one finds voices that differ little (all
        # synthetic, or one room), the raw one a small group of a clearly different voice
        for cand in (_partition(emb, weight, z, k), _partition(raw, weight, z_raw, k)):
            sil = silhouette(emb, weight, cand, len(np.unique(cand)))
            if k not in sils or sil > sils[k]:
                parts[k], sils[k] = cand, sil
    raw_top = z_raw[0][-1, 2]
    if raw_top < p.same_voice or (sils[2] < p.min_silhouette and raw_top < p.distinct):
        return np.zeros(len(emb), dtype=int)  # one voice: no split is clear
    if not two_heard and raw_top < p.distinct:
        # The segmentation model never heard two people in one window and the voices are
        # not clearly different: the split would follow one voice's own variation (seen on
        # one-person recordings of synthetic voices; real far-field pairs are far apart).
        return np.zeros(len(emb), dtype=int)
    k = 2  # the first peak of the silhouette: another speaker only while the split gets clearer
    while k + 1 in sils and sils[k + 1] > sils[k]:
        k += 1
    return parts[k]


def cluster(
    emb: np.ndarray,
    weight: np.ndarray,
    talk: np.ndarray,
    strong: np.ndarray,
    conflicts: list[tuple[int, int]],
    num_speakers: int | None = None,
    params: Params | None = None,
    two_heard: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Speaker index per embedding and the speakers' centroids (mean raw embeddings).

    emb: (n, d) L2-normalised; weight: seconds of speech behind each; talk: seconds of the
    recording each item adds; strong: which rest on enough speech to shape the clusters;
    conflicts: pairs of items heard at the same time (different people); two_heard: whether
    the segmentation model heard two people within one of its windows anywhere."""
    p = params or Params()
    if not strong.any():
        strong = np.ones(len(emb), dtype=bool)
    se, sw, st = emb[strong], weight[strong], talk[strong]
    centred, mean = _centre(se, sw)
    labels, k = _relabel(_count_and_partition(se, centred, sw, num_speakers, p, two_heard))
    if num_speakers is None and k > 1:
        labels, k = _fold_small(centred, sw, st, labels, k, p)
    all_centred, _ = _centre(emb, weight, mean)
    cents = _centroids(centred, sw, labels, k)
    sims = all_centred @ cents.T
    final = _resolve(sims, np.argmax(sims, axis=1), conflicts)
    return final, _centroids(emb, weight, final, k)


def nearest(emb: np.ndarray, weight: np.ndarray, strong: np.ndarray, labels: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The speaker each of the `new` embeddings is nearest to, in the space the clusters of
    `emb` (labelled `labels`) were found in: centred on the strong embeddings' mean."""
    if not strong.any():
        strong = np.ones(len(emb), dtype=bool)
    k = int(labels.max()) + 1
    centred, mean = _centre(emb[strong], weight[strong])
    cents = _centroids(centred, weight[strong], labels[strong], k)
    return np.argmax(_centre(new, weight[:0], mean)[0] @ cents.T, axis=1)


def _fold_small(emb: np.ndarray, weight: np.ndarray, talk: np.ndarray, labels: np.ndarray, k: int,
                p: Params) -> tuple[np.ndarray, int]:
    """Clusters with too little talk folded into the nearest other one, smallest first."""
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


def _resolve(sims: np.ndarray, labels: np.ndarray, conflicts: list[tuple[int, int]]) -> np.ndarray:
    """Two items heard at the same time are two people: the less sure one moves to its
    next-best speaker."""
    if sims.shape[1] < 2:
        return labels
    for i, j in conflicts:
        if labels[i] == labels[j]:
            c = labels[i]
            worse = i if sims[i, c] < sims[j, c] else j
            order = np.argsort(-sims[worse])
            labels[worse] = order[1] if order[0] == c else order[0]
    return labels
