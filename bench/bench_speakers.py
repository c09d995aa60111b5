"""Benchmark single-channel diarization (transcribe/speakers/diarize) on real and synthetic speech.

Per case: talk-share error per speaker (percentage points, shares by the talk-time definition
in listenwell/intervals.py, hypothesis speakers mapped to true ones for the largest overlap),
DER (pyannote.metrics, 0.25 s collar, overlap scored), number of speakers found, and
CPU-seconds per audio minute of diarization alone (not ASR). Peak RSS at the end, and the
speaker stage's peak RSS and CPU on one long recording (--long-minutes, in a child process).

    .venv/bin/python bench/bench_speakers.py [--real-only] [--synth-only] [--oracle]
        [--step 5] [--embed-s 3] [--threshold 0.7] [--long-minutes 60] [--json out.json]

Real clips: ../shared/data (pyannote-sample; AMI dev00, dev01: 2 speakers; tst00, tst01: 4
with heavy overlap), skipped when absent. Synthetic: samples/synth_conversation.py cases
(espeak-ng voices, levels, noise, reverb, far speaker, 8 kHz phone, three people) plus the
bundled sample interview, a monologue, silence and music.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import sys
import warnings
from itertools import permutations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"

from listenwell.intervals import shares, talk_time  # noqa: E402
from listenwell.records import Turn  # noqa: E402


def read_rttm(path: Path) -> dict[str, list[Turn]]:
    out: dict[str, list[Turn]] = {}
    for line in path.read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            s, d = float(f[3]), float(f[4])
            out.setdefault(f[1], []).append(Turn(s, s + d, f[7]))
    return out


def by_speaker(turns: list[Turn]) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    for t in turns:
        out.setdefault(t.speaker, []).append((t.start, t.end))
    return out


def mapping(truth: list[Turn], hyp: list[Turn]) -> dict[str, str]:
    """hyp label -> truth label maximising overlapping time (one to one)."""
    from listenwell.intervals import intersect, total

    tb, hb = by_speaker(truth), by_speaker(hyp)
    tl, hl = list(tb), list(hb)
    if not tl or not hl:
        return {}
    ov = np.array([[total(intersect(hb[h], tb[t])) for t in tl] for h in hl])
    best, score = {}, -1.0
    if len(hl) <= len(tl):
        for perm in permutations(range(len(tl)), len(hl)):
            s = sum(ov[i, j] for i, j in enumerate(perm))
            if s > score:
                best, score = {hl[i]: tl[j] for i, j in enumerate(perm)}, s
    else:
        for perm in permutations(range(len(hl)), len(tl)):
            s = sum(ov[i, j] for j, i in enumerate(perm))
            if s > score:
                best, score = {hl[i]: tl[j] for j, i in enumerate(perm)}, s
    return best


def share_errors(truth: list[Turn], hyp: list[Turn]) -> dict[str, float]:
    """Per true speaker: |hyp share - true share| in percentage points."""
    m = mapping(truth, hyp)
    ts = shares(talk_time(by_speaker(truth)))
    hs = shares(talk_time(by_speaker(hyp)))
    got = {t: 0.0 for t in ts}
    for h, v in hs.items():
        if h in m:
            got[m[h]] += v
    return {t: abs(got[t] - ts[t]) * 100 for t in ts}


def der(truth: list[Turn], hyp: list[Turn], duration: float) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref, h = Annotation(), Annotation()
    for i, t in enumerate(truth):
        ref[Segment(t.start, t.end), i] = t.speaker
    for i, t in enumerate(hyp):
        h[Segment(t.start, t.end), i] = t.speaker
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(DiarizationErrorRate(collar=0.25, skip_overlap=False)(ref, h, uem=Segment(0, duration)))


_MODEL: dict = {}  # the ASR model, loaded once
_WORDS: dict[str, list] = {}  # ASR segments per case (the same for every variant)


def asr_words(audio: np.ndarray, sr: int) -> list:
    """The transcript's words as `listenwell transcribe` gets them (bundled tiny.en, the
    pipeline's own settings), as Segments for transcribe.speakers.assign."""
    from listenwell.records import Segment, Word
    from listenwell.transcribe.model import load_model
    from listenwell.transcribe.pipeline import TranscribeOptions
    from listenwell.transcribe.speakers.diarize import to_16k

    if "asr" not in _MODEL:
        _MODEL["asr"] = load_model()
    pieces, _ = _MODEL["asr"].transcribe(to_16k(audio, sr), **TranscribeOptions().whisper_kwargs())
    return [Segment(i, p.start, p.end, p.text, [Word(w.start, w.end, w.word, w.probability) for w in p.words or []])
            for i, p in enumerate(pieces)]


