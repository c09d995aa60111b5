"""Step 3: the pieces' voice embeddings grouped into the recording's speakers.

Pieces with enough speech get a CAM++ embedding and are clustered (clustering.py), with the
rule that two local speakers of one window talking at once are two people. Pieces too short
to embed take the speaker of the nearest piece of the same local speaker in the same window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .clustering import Grouping, cluster
from .embedding import Fbank, embed_frames
from .pieces import Piece

if TYPE_CHECKING:
    from .pipeline import Options


@dataclass
class Voices:
    """Who each piece is: speaker indices 0..n-1 and what they rest on."""

    labels: np.ndarray  # speaker index per piece; -1: none (not embedded, nothing to inherit)
    centroids: np.ndarray  # (speakers, EMBEDDING_DIM): each speaker's mean voice, L2-normalised
    embedded: np.ndarray  # bool per piece: it has an embedding of its own
    embeddings: np.ndarray  # (embedded pieces, EMBEDDING_DIM)
    grouping: Grouping  # the clustering's decision and its evidence (embedded pieces)

    @property
    def count(self) -> int:
        return len(self.centroids)


def find_voices(
    pieces: list[Piece],
    feats: Fbank,
    num_speakers: int | None,
    o: Options,
    progress: Callable[[float], None] | None = None,
    max_speakers: int | None = None,
    profile: np.ndarray | None = None,
) -> Voices:
    """Embed the pieces with enough speech, cluster them into speakers (num_speakers of
    them, if given; at most max_speakers; the user's voice recognised from `profile`) and
    give the others the speaker of their nearest piece."""
    embedded = np.array([p.seconds >= o.min_embed_s for p in pieces])
    sub = [p for p, e in zip(pieces, embedded, strict=True) if e]
    emb = embed_frames(feats, [p.frames for p in sub], progress=progress, model=o.embedding_model, channel=o.channel)
    labels = np.full(len(pieces), -1, dtype=int)
    grouping = cluster(
        emb,
        np.array([p.seconds for p in sub]),
        np.array([p.talk_s for p in sub]),
        np.array([p.strong for p in sub]),
        conflicts(sub),
        num_speakers,
        o.cluster,
        max_speakers=max_speakers,
        profile=profile,
        where=np.array([(p.window, p.local) for p in sub], dtype=int).reshape(-1, 2),
    )
    labels[embedded] = grouping.labels
    inherit(pieces, labels)
    return Voices(labels, grouping.centroids, embedded, emb, grouping)


def conflicts(pieces: list[Piece]) -> list[tuple[int, int]]:
    """Pairs of pieces (window order) that must be different people: two local speakers of
    one window talking at the same time."""
    out = []
    for i, a in enumerate(pieces):
        for j in range(i + 1, len(pieces)):
            b = pieces[j]
            if b.window != a.window:
                break
            if b.local != a.local and a.start < b.end and b.start < a.end:
                out.append((i, j))
    return out


def inherit(pieces: list[Piece], labels: np.ndarray) -> None:
    """Pieces without a speaker (-1) take the speaker of the nearest piece of the same local
    speaker in the same window (the segmentation model says it is the same voice)."""
    for i, p in enumerate(pieces):
        if labels[i] >= 0:
            continue
        near = [
            (abs(q.start - p.start), labels[j])
            for j, q in enumerate(pieces)
            if q.window == p.window and q.local == p.local and labels[j] >= 0
        ]
        if near:
            labels[i] = min(near)[1]
