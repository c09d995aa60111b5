"""Subtitles and plain text from a Transcript: .srt, .vtt, .txt (and speakers.rttm).

Where speakers are known they are shown: "[interviewer] text" in SRT and TXT, a voice tag
"<v interviewer>" in WebVTT. A segment without a speaker whose words have speakers (one
Whisper segment across a change of speaker) is split at the changes. The exports follow
the user's corrections (corrections.json): `refresh_exports` writes them from the
corrected transcript.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from listenwell.records import Segment, Transcript
from listenwell.transcribe.speakers.rttm import format_rttm

if TYPE_CHECKING:
    from listenwell.corrected import Applied
    from listenwell.folder import InterviewFolder


@dataclass
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None


def cues(transcript: Transcript) -> list[Cue]:
    """Timed lines of text, each with at most one speaker."""
    out: list[Cue] = []
    for seg in transcript.segments:
        out.extend(_segment_cues(seg))
    return [c for c in out if c.text]


def _segment_cues(seg: Segment) -> list[Cue]:
    if seg.speaker is not None or not any(w.speaker for w in seg.words):
        return [Cue(seg.start, seg.end, seg.text.strip(), seg.speaker)]
    runs: list[Cue] = []
    for w in seg.words:
        if runs and runs[-1].speaker == w.speaker:
            runs[-1].text += w.word
            runs[-1].end = w.end
        else:
            runs.append(Cue(w.start, w.end, w.word, w.speaker))
    for r in runs:
        r.text = r.text.strip()
    return runs


def _clock(t: float, sep: str) -> str:
    ms = max(0, int(round(t * 1000)))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(transcript: Transcript) -> str:
    blocks = []
    for i, c in enumerate(cues(transcript), 1):
        text = f"[{c.speaker}] {c.text}" if c.speaker else c.text
        blocks.append(f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n{text}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(transcript: Transcript) -> str:
    blocks = ["WEBVTT\n"]
    for c in cues(transcript):
        text = _vtt_escape(c.text)
        if c.speaker:
            text = f"<v {_vtt_escape(c.speaker)}>{text}"
        blocks.append(f"{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{text}\n")
    return "\n".join(blocks)


def to_txt(transcript: Transcript) -> str:
    """Plain text: one paragraph per speaker turn when speakers are known, else per segment."""
    all_cues = cues(transcript)
    if not any(c.speaker for c in all_cues):
        return "".join(f"{c.text}\n" for c in all_cues)
    paragraphs: list[list[str]] = []
    speakers: list[str | None] = []
    for c in all_cues:
        if speakers and speakers[-1] == c.speaker:
            paragraphs[-1].append(c.text)
        else:
            speakers.append(c.speaker)
            paragraphs.append([c.text])
    return "\n".join(
        f"[{who or 'unknown'}] {' '.join(p)}\n" for who, p in zip(speakers, paragraphs, strict=True)
    )


def to_rttm(transcript: Transcript, file_id: str = "audio") -> str:
    """Speaker turns in NIST RTTM, the format diarization tools compare (speakers/rttm.py)."""
    return format_rttm(transcript.turns, file_id)


EXPORTS = {".srt": to_srt, ".vtt": to_vtt, ".txt": to_txt}


def export_files(folder: InterviewFolder, transcript: Transcript) -> dict[Path, str]:
    """The exports of a transcript, by path: .srt .vtt .txt, and speakers.rttm with speakers."""
    files = {folder.export_path(suffix): render(transcript) for suffix, render in EXPORTS.items()}
    if transcript.turns:
        files[folder.path / "speakers.rttm"] = to_rttm(transcript, Path(transcript.audio.file).stem)
    return files


def refresh_exports(folder: InterviewFolder) -> Applied:
    """Rewrite the exports from transcript.json with the folder's corrections applied (the
    caller holds the folder's lock); what was applied and what no longer applies."""
    from listenwell.corrected import corrected_transcript
    from listenwell.folder import write_files

    applied = corrected_transcript(folder.path)
    write_files(export_files(folder, applied.transcript))
    return applied