def words_right(truth: list[Turn], hyp: list[Turn], segments: list) -> tuple[int, int]:
    """Words (from ASR) given a speaker who really talks at the word's midpoint, judged as
    bench_channels.words_right does, after the hypothesis labels are mapped to true ones as
    for the share error."""
    from bench_channels import words_right as judged

    from listenwell.transcribe.speakers.assign import assign

    m = mapping(truth, hyp)
    named = [Turn(t.start, t.end, m.get(t.speaker, "?")) for t in hyp]
    return judged(truth, assign(segments, named))


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def real_cases():
    import soundfile as sf

    if not SHARED.is_dir():
        print("(../shared/data absent: real clips skipped)")
        return
    truth = read_rttm(SHARED / "pyannote-sample/truth.rttm")["sample"]
    a, sr = sf.read(SHARED / "pyannote-sample/audio.flac", dtype="float32")
    yield "real/pyannote-sample", a, sr, truth
    rttm = read_rttm(SHARED / "ami-dev/truth.rttm")
    for name in ("dev00", "dev01", "tst00", "tst01"):
        a, sr = sf.read(SHARED / f"ami-dev/{name}.flac", dtype="float32")
        yield f"real/ami-{name}", a, sr, rttm[name]


def synth_cases(seeds: list[int]):
    import soundfile as sf

    sample = ROOT / "samples/interview"
    if (sample / "audio.flac").is_file():
        a, sr = sf.read(sample / "audio.flac", dtype="float32")
        truth = [Turn(**t) for t in json.loads((sample / "truth.json").read_text())["turns"]]
        yield "sample/interview", a, sr, truth
    try:
        from samples.synth_conversation import CASES, make_conversation, make_monologue
    except ImportError as e:
        print(f"(synthetic conversations unavailable: {e})")
        return
    for seed in seeds:
        for name, kw in CASES.items():
            a, sr, turns = make_conversation(seed=seed, **kw)
            yield f"synth/{name}/s{seed}", a, sr, turns
    a, sr, turns = make_monologue(40.0, seed=seeds[0], reverb=True, noise_db=-45.0)
    yield "synth/one-speaker", a, sr, turns
    yield "synth/silence", np.zeros(16000 * 20, dtype=np.float32), 16000, []
    yield "synth/music", music(20.0), 16000, []


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
    """The speaker stage alone (decode from file + diarization, as `transcribe` runs it) on a
    long recording made by repeating the sample interview, in a child process: peak RSS and
    CPU-seconds per audio minute on one long file."""
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


