"""Build the bundled sample interview in samples/interview/ with two espeak-ng voices.

    python samples/make_sample.py            # rewrites samples/interview/
    python samples/make_sample.py --out DIR  # somewhere else

Writes audio.flac (16 kHz mono), plan.toml, truth.json (exact speech turns and the script
lines with the planned question each one asks) and truth.rttm. The dialogue is an
informational interview: five of six planned questions are asked (three as paraphrases),
one is skipped, one follow-up is not in the plan, and the interviewee does most of the
talking. The promised minutes are a little shorter than the audio, so the report has an
over-time finding. Needs espeak-ng; the output is committed so that `make demo` does not.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 16000
HERE = Path(__file__).resolve().parent

# Two clearly different voices: a male interviewer, a female interviewee. CAM++ relates these
# two at 0.2-0.3 (real different people: at most about 0.3). Many espeak-ng pairs that sound
# different relate at 0.75-0.96 (en-gb+f3 and en-us+m3, the former sample's: 0.77), as one real
# voice does across takes, and are rightly taken for one voice when the count is not given.
VOICES = {
    "interviewer": ["-v", "en-us+m3", "-s", "160", "-p", "40"],
    "interviewee": ["-v", "en-us+f5", "-s", "150", "-p", "60"],
}

PLAN_TOML = """\
# The sample interview's plan (samples/make_sample.py writes it).
[interview]
interviewee = "Priya Natarajan"
interviewer = "Sam Okafor"
role = "data engineer"
company = "Fernhill Analytics"
level = "above"
minutes = 3
date = "2026-11-20"

[[questions]]
id = "day"
text = "What does a typical day look like for you?"
priority = 1

[[questions]]
id = "path"
text = "How did you get into data engineering?"
priority = 1

[[questions]]
id = "skills"
text = "What skills matter most for someone starting out?"
priority = 2

[[questions]]
id = "hard"
text = "What is the hardest part of the job?"
priority = 2

[[questions]]
id = "team"
text = "How is the data team organised at Fernhill?"
priority = 3

