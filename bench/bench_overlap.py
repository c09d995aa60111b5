"""Speaker attribution alongside speech recognition against one after the other, side by
side in one run: wall time, CPU time, and whether words and turns are identical.

Both orders run in fresh processes, alternating (ABAB), on the same decoded audio, with the
same model and threads as `listenwell transcribe` (numpy's BLAS on one thread, as the
transcribe stage sets it). The audio: the bundled sample, and the sample repeated to
--minutes (speech and pauses as in an interview; timings, not accuracy).

    .venv/bin/python bench/bench_overlap.py [--minutes 20] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "interview" / "audio.flac"

RUN = r"""
import hashlib, json, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
from listenwell.transcribe import pipeline as P
from listenwell.transcribe.audio import SAMPLE_RATE, decode_stream, open_audio
from listenwell.transcribe.model import load_model
from listenwell.transcribe.speakers import find_speakers

path, mode = sys.argv[1], sys.argv[2]
stream = open_audio(path)
stream.mono = True
audio = decode_stream(stream, np.int16)
model = load_model()
options = P.TranscribeOptions()
with threadpool_limits(limits=1, user_api="blas"):
    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "after":
        segments, _ = P.asr(model, audio, options, None, None)
        words = [(w.start, w.end, w.word) for s in segments for w in s.words]
        found = find_speakers(audio[0], SAMPLE_RATE, {}, None, options.speakers, lambda: words)
    else:
        segments, _, found = P.words_and_speakers(model, audio, options, None, {}, None)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
digest = lambda x: hashlib.sha256(json.dumps(x).encode()).hexdigest()[:12]
print(json.dumps({"wall_s": wall, "cpu_s": cpu,
                  "words": digest([(w.start, w.end, w.word) for s in segments for w in s.words]),
                  "turns": digest([(t.start, t.end, t.speaker) for t in found.turns])}))
"""


def run(path: Path, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", RUN, str(path), mode], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        audio, rate = sf.read(SAMPLE, dtype="int16")
        long = Path(tmp) / "long.flac"
        sf.write(long, np.tile(audio, int(np.ceil(args.minutes * 60 * rate / len(audio))))[: int(args.minutes * 60 * rate)], rate)
        print(f"{'audio':<22} {'order':<10} {'wall s':>8} {'CPU s':>8} {'RTF':>6}  same words and turns")
        for name, path, seconds in (("sample (3.5 min)", SAMPLE, len(audio) / rate),
                                    (f"sample x ({args.minutes:g} min)", long, args.minutes * 60)):
            runs: dict[str, list[dict]] = {"after": [], "alongside": []}
            for _ in range(args.repeats):
                for mode in runs:
                    runs[mode].append(run(path, mode))
            same = len({(r["words"], r["turns"]) for rs in runs.values() for r in rs}) == 1
            for mode, rs in runs.items():
                wall = float(np.median([r["wall_s"] for r in rs]))
                cpu = float(np.median([r["cpu_s"] for r in rs]))
                print(f"{name:<22} {mode:<10} {wall:8.1f} {cpu:8.1f} {wall / seconds:6.3f}  {same}")
            ratio = np.median([r["wall_s"] for r in runs["alongside"]]) / np.median([r["wall_s"] for r in runs["after"]])
            print(f"{name:<22} alongside / after wall time: {ratio:.2f}")


if __name__ == "__main__":
    main()