def music(seconds: float, sr: int = 16000) -> np.ndarray:
    """Chords with a beat: harmonic, loud, not speech."""
    t = np.arange(int(seconds * sr)) / sr
    notes = [220.0, 277.2, 329.6, 246.9, 311.1, 370.0]
    x = np.zeros_like(t)
    for i, f in enumerate(notes):
        on = ((t * 2 + i / 3) % 3) < 1.5
        for h in (1, 2, 3):
            x += on * np.sin(2 * np.pi * f * h * t) / (h * len(notes))
    beat = np.exp(-((t % 0.5) * 30)) * np.random.default_rng(0).standard_normal(t.size) * 0.3
    return (0.3 * (x + beat)).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real-only", action="store_true")
    ap.add_argument("--synth-only", action="store_true")
    ap.add_argument("--oracle", action="store_true", help="pass the true number of speakers")
    ap.add_argument("--seeds", type=int, nargs="*", default=[1])
    ap.add_argument("--step", type=float)
    ap.add_argument("--embed-s", type=float)
    ap.add_argument("--threshold", type=float)
    ap.add_argument("--speech-threshold", type=float)
    ap.add_argument("--variant", action="append", default=[], metavar="NAME:FIELD=VALUE,...",
                    help="also run Options changed so, side by side (e.g. int8:embedding_model=campplus-int8.onnx)")
    ap.add_argument("--no-words", dest="words", action="store_false",
                    help="skip transcribing each case for the words-to-the-right-speaker measure")
    ap.add_argument("--long-minutes", type=float, default=60,
                    help="also measure the speaker stage on one recording this long (0: skip)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from listenwell.transcribe.speakers.diarize import Options, diarize

    opts = Options()
    if args.step:
        opts.step_s = args.step
    if args.embed_s:
        opts.embed_s = args.embed_s
    if args.threshold:
        opts.cluster.threshold = args.threshold
    if args.speech_threshold:
        opts.speech_threshold = args.speech_threshold
    variants = [("", opts)]
    for spec in args.variant:
        label, _, fields = spec.partition(":")
        v = copy.deepcopy(opts)
        for kv in filter(None, fields.split(",")):
            k, _, val = kv.partition("=")
            setattr(v, k, type(getattr(v, k))(val) if not isinstance(getattr(v, k), bool) else val == "True")
        variants.append((label, v))
    # warm up on speech, so that every model session and lazy import is loaded before the
    # first measured case (a one-off ~0.4 s per process, not a per-minute cost)
    import soundfile as sf

    warm, warm_sr = sf.read(ROOT / "samples/interview/audio.flac", dtype="float32", frames=16000 * 40)
    for _, v in variants:
        diarize(warm, warm_sr, options=v)

    cases = []
    if not args.synth_only:
        cases += list(real_cases())
    if not args.real_only:
        cases += list(synth_cases(args.seeds))
    print(f"{'case':32s} {'true':>4s} {'found':>5s} {'share err pp':>12s} {'DER %':>6s} {'CPU s/min':>9s} {'words %':>7s}")
    rows = []
    for (case, audio, sr, truth), (label, v) in ((c, v) for c in cases for v in variants):
        name = f"{case} [{label}]" if label else case
        duration = len(audio) / sr
        n_true = len({t.speaker for t in truth})
        if truth and args.words and case not in _WORDS:
            _WORDS[case] = asr_words(audio, sr)
        segments = _WORDS.get(case, [])
        c0 = cpu()
        d = diarize(audio, sr, num_speakers=n_true if args.oracle and n_true else None, options=v,
                    words=[(w.start, w.end, w.word) for s in segments for w in s.words])
        cpu_min = (cpu() - c0) / (duration / 60)
        found = len({t.speaker for t in d.turns})
        errs = share_errors(truth, d.turns) if truth else {}
        err = max(errs.values()) if errs else 0.0
        dr = der(truth, d.turns, duration) * 100 if truth else float("nan")
        if segments:
            right, n_words = words_right(truth, d.turns, segments)
        else:
            right = n_words = 0
        hyp_talk = sum(talk_time(by_speaker(d.turns)).values())
        rows.append({"case": case, "variant": label, "true": n_true, "found": found, "share_err_pp": errs,
                     "share_err_max_pp": err, "der_pct": dr, "cpu_s_per_min": cpu_min, "hyp_talk_s": hyp_talk,
                     "words_right": right, "words": n_words})
        extra = f"  (talk found {hyp_talk:.1f} s)" if not truth else ""
        words = f"{100 * right / n_words:7.1f}" if n_words else f"{'':7s}"
        print(f"{name:32s} {n_true:4d} {found:5d} {err:12.1f} {dr:6.1f} {cpu_min:9.2f} {words}{extra}")

    def summary(prefix, label, only2=False):
        sel = [r for r in rows if r["case"].startswith(prefix) and r["true"] > 0 and (not only2 or r["true"] == 2)
               and "+" not in r["case"] and r["variant"] == label]
        if sel:
            e = [v for r in sel for v in r["share_err_pp"].values()]
            tag = f"{prefix}{' 2-speaker' if only2 else ''}{f' [{label}]' if label else ''}"
            right, words = sum(r["words_right"] for r in sel), sum(r["words"] for r in sel)
            wtxt = f"; words to the right speaker {100 * right / words:.1f} % of {words}" if words else ""
            print(f"{tag:24s} share err mean {np.mean(e):.1f} pp, worst {max(e):.1f} pp; "
                  f"DER mean {np.mean([r['der_pct'] for r in sel]):.1f} %; speakers right {sum(r['true'] == r['found'] for r in sel)}/{len(sel)}{wtxt}")

    for label, _ in variants:
        print()
        summary("real", label, only2=True)
        summary("real", label)
        summary("synth", label, only2=True)
        summary("synth", label)
        summary("sample", label)
        sel = [r for r in rows if r["variant"] == label]
        speech = [r for r in sel if r["true"] > 0]
        print(f"CPU s per audio minute{f' [{label}]' if label else ''}: mean over cases {np.mean([r['cpu_s_per_min'] for r in sel]):.2f}, "
              f"over cases with speech {np.mean([r['cpu_s_per_min'] for r in speech]):.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if args.long_minutes:
        long = long_recording(args.long_minutes)
        print(f"speaker stage on one {long['minutes']:.0f}-min recording (decode + diarization, child process): "
              f"peak RSS {long['peak_rss_mib']:.0f} MiB, {long['cpu_s_per_min']:.2f} CPU-s per audio minute, "
              f"{long['speakers']} speakers found")
        rows.append({"case": "long", **long})
    print(f"torch imported: {'torch' in sys.modules}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
