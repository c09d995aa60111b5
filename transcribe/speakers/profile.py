"""The interviewer's voice profile: one speaker embedding of the user's own voice.

Made once from about 15 s of speech (`listenwell enroll`); attribution then knows which
speaker is the interviewer (see naming.py). Only the embedding (a list of numbers) is
kept, never the audio.
"""

from __future__ import annotations

import numpy as np

from listenwell.errors import UserError
from listenwell.transcribe.audio import SAMPLE_RATE

from .channels import active_seconds

MIN_SPEECH_S = 5.0  # less speech than this makes an unsteady embedding


def voice_from_audio(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> tuple[np.ndarray, float]:
    """The voice embedding of a clip of one person, and the seconds of speech it rests on.
    Raises UserError when the clip holds too little speech."""
    audio = np.asarray(audio, dtype=np.float32)
    speech_s = active_seconds(audio, sample_rate)
    if speech_s < MIN_SPEECH_S:
        raise UserError(f"only {speech_s:.1f} s of speech found (need {MIN_SPEECH_S:.0f} s); "
                        "speak closer to the microphone and try again")
    from .diarize import embed

    return embed(audio, sample_rate), speech_s
