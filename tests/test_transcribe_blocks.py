"""Block-wise ASR input: blocks cut at pauses, nothing lost or repeated at the cuts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from listenwell.transcribe.audio import decode, open_audio
from listenwell.transcribe.pipeline import _blocks, _quiet_cut

SAMPLE_AUDIO = Path(__file__).resolve().parent.parent / "samples" / "interview" / "audio.flac"


def test_blocks_are_cut_in_pauses_and_cover_the_audio_once():
    whole = decode(SAMPLE_AUDIO)
    pieces = list(_blocks(open_audio(SAMPLE_AUDIO), 60.0))
    assert len(pieces) >= 3
    offsets = [off for off, _ in pieces]
    lengths = [len(a) for _, a in pieces]
    np.testing.assert_allclose(np.diff(offsets), np.array(lengths[:-1]) / 16000)
    np.testing.assert_array_equal(np.concatenate([a for _, a in pieces]), whole)
    for off, audio in pieces[:-1]:  # each cut falls where the voices are quiet
        end = int((off * 16000) + len(audio))
        assert np.abs(whole[end - 1600 : end + 1600]).max() < 0.05


def test_quiet_cut_finds_the_gap():
    rng = np.random.default_rng(0)
    audio = (rng.standard_normal(30 * 16000) * 0.2).astype(np.float32)
    audio[int(25.0 * 16000) : int(25.6 * 16000)] = 0  # a 0.6 s pause near the end
    cut = _quiet_cut(audio, search_s=20.0) / 16000
    assert 25.0 <= cut <= 25.6