[[questions]]
id = "referral"
text = "Who else would you suggest I talk to?"
priority = 3
"""

# (speaker, text, planned question id asked by this line or "followup", pause before in s)
IV, IE = "interviewer", "interviewee"
SCRIPT: list[tuple[str, str, str | None, float]] = [
    (IV, "Hi Priya, thanks so much for making time for this. I know you are busy, so I will "
        "keep it to about three minutes. I am thinking about moving from marketing into data "
        "work, and I would love to hear how it looks from the inside.", None, 0.0),
    (IE, "Of course, Sam. Happy to help.", None, 0.5),
    (IV, "Could you walk me through an ordinary day at Fernhill Analytics?", "day", 0.6),
    (IE, "Sure. Most days start with checking the overnight pipelines. We load sales and "
        "inventory data from about forty stores, and if a job failed I fix it before the "
        "analysts arrive. After that I usually have a short stand up with my team, where we "
        "agree who takes which request, and who is on call for the day.", None, 0.9),
    (IV, "Right.", None, 0.4),
    (IE, "Then the middle of the day is for project work, like building a new data model or "
        "moving an old report onto the warehouse. The afternoon is often meetings with "
        "analysts, who tell me what numbers they need and why. I try to keep the last hour "
        "free for reviewing code from the two juniors on my team.", None, 0.4),
    (IV, "How did you get into data engineering in the first place?", "path", 0.8),
    (IE, "Honestly, by accident. I studied geography and started as an analyst at a small "
        "council office. I got tired of copying spreadsheets by hand, so I taught myself "
        "Python and S Q L to automate it. A manager noticed, and two years later I applied "
        "for a junior data engineer job here.", None, 1.0),
    (IV, "Did the self teaching count for much when you applied?", "followup", 0.7),
    (IE, "It counted for almost everything. They cared that I had automated real work, much "
        "more than which courses I had taken. I brought a small project to the interview "
        "and we spent half the time talking about it. I would say a portfolio beats a "
        "certificate, at least for smaller companies like ours.", None, 0.8),
    (IV, "That is reassuring, because I have mostly been learning from online courses "
        "and small projects at work.", None, 0.9),
    (IV, "If I were starting tomorrow, which abilities would you tell me to build first?",
        "skills", 0.9),
    (IE, "S Q L, first and last. Then enough Python to write a clean script and test it. And "
        "something people forget, which is writing. You need to explain to a non technical "
        "manager why a number changed, in plain words.", None, 1.1),
    (IV, "Mm hm.", None, 0.3),
    (IE, "Cloud tools help too, but they change every year, so I would not start there. Learn "
        "the ideas behind them, like how a warehouse stores data, and the tools come easily.",
        None, 0.3),
    (IV, "And what do you find most difficult about the work?", "hard", 0.7),
    (IE, "The hardest part is that nobody notices the job when it goes well. When the data "
        "is late or wrong, everyone notices at once. So you spend a lot of effort on checks "
        "and alerts that nobody will ever thank you for. It also means some stressful "
        "mornings. "
        "A few years ago a bad join doubled our revenue figures for a week before anyone "
        "caught it. Since then I test everything twice.", None, 1.2),
    (IV, "That makes sense. One last thing, is there anyone else you would suggest I talk "
        "to?", "referral", 0.8),
    (IE, "Yes, talk to Marcus Lee on our analytics team. He moved from teaching into data "
        "two years ago, so his path is probably closer to yours than mine. I will send you "
        "his email.", None, 0.9),
    (IV, "That would be wonderful. Thank you so much, Priya, this was really helpful.", None,
        0.6),
    (IE, "My pleasure. Good luck with the search.", None, 0.5),
]


def speak(voice: list[str], text: str, tmp: Path) -> np.ndarray:
    """One utterance from espeak-ng, resampled to 16 kHz and trimmed to its speech."""
    wav, wav16 = tmp / "line.wav", tmp / "line16.wav"
    subprocess.run(["espeak-ng", *voice, "-w", str(wav), text], check=True)
    # espeak-ng speaks at 22050 Hz; sox resamples with a proper low-pass filter
    subprocess.run(["sox", "-v", "0.9", str(wav), "-r", str(RATE), "-c", "1", str(wav16)], check=True)
    data, _ = sf.read(wav16, dtype="float32")
    loud = np.flatnonzero(np.abs(data) > 0.01)
    return data[loud[0] : loud[-1] + 1] if len(loud) else data[:0]


def build(out: Path) -> dict:
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install {tool})")
    out.mkdir(parents=True, exist_ok=True)
    pieces: list[np.ndarray] = []
    turns, lines = [], []
    t = 0.0
    with tempfile.TemporaryDirectory() as d:
        for speaker, text, qid, pause in SCRIPT:
            gap = np.zeros(int(round(pause * RATE)), np.float32)
            pieces.append(gap)
            t += len(gap) / RATE
            clip = speak(VOICES[speaker], text, Path(d))
            start, end = t, t + len(clip) / RATE
            pieces.append(clip)
            t = end
            turns.append({"start": round(start, 3), "end": round(end, 3), "speaker": speaker})
            lines.append({**turns[-1], "text": text, "question": qid})
    tail = np.zeros(int(0.5 * RATE), np.float32)
    audio = np.concatenate([*pieces, tail])
    audio *= 0.7 / max(float(np.abs(audio).max()), 1e-9)
    # 11-bit quantisation (still ~60 dB SNR): FLAC stores the unused low bits for free,
    # which keeps the committed file under 2 MB.
    audio = np.round(audio * 1024) / 1024
    sf.write(out / "audio.flac", audio, RATE, subtype="PCM_16", compression_level=1.0)
    (out / "plan.toml").write_text(PLAN_TOML, encoding="utf-8")

    speech = {s: round(sum(x["end"] - x["start"] for x in turns if x["speaker"] == s), 3)
              for s in VOICES}
    truth = {
        "audio": "audio.flac",
        "duration_s": round(len(audio) / RATE, 3),
        "speech_s": speech,
        "interviewee_share": round(speech[IE] / sum(speech.values()), 3),
        "asked": [x["question"] for x in lines if x["question"] not in (None, "followup")],
        "skipped": ["team"],
        "followups": [x["text"] for x in lines if x["question"] == "followup"],
        "turns": turns,
        "lines": lines,
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    rttm = "".join(
        f"SPEAKER audio 1 {x['start']:.3f} {x['end'] - x['start']:.3f} <NA> <NA> {x['speaker']} <NA> <NA>\n"
        for x in turns
    )
    (out / "truth.rttm").write_text(rttm, encoding="utf-8")
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "interview")
    truth = build(ap.parse_args().out)
    print(f"{truth['duration_s']:.1f} s, interviewee share {truth['interviewee_share']:.0%}, "
          f"speech {truth['speech_s']}")


if __name__ == "__main__":
    main()
