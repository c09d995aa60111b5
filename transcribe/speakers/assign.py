"""Path 4: give every word and segment of a transcript its speaker, from speaker turns.

A word belongs to the speaker active at its midpoint; where no turn covers the midpoint
(the speech detector and the recogniser disagree a little at the edges), to the nearest
turn. Where two people overlap at the midpoint, the turn covering more of the word wins,
except that a back-channel word ("mm-hm", "yeah") goes to the short turn that holds it:
it is the listener's. A segment whose words change speaker is split at each change.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from listenwell.intervals import overlap
from listenwell.records import Segment, Turn, Word

BACKCHANNEL_WORDS = frozenset(
    "mm mhm mm-hm mmhm hm hmm uh-huh uhhuh uh huh yeah yes yep right okay ok sure "  # noqa: SIM905
    "wow oh ah aha exactly true".split()
)
SHORT_TURN_S = 1.5  # a turn this short that holds a back-channel word is the listener's
_LOOKBACK = 64  # turns that start before a time and may still cover it


def _norm(word: str) -> str:
    return re.sub(r"[^a-z'-]", "", word.lower()).strip("-'")


class TurnIndex:
    """Speaker lookup by time over a list of turns (which may overlap)."""

    def __init__(self, turns: list[Turn]):
        self.turns = sorted(turns, key=lambda t: (t.start, t.end))
        self.starts = [t.start for t in self.turns]

    def _near(self, t: float) -> list[Turn]:
        i = bisect.bisect_right(self.starts, t)
        return self.turns[max(0, i - _LOOKBACK) : i + 1]

    def speaker(self, start: float, end: float, text: str = "") -> str | None:
        """Who said the word spanning [start, end]; None when there are no turns."""
        if not self.turns:
            return None
        mid = (start + end) / 2
        near = self._near(mid)
        active = [t for t in near if t.start <= mid <= t.end]
        if not active:  # nearest turn by distance from the word's midpoint
            near = near or self.turns
            return min(near, key=lambda t: max(t.start - mid, mid - t.end, 0.0)).speaker
        if len(active) == 1:
            return active[0].speaker
        if _norm(text) in BACKCHANNEL_WORDS:
            short = [t for t in active if t.duration <= SHORT_TURN_S]
            if short:
                return min(short, key=lambda t: t.duration).speaker
        return max(active, key=lambda t: (round(overlap((start, end), (t.start, t.end)), 3), t.duration)).speaker


def assign(segments: list[Segment], turns: list[Turn]) -> list[Segment]:
    """New segments with a speaker on every word and segment, split where the speaker
    changes inside one; ids are renumbered from 0 in order."""
    index = TurnIndex(turns)
    out: list[Segment] = []
    for seg in segments:
        if not seg.words:
            out.append(replace(seg, speaker=index.speaker(seg.start, seg.end, seg.text)))
            continue
        words = [replace(w, speaker=index.speaker(w.start, w.end, w.word)) for w in seg.words]
        runs: list[list[Word]] = []
        for w in words:
            if runs and runs[-1][-1].speaker == w.speaker:
                runs[-1].append(w)
            else:
                runs.append([w])
        if len(runs) == 1:
            out.append(replace(seg, words=words, speaker=words[0].speaker))
            continue
        for k, run in enumerate(runs):
            out.append(replace(
                seg,
                start=seg.start if k == 0 else run[0].start,
                end=seg.end if k == len(runs) - 1 else run[-1].end,
                text="".join(w.word for w in run).strip(),
                words=run,
                speaker=run[0].speaker,
            ))
    for i, seg in enumerate(out):
        seg.id = i
    return out
