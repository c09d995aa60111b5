"""RTTM, the plain-text format diarization tools exchange speaker turns in.

One line per turn: `SPEAKER <file> 1 <start> <duration> <NA> <NA> <speaker> <NA> <NA>`.
"""

from __future__ import annotations

from pathlib import Path

from listenwell.errors import UserError
from listenwell.records import Turn


def format_rttm(turns: list[Turn], file_id: str) -> str:
    """RTTM text for turns (spaces in the file id would break the format: replaced by _)."""
    fid = "_".join(file_id.split()) or "audio"
    return "".join(
        f"SPEAKER {fid} 1 {t.start:.3f} {t.duration:.3f} <NA> <NA> {t.speaker} <NA> <NA>\n"
        for t in sorted(turns, key=lambda t: (t.start, t.speaker))
    )


def parse_rttm(text: str, source: str = "rttm") -> dict[str, list[Turn]]:
    """Turns per file id from RTTM text; other record types (SPKR-INFO...) are skipped."""
    out: dict[str, list[Turn]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        f = line.split()
        if not f or f[0] != "SPEAKER":
            continue
        try:
            start, dur, speaker = float(f[3]), float(f[4]), f[7]
        except (IndexError, ValueError):
            raise UserError(f"{source}:{n}: not an RTTM SPEAKER line") from None
        out.setdefault(f[1], []).append(Turn(start, start + dur, speaker))
    for turns in out.values():
        turns.sort(key=lambda t: (t.start, t.speaker))
    return out


def read_rttm(path: Path) -> dict[str, list[Turn]]:
    try:
        return parse_rttm(Path(path).read_text(encoding="utf-8"), str(path))
    except FileNotFoundError:
        raise UserError(f"{path}: no such RTTM file") from None
