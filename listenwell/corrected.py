"""The machine's transcript with the user's corrections applied: pure functions.

    result = apply(transcript, corrections)   # result.transcript, result.not_applied

Speaker fixes give the speech between two times to a speaker: the words whose middle lies
there, the segments (split where the speaker now changes) and the speaker turns (the parts
of turns inside the span, and the words' own times where no turn covers them). Word fixes
replace the words between two times when those words are still the ones the user saw
(`was`): after `transcribe --force` a fix whose words changed no longer applies, and says
so. Question and note fixes are the report's (analysis/report.py applies them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from listenwell import intervals as iv
from listenwell.corrections import Corrections, SpeakerFix, WordsFix, describe, load
from listenwell.errors import UserError
from listenwell.records import Segment, Transcript, Turn, Word
from listenwell.timefmt import clock

EDGE_S = 0.05  # a word this close outside a fix's span still counts as inside it


@dataclass
class Applied:
    transcript: Transcript
    corrections: Corrections
    applied: int = 0
    not_applied: list[str] = field(default_factory=list)  # one sentence each

    def summary(self) -> dict[str, Any]:
        return {"applied": self.applied, "not_applied": self.not_applied}


def apply(transcript: Transcript, corrections: Corrections) -> Applied:
    """The transcript with every speaker and word fix applied, in the order made."""
    out = Applied(transcript, corrections)
    for fix in corrections.corrections:
        if fix.kind not in ("speaker", "words"):
            continue
        new, why = (give_speaker if fix.kind == "speaker" else edit_words)(out.transcript, fix)
        if new is None:
            out.not_applied.append(f"{describe(fix)}: {why}")
        else:
            out.transcript = new
            out.applied += 1
    if out.applied:
        labels = list(out.transcript.speakers.get("labels") or [])
        labels += sorted({t.speaker for t in out.transcript.turns} - set(labels))
        out.transcript = replace(out.transcript, speakers={**out.transcript.speakers, "labels": labels,
                                                           "corrected": out.applied})
    return out


def corrected_transcript(folder: Path) -> Applied:
    """The folder's transcript.json with its corrections.json applied."""
    return apply(Transcript.load(Path(folder) / "transcript.json"), load(folder))


# ---- speakers ------------------------------------------------------------------------------


def _inside(start: float, end: float, fix: Any) -> bool:
    mid = (start + end) / 2
    return fix.start <= mid < fix.end or (start >= fix.start - EDGE_S and end <= fix.end + EDGE_S)


def give_speaker(t: Transcript, fix: SpeakerFix) -> tuple[Transcript | None, str]:
    """(the transcript with the speech in [fix.start, fix.end] given to fix.speaker, "") or
    (None, why not)."""
    touched = False
    segments: list[Segment] = []
    for seg in t.segments:
        if seg.words:
            words = [replace(w, speaker=fix.speaker) if _inside(w.start, w.end, fix) else w for w in seg.words]
            touched |= any(a is not b for a, b in zip(words, seg.words, strict=True))
            segments.extend(split_by_speaker(replace(seg, words=words)))
        elif _inside(seg.start, seg.end, fix):
            touched = True
            segments.append(replace(seg, speaker=fix.speaker))
        else:
            segments.append(seg)
    span = [(fix.start, fix.end)]
    speech = iv.crop([(x.start, x.end) for x in t.turns], fix.start, fix.end)
    heard = iv.crop([(w.start, w.end) for s in segments for w in s.words if w.speaker == fix.speaker
                     and _inside(w.start, w.end, fix)], fix.start - EDGE_S, fix.end + EDGE_S)
    if not touched and not speech:
        return None, f"nobody speaks between {clock(fix.start)} and {clock(fix.end)} in this transcript"
    turns = [Turn(s, e, x.speaker) for x in t.turns for s, e in iv.subtract([(x.start, x.end)], span)]
    turns += [Turn(s, e, fix.speaker) for s, e in iv.merge(speech + heard)]
    return replace(t, segments=_renumber(segments), turns=merge_turns(turns)), ""


def split_by_speaker(seg: Segment) -> list[Segment]:
    """A segment whose words change speaker, as one segment per run of one speaker."""
    runs: list[list[Word]] = []
    for w in seg.words:
        if runs and runs[-1][-1].speaker == w.speaker:
            runs[-1].append(w)
        else:
            runs.append([w])
    if len(runs) <= 1:
        return [replace(seg, speaker=runs[0][0].speaker if runs else seg.speaker)]
    return [replace(seg, start=run[0].start if k else seg.start, end=run[-1].end if k < len(runs) - 1 else seg.end,
                    text=_text(run), words=run, speaker=run[0].speaker) for k, run in enumerate(runs)]


def merge_turns(turns: list[Turn]) -> list[Turn]:
    """Turns in time order, a speaker's touching or overlapping turns made one."""
    by: dict[str, list[iv.Interval]] = {}
    for x in turns:
        by.setdefault(x.speaker, []).append((x.start, x.end))
    out = [Turn(s, e, spk) for spk, spans in by.items() for s, e in iv.merge(spans)]
    return sorted(out, key=lambda x: (x.start, x.end, x.speaker))


