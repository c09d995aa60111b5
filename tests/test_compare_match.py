"""Matching planned questions across plans: a labelled set of planned-question paraphrases.

Each concept below is one informational-interview question as two people might plan it.
Plan pairs are built from these (one plan with ids, the other a Markdown list: q1..qN)
with distractors that have no partner; the matcher must pair each paraphrase with its
concept and leave the distractors alone.
"""

from __future__ import annotations

import random

import pytest

from listenwell.analysis.compare_match import (
    MATCH_THRESHOLD,
    Scorer,
    lexical_scorer,
    lexical_similarity,
    match_questions,
    scorer,
)
from listenwell.plan import Question

CONCEPTS = {
    "day": ["What does a typical day look like in your role?", "Walk me through an ordinary day at work."],
    "path": ["How did you get into this field?", "How did you break into this career?"],
    "conditions": ["What are the working conditions like: hours, pressure, flexibility?",
                   "How many hours do you work, and how stressful is it?"],
    "likes": ["What do you enjoy most about the work?", "What is your favourite part of the job?"],
    "hardest": ["What do you find hardest about your job?", "What is the most difficult part of the work?"],
    "future": ["Where do you see the profession going in the next five years?", "How is the field changing?"],
    "skills": ["Which skills matter most for someone starting out?", "What abilities should a beginner build first?"],
    "referrals": ["Who else would you suggest I talk to?", "Is there anyone else I should speak with?"],
    "pay": ["What is the salary range for this role?", "How much does this job pay?"],
    "advice": ["What advice would you give someone entering the field?", "What tips do you have for a newcomer?"],
    "education": ["Which degree or training did you need?", "What did you study to qualify for this job?"],
    "surprise": ["What surprised you most when you started?", "What did you not expect when you began?"],
}
# Written after the matcher was tuned on CONCEPTS, to see whether it generalises.
HELD_OUT = {
    "day": "Describe a normal workday for you.",
    "path": "What was your route into this line of work?",
    "conditions": "Is the workload manageable, and can you work remotely?",
    "likes": "Which parts of the job do you love?",
    "hardest": "What are the biggest challenges you face?",
    "future": "What trends will shape this occupation?",
    "skills": "What competencies does a junior need?",
    "referrals": "Could you introduce me to colleagues I could contact?",
    "pay": "What can someone earn in this position?",
    "advice": "If you were me, what would you do to get started?",
    "education": "Was a particular qualification required?",
    "surprise": "What was unexpected about the job at first?",
}
DISTRACTORS = [
    "Do you travel for work?",
    "How big is your team?",
    "Which tools do you use every week?",
    "How do you handle conflict with a manager?",
]


def plan_pairs(seed: int, n: int = 6, held_out: bool = False):
    rnd = random.Random(seed)
    keys = rnd.sample(sorted(CONCEPTS), n)
    first = [Question(k, CONCEPTS[k][0], p + 1) for p, k in enumerate(keys)]
    second_keys = rnd.sample(keys, n - 2)  # two questions have no partner in the second plan
    texts = [(k, HELD_OUT[k] if held_out else CONCEPTS[k][1]) for k in second_keys] + [(None, d) for d in rnd.sample(DISTRACTORS, 2)]
    rnd.shuffle(texts)
    second = [Question(f"q{m + 1}", t, m + 1) for m, (_, t) in enumerate(texts)]
    truth = {f"q{m + 1}": k for m, (k, _) in enumerate(texts)}
    return first, second, truth


def accuracy(sc: Scorer, held_out: bool = False, seeds=range(12)) -> float:
    right = total = 0
    for seed in seeds:
        first, second, truth = plan_pairs(seed, held_out=held_out)
        slots = match_questions([first, second], sc)
        got = {s.members[1].id: (s.members[0].id if 0 in s.members else None) for s in slots if 1 in s.members}
        for qid, want in truth.items():
            right += got[qid] == want
            total += 1
    return right / total


def test_default_scorer_matches_paraphrased_plans():
    sc = scorer()
    tuned, held = accuracy(sc), accuracy(sc, held_out=True)
    print(f"{sc.name}: {tuned:.0%} tuned set, {held:.0%} held-out set ({12 * 6} decisions each)")
    # measured 100 % / 94 % with the fine-tuned question encoder (both sets in view when the threshold was chosen)
    assert tuned >= 0.95 and held >= 0.85


def test_own_lexical_fallback_matches_paraphrased_plans():
    """Without analysis.question_map: good on the set it was tuned on, weaker beyond it."""
    sc = lexical_scorer()
    tuned, held = accuracy(sc), accuracy(sc, held_out=True)
    print(f"lexical fallback: {tuned:.0%} tuned set, {held:.0%} held-out set")
    assert tuned >= 0.9 and held >= 0.6


def test_user_ids_win_over_wording_and_generated_ids_do_not():
    a = [Question("day", "What does a typical day look like?", 1), Question("q2", "Who else should I talk to?", 2)]
    b = [Question("day", "Tell me about your mornings.", 1),  # same id, other words
         Question("q2", "What is the salary range?", 2)]  # same generated id, other meaning
    slots = match_questions([a, b])
    by_first = {s.members[0].text: s for s in slots if 0 in s.members}
    assert by_first["What does a typical day look like?"].how[1] == "id"
    assert 1 not in by_first["Who else should I talk to?"].members
    assert len(slots) == 3


@pytest.mark.parametrize(("a", "b"), [(CONCEPTS["day"][0], CONCEPTS["day"][1]),
                                      (CONCEPTS["referrals"][0], CONCEPTS["referrals"][1])])
def test_lexical_similarity_sees_synonyms(a, b):
    assert lexical_similarity(a, b) > MATCH_THRESHOLD > lexical_similarity(a, DISTRACTORS[1])
