"""Benchmark speaker attribution on one channel (transcribe/speakers/diarize): every real
recording with turn truth, the real-voice interviews and one-speaker recordings of the
development set (samples/real_interviews.py; by default only its held-out voices), with and
without the interviewer's profile, and the synthetic espeak-ng cases.

Per recording: the share error (pp) of the interviewee (the worst-placed speaker on real
recordings; for one voice, the speech not given to it), DER (0.25 s collar, overlap
scored), speakers found against the truth, words given to the right speaker (the bundled
tiny.en's words, assigned as `transcribe` does), the margin the transcript would report,
and CPU-seconds of diarization per audio minute. Then mean and worst per condition, the
margin's coverage, and the speaker stage on one long recording (peak memory, CPU).

    .venv/bin/python bench/bench_speakers.py [--tune] [--no-words] [--no-synth] [--telephone]
        [--long-minutes 120] [--json out.json]

The number of speakers allowed is what the plan would say: 2 for an interview (1 for the
one-speaker recordings is *not* given: they run as interviews, max 2), the true count for
the real 3- and 4-person recordings (`[interview] people`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import sys
from pathlib import Path

import machine
import numpy as np
from speaker_devset import (
    ROOT,
    Recording,
    by_speaker,
    der,
    dev_recordings,
    error_pp,
    mapping,
    over_phone,
    profile_matrix,
    real_recordings,
)

from listenwell.intervals import talk_time
from listenwell.records import Turn

ASR_CACHE = ROOT / "bench" / "out" / "asr-cache"


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def asr_words(rec: Recording) -> list:
    """The transcript's segments as `listenwell transcribe` gets them (bundled tiny.en, the
    pipeline's settings), cached per audio in bench/out/asr-cache."""
    from listenwell.records import Segment, Word
    from listenwell.transcribe.model import load_model
    from listenwell.transcribe.pipeline import TranscribeOptions
    from listenwell.transcribe.speakers.diarize import to_16k

    key = hashlib.sha1(np.ascontiguousarray(rec.audio).tobytes()).hexdigest()[:16]
    path = ASR_CACHE / f"{key}.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    if "asr" not in _MODEL:
        _MODEL["asr"] = load_model()
    pieces, _ = _MODEL["asr"].transcribe(to_16k(rec.audio, rec.sample_rate), **TranscribeOptions().whisper_kwargs())
    out = [Segment(i, p.start, p.end, p.text, [Word(w.start, w.end, w.word, w.probability) for w in p.words or []])
           for i, p in enumerate(pieces)]
    ASR_CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


_MODEL: dict = {}


def words_right(truth: list[Turn], hyp: list[Turn], segments: list) -> tuple[int, int]:
    """Words given a speaker who really talks at the word's midpoint (bench_channels's
    judgement), after the found speakers are mapped to true ones as for the share error."""
    from bench_channels import words_right as judged

    from listenwell.transcribe.speakers.assign import assign

    m = mapping(truth, hyp)
    return judged(truth, assign(segments, [Turn(t.start, t.end, m.get(t.speaker, "?")) for t in hyp]))


def run(rec: Recording, with_profile: bool, words: bool) -> dict:
    from listenwell.transcribe.speakers.diarize import diarize

    profile = profile_matrix(rec) if with_profile else None
    segments = asr_words(rec) if words and rec.truth else []
    duration = len(rec.audio) / rec.sample_rate
    c0 = cpu()
    d = diarize(rec.audio, rec.sample_rate, max_speakers=rec.people, profile=profile,
                words=[(w.start, w.end, w.word) for s in segments for w in s.words])
    cpu_min = (cpu() - c0) / (duration / 60)
    right, n_words = words_right(rec.truth, d.turns, segments) if segments else (0, 0)
    return {"case": rec.name, "condition": rec.condition + ("+profile" if with_profile else ""),
            "held_out": rec.held_out, "true": len({t.speaker for t in rec.truth}),
            "found": len({t.speaker for t in d.turns}), "error_pp": error_pp(rec, d.turns) if rec.truth else 0.0,
            "der_pct": der(rec.truth, d.turns, duration) * 100 if rec.truth else float("nan"),
            "margin_pp": d.margin_pp or 0.0, "recognised": d.user is not None,
            "words_right": right, "words": n_words, "cpu_s_per_min": cpu_min,
            "found_talk_s": sum(talk_time(by_speaker(d.turns)).values())}


def synth_recordings(seeds: list[int]):
    import soundfile as sf

    from samples.synth_conversation import CASES, make_conversation, make_monologue

    sample = ROOT / "samples/interview"
    a, sr = sf.read(sample / "audio.flac", dtype="float32")
    truth = [Turn(**t) for t in json.loads((sample / "truth.json").read_text())["turns"]]
    yield Recording("synth/sample-interview", "synth-espeak", a, sr, truth, 2, interviewee="interviewee")
    for seed in seeds:
        for name, kw in CASES.items():
            a, sr, turns = make_conversation(seed=seed, **kw)
            n = len({t.speaker for t in turns})
            yield Recording(f"synth/{name}/s{seed}", "synth-espeak" if n == 2 else f"synth-{n}spk", a, sr, turns, n)
    a, sr, turns = make_monologue(40.0, seed=seeds[0], reverb=True, noise_db=-45.0)
    yield Recording("synth/one-speaker", "synth-one", a, sr, turns, 2)
    yield Recording("synth/silence", "synth-none", np.zeros(16000 * 20, np.float32), 16000, [], 2)


