"""The user's voice, known in advance: which groups of a recording's voice embeddings are
the user (verification against the profile, transcribe/speakers/profile.py).

The group that sounds most like the profile (its embeddings' mean cosine to the nearest of
the profile's occasions) is the user's voice when that score is at least `match`; other
groups join it when they too reach `match` and sit nearer the best score than the lowest
(voices that all resemble each other, such as synthetic ones, are not all the user). On real
voices with a profile from another occasion (other utterances, another microphone and room;
wideband even for a telephone recording) the user's groups scored 0.31-0.77 and other
people's -0.02-0.24 (bench/calibrate_speakers.py chooses `match` by cross-validation over
speakers). The user's groups become one speaker, whatever the blind evidence says; the
others stay for the count decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .clustering import _Groups


def merge_user(g: _Groups, score: np.ndarray, match: float) -> None:
    """Merge the groups of `g` that sound like the user (mean of `score`, each item's cosine
    to the profile) into one, and mark it as the user's (g.user)."""
    means = np.array([score[m].mean() for m in g.members])
    best = int(np.argmax(means))
    if means[best] < match:
        return
    mine = np.flatnonzero((means >= match) & (means >= (means[best] + means.min()) / 2))
    first = int(mine[0])
    g.user = first
    for j in sorted(mine[1:], reverse=True):
        g.merge(first, int(j))
