"""An answer as `compare` shows it: the whole answer, and a few key sentences of it.

Taken from the (corrected) transcript's words between the answer's start and end, so each
sentence is attributed to whoever said it; without a transcript, the report's own
excerpt, as the interviewee's. The key sentences are the answer's first sentence and the
interviewee's sentences that say the most (the most distinct content words,
listenwell/text.py), kept in the order said.
"""

from __future__ import annotations

import re
from typing import Any

from listenwell.records import INTERVIEWEE, INTERVIEWER, Transcript
from listenwell.text import terms

KEY_SENTENCES = 3
KEY_CHARS = 420  # the key sentences together, at most
SENTENCE_CHARS = 240  # one sentence, at most (a recogniser may not punctuate)
NO_END_S = 60.0  # an answer without a known end: this much of it


def speaker_name(label: str | None, interviewee: str, interviewer: str) -> str:
    if label == INTERVIEWEE:
        return interviewee or "interviewee"
    if label == INTERVIEWER:
        return interviewer or "you"
    return label or "unknown speaker"


def sentences_between(transcript: Transcript, start: float, end: float | None) -> list[dict[str, Any]]:
    """[{label, at_s, text}] for each sentence said between start and end."""
    stop = end if end is not None else start + NO_END_S
    out: list[dict[str, Any]] = []
    open_sentence = False
    for seg in transcript.segments:
        if seg.end <= start or seg.start >= stop:
            continue
        pieces = ([(w.start, w.word, w.speaker or seg.speaker) for w in seg.words if start - 0.05 <= w.start < stop]
                  if seg.words else [(seg.start, seg.text, seg.speaker)])
        for at, word, label in pieces:
            word = word.strip()
            if not word:
                continue
            if open_sentence and out[-1]["label"] == label and len(out[-1]["text"]) < SENTENCE_CHARS:
                out[-1]["text"] += " " + word
            else:
                out.append({"label": label, "at_s": round(at, 2), "text": word})
            open_sentence = not re.search(r"[.!?][\"')\]]*$", word)
    return out


def answer_parts(transcript: Transcript | None, start: float | None, end: float | None,
                 names: tuple[str, str], fallback: str | None) -> tuple[list[dict], list[dict]]:
    """(key sentences, whole answer): each a list of {speaker, role, at_s, text}; the whole
    answer is one item per run of one speaker."""
    said = sentences_between(transcript, start, end) if transcript is not None and start is not None else []
    if not said and fallback:
        said = [{"label": INTERVIEWEE, "at_s": None if start is None else round(start, 2), "text": fallback}]

    def item(x: dict) -> dict:
        return {"speaker": speaker_name(x["label"], *names), "role": x["label"], "at_s": x["at_s"], "text": x["text"]}

    runs: list[dict] = []
    for x in said:
        if runs and runs[-1]["role"] == x["label"]:
            runs[-1]["text"] += " " + x["text"]
        else:
            runs.append(item(x))
    return [item(x) for x in key_sentences(said)], runs


def key_sentences(said: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answer's first sentence and the interviewee's most telling others, in order."""
    if not said:
        return []
    theirs = [k for k, x in enumerate(said) if x["label"] == INTERVIEWEE] or list(range(len(said)))
    first = theirs[0]
    score = {k: len(set(terms(said[k]["text"]))) for k in theirs[1:]}
    chosen = {first}
    chars = len(said[first]["text"])
    for k in sorted(score, key=lambda k: (-score[k], k)):
        if len(chosen) >= KEY_SENTENCES:
            break
        if score[k] > 0 and chars + len(said[k]["text"]) <= KEY_CHARS:
            chosen.add(k)
            chars += len(said[k]["text"])
    return [said[k] for k in sorted(chosen)]
