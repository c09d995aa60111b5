"""How likely each ask is to be each planned question: a calibrated probability.

For every pair (ask, planned question) a few measurements, then a logistic model fitted on
the labelled interviews (tests/data/, bench/bench_mapping.py --fit) turns them into a
probability that the ask *is* that planned question:

- `minilm`, `wordllama`: cosine similarity of the two sentence encoders (embed.py);
- `tokens`: how well their words match one by one, in context (MiniLM's word vectors,
  BERTScore's F1: embed.token_match); it also picks the part of an ask that speaks for it;
- `lexical`: IDF-weighted overlap of content terms (lexical.py);
- `row_gap`: how far this planned question stands out from the ask's other candidates
  (an ask about salary is close to "pay" and far from the rest; a vague one is close to
  many), `col_gap`: how far this ask stands out from the other asks for the question;
- `earlier`: how much closer an earlier ask came to the question (a planned question comes
  first, its follow-ups after it), `same_topic`: how close the ask is to the ask before it;
- `cues`: signs that the ask is about the previous answer ("Was that paid?", "you
  mentioned...", text.followup_cues), `logistics`: the interviewer asking about their own
  next step ("Could I show you my portfolio?", "Would you mind if I mention your name?").
- `reply`, `reply_gap`: the question encoder's cosine of what the interviewee replied to the
  ask and each planned question, and how far this one stands out among the plan's for that
  reply: an answer about pay says the vague "and how does that side of it work?" was the
  pay question (a reader labelling an interview reads the answer too).

An ask is scored as a whole, sentence by sentence and clause by clause ("what do they earn,
and which skills matter?" holds two questions); each planned question takes the part that
is closest to it. Texts are cleaned of fillers and misheard words first (text.spoken_clean)
and the plan's names are left out (they say where, not what).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from listenwell.analysis.lexical import LexicalScorer
from listenwell.text import clauses, followup_cues, logistics, split_sentences, spoken_clean, terms

FEATURES = {
    "combined": ("minilm", "tokens", "wordllama", "lexical", "row_gap", "col_gap", "earlier", "same_topic", "cues", "logistics",
                 "reply", "reply_gap", "echo"),
    "lexical": ("lexical", "row_gap", "col_gap", "earlier", "same_topic", "cues", "logistics", "echo"),
}

# Fitted by `bench/bench_mapping.py --fit` on every labelled interview (the 149 plans the encoder
# learns from; the results docs/report.md reports are leave-one-plan-out: fitted without the
# plan they are measured on). Fitted on the 21 plans of the first set only, it reached fewer
# right decisions on every set, the fresh one included (docs/report.md). The features
# come from the encoders trained without each plan, as the shipped encoder will read a new
# plan: its own features on the labelled plans, which it was trained on, are too good.
COEFFICIENTS = {
    # intercept, then FEATURES[method], then the INTERACTIONS
    "combined": (-5.325, 5.836, 0.33, -2.115, 1.694, 8.137, 9.837, -2.07, -0.348, -0.257, -0.931, 4.639, 3.679, -3.837, -1.457,
                 -0.067, -0.457, -0.244),
    "lexical": (-1.607, 2.753, 3.684, 5.004, -1.121, -0.965, -0.693, -2.563, -4.146, -1.173, -0.396, -0.405, 0.283),
}


@dataclass
class Part:
    """One way of reading an ask: the whole turn, a sentence or a clause."""

    ask: int
    text: str
    clauses: frozenset[int]  # which clauses of the ask it covers


@dataclass
class PairScores:
    """Everything measured for asks x planned questions."""

    method: str  # "combined" or "lexical"
    features: np.ndarray  # (asks, planned, len(FEATURES[method]))
    similarity: np.ndarray  # (asks, planned): the best part's sentence similarity (minilm, else lexical)
    text: list[list[str]]  # [ask][planned]: the text of the part that scored it
    clause: np.ndarray  # (asks, planned): the ask's clause whose closest planned question this is (-1: none, or one clause)


def strip_names(text: str, names: Sequence[str]) -> str:
    """Text without the plan's names (company, people): they say where, not what is asked."""
    for name in names:
        for part in name.split():
            if len(part) > 2:
                text = re.sub(rf"\b{re.escape(part)}(?:'s)?\b", " ", text, flags=re.I)
    return " ".join(text.split())


