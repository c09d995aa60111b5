"""A small algebra of time intervals, in seconds, on which speaker statistics are built.

Talk time (used everywhere: turns, report, benchmarks): a speaker is talking while they
speak; pauses shorter than PAUSE_BRIDGE_S inside their speech count as talking, longer
pauses and silence do not; where two people speak at once, both are talking.
Share = one speaker's talk time / the sum of all speakers' talk times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

PAUSE_BRIDGE_S = 0.5

Interval = tuple[float, float]


def merge(intervals: Iterable[Interval], bridge: float = 0.0) -> list[Interval]:
    """Union of intervals, sorted; gaps shorter than `bridge` seconds are closed."""
    out: list[list[float]] = []
    for start, end in sorted((float(s), float(e)) for s, e in intervals if e > s):
        if out and (start <= out[-1][1] or start - out[-1][1] < bridge):
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def total(intervals: Iterable[Interval]) -> float:
    """Seconds covered by the union of intervals (overlaps counted once)."""
    return sum(e - s for s, e in merge(intervals))


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Intersection of two interval sets."""
    a, b = merge(a), merge(b)
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Parts of `a` not covered by `b`."""
    out: list[Interval] = []
    b = merge(b)
    for s, e in merge(a):
        cur = s
        for bs, be in b:
            if be <= cur or bs >= e:
                continue
            if bs > cur:
                out.append((cur, bs))
            cur = max(cur, be)
            if cur >= e:
                break
        if cur < e:
            out.append((cur, e))
    return out


def crop(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """The parts of intervals inside [start, end]. (Only the intervals that reach into the
    window are merged: a long list cropped many times stays fast.)"""
    return intersect([x for x in intervals if x[1] > start and x[0] < end], [(start, end)])


def gaps(intervals: Sequence[Interval], start: float, end: float) -> list[Interval]:
    """The stretches of [start, end] not covered by intervals."""
    return subtract([(start, end)], intervals)


def talk_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """One speaker's talking time: their speech with pauses under PAUSE_BRIDGE_S bridged."""
    return merge(intervals, bridge=PAUSE_BRIDGE_S)


def talk_time(by_speaker: dict[str, Iterable[Interval]]) -> dict[str, float]:
    """Talk time in seconds per speaker (see the module docstring for the definition)."""
    return {spk: total(talk_intervals(iv)) for spk, iv in by_speaker.items()}


def shares(talk: dict[str, float]) -> dict[str, float]:
    """Each speaker's share of the summed talk time (0 for everyone when nobody spoke)."""
    whole = sum(talk.values())
    return {spk: (t / whole if whole > 0 else 0.0) for spk, t in talk.items()}


def overlap(a: Interval, b: Interval) -> float:
    """Seconds two single intervals share."""
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
