"""Block-wise ASR input: blocks cut at pauses, nothing lost or repeated at the cuts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from listenwell.transcribe.audio import decode, to_float32
from listenwell.transcribe.pipeline import asr_blocks

SAMPLE_AUDIO = Path(__file__).resolve().parent.parent / "samples" / "interview" / "audio.flac"


def test_blocks_are_cut_in_pauses_and_cover_the_audio_once():
    pcm = decode(SAMPLE_AUDIO, dtype=np.int16)
    whole = to_float32(pcm)
    pieces = list(asr_blocks(pcm[None, :], 60.0))
    assert len(pieces) >= 3
    offsets = [off for off, _ in pieces]
    lengths = [len(a) for _, a in pieces]
    np.testing.assert_allclose(np.diff(offsets), np.array(lengths[:-1]) / 16000)
    np.testing.assert_array_equal(np.concatenate([a for _, a in pieces]), whole)
    for off, audio in pieces[:-1]:  # each cut falls where the voices are quiet
        end = int((off * 16000) + len(audio))
        assert np.abs(whole[end - 1600 : end + 1600]).max() < 0.05


def test_a_block_ends_in_the_pause_before_its_end():
    rng = np.random.default_rng(0)
    audio = (rng.standard_normal(70 * 16000) * 0.2 * 32767).astype(np.int16)
    audio[int(55.0 * 16000) : int(55.6 * 16000)] = 0  # a 0.6 s pause near the first block's end
    (off0, first), (off1, _) = list(asr_blocks(audio[None, :], 60.0))
    assert off0 == 0 and 55.0 <= len(first) / 16000 <= 55.6 and off1 == len(first) / 16000


def test_two_channels_are_mixed_for_the_recogniser():
    left = np.full(16000, 1000, np.int16)
    right = np.full(16000, 3000, np.int16)
    ((_, mono),) = list(asr_blocks(np.stack([left, right]), 60.0))
    np.testing.assert_allclose(mono, 2000 / 32768)


def test_speakers_alongside_or_after_the_words_give_the_same_transcript(monkeypatch):
    """Speaker attribution alongside recognition (recordings up to ALONGSIDE_MAX_S) and one
    after the other (longer ones, to bound memory) give the same words and turns; numpy's
    BLAS on one thread, as transcribe_folder runs it."""
    from threadpoolctl import threadpool_limits

    from listenwell.transcribe import pipeline
    from listenwell.transcribe.model import load_model

    pcm = decode(SAMPLE_AUDIO, dtype=np.int16)[None, : 60 * 16000]
    model, options = load_model(), pipeline.TranscribeOptions()
    runs = []
    for limit in (pipeline.ALONGSIDE_MAX_S, 0):
        monkeypatch.setattr(pipeline, "ALONGSIDE_MAX_S", limit)
        seen: list[str] = []
        with threadpool_limits(limits=1, user_api="blas"):
            segments, _, found = pipeline.words_and_speakers(model, pcm, options, None, {},
                                                              lambda d, t, stage, seen=seen: seen.append(stage))
        runs.append(([(w.start, w.end, w.word) for s in segments for w in s.words],
                     [(t.start, t.end, t.speaker) for t in found.turns]))
        assert "words" in seen
    assert runs[0][0] and len({t[2] for t in runs[0][1]}) == 2
    assert runs[0] == runs[1]
