"""Transcripts built from a script of who said what when (no speech recognition involved).

For tests, development and the sample's ground truth (samples/interview/truth.json): the
report is a function of the transcript, so a transcript made from a known script gives a
report whose every number can be checked by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from listenwell.records import AudioInfo, Segment, Transcript, Turn, Word

WORDS_PER_S = 2.6  # a comfortable speaking pace


def timed_script(lines: Iterable[tuple[str, str]], start: float = 1.0, gap: float = 0.8) -> list[tuple[str, str, float, float]]:
    """(speaker, text) lines -> (speaker, text, start, end) at WORDS_PER_S, `gap` s apart."""
    out, t = [], start
    for speaker, text in lines:
        dur = max(0.6, len(text.split()) / WORDS_PER_S)
        out.append((speaker, text, round(t, 3), round(t + dur, 3)))
        t += dur + gap
    return out


def transcript_from_script(
    lines: Iterable[tuple[str, str, float, float]],
    duration_s: float | None = None,
    audio_file: str = "audio.flac",
    with_turns: bool = True,
) -> Transcript:
    """A Transcript whose segments, words and speaker turns follow the script exactly."""
    segments, turns = [], []
    for i, (speaker, text, start, end) in enumerate(lines):
        tokens = text.split()
        step = (end - start) / max(1, len(tokens))
        who = speaker if with_turns else None  # without turns: a transcript without speakers
        words = [Word(start + k * step, start + (k + 1) * step, (" " if k else "") + tok, 1.0, who)
                 for k, tok in enumerate(tokens)]
        segments.append(Segment(id=i, start=start, end=end, text=text, words=words, speaker=who))
        if with_turns:
            turns.append(Turn(start, end, speaker))
    last = max((s.end for s in segments), default=0.0)
    return Transcript(
        audio=AudioInfo(file=audio_file, sha256="", duration_s=duration_s or last + 1.0, sample_rate=16000, channels=1),
        model="script",
        settings={},
        language="en",
        segments=segments,
        turns=turns,
        speakers={"method": "script", "count": len({t.speaker for t in turns})} if with_turns else {},
    )


def transcript_from_truth(path: Path, audio_file: str = "audio.flac") -> Transcript:
    """The bundled sample's truth.json ({"turns": [...], "script"/"lines": [...]}) as a Transcript."""
    truth = json.loads(Path(path).read_text(encoding="utf-8"))
    lines = truth.get("script") or truth.get("lines") or []
    timed = [(x["speaker"], x["text"], float(x["start"]), float(x["end"])) for x in lines]
    t = transcript_from_script(timed, truth.get("duration_s"), audio_file)
    if truth.get("turns"):  # exact speech turns, which may be finer than the script lines
        t.turns = [Turn(float(x["start"]), float(x["end"]), x["speaker"]) for x in truth["turns"]]
    return t
