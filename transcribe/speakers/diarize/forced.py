"""`--speakers N`: the user says how many voices there are, so the embeddings are split into
exactly that many, whatever the evidence of "same voice or not" (clustering.py, which
decides that when the count is not given) would say.

The split that separates them most: the embeddings centred on the recording's talk-weighted
mean (what all its voices share: room, microphone, language, a speech synthesiser), an
average-linkage tree (cosine) cut into N groups, refined by spherical k-means. Centring lets
voices that every raw cosine finds alike (two voices of one synthesiser) come apart; it is
also what splits one voice in two when there is only one, which is why it is used only when
the count is known.
"""

from __future__ import annotations

import numpy as np

from .embedding import normalise

MAX_TREE = 1500  # items the tree is built on (more: an even sample, the rest join the nearest)
ROUNDS = 20


def centre(emb: np.ndarray, weight: np.ndarray, mean: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The embeddings less the recording's (talk-weighted) mean, L2-normalised, and the mean."""
    if mean is None:
        mean = (emb * weight[:, None]).sum(0) / max(weight.sum(), 1e-9)
    return normalise(emb - mean), mean


def centroids(emb: np.ndarray, weight: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    w = np.maximum(weight, 1e-3)
    return normalise(np.stack([(emb[labels == c] * w[labels == c, None]).sum(0) for c in range(k)]))


def split(emb: np.ndarray, weight: np.ndarray, strong: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Speaker index of each strong item (n speakers, fewer only when there are fewer
    items), and how near every item is to each speaker (cosine in the centred space)."""
    from scipy.cluster.hierarchy import fcluster, linkage

    x, mean = centre(emb[strong], weight[strong])
    w = weight[strong]
    k = min(n, len(x))
    if k < 2:
        labels = np.zeros(len(x), dtype=int)
    else:
        idx = np.arange(len(x)) if len(x) <= MAX_TREE else np.unique(np.linspace(0, len(x) - 1, MAX_TREE).astype(int))
        start = np.unique(fcluster(linkage(x[idx], method="average", metric="cosine"), t=k, criterion="maxclust"),
                          return_inverse=True)[1]
        k = int(start.max()) + 1
        labels = np.argmax(x @ centroids(x[idx], w[idx], start, k).T, axis=1) if len(idx) < len(x) else start
        labels = np.unique(labels, return_inverse=True)[1]
        k = int(labels.max()) + 1
        for _ in range(ROUNDS):
            new = np.argmax(x @ centroids(x, w, labels, k).T, axis=1)
            if (new == labels).all() or len(np.unique(new)) < k:
                break
            labels = new
    cents = centroids(x, w, labels, int(labels.max()) + 1)
    return labels, centre(emb, weight, mean)[0] @ cents.T
