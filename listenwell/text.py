"""What people said, as words: one vocabulary and one question detector for every stage.

- `terms(text)`: content terms: lowercased, stop words dropped, stemmed, synonyms folded.
  The report matches asked questions to planned ones on them (analysis/lexical.py),
  compare matches planned questions across plans (analysis/compare_match.py), and
  transcription names the interviewer by who asks the plan's questions
  (transcribe/speakers/naming.py).
- `split_sentences(text)` and `is_question(sentence)`: the interviewer's questions, for the
  report's question map and for naming the interviewer.

The word lists were measured on tests/data/paraphrases.toml (bench/bench_report.py) and
tests/test_compare_match.py (see docs/report.md, docs/compare.md).
"""

from __future__ import annotations

import re

# Function words and question scaffolding: they say *that* something is asked, not *what*.
_STOPWORDS = """
    a an the and or but if so then than that this these those there here of in on at to for
    from by with about as into onto over under up down out off again also just only very
    really quite pretty maybe perhaps kind sort bit lot lots little much many more most
    some any each every all both either neither other another such own same
    i me my mine myself we us our ours you your yours yourself he him his she her it its
    they them their what which who whom whose when where why how whether
    is am are was were be been being do does did doing done have has had having
    will would shall should can could may might must let lets
    tell say said share walk through give describe explain mind wonder wondering curious
    like know think thought guess mean want wanted ask asking question questions
    please thanks thank okay ok yeah yes no not well oh um uh hmm right sure great cool
    interesting wow nice good one ones thing things something anything everything
    get got gets getting go going goes went come came make makes made
    now today currently actually generally usually typically basically
"""
STOPWORDS = frozenset(_STOPWORDS.split())

# Groups of interchangeable words; every member maps to the group's first word (after
# stemming). Kept small and specific to the questions of an informational interview.
SYNONYM_GROUPS = [
    "typical ordinary normal usual average regular standard everyday routine",
    "day daily schedule",
    "week weekly",  # not a day: "every week" must not pull towards "a typical day"
    "job role position work career occupation profession field line industry",
    "hard difficult tough toughest hardest worst challenging challenge struggle frustrating frustrate",
    "enjoy like love favorite favourite best fun rewarding satisfying",
    "future ahead next coming trend trends evolve evolving direction change changed changing",
    "year years decade",
    "start begin began started starting beginning entry break enter entering "
    "beginner beginners newcomer newcomers junior juniors",
    "skill skills ability abilities competence competency competencies expertise knowledge "
    "quality qualities strength strengths",
    "experience background",
    "advice advise recommend recommendation suggest suggestion tip tips",
    "person people someone somebody anyone anybody contact contacts colleague colleagues",
    "talk speak chat reach connect meet introduce",
    "hour hours time overtime",
    "pressure stress stressful deadline deadlines intense",
    "flexible flexibility remote hybrid home",
    "travel traveling travelling trip trips",
    "pay salary salaries compensation money earn earning wage wages",
    "learn learning study studying education degree course courses training school",
    "team teams coworkers group",
    "manager boss lead leader supervisor",
    "grow growth advance advancement promotion progress progression ladder",
    "surprise surprised surprising unexpected expect expected",
    "wish regret differently",
    "mistake mistakes error errors wrong",
    "tool tools software technology technologies stack",
    "culture environment atmosphere vibe",
    "hire hiring recruit recruiting recruiter candidate candidates applicant applicants",
    "interview interviews",
    "customer customers client clients user users patient patients",
    "problem problems issue issues",
    "important matter matters key critical essential",
    "biggest largest main major",
    "now today current currently present",
    "qualification qualify qualified certificate certification certified certify license licence credential diploma",
    "safe safety danger dangerous risk risky hazard hazardous injury",
    "measure metric metrics success successful succeed impact outcome",
    "quit leave leaving burnout burn",
    "network networking community communities meetup meetups association",
    "body physical physically demanding toll tiring exhausting",
    "senior seniority partner",
    "switch transition pivot move moving",
]


