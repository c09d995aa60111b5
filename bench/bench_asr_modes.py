"""Sequential against batched recognition (faster-whisper's BatchedInferencePipeline),
side by side in one run, on everything with a reference: accuracy first, then speed.

Per set: WER (Whisper's English normaliser), words invented on silence and noise, how
far word start times are from the reference's (the pyannote sample's word-level truth;
speaker attribution cuts at word breaks), repetition on a long file, and wall time.
The same model (bundled tiny.en, int8), beam, VAD and word timestamps in every mode.

    .venv/bin/python bench/bench_asr_modes.py [--batch-sizes 8,16] [--long-minutes 20]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import machine
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "samples" / "interview"
OUT = ROOT / "bench" / "out"

from listenwell.transcribe.audio import SAMPLE_RATE, decode  # noqa: E402
from listenwell.transcribe.model import load_model  # noqa: E402
from listenwell.transcribe.pipeline import TranscribeOptions  # noqa: E402


def wer(refs: list[str], hyps: list[str]) -> float:
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    norm = EnglishTextNormalizer()
    return jiwer.wer([norm(r) for r in refs], [norm(h) for h in hyps])


def sets() -> dict[str, list[tuple[np.ndarray, str]]]:
    """(audio, reference text) per set; sets whose data is missing are left out."""
    out: dict[str, list[tuple[np.ndarray, str]]] = {}
    truth = json.loads((SAMPLE / "truth.json").read_text())
    out["sample interview (synthetic voices)"] = [(decode(SAMPLE / "audio.flac"), " ".join(x["text"] for x in truth["lines"]))]
    libri = sorted((DATA / "librivox").glob("*.flac"))
    if libri:
        out["librivox (read, real)"] = [(decode(f), f.with_suffix(".txt").read_text()) for f in libri]
    arctic = sorted((DATA / "cmu-arctic").glob("*.flac"))
    if arctic:
        out["cmu-arctic (read, real)"] = [(decode(f), f.with_suffix(".txt").read_text()) for f in arctic]
    stm = DATA / "pyannote-sample" / "truth.stm"
    if stm.is_file():
        out["pyannote sample (phone call, real)"] = [(decode(DATA / "pyannote-sample" / "audio.flac"), " ".join(
            w for _, _, w in stm_words(stm)))]
    fw = DATA / "conversations" / "fw-stereo-overlap-2spk"
    if fw.is_dir():
        out["overlapping talkers (real)"] = [(decode(fw / "conv-fw-stereo-overlap-2spk.flac"),
                                              (fw / "conv-fw-stereo-overlap-2spk.txt").read_text())]
    return out


def stm_words(path: Path) -> list[tuple[float, float, str]]:
    words = []
    for line in path.read_text().splitlines():
        f = line.split()
        if len(f) >= 6 and not line.startswith(";;"):
            words.append((float(f[3]), float(f[4]), " ".join(f[5:])))
    return words


def noise_clips() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 60 * SAMPLE_RATE
    white = rng.normal(0, 0.02, n).astype(np.float32)
    brown = np.cumsum(rng.normal(0, 0.002, n)).astype(np.float32)
    brown -= np.convolve(brown, np.ones(4001) / 4001, mode="same").astype(np.float32)
    t = np.arange(n) / SAMPLE_RATE
    hum = (0.05 * np.sin(2 * np.pi * 50 * t) + 0.02 * np.sin(2 * np.pi * 440 * t) * (np.sin(t) > 0)).astype(np.float32)
    return {"silence": np.zeros(n, np.float32), "white noise": white, "room rumble": brown, "hum and tone": hum}


class Mode:
    def __init__(self, name: str, model, batch_size: int | None, **change):
        self.name, self.batch_size = name, batch_size
        self.kwargs = {**TranscribeOptions().whisper_kwargs(), **change}
        if batch_size:
            from faster_whisper import BatchedInferencePipeline

            self.pipe = BatchedInferencePipeline(model)
            self.kwargs["batch_size"] = batch_size
            self.kwargs.pop("condition_on_previous_text")  # batched decodes chunks apart
        else:
            self.pipe = model

    def words(self, audio: np.ndarray) -> list[tuple[float, float, str]]:
        segments, _ = self.pipe.transcribe(audio, **self.kwargs)
        return [(w.start, w.end, w.word) for s in segments for w in (s.words or [])]


def start_error(hyp: list[tuple[float, float, str]], ref: list[tuple[float, float, str]]) -> float:
    """Median |start - reference start| over words matched in order (same normalised text)."""
    norm = [re.sub(r"[^a-z']", "", w.lower()) for _, _, w in ref]
    errs, j = [], 0
    for s, _, w in hyp:
        key = re.sub(r"[^a-z']", "", w.lower())
        for k in range(j, min(j + 8, len(ref))):
            if norm[k] == key and key:
                errs.append(abs(s - ref[k][0]))
                j = k + 1
                break
    return float(np.median(errs)) if errs else float("nan")


def repetition(words: list[tuple[float, float, str]]) -> int:
    """Longest run of the same 4-word phrase repeated back to back (a decoding loop)."""
    toks = [re.sub(r"[^a-z']", "", w.lower()) for _, _, w in words]
    worst = 0
    for i in range(len(toks) - 8):
        n = 0
        while i + 4 * (n + 1) + 4 <= len(toks) and toks[i + 4 * n: i + 4 * n + 4] == toks[i + 4 * (n + 1): i + 4 * (n + 1) + 4]:
            n += 1
        worst = max(worst, n)
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch-sizes", default="8,16")
    ap.add_argument("--beams", default="", help="also sequential with these beam sizes, e.g. 1,2,3")
    ap.add_argument("--long-minutes", type=float, default=20.0)
    args = ap.parse_args()
    print(machine.line(), flush=True)  # the int8 kernels, so the words, differ between CPUs
    model = load_model(None)
    modes = [Mode("sequential", model, None)]
    modes += [Mode(f"batched {b}", model, int(b)) for b in args.batch_sizes.split(",") if b]
    modes += [Mode(f"beam {b}", model, None, beam_size=int(b)) for b in args.beams.split(",") if b]
    data, noises = sets(), noise_clips()
    long_audio = np.tile(decode(SAMPLE / "audio.flac"), int(np.ceil(args.long_minutes * 60 / 205)))[: int(args.long_minutes * 60 * SAMPLE_RATE)]
    results: dict[str, dict] = {}
    for mode in modes:
        r: dict = {"wer": {}, "invented_words": {}, "seconds": 0.0}
        for name, items in data.items():
            t0 = time.perf_counter()
            hyps = [" ".join(w for _, _, w in mode.words(a)) for a, _ in items]
            r["seconds"] += time.perf_counter() - t0
            r["wer"][name] = round(100 * wer([t for _, t in items], hyps), 2)
        for name, audio in noises.items():
            r["invented_words"][name] = len(mode.words(audio))
        stm = DATA / "pyannote-sample" / "truth.stm"
        if stm.is_file():
            r["word_start_error_ms"] = round(1000 * start_error(mode.words(decode(DATA / "pyannote-sample" / "audio.flac")), stm_words(stm)), 1)
        t0 = time.perf_counter()
        long_words = mode.words(long_audio)
        r["long"] = {"minutes": args.long_minutes, "wall_s": round(time.perf_counter() - t0, 1),
                     "words": len(long_words), "repeated_phrase_run": repetition(long_words)}
        results[mode.name] = r
        print(mode.name, json.dumps(r), flush=True)
    print()
    names = list(data)
    print(f"{'mode':14s} " + " ".join(f"{n[:22]:>23s}" for n in names) + "  invented  start-err  long: s / words / loop")
    for mode, r in results.items():
        print(f"{mode:14s} " + " ".join(f"{r['wer'][n]:>22.2f}%" for n in names)
              + f"  {sum(r['invented_words'].values()):>8d}  {r.get('word_start_error_ms', float('nan')):>7.1f}ms"
              + f"  {r['long']['wall_s']:>6.1f} / {r['long']['words']} / {r['long']['repeated_phrase_run']}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_asr_modes.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):  # as `transcribe` runs: the words depend on it
        sys.exit(main())