def parts_of(asks: Sequence[Sequence[str]], names: Sequence[str] = ()) -> list[Part]:
    """The readings of each ask: whole, each sentence, each clause (duplicates once)."""
    out: list[Part] = []
    for i, sents in enumerate(asks):
        seen: set[str] = set()
        pieces: list[tuple[str, frozenset[int]]] = []
        n = 0
        for s in sents:
            cl = clauses(s)
            ids = frozenset(range(n, n + len(cl)))
            pieces.append((s, ids))
            if len(cl) > 1:
                # a lead-in glued to the first clause speaks for the whole ask, not for that clause
                cl = [split_sentences(cl[0])[-1], *cl[1:]]
                pieces += [(c, frozenset([n + k])) for k, c in enumerate(cl)]
            n += len(cl)
        if len(sents) > 1:
            pieces.insert(0, (" ".join(sents), frozenset(range(n))))
        for text, ids in pieces:
            clean = strip_names(spoken_clean(text), names)
            if clean and clean.lower() not in seen:
                seen.add(clean.lower())
                out.append(Part(i, clean, ids))
        if not any(p.ask == i for p in out):
            out.append(Part(i, " ".join(sents) or ".", frozenset([0])))
    return out


def _gaps(m: np.ndarray) -> np.ndarray:
    """Each entry minus the best other entry of its row (0 for a single column)."""
    if m.shape[1] < 2:
        return np.zeros_like(m)
    top2 = np.sort(m, axis=1)[:, -2:]
    other = np.where(m >= top2[:, [1]], top2[:, [0]], top2[:, [1]])
    return m - other


def pair_scores(asks: Sequence[Sequence[str]], planned: Sequence[str], names: Sequence[str] = (),
                method: str = "combined", replies: Sequence[str] | None = None) -> PairScores:
    """The measurements of every (ask, planned) pair, from the best-fitting part of each ask
    and from what the interviewee replied to it (`replies`, one per ask)."""
    from listenwell.analysis.embed import embedding_scores, minilm_encode, token_match

    parts = parts_of(asks, names)
    texts = [p.text for p in parts]
    planned = [strip_names(spoken_clean(t), names) for t in planned]
    lex = LexicalScorer(planned)
    lexical = np.array([lex.scores(t) for t in texts]).reshape(len(texts), len(planned))
    whole = [strip_names(spoken_clean(" ".join(s)), names) or "." for s in asks]
    heard = [strip_names(spoken_clean(r), names) for r in replies or whole]  # the replies, cleaned once
    mini = wl = between = tokens = reply = None
    if method == "combined":
        # an ask with no reply (the last words of a recording, an API caller without them) stands
        # for its own reply: with nothing in its place the model, fitted with replies, misses many
        # asks (docs/report.md)
        said = [h or w for h, w in zip(heard, whole, strict=True)]
        # one MiniLM pass over every text: the parts, the planned questions, the whole asks, the replies
        unique = list(dict.fromkeys(texts + planned + whole + said))
        enc = minilm_encode(unique)
        wl = embedding_scores(texts, planned)
        if enc is None or wl is None:
            method = "lexical"
        else:
            at = {t: k for k, t in enumerate(unique)}
            sims = np.clip(enc.sentences @ enc.sentences.T, -1.0, 1.0)
            tokens = token_match(enc, [at[t] for t in texts], [at[t] for t in planned])
            mini = sims[np.ix_([at[t] for t in texts], [at[t] for t in planned])]
            between = sims[np.ix_([at[t] for t in whole], [at[t] for t in whole])]
            reply = np.clip(sims[np.ix_([at[t] for t in said], [at[t] for t in planned])], 0, 1)
    # the similarity that picks each pair's part and the gaps: word-by-word matching ranks the
    # right planned question first most often (bench_mapping_models.py)
    main = tokens if tokens is not None and method == "combined" else lexical
    per_part = {"lexical": lexical, "row_gap": _gaps(main)}
    if method == "combined":
        per_part |= {"minilm": np.clip(mini, 0, 1), "tokens": tokens, "wordllama": np.clip(wl, 0, 1)}
    n_a, n_p = len(asks), len(planned)
    best = np.full((n_a, n_p), -1)  # the part that fits each pair best (by `main`)
    for k, p in enumerate(parts):
        for j in range(n_p):
            if best[p.ask, j] < 0 or main[k, j] > main[best[p.ask, j], j]:
                best[p.ask, j] = k
    cols = np.arange(n_p)
    sim = main[best, cols[None, :]] if n_a and n_p else np.zeros((n_a, n_p))
    names_ = FEATURES[method]
    feats = np.zeros((n_a, n_p, len(names_)))
    cues = np.array([min(2, followup_cues(t)) for t in whole], dtype=float)
    logi = np.array([float(logistics(t)) for t in whole])
    col_gap = _gaps(sim.T).T if n_a else sim
    earlier = np.zeros((n_a, n_p))
    for i in range(1, n_a):
        earlier[i] = np.maximum(sim[:i].max(axis=0) - sim[i], 0.0)
    topic = np.zeros(n_a)
    if n_a > 1:
        between = (np.clip(between, 0, 1) if method == "combined"
                   else np.array([LexicalScorer(whole).scores(t) for t in whole]))
        topic[1:] = np.diagonal(between, offset=-1)
    extra = {"col_gap": col_gap, "earlier": earlier, "same_topic": np.repeat(topic[:, None], n_p, 1),
             "cues": np.repeat(cues[:, None], n_p, 1), "logistics": np.repeat(logi[:, None], n_p, 1),
             "echo": np.repeat(_echo(whole, heard if replies else None, lex)[:, None], n_p, 1)}
    if reply is not None:
        extra |= {"reply": reply, "reply_gap": _gaps(reply)}
    for f, name in enumerate(names_):
        if name in per_part:
            feats[:, :, f] = per_part[name][best, cols[None, :]]
        else:
            feats[:, :, f] = extra[name]
    clause = _clause_votes(parts, main, n_a, n_p)
    # the similarity callers show and compare blends: the sentence cosine, on its usual scale
    shown = np.clip(mini, 0, 1) if method == "combined" else lexical
    similarity = np.zeros((n_a, n_p))
    for k, p in enumerate(parts):
        similarity[p.ask] = np.maximum(similarity[p.ask], shown[k])
    return PairScores(method, feats, similarity, [[parts[best[i, j]].text for j in range(n_p)] for i in range(n_a)], clause)


