"""What the capture's writer knows about one input stream: the frames it delivered, the
frames it lost (from the times its blocks were captured), and its level."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

LOSS_WINDOW_S = 3.0  # windows over which capture times are compared to count lost frames
LOSS_TOLERANCE_S = 0.05  # shortfalls under this are timing jitter, not lost audio


def dbfs(x: float) -> float:
    return 20 * math.log10(x / 32768) if x > 0 else -120.0


@dataclass
class Source:
    """What the writer knows about one input stream."""

    name: str
    received: int = 0  # frames delivered by the callback
    pending: list[np.ndarray] = field(default_factory=list)
    pending_frames: int = 0
    first_at: float | None = None  # monotonic time the first block arrived
    start_est: float = math.inf  # monotonic time of the stream's first sample (min estimate)
    win_min: float = math.inf  # the same estimate over the current window, for lost frames
    win_frames: int = 0
    last_win_min: float = math.inf
    overflows: int = 0
    padded: int = 0  # frames of silence inserted for alignment or a stalled stream
    debt: int = 0  # frames padded during a stall, dropped again if the late audio turns up
    dropped: int = 0
    last_at: float = 0.0  # monotonic time its last block was taken
    peak: float = 0.0  # since the display last read it
    rms_db: float = -120.0
    zero_frames: int = 0  # consecutive exact-zero frames
    silent_frames: int = 0  # consecutive frames under SILENCE_DBFS
    clipped_at: float = 0.0

    def estimate(self, samplerate: int, t_first: float, n: int) -> None:
        # A block's first sample was captured at t_first; the stream began at t_first minus
        # the frames before it. Delays only make this later, so the minimum is the estimate.
        rel = t_first - self.received / samplerate
        if self.received < LOSS_WINDOW_S * samplerate:
            self.start_est = min(self.start_est, rel)
        self.win_min = min(self.win_min, rel)
        self.win_frames += n
        if self.win_frames >= LOSS_WINDOW_S * samplerate:
            self.last_win_min, self.win_min, self.win_frames = self.win_min, math.inf, 0

    def lost_frames(self, samplerate: int) -> int:
        """Frames the stream should have delivered by wall-clock time but did not."""
        end = self.win_min if self.win_frames >= samplerate else min(self.win_min, self.last_win_min)
        if not math.isfinite(end) or not math.isfinite(self.start_est):
            return 0
        shortfall = (end - self.start_est) * samplerate
        # Callback timing jitters by a few milliseconds; below the tolerance nothing was lost.
        return round(shortfall) if shortfall > LOSS_TOLERANCE_S * samplerate else 0

    def take(self, n: int) -> np.ndarray:
        data = np.concatenate(self.pending) if len(self.pending) > 1 else self.pending[0]
        out, rest = data[:n], data[n:]
        self.pending = [rest] if len(rest) else []
        self.pending_frames -= n
        return out