# ---- words ---------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def edit_words(t: Transcript, fix: WordsFix) -> tuple[Transcript | None, str]:
    """(the transcript with the words `fix.was` in [start, end] replaced by `fix.text`, "")
    or (None, why not)."""
    where = [(i, j) for i, s in enumerate(t.segments) for j, w in enumerate(s.words)
             if w.start >= fix.start - EDGE_S and w.end <= fix.end + EDGE_S]
    heard = _text([t.segments[i].words[j] for i, j in where])
    if not where or _norm(heard) != _norm(fix.was):
        now = f"“{heard}”" if heard else "no words"
        return None, f"the transcript now has {now} there, not “{fix.was}”"
    first, last = t.segments[where[0][0]].words[where[0][1]], t.segments[where[-1][0]].words[where[-1][1]]
    new = timed_words(fix.text, first.start, last.end, first.speaker)
    segments = []
    for i, seg in enumerate(t.segments):
        mine = [j for a, j in where if a == i]
        if not mine:
            segments.append(seg)
            continue
        words = seg.words[: mine[0]] + (new if i == where[0][0] else []) + seg.words[mine[-1] + 1:]
        if words:
            segments.append(replace(seg, words=words, text=_text(words), start=min(seg.start, words[0].start),
                                    end=max(words[-1].end, seg.start)))
    return replace(t, segments=_renumber(segments)), ""


def timed_words(text: str, start: float, end: float, speaker: str | None) -> list[Word]:
    """New words spread over [start, end] by their length (what the user typed)."""
    tokens = text.split()
    weights = [len(x) + 1 for x in tokens]
    out, t = [], start
    for tok, w in zip(tokens, weights, strict=True):
        d = (end - start) * w / sum(weights)
        out.append(Word(round(t, 3), round(t + d, 3), " " + tok, 1.0, speaker))
        t += d
    return out


def _text(words: list[Word]) -> str:
    spaced = any(w.word[:1].isspace() for w in words[1:])
    return " ".join(("".join(w.word for w in words) if spaced else " ".join(w.word for w in words)).split())


def _renumber(segments: list[Segment]) -> list[Segment]:
    return [replace(s, id=n) for n, s in enumerate(segments)]


def interviewee_share(t: Transcript) -> float | None:
    """The interviewee's share of talk time (intervals.py), None without an interviewee."""
    spans: dict[str, list[iv.Interval]] = {}
    for x in t.turns:
        spans.setdefault(x.speaker, []).append((x.start, x.end))
    if "interviewee" not in spans:
        return None
    return iv.shares(iv.talk_time(spans))["interviewee"]


# ---- a new correction, checked ---------------------------------------------------------------


def checked_fix(t: Transcript, question_ids: list[str], request: dict[str, Any]) -> Any:
    """The correction a request describes (`label` options or the review page's JSON:
    {"kind": "speaker", "start", "end", "speaker"}, {"kind": "words", "start", "end",
    "text"}, {"kind": "question", "question", "state", "at"}, {"kind": "note", "at",
    "text"}), checked against the corrected transcript `t` and the plan's question ids.
    UserError says what is wrong. A words fix records the words it replaces (`was`)."""
    from listenwell.corrections import ASKED, NOT_ASKED, NoteFix, QuestionFix

    kind = request.get("kind")
    limit = t.audio.duration_s + 1.0

    def when(name: str) -> float:
        v = request.get(name)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= limit:
            raise UserError(f"{name}: give a moment within the recording (0 to {t.audio.duration_s:.1f} s)")
        return round(float(v), 3)

    if kind in ("speaker", "words"):
        start, end = when("start"), when("end")
        if not start < end:
            raise UserError("the start must come before the end")
        if kind == "speaker":
            return SpeakerFix(start=start, end=end, speaker=_speaker(t, request.get("speaker")))
        words = [w for w in t.words if w.start >= start - EDGE_S and w.end <= end + EDGE_S]
        text = request.get("text")
        if not isinstance(text, str):
            raise UserError("give the words that were said (an empty text deletes them)")
        if not words:
            raise UserError(f"no words between {clock(start)} and {clock(end)} to replace")
        return WordsFix(start=round(words[0].start, 3), end=round(words[-1].end, 3), was=_text(words),
                        text=" ".join(text.split()))
    if kind == "question":
        qid, state = request.get("question"), request.get("state")
        if qid not in question_ids:
            raise UserError(f"no question '{qid}' in the plan" + (f"; its ids: {', '.join(question_ids)}" if question_ids else ""))
        if state not in (ASKED, NOT_ASKED) or (state == ASKED) == (request.get("at") is None):
            raise UserError("a question was either asked at a moment, or not asked")
        return QuestionFix(question=qid, state=state, at=when("at") if state == ASKED else None)
    if kind == "note":
        text = request.get("text")
        if not isinstance(text, str) or not text.strip():
            raise UserError("a note needs some text")
        return NoteFix(at=when("at"), text=text.strip())
    raise UserError(f"unknown correction {kind!r}: speaker, words, question or note")


def _speaker(t: Transcript, speaker: Any) -> str:
    known = sorted({x.speaker for x in t.turns})
    if not known:
        raise UserError("this transcript has no speakers; run `listenwell transcribe --force` without --no-speakers")
    allowed = set(known) | ({"interviewer", "interviewee"} if len(known) <= 2 else set())
    if speaker not in allowed:
        raise UserError(f"no speaker '{speaker}' in this interview; give one of: {', '.join(sorted(allowed))}")
    return speaker
