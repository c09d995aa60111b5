"""How times are shown to people, everywhere: `mm:ss`, and `h:mm:ss` past an hour.

(Subtitle files keep their own formats, `00:01:05,250` in SRT: see transcribe/exports.py.)
"""

from __future__ import annotations

import math

UNKNOWN = "--:--"


def clock(seconds: float | None, unknown: str = UNKNOWN) -> str:
    """`01:05` for 65 s, `1:01:05` for 3665 s; `unknown` for None, NaN or infinity."""
    if seconds is None or not math.isfinite(seconds):
        return unknown
    s = int(round(max(0.0, float(seconds))))
    h, m, s = s // 3600, s % 3600 // 60, s % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
