"""Channel compensation for recordings made over a telephone line.

Through an 8 kHz line every voice loses the same part of its spectrum, and CAM++ embeds
what the line did as much as who spoke: pieces of two different people relate at up to
0.78 (over a microphone, under 0.35), as high as one voice across takes, so "same voice or
not" cannot be told. The line's share is the mean embedding of many voices through it
(`phone-channel.npy`, made by tools/phone_channel.py from the development set's tuning
voices); subtracting it and renormalising leaves the people's differences (other voices
then relate at 0.11-0.15 on average, one voice's two halves still at 0.85 or more). One
voice's groups through different microphones then relate lower too, so such a recording
merges groups from clustering.Params.phone_same_voice (see docs/speakers-diarization.md,
"Over a telephone line"). `embedding.compensate` takes it out.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .models import MODELS_DIR

PHONE_CHANNEL = MODELS_DIR / "phone-channel.npy"


@lru_cache(maxsize=1)
def phone_channel() -> np.ndarray:
    """(EMBEDDING_DIM,) the mean L2-normalised CAM++ embedding of speech over a phone line."""
    from listenwell.errors import UserError

    if not PHONE_CHANNEL.is_file():
        raise UserError(f"speaker model {PHONE_CHANNEL} is missing; reinstall listenwell")
    return np.load(PHONE_CHANNEL).astype(np.float32)
