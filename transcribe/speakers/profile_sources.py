"""Where a voice profile's occasions come from besides a clip: an interview whose
interviewer is known (`listenwell enroll --from DIR`).

- A two-channel recording whose interview.json names the channels (the recorder's
  microphone + system audio): the interviewer's channel, where it is the interviewer's own
  speech (channels.py removes the other side's leak).
- Any interview whose speakers the user corrected or confirmed (`listenwell label`: who is
  the interviewer, or who said what between two times; `listenwell review`): the
  interviewer's turns, with the corrections applied, that nobody else overlaps.
Only the embedding is kept, as for every occasion.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from listenwell.corrected import corrected_transcript
from listenwell.errors import UserError
from listenwell.folder import open_folder
from listenwell.intervals import merge, subtract
from listenwell.records import INTERVIEWER
from listenwell.transcribe.audio import SAMPLE_RATE, decode, decode_channels, to_float32

from .channels import channel_turns
from .profile import Voice, voice_from_audio

TRUSTED = ("manual", "metadata")  # decisions a profile may learn from


def interviewer_speech(folder: Path) -> tuple[np.ndarray, str]:
    """16 kHz float32 speech of the interviewer of the interview in `folder`, and what it
    came from in words. Raises UserError when the interviewer is not known for sure."""
    f = open_folder(folder)
    audio_path = f.audio_path
    if audio_path is None:
        raise UserError(f"{folder}: no audio in this interview folder")
    names = f.metadata().get("channels")
    if isinstance(names, list) and INTERVIEWER in names:
        audio = decode_channels(audio_path, SAMPLE_RATE, dtype=np.int16)
        if audio.shape[0] == len(names):
            ch = names.index(INTERVIEWER)
            own = [(t.start, t.end) for t in channel_turns(audio, SAMPLE_RATE, names) if t.speaker == INTERVIEWER]
            return _cut(to_float32(audio[ch]), own), f"interview {f.path.name} (microphone channel)"
    if not f.transcript_path.is_file():
        raise UserError(f"{folder}: no transcript yet; run `listenwell transcribe {folder}` and check who is who first")
    applied = corrected_transcript(f.path)
    t = applied.transcript
    sp = t.speakers or {}
    who = sp.get("interviewer")
    reviewed = sp.get("interviewer_by") in TRUSTED or bool(applied.corrections.of_kind("speaker"))
    if not who or not reviewed:
        raise UserError(f"{folder}: who the interviewer is was guessed ({sp.get('interviewer_by')}); confirm it "
                        f"first with `listenwell label {folder} --interviewer LABEL` (or --swap)")
    mine = merge((x.start, x.end) for x in t.turns if x.speaker == who)
    others = merge((x.start, x.end) for x in t.turns if x.speaker != who)
    return _cut(decode(audio_path, SAMPLE_RATE), subtract(mine, others)), f"interview {f.path.name} (corrected transcript)"


def voice_from_interview(folder: Path) -> tuple[Voice, str]:
    """The interviewer's voice from an interview, and its source in words."""
    speech, source = interviewer_speech(folder)
    return voice_from_audio(speech, SAMPLE_RATE), source


def _cut(audio: np.ndarray, spans: list[tuple[float, float]], max_s: float = 120.0) -> np.ndarray:
    """The audio of `spans` joined (at most max_s of it, the longest spans first)."""
    spans = sorted(spans, key=lambda s: s[0] - s[1])
    out, got = [], 0.0
    for a, b in spans:
        if got >= max_s:
            break
        out.append(audio[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)])
        got += b - a
    return np.concatenate(out) if out else np.zeros(0, np.float32)
