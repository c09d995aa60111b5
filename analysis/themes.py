"""What the interview covered: the duties, the working conditions, the prospects.

An informational interview should leave the interviewer with a clear idea of the job's
duties, its working conditions and the prospects of the profession (plan.ESSENTIAL_THEMES);
path, advice and network are the other usual themes. Each planned question has a theme:
the plan's (`theme = "duties"`), else the one `suggest_theme` guesses from its text. A
theme is covered when one of its questions was asked, or when the interviewee's answers
talked about it (at least ANSWER_TERMS different words of the theme's VOCABULARY, stemmed:
a heuristic, see docs/report.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from listenwell.analysis.question_map import sentences
from listenwell.plan import ESSENTIAL_THEMES, THEMES, Question
from listenwell.records import INTERVIEWEE, Transcript
from listenwell.report_records import QuestionResult, ThemeCoverage
from listenwell.text import stem

# Typical questions of each theme: a planned question without a theme takes the theme of
# the closest ones (MiniLM, else word overlap).
PROTOTYPES = {
    "duties": ["What does a typical day look like in your job?", "What tasks and responsibilities does the work involve?",
               "What do you actually do at work, and who do you work with?"],
    "conditions": ["What are the hours, the pay and the workload like?", "How stressful is the job, and how is the work-life balance?",
                   "How flexible is the work: remote, travel, shifts, physical demands?"],
    "prospects": ["Where is the profession going in the next few years?", "Is there demand for people in this field, and how do careers progress?",
                  "How are technology and AI changing the job?"],
    "path": ["How did you get into this field?", "What training, degree or qualifications did you need?"],
    "advice": ["What advice would you give someone starting out?", "Which skills should I build first?"],
    "network": ["Who else would you suggest I talk to?", "Are there groups, events or people I should connect with?"],
}

# Words in the answers that show a theme was talked about (compared as listenwell.text terms).
VOCABULARY = {
    "duties": "task tasks meeting meetings client clients project projects morning afternoon responsible report "
              "reports patients customers emails calls review planning design paperwork shift",
    "conditions": "hours overtime shifts weekend weekends evenings nights salary paid money earn stress pressure workload "
                  "flexible remote travel tiring physical holiday vacation balance deadline deadlines commute",
    "prospects": "future demand hiring market growth promotion progression senior automation ai shortage "
                 "opportunities outlook",
}
ANSWER_TERMS = 3  # different theme words in the answers for the theme to count as talked about


def suggest_theme(text: str) -> str:
    """The theme a question is most likely about."""
    return suggest_themes([text])[0]


def suggest_themes(texts: Sequence[str]) -> list[str]:
    from listenwell.analysis.embed import minilm_scores

    names = list(PROTOTYPES)
    protos = [p for n in names for p in PROTOTYPES[n]]
    owner = [n for n in names for _ in PROTOTYPES[n]]
    scores = minilm_scores(list(texts), protos) if texts else None
    if scores is None:
        from listenwell.analysis.lexical import LexicalScorer

        lex = LexicalScorer(protos)
        scores = np.array([lex.scores(t) for t in texts]).reshape(len(texts), len(protos))
    out = []
    for row in scores:
        best = {n: max(row[k] for k in range(len(protos)) if owner[k] == n) for n in names}
        out.append(max(names, key=lambda n: best[n]))
    return out


def question_themes(planned: Sequence[Question]) -> tuple[list[str], set[str]]:
    """Each planned question's theme (the plan's, else suggested) and the ids guessed."""
    missing = [q for q in planned if not q.theme]
    guesses = dict(zip((q.id for q in missing), suggest_themes([q.text for q in missing]), strict=True))
    return [q.theme or guesses[q.id] for q in planned], set(guesses)


def theme_coverage(questions: Sequence[QuestionResult], guessed: set[str], transcript: Transcript) -> dict[str, ThemeCoverage]:
    """Per theme: the planned questions, asked or maybe, and whether the answers covered it.
    The three essential themes always appear; the others when the plan has them."""
    vocab = {t: {stem(w) for w in words.split()} for t, words in VOCABULARY.items()}
    said = [s for s in sentences(transcript) if s.speaker == INTERVIEWEE]
    found: dict[str, Counter] = {t: Counter() for t in vocab}
    times: dict[str, list[float]] = {t: [] for t in vocab}
    for s in said:
        words = {w.lower(): stem(w.lower()) for w in re.findall(r"[A-Za-z]+", s.text)}
        for t, v in vocab.items():
            hits = {w for w, term in words.items() if term in v}  # the words as said
            if hits:
                found[t].update(hits)
                times[t].append(round(s.start, 2))
    out = {}
    for theme in THEMES:
        qs = [q for q in questions if q.theme == theme]
        if theme not in ESSENTIAL_THEMES and not qs:
            continue
        in_answers = len(found.get(theme, ())) >= ANSWER_TERMS
        asked = [q.id for q in qs if q.asked]
        out[theme] = ThemeCoverage(
            essential=theme in ESSENTIAL_THEMES, planned=[q.id for q in qs], asked=asked,
            maybe=[q.id for q in qs if q.state == "maybe"], guessed=[q.id for q in qs if q.id in guessed],
            covered_in_answers=in_answers, answer_terms=[w for w, _ in found[theme].most_common(6)] if theme in found else [],
            answer_at_s=times.get(theme, [])[:3], covered=bool(asked) or in_answers)
    return out
