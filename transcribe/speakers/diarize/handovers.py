"""Step 6: a hand-over from one speaker to another that the embeddings placed (at a piece or
window edge: no window heard it) moves to the breath between the voices, the deepest dip in
speech probability within `snap_s`; with no dip there, to the longest pause between the
transcript's words in that reach (sentence ends, or pauses of `word_gap_s`), if words are
given. People hand over at a breath, between sentences, not inside a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from listenwell.transcribe.audio import SAMPLE_RATE

from . import segmentation as seg
from .pieces import speech_runs

if TYPE_CHECKING:
    from .pipeline import Options

KEEP_S = 0.2  # each side of a moved hand-over keeps at least this much of its speech
HEARD_NEAR_S = 0.25  # a hand-over this near a change a window heard is that change
FLOOR = 0.02  # a dip's floor: the frames at most this far above its deepest one
SENTENCE_ENDS = (".", "?", "!")


class Breaks(NamedTuple):
    """Where the transcript leaves room for a hand-over (ascending)."""

    frames: np.ndarray  # the recording's segmentation frame of each gap's middle
    pauses: np.ndarray  # each gap's length in seconds


def word_breaks(words: Sequence[tuple[float, float, str]], min_gap_s: float) -> Breaks:
    """The gaps between consecutive words (start, end, text) that follow a sentence end or
    last at least min_gap_s."""
    ws = sorted(words)
    gaps = [(a[1], b[0]) for a, b in zip(ws[:-1], ws[1:], strict=True)
            if a[2].rstrip(" \"')\u201d").endswith(SENTENCE_ENDS) or b[0] - a[1] >= min_gap_s]
    ends, starts = np.array(gaps, dtype=float).reshape(-1, 2).T
    frames = np.round(((ends + starts) / 2 * SAMPLE_RATE - seg.FRAME_CENTRE + seg.FRAME_STEP / 2) / seg.FRAME_STEP)
    return Breaks(frames.astype(int), np.maximum(starts - ends, 0.0))


def snap_handovers(activity: np.ndarray, speech: np.ndarray, heard: np.ndarray, o: Options,
                   breaks: Breaks | None = None) -> None:
    """Where one speaker alone hands over to another alone from one frame to the next in
    `activity` ((speakers, frames) bool, changed in place), move the hand-over to the deepest
    valley in `speech` (per frame) within snap_s of it (the middle of its floor; each side
    keeps at least KEEP_S), if it is at least snap_depth deep. Where a window heard a change
    of voice (`heard`: frames, within HEARD_NEAR_S), the model placed it: it moves no farther
    than snap_heard_s. Gaps shorter than a pause (pause_s) do not end a side: the dip may lie
    in one. A hand-over no window heard and with no such valley moves to the longest of the
    transcript's `breaks` in the same reach, if any (the nearest of equals)."""
    reach = int(round(o.snap_s / seg.FRAME_S))
    keep = int(round(KEEP_S / seg.FRAME_S))
    heard_near = int(round(HEARD_NEAR_S / seg.FRAME_S))
    at, pause = breaks if breaks is not None else (np.zeros(0, dtype=int), np.zeros(0))
    n_on = activity.sum(axis=0)
    who = np.argmax(activity, axis=0)
    for b in np.flatnonzero((n_on[:-1] == 1) & (n_on[1:] == 1) & (who[:-1] != who[1:])) + 1:
        # a move stays inside its own two sides, so it never touches the next hand-over
        x, y = int(who[b - 1]), int(who[b])
        r = reach
        was_heard = len(heard) > 0 and np.abs(heard - b).min() <= heard_near
        if was_heard:
            r = int(round(o.snap_heard_s / seg.FRAME_S))
            if r == 0:
                continue
        lo = max(_side(activity, n_on, x, b - 1, -1, r + keep, o.pause_s) + keep, b - r)
        hi = min(_side(activity, n_on, y, b, 1, r + keep, o.pause_s) + 1 - keep, b + r)
        if not lo <= b <= hi or hi - lo < 2:  # a blip of a voice, not a hand-over
            continue
        f = _deepest_dip(speech[lo:hi], o.snap_depth)
        if f is not None:
            f += lo
        else:  # no breath: the longest pause between words in reach (the nearest of equals)
            near = np.arange(*np.searchsorted(at, (lo, hi)))
            if was_heard or not len(near):
                continue
            f = int(at[near[np.lexsort((np.abs(at[near] - b), -pause[near]))[0]]])
        if f == b:
            continue
        a, z = (f, b) if f < b else (b, f)
        talk = n_on[a:z] > 0
        activity[x, a:z], activity[y, a:z] = (False, talk) if f < b else (talk, False)


def _side(activity: np.ndarray, n_on: np.ndarray, s: int, f: int, step: int, limit: int, pause_s: float) -> int:
    """From frame f (speaker s talking), the farthest frame in direction `step` (at most
    `limit` away) that s talks alone in, across no other voice and no pause."""
    gap = int(round(pause_s / seg.FRAME_S))
    last, g = f, f + step
    while (0 <= g < len(n_on) and abs(g - f) <= limit and n_on[g] <= 1
           and (activity[s, g] or n_on[g] == 0) and abs(g - last) <= gap):
        if activity[s, g]:
            last = g
        g += step
    return last


def _deepest_dip(stretch: np.ndarray, depth_min: float) -> int | None:
    """The middle of the floor of the deepest valley in `stretch`, if it is at least
    depth_min below the speech on both sides of it."""
    # how deep each frame lies below the speech on both sides of it (0 on a slope to the
    # range's edge): the deepest valley wins
    depth = np.minimum(np.maximum.accumulate(stretch), np.maximum.accumulate(stretch[::-1])[::-1]) - stretch
    i = int(np.argmax(depth))
    if depth[i] < depth_min:
        return None
    floor = speech_runs(stretch <= stretch[i] + FLOOR, 1)  # a flat floor: its middle
    return next((r0 + r1) // 2 for r0, r1 in floor if r0 <= i < r1)
