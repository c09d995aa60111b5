"""`listenwell transcribe` from start to end: targets -> jobs -> progress -> summary lines."""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from listenwell.errors import UserError, debug_enabled
from listenwell.folder import preflight
from listenwell.safe_text import printable
from listenwell.timefmt import clock
from listenwell.transcribe.batch import (
    Job,
    Result,
    audio_duration,
    folder_for_target,
    run_parallel,
    run_serial,
)
from listenwell.transcribe.model import default_threads, resolve_model
from listenwell.transcribe.pipeline import TranscribeOptions, audio_of, is_current
from listenwell.transcribe.speakers import SpeakerOptions
from listenwell.wording import count

# What a transcription writes, measured on the sample: transcript.json ~34 kB per audio
# minute, the exports ~5 kB; doubled for the atomic writes (new file beside the old).
BYTES_PER_AUDIO_MINUTE = 100_000
BYTES_MARGIN = 2_000_000


def bytes_written(duration_s: float) -> int:
    """Disk room a transcription of `duration_s` seconds of audio needs."""
    return int(BYTES_MARGIN + BYTES_PER_AUDIO_MINUTE * duration_s / 60)


def default_workers(n_jobs: int) -> int:
    """One process per 4 cores (CTranslate2 uses up to ~4 threads well), at most one a file."""
    return max(1, min(n_jobs, default_threads() // 4))


def run_transcribe(targets: list[str], *, model: str | None, language: str | None,
                   compute_type: str, threads: int, workers: int, force: bool,
                   quiet: bool, speakers: SpeakerOptions | None = None,
                   notice: str | None = None) -> tuple[list[Result], int]:
    """Transcribe every target; returns the results and the exit code. `notice` is printed
    once, before the work, when there is work to do."""
    speakers = speakers or SpeakerOptions()
    err = Console(stderr=True)
    resolved = resolve_model(model)  # a missing model is one error for the whole batch
    results: list[Result | None] = []
    jobs: list[tuple[int, Job]] = []
    probe = TranscribeOptions(model=model, language=language, compute_type=compute_type, speakers=speakers)
    for target in targets:
        try:
            folder = folder_for_target(target)
            audio_of(folder)
            if not force and is_current(folder, resolved.label, probe):
                results.append(Result(target, str(folder.path), "skipped"))
                continue
            if folder.path.name != os.path.basename(target.rstrip("/")) and not quiet:
                typer.echo(f"{target}: interview folder {folder.path}/", err=True)
            duration = audio_duration(folder)
            preflight(folder.path, bytes_written(duration))
            results.append(None)
            jobs.append((len(results) - 1, Job(target, folder, duration)))
        except UserError as e:
            results.append(Result(target, None, "failed", str(e)))

    if jobs:
        if notice:
            err.print(notice, style="yellow", highlight=False, markup=False)
        workers = workers or default_workers(len(jobs))
        workers = max(1, min(workers, len(jobs)))
        options = TranscribeOptions(model=model, language=language, compute_type=compute_type,
                                    threads=threads or default_threads(workers), speakers=speakers)
        _run(jobs, workers, options, resolved, results, err, quiet)

    final = [r for r in results if r is not None]
    follow_corrections(final)
    if not quiet:
        _report(final, err)
    failed = [r for r in final if r.status == "failed"]
    code = 0 if not failed else (2 if all(r.user_error for r in failed) else 1)
    if not debug_enabled():
        for r in final:
            r.traceback = None
    return final, code


def progress_columns(width: int) -> tuple[list, int]:
    """The progress line's columns for a terminal `width` wide, and how much of a folder's
    name to show: the bar and the audio seconds give way first, so that the elapsed time
    and the ETA are always whole (`0:01:05`, never `0:…`)."""
    times = [TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn()]
    if width >= 110:
        return [TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed:>6.0f}/{task.total:.0f} s of audio"), *times], 30
    if width >= 80:
        return [TextColumn("{task.description}"), BarColumn(bar_width=16),
                TextColumn("{task.percentage:>3.0f}%"), *times], 24
    return [TextColumn("{task.description}"), TextColumn("{task.percentage:>3.0f}%"), *times], max(8, width - 48)


def _run(jobs, workers, options, resolved, results, err: Console, quiet: bool) -> None:
    total = sum(j.duration_s for _, j in jobs) or 1.0
    columns, name_width = progress_columns(err.width)
    with Progress(*columns, console=err, disable=quiet, transient=False) as bar:
        overall = bar.add_task(f"all {len(jobs)} files" if len(jobs) > 1 else "total",
                               total=total, visible=len(jobs) > 1)
        tasks: dict[int, int] = {}
        done_s: dict[int, float] = {}

        def on_progress(i: int, done: float, tot: float, stage: str) -> None:
            name = _short(f"{jobs[i][1].folder.path.name} ({stage})", name_width)
            if i not in tasks:
                tasks[i] = bar.add_task(name, total=tot or 1.0)
            bar.update(tasks[i], completed=done, total=tot or 1.0, description=name)
            done_s[i] = done
            bar.update(overall, completed=sum(done_s.values()))

        def on_done(i: int, result: Result) -> None:
            results[jobs[i][0]] = result
            if i in tasks:
                bar.update(tasks[i], visible=result.status == "done")
            done_s[i] = jobs[i][1].duration_s
            bar.update(overall, completed=sum(done_s.values()))

        job_list = [j for _, j in jobs]
        if workers == 1:
            run_serial(job_list, options, resolved, on_progress, on_done)
        else:
            if not quiet:
                err.print(f"{workers} workers x {options.threads} threads")
            run_parallel(job_list, workers, options, resolved, on_progress, on_done)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def follow_corrections(results: list[Result]) -> None:
    """A new transcript keeps the user's corrections (corrections.json) where they still
    apply (its exports were written with them: pipeline.write_transcript); each result
    says which no longer do."""
    from pathlib import Path

    from listenwell.corrected import corrected_transcript
    from listenwell.corrections import path_in

    for r in results:
        if r.status != "done" or not r.folder or not path_in(Path(r.folder)).is_file():
            continue
        try:
            r.summary["corrections"] = corrected_transcript(Path(r.folder)).summary()
        except UserError as e:
            r.summary["corrections"] = {"applied": 0, "not_applied": [], "error": str(e)}


def _say_corrections(r: Result) -> None:
    fixes = r.summary.get("corrections")
    if not fixes:
        return
    if fixes.get("error"):
        typer.echo(printable(f"  your corrections were not applied: {fixes['error']}"))
        return
    lost = fixes["not_applied"]
    typer.echo(f"  kept {count(fixes['applied'], 'correction')} of yours (corrections.json)"
               + (f"; {len(lost)} no longer apply:" if lost else ""))
    for why in lost:
        typer.echo(printable(f"    {why}"))


def _next(results: list[Result]) -> None:
    """What to do next: check the speakers, then the report."""
    ready = [r.folder for r in results if r.status in ("done", "skipped") and r.folder]
    if len(ready) == 1:
        typer.echo(f"next: listenwell review {ready[0]}   (check who said what), then listenwell report {ready[0]}")
    elif ready:
        typer.echo("next: listenwell review FOLDER for each (check who said what), then listenwell report FOLDER")


def _report(results: list[Result], err: Console) -> None:
    for r in results:
        if r.status == "done":
            s = r.summary
            rtf = r.seconds / s["duration_s"] if s["duration_s"] else 0
            extra = " (file ended early: damaged or truncated; the rest was transcribed)" if s.get("truncated") else ""
            typer.echo(
                f"transcribed {r.folder}: {clock(s['duration_s'])} of audio, {count(s['segments'], 'segment')}, "
                f"{count(s['words'], 'word')}, language {s['language'] or 'not detected (no speech)'}, model {s['model']}, "
                f"took {clock(r.seconds)} (x{rtf:.2f} real time){extra}"
            )
            _say_corrections(r)
        elif r.status == "skipped":
            typer.echo(f"skipped {r.folder}: transcript is current (--force redoes it)")
    done = [r for r in results if r.status == "done"]
    if len(done) == 1 and len(results) == 1:
        _preview(done[0].folder)
    _next(results)  # before the failures: those stay the last lines
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        if r.traceback and debug_enabled():
            err.print(r.traceback, markup=False, highlight=False)
    if failed:
        if len(results) == 1:
            typer.secho(f"error: {failed[0].error}", fg="red", err=True)
        else:
            typer.secho(f"{len(failed)} of {len(results)} failed:", fg="red", err=True)
            for r in failed:
                typer.echo(f"  {r.error if r.error.startswith(r.target) else f'{r.target}: {r.error}'}", err=True)


def _preview(folder: str, lines: int = 6) -> None:
    from pathlib import Path

    path = Path(folder) / "transcript.txt"
    try:
        text = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    shown = [t for t in text if t.strip()][:lines]
    for t in shown:
        t = printable(t)  # a transcript is data: no escape sequences reach the terminal
        typer.echo(f"  | {t[:110]}{'...' if len(t) > 110 else ''}")
    typer.echo(f"  full text: {path}")