LONG_CHILD = """
import os, sys, time
from pathlib import Path
from listenwell.records import AudioInfo, Transcript
from listenwell.transcribe.speakers import SpeakerOptions, attribute
p = Path(sys.argv[1])
t = Transcript(AudioInfo(p.name, "", 0.0, 16000, 1), "-", {}, "en", [])
c0, w0 = os.times(), time.time()
r = attribute(t, p, {}, None, SpeakerOptions())
c1 = os.times()
# VmHWM, not ru_maxrss: Linux carries the forked parent's resident size into ru_maxrss
hwm_kb = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM"))
print(c1.user + c1.system - c0.user - c0.system, time.time() - w0, hwm_kb / 1024, r.speakers.get("count"))
"""


def long_recording(minutes: float) -> dict:
    """The speaker stage alone (decode from file + attribution, as `transcribe` runs it) on
    the sample interview repeated to `minutes`, in a child process: its own peak memory."""
    import subprocess

    import soundfile as sf

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"speakers-long{int(minutes)}.flac"
    if not path.is_file():
        a, sr = sf.read(ROOT / "samples/interview/audio.flac", dtype="int16")
        n = int(minutes * 60 * sr)
        sf.write(path, np.tile(a, -(-n // len(a)))[:n], sr)
    res = subprocess.run([sys.executable, "-c", LONG_CHILD, str(path)], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    cpu_s, wall_s, rss, count = res.stdout.split()
    return {"minutes": minutes, "cpu_s_per_min": float(cpu_s) / minutes, "wall_s": float(wall_s),
            "peak_rss_mib": float(rss), "speakers": int(count)}


def summarise(rows: list[dict]) -> None:
    print(f"\n{'condition':24s} {'n':>3s} {'err mean':>8s} {'worst':>6s} {'DER mean':>8s} {'count ok':>8s} "
          f"{'words ok':>8s} {'margin':>6s} {'covered':>7s} {'CPU/min':>7s}")
    for cond in sorted({r["condition"] for r in rows}):
        sel = [r for r in rows if r["condition"] == cond and r["true"] > 0]
        if not sel:
            continue
        e = [r["error_pp"] for r in sel]
        w, n = sum(r["words_right"] for r in sel), sum(r["words"] for r in sel)
        covered = np.mean([r["error_pp"] <= r["margin_pp"] for r in sel]) * 100
        print(f"{cond:24s} {len(sel):3d} {np.mean(e):8.2f} {max(e):6.2f} {np.nanmean([r['der_pct'] for r in sel]):8.1f} "
              f"{sum(r['true'] == r['found'] for r in sel):4d}/{len(sel):<3d} "
              f"{(100 * w / n if n else float('nan')):8.1f} {np.mean([r['margin_pp'] for r in sel]):6.1f} "
              f"{covered:6.0f}% {np.mean([r['cpu_s_per_min'] for r in sel]):7.2f}")
    speech = [r for r in rows if r["true"] > 0]
    print(f"CPU-s per audio minute of diarization, mean over recordings with speech: "
          f"{np.mean([r['cpu_s_per_min'] for r in speech]):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tune", action="store_true", help="also the development set's tuning voices")
    ap.add_argument("--no-words", dest="words", action="store_false", help="skip the words-to-the-right-speaker measure")
    ap.add_argument("--no-synth", dest="synth", action="store_false", help="skip the synthetic espeak-ng cases")
    ap.add_argument("--seeds", type=int, nargs="*", default=[1])
    ap.add_argument("--long-minutes", type=float, default=120, help="the speaker stage on one recording this long (0: skip)")
    ap.add_argument("--telephone", action="store_true",
                    help="also every development recording as a phone line would carry it (condition tel-...)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    import soundfile as sf

    from listenwell.transcribe.speakers.diarize import diarize

    warm, sr = sf.read(ROOT / "samples/interview/audio.flac", dtype="float32", frames=16000 * 40)
    diarize(warm, sr)  # model sessions and lazy imports loaded before anything is timed
    recordings = list(real_recordings())
    recordings += list(dev_recordings(held_out=None if args.tune else True))
    if args.telephone:
        recordings += [over_phone(r) for r in dev_recordings(held_out=None if args.tune else True)]
    if args.synth:
        recordings += list(synth_recordings(args.seeds))
    print(machine.line())
    print(f"{'recording':44s} {'condition':18s} {'true':>4s} {'found':>5s} {'err pp':>6s} {'DER %':>6s} "
          f"{'words %':>7s} {'margin':>6s} {'CPU/min':>7s}")
    rows = []
    for rec in recordings:
        for with_profile in ([False, True] if rec.profile is not None else [False]):
            r = run(rec, with_profile, args.words)
            rows.append(r)
            words = f"{100 * r['words_right'] / r['words']:7.1f}" if r["words"] else f"{'':7s}"
            print(f"{rec.name:44s} {r['condition']:18s} {r['true']:4d} {r['found']:5d} {r['error_pp']:6.1f} "
                  f"{r['der_pct']:6.1f} {words} {r['margin_pp']:6.1f} {r['cpu_s_per_min']:7.2f}", flush=True)
    print("\nheld-out voices and real recordings:" if not args.tune else "\nall recordings:")
    summarise(rows)
    if args.tune:
        print("\nheld-out voices only:")
        summarise([r for r in rows if r["held_out"]])
    print(f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if args.long_minutes:
        long = long_recording(args.long_minutes)
        print(f"speaker stage on one {long['minutes']:.0f}-min recording (decode + attribution, child process): "
              f"peak RSS {long['peak_rss_mib']:.0f} MiB, {long['cpu_s_per_min']:.2f} CPU-s per audio minute, "
              f"{long['speakers']} speakers found")
        rows.append({"case": "long", **long})
    print(f"torch imported: {'torch' in sys.modules}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
