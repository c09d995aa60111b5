"""Step 2: every local speaker's speech as pieces, each with the fbank frames its voice
embedding rests on.

A window decides the frames nearer its centre than any other window's (`owned_ranges`), so
each piece has context on both sides. A local speaker's speech there is cut into runs at
pauses, runs into pieces of at most `piece_s`, and each piece is embedded from the frames of
its run nearest it where that local speaker talks alone (at most `embed_s` seconds), so that
short pieces still get a full embedding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from . import segmentation as seg
from .features import FBANK_FRAMES_PER_S, FRAME_LENGTH, FRAME_SHIFT

if TYPE_CHECKING:
    from .pipeline import Options


def _no_frames() -> np.ndarray:
    return np.zeros(0, dtype=int)


@dataclass(eq=False)
class Piece:
    """One piece of a local speaker's speech in the part of the recording its window decides."""

    window: int  # index of its window
    local: int  # its local speaker in that window
    start: int  # first segmentation frame of the piece, in its window's frames
    end: int  # one past the last
    talk_s: float  # speech the piece adds to the recording
    run: tuple[int, int]  # [start, end) of the run of the local speaker's speech it belongs to
    frames: np.ndarray = field(default_factory=_no_frames)  # fbank frames its embedding rests on
    strong: bool = False  # its embedding rests on enough lone speech to shape the clusters

    @property
    def seconds(self) -> float:
        """Speech its embedding rests on."""
        return len(self.frames) / FBANK_FRAMES_PER_S


def owned_ranges(windows: list[seg.Window], n_frames: int) -> list[tuple[int, int]]:
    """Per window, the [start, end) of its frames that it decides: those of the recording's
    n_frames whose centre lies nearer its centre than any other window's."""
    centres = seg.FRAME_CENTRE + seg.FRAME_STEP * np.arange(n_frames)
    wcentre = np.array([w.start + seg.WINDOW / 2 for w in windows])
    owner = np.searchsorted((wcentre[1:] + wcentre[:-1]) / 2, centres)  # ascending
    starts = np.array([w.start for w in windows])[owner]
    lengths = np.array([len(w.active) for w in windows])[owner]
    local = np.clip(np.rint((centres - starts - seg.FRAME_CENTRE) / seg.FRAME_STEP), 0, lengths - 1).astype(int)
    bounds = np.searchsorted(owner, np.arange(len(windows) + 1))
    out = []
    for k in range(len(windows)):
        owned = local[bounds[k] : bounds[k + 1]]
        out.append((int(owned[0]), int(owned[-1]) + 1) if len(owned) else (0, 0))
    return out


def speech_runs(mask: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """[start, end) runs of True, gaps shorter than `bridge` frames closed."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    runs: list[list[int]] = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if runs and a - runs[-1][1] < bridge:
            runs[-1][1] = int(b)
        else:
            runs.append([int(a), int(b)])
    return [(a, b) for a, b in runs]


def split_run(c0: int, c1: int, piece_s: float) -> list[tuple[int, int]]:
    """Frames [c0, c1) (a run's part its window decides) cut into equal pieces of at most piece_s."""
    n = max(1, int(np.ceil((c1 - c0) * seg.FRAME_S / piece_s)))
    bounds = np.linspace(c0, c1, n + 1).round().astype(int)
    return [(int(x), int(y)) for x, y in zip(bounds[:-1], bounds[1:], strict=True) if y > x]


def embedding_frames(w: seg.Window, mask: np.ndarray, n_fbank: int, cap: int, centre: float) -> np.ndarray:
    """Fbank frame indices inside window `w` whose centre lies in a masked segmentation
    frame, at most `cap` of them, nearest segmentation frame `centre`, in time order."""
    lo, hi = np.flatnonzero(mask)[[0, -1]]
    first = max(0, (w.start + seg.FRAME_CENTRE + seg.FRAME_STEP * lo - FRAME_LENGTH) // FRAME_SHIFT)
    last = min(n_fbank, (w.start + seg.FRAME_CENTRE + seg.FRAME_STEP * hi) // FRAME_SHIFT + 1)
    fb = np.arange(first, max(first, last))
    pos = (fb * FRAME_SHIFT + FRAME_LENGTH // 2 - w.start - seg.FRAME_CENTRE) / seg.FRAME_STEP
    fb = fb[mask[np.clip(np.rint(pos), 0, len(mask) - 1).astype(int)]]
    if len(fb) > cap:
        mid = (w.start + seg.FRAME_CENTRE + seg.FRAME_STEP * centre - FRAME_LENGTH / 2) / FRAME_SHIFT
        fb = np.sort(fb[np.argsort(np.abs(fb - mid), kind="stable")[:cap]])
    return fb


def piece_frames(w: seg.Window, run: np.ndarray, alone: np.ndarray, centre: float, n_fbank: int,
                 o: Options) -> tuple[np.ndarray, bool]:
    """The fbank frames a piece centred on segmentation frame `centre` is embedded from: the
    speech of its `run` (a mask of window frames) nearest it, where its local speaker talks
    `alone` if that is enough; and whether the embedding is strong enough to shape the clusters."""
    for mask in (run & alone, run):
        if mask.sum() * seg.FRAME_S >= o.min_embed_s:
            fb = embedding_frames(w, mask, n_fbank, int(o.embed_s * FBANK_FRAMES_PER_S), centre)
            return fb, mask is not run and len(fb) >= o.strong_s * FBANK_FRAMES_PER_S
    return _no_frames(), False


def make_pieces(windows: list[seg.Window], owned: list[tuple[int, int]], n_fbank: int, o: Options) -> list[Piece]:
    """Every piece of every local speaker's speech in the part each window decides (`owned`,
    from owned_ranges), in window order, with the fbank frames its embedding rests on."""
    pieces: list[Piece] = []
    bridge = int(round(o.pause_s / seg.FRAME_S))
    for k, w in enumerate(windows):
        lo, hi = owned[k]
        alone = w.active.sum(axis=1) == 1
        for a in range(seg.LOCAL_SPEAKERS):
            for r0, r1 in speech_runs(w.active[:, a], bridge):
                c0, c1 = max(r0, lo), min(r1, hi)  # the part this window decides
                if c1 <= c0:
                    continue
                run = np.zeros(len(w.active), dtype=bool)
                run[r0:r1] = w.active[r0:r1, a]
                for p0, p1 in split_run(c0, c1, o.piece_s):
                    talk = float(run[p0:p1].sum()) * seg.FRAME_S
                    fb, strong = piece_frames(w, run, alone, (p0 + p1) / 2, n_fbank, o)
                    pieces.append(Piece(k, a, p0, p1, talk, (r0, r1), fb, strong))
    return pieces
