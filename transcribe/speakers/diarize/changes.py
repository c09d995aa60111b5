"""Step 4: where the segmentation model heard two voices as one local speaker and an
overlapping window heard the change, the pieces whose embedding straddles it are cut there,
and each part takes the nearest of the speakers already found (the clusters stay as they are).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import segmentation as seg
from .clustering import nearest
from .embedding import Fbank, embed_frames
from .features import FRAME_LENGTH, FRAME_SHIFT
from .pieces import Piece, piece_frames
from .voices import Voices

if TYPE_CHECKING:
    from .pipeline import Options

NEAR_S = 0.5  # a voice within this of a local speaker's start or stop makes it a change of voice


def heard_changes(windows: list[seg.Window], near_s: float = NEAR_S) -> list[np.ndarray]:
    """Per window, the recording's frames where one of its local speakers starts or stops
    while another talks within near_s: a change of voice the segmentation model heard."""
    near = int(round(near_s / seg.FRAME_S))
    changes: list[np.ndarray] = []
    for w in windows:
        talk = w.active.astype(np.int8)
        edges = np.abs(np.diff(talk, axis=0))  # (frames - 1, LOCAL_SPEAKERS): a local speaker starts or stops
        out = []
        for f, a in zip(*np.nonzero(edges), strict=True):
            lo, hi = max(0, f + 1 - near), min(len(talk), f + 1 + near)
            if np.delete(talk[lo:hi], a, axis=1).any():
                out.append(f + 1)
        changes.append(np.array(out, dtype=int) + w.offset)
    return changes


def change_cuts(windows: list[seg.Window], changes: list[np.ndarray], near_s: float = NEAR_S) -> list[np.ndarray]:
    """Per window, the frames (its own) where an overlapping window hears one local speaker
    stop or start while another one talks within near_s (`changes`, from heard_changes), and
    this window hears one voice going on (one local speaker alone throughout near_s around
    it): a change of voice this window may have merged."""
    near = int(round(near_s / seg.FRAME_S))
    starts = np.array([w.start for w in windows])
    result = []
    for k, w in enumerate(windows):
        lo, hi = np.searchsorted(starts, [w.start - seg.WINDOW + 1, w.start + seg.WINDOW])  # overlapping ones
        other = [changes[j] for j in range(lo, hi) if j != k]
        f = (np.concatenate(other) if other else np.zeros(0, dtype=int)) - w.offset
        f = np.unique(f[(f > 0) & (f < len(w.active))])
        one = [bool((w.active[max(0, x - near) : x + near].sum(axis=1) == 1).all()) for x in f]
        f = f[np.array(one, dtype=bool)] if len(f) else f
        # edges within near_s of each other are one change heard unsteadily: its middle
        groups = np.split(f, np.flatnonzero(np.diff(f) > near) + 1) if len(f) else []
        result.append(np.array([int(round(g.mean())) for g in groups], dtype=int))
    return result


def split_at_changes(
    windows: list[seg.Window],
    heard: list[np.ndarray],
    pieces: list[Piece],
    voices: Voices,
    feats: Fbank,
    o: Options,
) -> tuple[list[Piece], np.ndarray]:
    """The pieces, those whose embedding spans a change of voice heard by an overlapping
    window (`heard`, from heard_changes) cut there, and a speaker for each: a part embedded
    strongly enough from its own side of the change takes the nearest of `voices`, unless
    another local speaker of its window talks at the same time as that speaker."""
    cuts = change_cuts(windows, heard)
    out: list[Piece] = []
    labels: list[int] = []
    again: list[int] = []  # the parts (indices in out) embedded again
    for p, lab in zip(pieces, voices.labels, strict=True):
        for part, strong in _cut(p, int(lab), windows[p.window], cuts[p.window], len(feats), o):
            if strong:  # as sure as the embeddings that shaped the clusters; else as it was
                again.append(len(out))
            out.append(part)
            labels.append(int(lab))
    if again:
        new = embed_frames(feats, [out[i].frames for i in again], model=o.embedding_model, channel=o.channel)
        weight = np.array([p.seconds for p in pieces])[voices.embedded]
        best = nearest(voices.grouping, voices.embeddings, weight, new)
        by_window: dict[int, list[tuple[Piece, int]]] = {}
        for p, lab in zip(pieces, voices.labels, strict=True):
            by_window.setdefault(p.window, []).append((p, int(lab)))
        for i, b in zip(again, best, strict=True):
            q = out[i]
            # two local speakers heard at the same time are two people
            busy = {lab for p, lab in by_window[q.window] if p.local != q.local and p.start < q.end and q.start < p.end}
            if b not in busy:
                labels[i] = int(b)
    return out, np.array(labels, dtype=int)


def _cut(p: Piece, label: int, w: seg.Window, cuts: np.ndarray, n_fbank: int, o: Options) -> list[tuple[Piece, bool]]:
    """Piece p of window w cut at the window's `cuts` inside its run, where its embedding
    draws on both sides of one (else p as it is), each part with whether it is to be embedded
    again."""
    inner = cuts[(cuts > p.run[0]) & (cuts < p.run[1])]
    at = (w.start + seg.FRAME_CENTRE + seg.FRAME_STEP * inner - FRAME_LENGTH // 2) / FRAME_SHIFT
    fb = p.frames
    if label < 0 or len(fb) == 0 or not ((at > fb[0]) & (at < fb[-1])).any():
        return [(p, False)]
    alone = w.active.sum(axis=1) == 1
    edges = [p.run[0], *inner.tolist(), p.run[1]]
    parts = []
    for s0, s1 in zip(edges[:-1], edges[1:], strict=True):
        q0, q1 = max(s0, p.start), min(s1, p.end)
        if q1 <= q0:
            continue
        side = np.zeros(len(w.active), dtype=bool)
        side[s0:s1] = w.active[s0:s1, p.local]
        frames, strong = piece_frames(w, side, alone, (q0 + q1) / 2, n_fbank, o)
        talk = float(side[q0:q1].sum()) * seg.FRAME_S
        parts.append((Piece(p.window, p.local, q0, q1, talk, (s0, s1), frames), strong))
    return parts
