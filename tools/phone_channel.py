"""Compute transcribe/speakers/models/phone-channel.npy: the mean CAM++ embedding of speech
through a telephone line (development time; needs ../shared/data).

Over an 8 kHz line every voice loses the same upper half of the spectrum, and CAM++'s
embeddings of different people move towards one shared direction (pieces of two people
relate at up to 0.78 where over a microphone they stay under 0.35). Subtracting that
direction, the mean over many voices through the same band, and renormalising is channel
compensation as speaker verification does it: the people's differences are what remains.

The mean comes from the development set's *tuning* LibriSpeech voices (one utterance each,
samples/real_voices.speakers(held_out=False, source="ls")), passed through
`band.phone_band`, in 2 s pieces as the diarizer embeds them, with the shipped int8 CAM++.

    .venv/bin/python tools/phone_channel.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from listenwell.transcribe.speakers.band import phone_band  # noqa: E402
from listenwell.transcribe.speakers.diarize.channel import PHONE_CHANNEL  # noqa: E402
from listenwell.transcribe.speakers.diarize.embedding import embed_features  # noqa: E402
from listenwell.transcribe.speakers.diarize.features import kaldi_fbank  # noqa: E402
from samples.real_voices import RATE, speakers, utterances  # noqa: E402

PIECE, HOP = 2 * RATE, int(2.5 * RATE)


def main() -> None:
    voices = speakers(held_out=False, source="ls")
    feats = []
    for sp in voices:
        for utt in utterances(sp.id):
            x = phone_band(utt, RATE)
            feats += [kaldi_fbank(x[i : i + PIECE]) for i in range(0, len(x) - PIECE + 1, HOP)]
    mean = embed_features(feats).mean(axis=0).astype(np.float32)
    np.save(PHONE_CHANNEL, mean)
    print(f"{PHONE_CHANNEL.name}: {len(feats)} pieces of {len(voices)} tuning voices; norm {np.linalg.norm(mean):.3f}")


if __name__ == "__main__":
    main()
