"""Transcribe many interview folders: skip the current ones, run the rest in one or several
processes, show progress by audio seconds, and keep going past failures."""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_mod
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from listenwell.errors import UserError
from listenwell.folder import InterviewFolder
from listenwell.transcribe.model import ResolvedModel, load_resolved
from listenwell.transcribe.pipeline import TranscribeOptions, transcribe_folder


@dataclass
class Job:
    target: str  # as the user gave it
    folder: InterviewFolder
    duration_s: float  # expected audio seconds (for the overall progress bar)


@dataclass
class Result:
    target: str
    folder: str | None
    status: str  # done | skipped | failed
    error: str | None = None
    traceback: str | None = None
    user_error: bool = True
    seconds: float = 0.0
    summary: dict[str, Any] = field(default_factory=dict)


# progress events: (job index, audio seconds done, audio seconds total, stage)
OnProgress = Callable[[int, float, float, str], None]


def _summary(t) -> dict[str, Any]:
    return {
        "duration_s": t.audio.duration_s,
        "segments": len(t.segments),
        "words": len(t.words),
        "language": t.language,
        "model": t.model,
        "speakers": t.speakers.get("method") if t.speakers else None,
        "truncated": False,
    }


def run_one(job: Job, index: int, options: TranscribeOptions, resolved: ResolvedModel, model,
            on_progress: OnProgress | None) -> Result:
    start = time.monotonic()
    try:
        t = transcribe_folder(
            job.folder, options,
            progress=(lambda d, tot, st: on_progress(index, d, tot, st)) if on_progress else None,
            model=model, resolved=resolved,
        )
        summary = _summary(t)
        summary["truncated"] = "audio_truncated_at_s" in job.folder.metadata()
        return Result(job.target, str(job.folder.path), "done", seconds=time.monotonic() - start,
                      summary=summary)
    except UserError as e:
        return Result(job.target, str(job.folder.path), "failed", str(e),
                      traceback.format_exc(), seconds=time.monotonic() - start)
    except Exception as e:  # a bug or an unforeseen file: this file fails, the batch goes on
        return Result(job.target, str(job.folder.path), "failed", f"{type(e).__name__}: {e}",
                      traceback.format_exc(), user_error=False, seconds=time.monotonic() - start)


def run_serial(jobs: list[Job], options: TranscribeOptions, resolved: ResolvedModel,
               on_progress: OnProgress | None, on_done: Callable[[int, Result], None]) -> None:
    model = load_resolved(resolved, options.compute_type, options.threads)
    for i, job in enumerate(jobs):
        on_done(i, run_one(job, i, options, resolved, model, on_progress))


# ---- parallel processes --------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(events, options: TranscribeOptions, resolved: ResolvedModel) -> None:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is resolved already
    _WORKER.update(events=events, options=options, resolved=resolved,
                   model=load_resolved(resolved, options.compute_type, options.threads))


def _work(index: int, job: Job) -> Result:
    events = _WORKER["events"]
    return run_one(job, index, _WORKER["options"], _WORKER["resolved"], _WORKER["model"],
                   lambda i, d, t, st: events.put((i, d, t, st)))


def run_parallel(jobs: list[Job], workers: int, options: TranscribeOptions,
                 resolved: ResolvedModel, on_progress: OnProgress | None,
                 on_done: Callable[[int, Result], None]) -> None:
    ctx = mp.get_context("spawn")  # a fresh interpreter: no threads or model state forked
    events = ctx.Queue()
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(events, options, resolved)) as pool:
        futures = {pool.submit(_work, i, job): i for i, job in enumerate(jobs)}
        pending = set(futures)
        while pending:
            try:
                i, d, t, st = events.get(timeout=0.2)
                if on_progress:
                    on_progress(i, d, t, st)
            except queue_mod.Empty:
                pass
            for f in [f for f in pending if f.done()]:
                pending.discard(f)
                i = futures[f]
                try:
                    result = f.result()
                except Exception as e:  # the worker process itself died
                    result = Result(jobs[i].target, str(jobs[i].folder.path), "failed",
                                    f"worker failed: {type(e).__name__}: {e}",
                                    traceback.format_exc(), user_error=False)
                on_done(i, result)
        while True:  # drop progress events left in the queue
            try:
                events.get_nowait()
            except (queue_mod.Empty, OSError, ValueError):
                break


def audio_duration(folder: InterviewFolder) -> float:
    from listenwell.transcribe.audio import open_audio

    try:
        path = folder.audio_path
        return (open_audio(path).duration_hint or 0.0) if path else 0.0
    except UserError:
        return 0.0


def folder_for_target(target: str) -> InterviewFolder:
    """An interview folder for a TARGET: the folder itself, or a new one for an audio file."""
    from listenwell.transcribe.importing import folder_for_audio

    path = Path(target)
    if path.is_dir():
        return InterviewFolder(path)
    if not path.exists():
        raise UserError(f"{target}: no such file or folder")
    return folder_for_audio(path)
