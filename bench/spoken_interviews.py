"""The "spoken" condition of bench/bench_mapping.py: labelled interviews as speech.

The first interview of each plan in tests/data/paraphrases_spoken.toml is spoken by two
espeak-ng voices (the interviewer's lines and the interviewee's answers written with them),
written to bench/out/spoken/<plan>/audio.wav and transcribed by the real transcriber
(`listenwell transcribe --no-speakers`, the bundled model). The speaker turns come from the
script (which voice spoke when), so this condition measures what recognition does to the
questions, not speaker attribution. Audio and transcripts are cached: a rerun only maps
(and speaks again an interview whose script changed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "spoken"
RATE = 16000
VOICES = {"interviewer": ["-v", "en-us+m3", "-s", "160", "-p", "40"],
          "interviewee": ["-v", "en-gb+f3", "-s", "150", "-p", "60"]}
GAP_S = 0.7


def _speak(voice: list[str], text: str, tmp: Path) -> np.ndarray:
    wav, wav16 = tmp / "line.wav", tmp / "line16.wav"
    subprocess.run(["espeak-ng", *voice, "-w", str(wav), text], check=True)
    subprocess.run(["sox", "-v", "0.9", str(wav), "-r", str(RATE), "-c", "1", str(wav16)], check=True)
    data, _ = sf.read(wav16, dtype="float32")
    loud = np.flatnonzero(np.abs(data) > 0.01)
    return data[loud[0]: loud[-1] + 1] if len(loud) else data[:0]


def build(folder: Path, lines: list[tuple[str, str]]) -> None:
    """audio.wav and truth.json (speaker, text, start, end per line) for one interview."""
    folder.mkdir(parents=True, exist_ok=True)
    pieces, truth, t = [], [], 0.0
    with tempfile.TemporaryDirectory() as d:
        for speaker, text in lines:
            gap = np.zeros(int(GAP_S * RATE), np.float32)
            clip = _speak(VOICES[speaker], text, Path(d))
            pieces += [gap, clip]
            start = t + GAP_S
            t = start + len(clip) / RATE
            truth.append({"speaker": speaker, "text": text, "start": round(start, 3), "end": round(t, 3)})
    pieces.append(np.zeros(int(GAP_S * RATE), np.float32))
    sf.write(folder / "audio.wav", np.concatenate(pieces), RATE)
    (folder / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")


def transcribe(folder: Path) -> Path:
    interview = folder / "interview"
    if not (interview / "transcript.json").is_file():
        exe = Path(sys.executable).parent / "listenwell"
        if not interview.exists():
            subprocess.run([str(exe), "import", str(folder / "audio.wav"), "--to", str(interview)], check=True,
                           stdout=subprocess.DEVNULL)
        subprocess.run([str(exe), "transcribe", str(interview), "--no-speakers"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return interview / "transcript.json"


def measure_spoken(plans: list, limit: int = 12, folds: Path | None = None) -> list:
    """The first interview of each spoken-set plan, through speech and the transcriber (with
    `folds`: each read by the question encoder trained without its plan)."""
    from mapping_eval import encoder, fold_model, measure

    from listenwell.records import Transcript, Turn

    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        print("spoken condition skipped: espeak-ng and sox are needed")
        return []
    out = []
    chosen = [p for p in plans if len(p.interviews) >= 3][:limit]
    for plan in chosen:
        iv = plan.interviews[0]
        folder = OUT / plan.name
        script = []
        for line, answer in zip(iv.lines, iv.answers, strict=True):
            script += [("interviewer", line), ("interviewee", answer)]
        truth_file = folder / "truth.json"
        spoken = json.loads(truth_file.read_text(encoding="utf-8")) if truth_file.is_file() else None
        if spoken is not None and [x["text"] for x in spoken] != [text for _, text in script]:
            shutil.rmtree(folder)  # the script changed: speak and transcribe it again
        if not truth_file.is_file():
            print(f"speaking {plan.name} ...", flush=True)
            build(folder, script)
        transcript = Transcript.load(transcribe(folder))
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        transcript.turns = [Turn(x["start"], x["end"], x["speaker"]) for x in truth]
        for seg in transcript.segments:
            seg.speaker = None
            for w in seg.words:
                w.speaker = next((x["speaker"] for x in truth if x["start"] - 0.3 <= (w.start + w.end) / 2 <= x["end"] + 0.3), None)
        spans = [(x["start"], x["end"]) for x in truth if x["speaker"] == "interviewer"]
        with encoder(fold_model(folds, plan.name)):
            out.append(measure(plan, iv, transcript=transcript, spans=spans))
    return out