def stem(word: str) -> str:
    """A light English suffix stripper: enough to fold plurals and verb forms together."""
    w = word
    for suffix, repl in (
        ("ational", "ate"), ("ization", "ize"), ("iveness", "ive"), ("fulness", "ful"),
        ("ousness", "ous"), ("ing", ""), ("edly", ""), ("ed", ""), ("ies", "y"),
        ("ness", ""), ("ment", ""), ("ly", ""), ("es", ""), ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":  # running -> runn -> run
        w = w[:-1]
    return w.rstrip("e") if len(w) > 4 else w


def _build_synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        words = group.split()
        head = stem(words[0])
        for w in words:
            table.setdefault(stem(w), head)
    return table


SYNONYMS = _build_synonyms()
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# "get into a field" is starting in it; "get" and "into" alone say nothing.
_GET_INTO = re.compile(r"\b(?:get|gets|got|getting) into\b")


def terms(text: str) -> list[str]:
    """Content terms of a text: lowercased, stop words dropped, stemmed, synonyms folded."""
    text = _GET_INTO.sub(" start ", text.lower().replace("\u2019", "'"))
    out = []
    for raw in _WORD.findall(text):
        w = raw.split("'")[0]
        if w in STOPWORDS or len(w) < 2:
            continue
        s = stem(w)
        out.append(SYNONYMS.get(s, s))
    return out


# ---- sentences and questions ---------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """A text cut after each '.', '?' or '!' that a space follows."""
    return [p.strip() for p in re.split(r"(?<=[.?!])\s+", text.strip()) if p.strip()]


_OPENING = re.compile(
    r"^(?:[^,.?!]{1,30},\s+)?"  # a short lead-in: "One last thing, is there ..."
    r"(?:(?:and|so|but|also|okay|ok|now|then|well|right|alright|oh|great|sure|cool|um|uh|erm|like)[,.]?\s+)*"
    r"(?:what|what's|whats|how|how's|why|when|where|who|who's|which|whose|"
    r"could you|can you|would you|will you|do you|did you|does|did|is there|are there|"
    r"is it|are you|were you|was it|was that|is that|have you|has|had you|should i|would it|"
    r"tell me|walk me through|take me through|talk me through|describe|"
    r"i'm curious|i am curious|i wonder|i was wondering|i'd love to hear|any advice|"
    r"any(?=[^.?!]*\byou(?:'d| would)\b))\b",  # "Any events you'd recommend I join."
    re.I,
)
# The same lead-in without its comma, as speech recognisers often write it ("One last thing
# is there anyone..."): only before an inverted auxiliary, which statements rarely contain.
_LEAD_IN_INVERSION = re.compile(
    r"^(?:[a-z']+\s+){1,4}(?:is there|are there|could you|can you|would you|will you|do you|"
    r"did you|have you)\b",
    re.I,
)
MIN_QUESTION_WORDS = 3  # "Really?" and "Right, is it?" are back-channel, not questions
_FILLERS = frozenset(["right", "oh", "okay", "ok", "so", "and", "yeah", "really", "well", "wow", "huh", "hmm", "um", "uh"])


def is_question(sentence: str) -> bool:
    """A sentence that asks: it ends in '?' (the recogniser's punctuation) or opens like a
    question ("what", "could you", "walk me through", also after a short lead-in)."""
    t = sentence.strip()
    words = [w for w in re.findall(r"[A-Za-z']+", t.lower()) if w not in _FILLERS]
    if len(words) < MIN_QUESTION_WORDS:
        return False
    t = t.lstrip("\"'-– ")
    return t.endswith("?") or bool(_OPENING.match(t) or _LEAD_IN_INVERSION.match(t))


# ---- speech as a recogniser writes it: no punctuation, fillers, follow-ups ---------------

# A recogniser's usual mishearing of interview words ("carrier" for "career"), and spoken
# contractions written without an apostrophe, put right before questions are compared.
_SPOKEN = {"carrier": "career", "carriers": "careers", "whats": "what's", "hows": "how's",
           "im": "I'm", "dont": "don't", "didnt": "didn't", "wanna": "want to", "gonna": "going to"}
_FILLER_RUN = re.compile(r"\b(?:um+|uh+|erm+|er|hmm+|you know|i mean|kind of like|like,)\s*", re.I)


def spoken_clean(text: str) -> str:
    """The text without fillers ("um", "you know"), with misheard interview words put right."""
    text = _FILLER_RUN.sub(" ", text)
    words = [_SPOKEN.get(w.lower(), w) for w in text.split()]
    return " ".join(words)


_AUX = r"(?:is|are|was|were|do|does|did|can|could|would|will|have|has|had|should|shall)"
# A question inside unpunctuated speech: an interrogative followed by what makes it one
# ("how long", "what do", "who else"), an inverted auxiliary at a clause start ("and is
# automation going to..."), or a request ("tell me", "walk me through").
_CUE = re.compile(
    r"\b(?:what(?:'s|s)?\s+(?:do|does|did|is|are|was|were|would|should|could|can|will|kind|sort|made|makes|"
    r"happens|happened|drew|got|gets|keeps|part|skills?|advice|your|the|a|an|you|that|it|this|there)|"
    r"(?:is|are|was|were|does|do|did)\s+(?:it|that|there)\s+\w+|do you think|would you say|"
    rf"how\s+(?:{_AUX[3:-1]}|long|much|many|often|bad|hard|tough|big|come|so)|"
    rf"why\s+(?:{_AUX[3:-1]})|where\s+(?:{_AUX[3:-1]})|when\s+(?:{_AUX[3:-1]})\s+(?:you|it|that|the)|"
    r"who\s+(?:else|{aux})|which\s+\w+(?:\s+\w+)?\s+(?:{aux})|which\s+(?:of|one|{aux})|"
    r"tell me|walk me through|take me through|talk me through|i'?m curious|i was wondering|i wonder|"
    r"any (?:advice|tips|idea)|anyone else|anybody else)\b".replace("{aux}", _AUX[3:-1]),
    re.I,
)
_CLAUSE_WORDS = "and|so|but|okay|ok|right|alright|well|then|also|now|oh"
_CLAUSE_START = rf"(?:^|\b(?:{_CLAUSE_WORDS})\s+)"
_INVERSION = re.compile(rf"{_CLAUSE_START}{_AUX}\s+(?:you|there|it|that|this|they|people|we|i|he|she|the|a|an|ai|\w+ing)\b", re.I)


# More forms of a question inside raw speech, where no '?' says it: an auxiliary before its
# subject anywhere ("thanks again can i send you", "love the posters did you make those"),
# an auxiliary opening the sentence ("honestly are the all nighters still a thing"),
# "what's"/"how'd", "how" + adjective + auxiliary ("how secure do the jobs feel"), "anything
# you'd ...", "is this/are those", "wondering", and a trailing "or" ("a fellowship or").
# Measured on the labelled sets' lines as raw recogniser text (docs/report.md): questions
# missed 19 -> 2 of 398 where they were written from; on two sets written after them
# 239 -> 142 of 1045 and 241 -> 121 of 1021, with 5 of 158 and 4 of 157 statements taken
# for questions (2 and 1 before).
_OPENING_WORDS = rf"(?:(?:{_CLAUSE_WORDS}|honestly|actually|great|cool|sorry|wait|yeah|perfect|gotcha|hmm|ha)\s+)*"
_RAW_FORMS = [
    re.compile(rf"\b{_AUX}\s+(?:you|i|we|they|he|she)\b", re.I),
    re.compile(rf"^{_OPENING_WORDS}(?:is|are|do|does|did|was|were)\s+"
               r"(?!(?:great|good|nice|really|so|very|lovely|amazing|helpful|super|such|just|fun)\b)\w+", re.I),
    re.compile(r"\b(?:what|where|how|who|why|when)(?:'s|s|'d|'re)\s+\w+", re.I),
    re.compile(rf"\bhow\s+\w+\s+{_AUX}\b", re.I),
    re.compile(r"\bany(?:thing|one|body)?\s+(?:\w+\s+){0,3}(?:you'd|you would|i should|i could|you can)\b", re.I),
    re.compile(r"\b(?:is|are|was|were)\s+(?:this|these|those|now)\b|\b(?:does|did)\s+(?:the|that|this|your)\b", re.I),
    re.compile(r"\b(?:wonder(?:ed|ing)?|(?:wanted|meant|going|want) to ask)\b", re.I),
    re.compile(r"\bor\s*$", re.I),
]
# A request is a question even when the recogniser ends it with a full stop ("Great. So, to
# start off, walk me through an ordinary day at the practice.")
_REQUEST = re.compile(r"\b(?:walk|take|talk) me through\b|\btell me (?:about|how|what|why|a bit|more)\b", re.I)


def asks(sentence: str) -> bool:
    """Whether an interviewer sentence asks something: is_question, a request ("walk me
    through..."), or, in text without end punctuation (raw recogniser output), a question
    somewhere inside it."""
    if is_question(sentence):
        return True
    t = sentence.strip()
    if not t or len(t.split()) < MIN_QUESTION_WORDS + 1:
        return False
    clean = spoken_clean(t)
    if _REQUEST.search(clean):
        return True
    if t[-1] in ".!":
        return False
    return bool(_CUE.search(t) or _INVERSION.search(clean) or any(r.search(clean) for r in _RAW_FORMS))


_SPLIT = re.compile(
    # raw speech keeps its fillers and drops apostrophes: "and uh how much", "and whats";
    # "..., and also whether drones will replace people"
    r"(?:\?\s+|,?\s+\b(?:and|also|plus|or)\s+(?=(?:(?:um+|uh+|erm+|er|like)\s+)*"
    r"(?:what|what's|whats|which|how|why|where|when|who|whether|would|could|do|does|did|is|are|can)\b))",
    re.I,
)


def clauses(sentence: str) -> list[str]:
    """A sentence cut where a second question starts ("what do they earn, and which skills
    matter?"); a piece of under three words stays with the one after it ("okay and um how
    much...") or, last, before it."""
    out: list[str] = []
    short = ""
    for p in (p.strip(" ,") for p in _SPLIT.split(sentence)):
        if not p:
            continue
        p = f"{short} {p}".strip()
        short = p if len(p.split()) < 3 else ""
        if not short:
            out.append(p)
    if short and out:
        out[-1] = f"{out[-1]} {short}"
    return out if len(out) > 1 else [sentence]


# A question about what was just said: "Was that paid?", "you mentioned...", "which of those...", "...after that?"
_FOLLOWUP_CUES = [
    re.compile(rf"^(?:\W*(?:and|so|but|oh|okay|ok|right|um|uh|well|wow|really)\W+)*{_AUX}\s+(?:that|this|it|those|these|they|he|she)\b", re.I),
    re.compile(r"\byou (?:mentioned|said|talked about|brought up|were saying|described)\b", re.I),
    re.compile(r"\b(?:earlier|in the end|what happened|how so|for example|the same|that one|this one|at the time|"
               r"after that|before that|back then|(?:which|one|any|all|some|most) of (?:those|these|them))\b", re.I),
    re.compile(r"\b(?:that|it|them|those|then|there|one)\W*$", re.I),
]


_LOGISTICS = re.compile(
    r"\b(?:could|can|may|might) i (?!ask\b|get into\b|break into\b|start\b)\w+|"
    r"\bwould (?:it|you) (?:be (?:ok|okay|all right|alright)|mind)\b|\bis it (?:still )?(?:ok|okay|all right|alright)\b|"
    r"\bcan you hear me\b|\blet you go\b", re.I)


def logistics(sentence: str) -> bool:
    """The interviewer asking about their own next step or the call itself ("Could I send
    you my portfolio?", "Would you mind if I mention your name?", "Can you hear me?")."""
    return bool(_LOGISTICS.search(sentence))


def followup_cues(sentence: str) -> int:
    """How many signs that a question asks about the previous answer (0..4)."""
    t = spoken_clean(sentence).strip()
    return sum(1 for cue in _FOLLOWUP_CUES if cue.search(t))