def _echo(whole: Sequence[str], replies: Sequence[str] | None, lex: LexicalScorer) -> np.ndarray:
    """For each ask, the IDF-weighted share of its terms that the previous reply (cleaned) used
    (0 for the first ask, and without replies). The plan's rare words weigh most, and words the
    plan never uses most of all: "canning line" echoes an answer, "day" may be the plan's own."""
    out = np.zeros(len(whole))
    for i in range(1, len(whole) if replies else 0):
        said = set(terms(replies[i - 1]))
        weights = [(lex.idf.get(t, lex.unseen_idf), t in said) for t in terms(whole[i])]
        total = sum(w for w, _ in weights)
        out[i] = sum(w for w, echoed in weights if echoed) / total if total else 0.0
    return out


def _clause_votes(parts: Sequence[Part], main: np.ndarray, n_a: int, n_p: int) -> np.ndarray:
    """(asks, planned): the clause of the ask that speaks for each planned question, the one
    closest to it among the clauses whose closest planned question it is (-1: none, or one clause)."""
    clause = np.full((n_a, n_p), -1)
    score = np.full((n_a, n_p), -np.inf)
    n_clauses = {i: max((max(p.clauses) for p in parts if p.ask == i), default=0) + 1 for i in range(n_a)}
    for k, p in enumerate(parts):
        if len(p.clauses) == 1 and n_clauses[p.ask] > 1 and n_p:
            j = int(np.argmax(main[k]))
            if main[k, j] > score[p.ask, j]:
                score[p.ask, j] = main[k, j]
                clause[p.ask, j] = next(iter(p.clauses))
    return clause


# Products the model also weighs: a follow-up cue, a logistics question or an ask on the
# previous ask's topic matter more when the similarity is high (a follow-up on "that"
# shares the planned question's words).
INTERACTIONS = (("cues", "row_gap"), ("logistics", "row_gap"), ("same_topic", "row_gap"), ("earlier", "row_gap"))


def design(features: np.ndarray, method: str) -> np.ndarray:
    """The model's inputs: the measurements and their INTERACTIONS (last axis)."""
    names = FEATURES[method]
    extra = [features[..., names.index(a)] * features[..., names.index(b)] for a, b in INTERACTIONS]
    return np.concatenate([features] + [e[..., None] for e in extra], axis=-1)


def probabilities(scores: PairScores, coefficients: dict[str, Sequence[float]] | None = None) -> np.ndarray:
    """P(ask i is planned question j), (asks x planned), from the logistic model."""
    beta = np.asarray((coefficients or COEFFICIENTS)[scores.method], dtype=float)
    z = beta[0] + design(scores.features, scores.method) @ beta[1:]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method with a small L2 penalty (not on the
    intercept): [intercept, weights...]. Plain numpy, for bench/bench_mapping.py."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(xb.shape[1])
    penalty = np.eye(xb.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ beta, -30, 30)))
        grad = xb.T @ (p - y) + penalty @ beta
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + penalty
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta
