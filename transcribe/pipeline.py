"""One interview folder's audio -> transcript.json (+ .srt .vtt .txt, speakers.rttm).

The audio is decoded once, as 16-bit PCM, for both the recogniser and speaker attribution.
ASR runs block by block (5 minutes, cut at the quietest moment near the end of each block)
so that its working memory stays flat however long the recording is; segments stream out
of faster-whisper as they are decoded and drive the progress bar. Speaker attribution
(transcribe.speakers) runs alongside in a second thread: all but its last step (hand-overs
moved to pauses between words) needs only the audio; on 2 cores this takes a sixth off the
wall time with identical words and turns (bench/bench_overlap.py). Then the exports.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from listenwell import __version__
from listenwell.corrected import apply
from listenwell.corrections import load as load_corrections
from listenwell.errors import UserError
from listenwell.folder import InterviewFolder, write_files
from listenwell.lock import folder_lock
from listenwell.plan import Plan
from listenwell.records import AudioInfo, Segment, Transcript, Word
from listenwell.transcribe.audio import (
    SAMPLE_RATE,
    decode_stream,
    file_sha256,
    open_audio,
    to_float32,
)
from listenwell.transcribe.exports import EXPORTS, export_files
from listenwell.transcribe.model import ResolvedModel, load_resolved, resolve_model
from listenwell.transcribe.speakers import (
    Found,
    SpeakerOptions,
    find_speakers,
    name_speakers,
    speakers_off,
    uses_channels,
)

BLOCK_S = 300.0  # audio per faster-whisper call: its VAD and STFT need ~1.3 MB per second of it
CUT_SEARCH_S = 20.0  # where to look for a quiet cut at the end of a block
SILENCE_PEAK = 10 ** (-70 / 20)  # a block that never gets louder than -70 dBFS has no speech

# progress(done_s, total_s, stage): how far through the file, in audio seconds; stage is
# "words" (ASR, the first ASR_SHARE of the work) or "speakers" (attribution, the rest)
Progress = Callable[[float, float, str], None]
ASR_SHARE = 0.7  # measured on the sample: speaker attribution takes about 30 % of the time
# Speaker attribution runs alongside recognition up to this length of audio. Their working
# sets then add up: 63 minutes peaked at 0.92-0.97 GB (7 December), growing about 2.7 MB per
# minute, against 0.78 GB for 77 minutes and 0.89 GB for 2 hours one after the other. Past it
# they run one after the other, so that no length goes over 1 GB.
ALONGSIDE_MAX_S = 64 * 60


@dataclass
class TranscribeOptions:
    model: str | None = None  # None: the bundled tiny.en; a faster-whisper name; a folder
    language: str | None = None  # None: English for .en models, else detected
    compute_type: str = "int8"
    threads: int = 0  # 0: all cores
    beam_size: int = 5
    vad: bool = True
    # Guards against text invented on silence and noise (measured, see docs/transcribe.md):
    # VAD removes most of it; skipping silent gaps > 2 s around suspicious segments catches
    # what VAD lets through. Conditioning on the previous text is kept: turning it off cost
    # 2 points of WER on the sample, and blocks + the compression-ratio fallback bound loops.
    condition_on_previous_text: bool = True
    hallucination_silence_threshold: float | None = 2.0
    no_speech_threshold: float = 0.6
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    # The plan's names as hotwords or prompt: measured to hurt (WER 9 % -> 33 % / 10 %).
    plan_prompt: bool = False
    speakers: SpeakerOptions = field(default_factory=SpeakerOptions)

    def settings(self) -> dict[str, Any]:
        """What the transcript depends on besides audio and model (the skip check compares)."""
        d = dataclasses.asdict(self)
        for k in ("model", "threads", "speakers"):
            d.pop(k)
        d["speakers"] = dataclasses.asdict(self.speakers)
        return d

    def whisper_kwargs(self) -> dict[str, Any]:
        return dict(
            language=self.language,
            beam_size=self.beam_size,
            vad_filter=self.vad,
            word_timestamps=True,
            condition_on_previous_text=self.condition_on_previous_text,
            hallucination_silence_threshold=self.hallucination_silence_threshold,
            no_speech_threshold=self.no_speech_threshold,
            compression_ratio_threshold=self.compression_ratio_threshold,
            log_prob_threshold=self.log_prob_threshold,
        )


def audio_of(folder: InterviewFolder) -> Path:
    path = folder.audio_path
    if path is None:
        from listenwell.folder import AUDIO_SUFFIXES

        loose = sorted(p.name for p in folder.path.glob("*") if p.suffix.lower() in AUDIO_SUFFIXES)
        if loose:  # a folder of recordings rather than an interview folder
            raise UserError(f"{folder.path}: not an interview folder; to transcribe the recordings "
                            f"in it, name them: listenwell transcribe {folder.path}/{loose[0]} ...")
        raise UserError(f"{folder.path}: no audio in this folder (expected audio.* or interview.json)")
    return path


def is_current(folder: InterviewFolder, model_label: str, options: TranscribeOptions) -> bool:
    """True when transcript.json was made from this very audio, model and settings."""
    if not folder.transcript_path.is_file():
        return False
    try:
        old = Transcript.load(folder.transcript_path)
    except UserError:
        return False
    audio = audio_of(folder)
    return (
        old.model == model_label
        and old.settings == options.settings()
        and old.audio.file == audio.name
        and old.audio.sha256 == file_sha256(audio)
        and all(folder.export_path(s).is_file() for s in EXPORTS)
    )


def transcribe_folder(
    folder: InterviewFolder,
    options: TranscribeOptions,
    progress: Progress | None = None,
    model: Any = None,
    resolved: ResolvedModel | None = None,
) -> Transcript:
    """ASR, speaker attribution (when available), then transcript.json and the exports.

    `model` (a loaded WhisperModel) and `resolved` let a batch load the model once. The
    folder is locked meanwhile: a second command on it says who is at work and stops.
    """
    from threadpoolctl import threadpool_limits

    # numpy's BLAS on one thread for the whole run, not only inside speaker attribution:
    # faster-whisper's features go through BLAS, and their last bits (so, at a borderline,
    # the words) depend on its thread count; attribution runs alongside recognition, so a
    # limit it set and lifted on its own would make the words depend on timing.
    with folder_lock(folder.path, "transcribe"), threadpool_limits(limits=1, user_api="blas"):
        return _transcribe(folder, options, progress, model, resolved)


def _transcribe(folder: InterviewFolder, options: TranscribeOptions, progress: Progress | None,
                model: Any, resolved: ResolvedModel | None) -> Transcript:
    audio_path = audio_of(folder)
    meta = folder.metadata()
    stream = open_audio(audio_path)
    plan = folder.plan()
    resolved = resolved or resolve_model(options.model)
    if model is None:
        model = load_resolved(resolved, options.compute_type, options.threads)

    # Decoded once, as 16-bit PCM (a 2-hour recording: 230 MB a channel), for both the
    # recogniser (a block at a time) and speaker attribution; the channels are kept apart
    # only where they may be one speaker each.
    stream.mono = not uses_channels(meta, stream.channels, options.speakers)
    audio = decode_stream(stream, np.int16)
    segments, language, found = words_and_speakers(model, audio, options, plan, meta, progress)
    transcript = Transcript(
        audio=AudioInfo(
            file=audio_path.name,
            sha256=file_sha256(audio_path),
            duration_s=round(stream.decoded_s, 3),
            sample_rate=stream.source_rate,
            channels=stream.channels,
        ),
        model=resolved.label,
        settings=options.settings(),
        language=language,
        segments=segments,
        created_at=datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
        tool_version=__version__,
    )
    if stream.truncated:  # damaged file: what decoded is transcribed; say where it stopped
        folder.update_metadata(audio_truncated_at_s=round(stream.decoded_s, 3))
    del audio
    transcript = name_speakers(transcript, found, plan) if found else speakers_off(transcript)
    total = transcript.audio.duration_s
    if progress:
        progress(total, total, "done")

    write_transcript(folder, transcript)
    return transcript


def release_freed_memory() -> None:
    """Hand freed memory back to the system (between recognition blocks, and before
    attribution when it runs after recognition). glibc keeps freed heap for reuse (its mmap
    threshold grows after big numpy arrays are freed), so without this the two stages' working sets add up even one after the other
    (30 minutes of audio held 510 MB after recognition, 233 MB after the trim), and each
    block of recognition adds to the last (30 minutes peaked at 757 MB, 677 MB trimmed
    between blocks). No-op where there is no glibc."""
    import contextlib
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)


class _Stopped(Exception):
    """Speech recognition failed or was interrupted: speaker attribution stops too."""


def words_and_speakers(model, audio: np.ndarray, options: TranscribeOptions, plan: Plan | None, meta: dict,
                        progress: Progress | None) -> tuple[list[Segment], str | None, Found | None]:
    """ASR of decoded PCM (channels, n), with speaker attribution's audio work alongside it
    in a second thread where attribution is on: attribution needs the words only for its
    last step (find_speakers' `words()` waits for them). Both release the GIL for their
    heavy work (CTranslate2, onnxruntime), so on two cores attribution takes the cycles ASR
    leaves idle. Returns the segments, the language and the speakers found (None: off)."""
    total = audio.shape[1] / SAMPLE_RATE
    if not options.speakers.enabled:
        return *asr(model, audio, options, plan, (lambda d, t: progress(d, t, "words")) if progress else None), None

    lock = threading.Lock()
    done = {"words": 0.0, "speakers": 0.0}  # fractions of each part of the work
    stopped = threading.Event()
    words_ready: Future = Future()

    def report(part: str, fraction: float) -> None:
        if stopped.is_set():
            raise _Stopped
        with lock:
            done[part] = min(1.0, fraction)
            if progress:
                stage = "words" if done["words"] < 1.0 else "speakers"
                progress(total * (ASR_SHARE * done["words"] + (1 - ASR_SHARE) * done["speakers"]), total, stage)

    def words() -> list:
        if stopped.is_set():
            raise _Stopped
        return words_ready.result()

    def speakers() -> Found:
        try:
            return find_speakers(audio if audio.shape[0] > 1 else audio[0], SAMPLE_RATE, meta, plan,
                                 options.speakers, words, lambda f: report("speakers", f))
        except BaseException:
            stopped.set()  # recognition stops at its next progress report
            raise

    def recognise() -> tuple[list[Segment], str | None]:
        segments, language = asr(model, audio, options, plan, lambda d, t: report("words", d / (t or 1.0)))
        words_ready.set_result([(w.start, w.end, w.word) for s in segments for w in s.words])
        return segments, language

    if total > ALONGSIDE_MAX_S:  # one after the other: the two working sets never add up
        segments, language = recognise()
        release_freed_memory()
        return segments, language, speakers()

    with ThreadPoolExecutor(1, thread_name_prefix="speakers") as pool:
        job = pool.submit(speakers)
        try:
            segments, language = recognise()
        except BaseException as e:
            stopped.set()  # attribution stops at its next progress report
            words_ready.set_exception(_Stopped())
            if isinstance(e, _Stopped):  # attribution failed first: its error is the one to tell
                job.result()
            raise
        found = job.result()  # or attribution's own error
    return segments, language, found


def write_transcript(folder: InterviewFolder, transcript: Transcript) -> list[Path]:
    """transcript.json (the machine's) and its exports (with the user's corrections applied,
    see listenwell/corrected.py), as one set: all new, or (a full disk, a crash) all as they
    were. transcript.json goes in last: its presence means its exports are there."""
    try:
        shown = apply(transcript, load_corrections(folder.path)).transcript
    except UserError:  # a damaged corrections.json must not cost the transcription: the
        shown = transcript  # exports are the machine's, and the runner says why
    files = export_files(folder, shown)
    files[folder.transcript_path] = json.dumps(transcript.to_dict(), indent=2, ensure_ascii=False) + "\n"
    write_files(files)
    if not shown.turns:  # no speakers this time: an older speakers.rttm would contradict it
        (folder.path / "speakers.rttm").unlink(missing_ok=True)
    return [folder.transcript_path, *[p for p in files if p != folder.transcript_path]]


def _quiet_cut(audio: np.ndarray, search_s: float = CUT_SEARCH_S) -> int:
    """Index of the quietest 0.3 s in the last `search_s` of a block: a pause between words."""
    frame = SAMPLE_RATE // 10
    start = max(0, len(audio) - int(search_s * SAMPLE_RATE))
    tail = audio[start : start + (len(audio) - start) // frame * frame]
    if len(tail) < 3 * frame:
        return len(audio)
    energy = np.square(tail.reshape(-1, frame), dtype=np.float32).mean(axis=1)
    smooth = np.convolve(energy, np.ones(3, np.float32), mode="valid")
    return start + (int(np.argmin(smooth)) + 1) * frame + frame // 2


def asr_blocks(audio: np.ndarray, block_s: float = BLOCK_S) -> Iterator[tuple[float, np.ndarray]]:
    """(offset_s, mono float32) pieces of decoded PCM (channels, n): each runs to the next
    multiple of block_s and is cut at the quietest moment near its end (a pause between
    words); what follows the cut starts the next piece."""
    n, size = audio.shape[1], int(block_s * SAMPLE_RATE)
    start, k = 0, 1
    while start < n:
        end = min(n, k * size)
        k += 1
        if end <= start:
            continue
        block = _mono_float(audio[:, start:end])
        if end < n:
            block = block[: _quiet_cut(block)]
        yield start / SAMPLE_RATE, block
        start += len(block)


def _mono_float(pcm: np.ndarray) -> np.ndarray:
    """(channels, n) int16 or float32 -> mono float32 in [-1, 1] (channels averaged)."""
    if pcm.shape[0] == 1:
        return to_float32(pcm[0])
    mono = pcm.mean(axis=0, dtype=np.float32)
    return mono * np.float32(1 / 32768) if pcm.dtype == np.int16 else mono


def asr(model, audio: np.ndarray, options: TranscribeOptions, plan: Plan | None, progress: Progress | None):
    """Segments (with words) of decoded PCM (channels, n), and the language, block by block."""
    total = audio.shape[1] / SAMPLE_RATE
    kwargs = options.whisper_kwargs()
    if options.plan_prompt and plan is not None and plan.vocabulary():
        kwargs["hotwords"] = ", ".join(plan.vocabulary())
    segments: list[Segment] = []
    language = options.language
    for offset, block in asr_blocks(audio, BLOCK_S):
        release_freed_memory()  # the last block's features: otherwise each block adds a little
        end_s = offset + len(block) / SAMPLE_RATE
        if len(block) and float(np.abs(block).max()) >= SILENCE_PEAK:
            pieces, info = model.transcribe(block, **kwargs)
            language = language or info.language
            for s in pieces:
                segments.append(_segment(len(segments), s, offset))
                if progress:
                    progress(min(offset + s.end, end_s), total)
        if progress:
            progress(end_s, total)
    return segments, language


def _segment(i: int, s, offset: float) -> Segment:
    r = lambda t: round(t + offset, 3)  # noqa: E731 - times in the whole file, ms precision
    return Segment(
        id=i,
        start=r(s.start),
        end=r(s.end),
        text=s.text.strip(),
        words=[Word(r(w.start), r(w.end), w.word, round(w.probability, 4)) for w in s.words or []],
        avg_logprob=round(s.avg_logprob, 4),
        no_speech_prob=round(s.no_speech_prob, 4),
        compression_ratio=round(s.compression_ratio, 4),
    )


@dataclass
class Summary:
    """One line about a finished transcript, for the command line."""

    folder: Path
    duration_s: float
    segments: int
    words: int
    language: str | None
    model: str
    speakers: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, folder: InterviewFolder, t: Transcript) -> Summary:
        return cls(folder.path, t.audio.duration_s, len(t.segments), len(t.words), t.language,
                   t.model, t.speakers)
