"""How sure the talk shares are: a margin in percentage points from how confidently each
stretch of speech was attributed, and the reasons when it is wide.

Each embedded piece relates to every speaker (clustering.py: about 1 to its own voice,
less to others); the gap between its best and second-best speaker says how sure its
attribution is. A logistic curve, fitted on the development set's tuning voices
(bench/calibrate_speakers.py), turns the gap into the chance that the piece went to the
wrong speaker. A piece that may be wrong moves its talk between two speakers, so per
speaker the expected net move (bias) and its spread add up over the pieces; the margin is
the bias plus 1.64 spreads (90 %), plus the speech detection's own error (`FLOOR_PP`, the
share error left when every piece is attributed right), plus the speech of brief groups
that were folded into a voice for their brevity, not for sounding like it (relation below
`same_voice`: they may be another person).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Curve:
    """P(wrong) = 1 / (1 + exp((gap - mid) / scale)), fitted by bench/calibrate_speakers.py."""

    mid: float
    scale: float


# Each band has its own curve: over a telephone line the embeddings are compared without the
# line (channel.py) and groups merge from `phone_same_voice`, so the same gap means another
# thing. Wideband: the tuning voices' wideband recordings (1619 pieces, 2.8 % of them wrong);
# telephone: every tuning recording over the band (`--telephone`; 2452 pieces, 5.7 % wrong).
WIDEBAND = Curve(0.175, 0.096)
TELEPHONE = Curve(-0.191, 0.191)
# added for where turns start and end (speech detection); the calibration found the margin
# without it already covering 90 % of the tuning recordings (telephone: 0.02 pp short)
FLOOR_PP = 0.0
Z90 = 1.64
ALIKE = 0.5  # relation between two speakers from which their voices count as alike


@dataclass
class Certainty:
    margin_pp: float
    reasons: list[str] = field(default_factory=list)


def wrong_chance(scores: np.ndarray, labels: np.ndarray, curve: Curve = WIDEBAND) -> tuple[np.ndarray, np.ndarray]:
    """Per item: the chance its speaker is wrong, and its second-best speaker."""
    if scores.shape[1] < 2:
        return np.zeros(len(labels)), np.zeros(len(labels), dtype=int)
    rows = np.arange(len(labels))
    own = scores[rows, labels]
    other = scores.copy()
    other[rows, labels] = -np.inf
    second = np.argmax(other, axis=1)
    gap = own - other[rows, second]
    return 1.0 / (1.0 + np.exp(np.clip((gap - curve.mid) / curve.scale, -50, 50))), second


def certainty(scores: np.ndarray, labels: np.ndarray, talk: np.ndarray, relation: np.ndarray,
              unsure_s: float, curve: Curve = WIDEBAND) -> Certainty:
    """The margin of every speaker's share and why it is wide. scores: (items, speakers),
    how much each embedded piece relates to each speaker; labels: its speaker; talk: the
    seconds of the recording it stands for; relation: (speakers, speakers); unsure_s:
    speech of brief groups folded into a voice without sounding like it."""
    total = float(talk.sum())
    if total <= 0:
        return Certainty(0.0)
    k = scores.shape[1]
    p, second = wrong_chance(scores, labels, curve)
    worst = 0.0
    for s in range(k):
        out, into = labels == s, (second == s) & (labels != s)
        bias = float((p[out] * talk[out]).sum() - (p[into] * talk[into]).sum())
        spread = float(np.sqrt((p[out | into] * (1 - p[out | into]) * talk[out | into] ** 2).sum()))
        worst = max(worst, abs(bias) + Z90 * spread)
    margin = 100 * (worst + unsure_s) / total + FLOOR_PP
    reasons = []
    if k > 1 and np.isfinite(relation).any() and float(relation[np.isfinite(relation)].max()) >= ALIKE:
        reasons.append("voices alike")
    if unsure_s > 0:
        reasons.append("a voice heard only briefly")
    return Certainty(round(margin, 1), reasons)
