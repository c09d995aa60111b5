"""Step 3b: the pieces' voice embeddings grouped into the recording's speakers, by evidence
that holds for real voices across takes, rooms and minutes (calibrated on real speech:
bench/calibrate_speakers.py, docs/speakers-diarization.md).

The evidence is the *relation* of two groups of embeddings: the mean cosine between them
over the mean cosine within them. Pieces of one voice relate at about 1 whatever the room
or microphone (one voice in takes through three microphones: 0.85-0.96 between its most
different halves); two people in one room at 0.0-0.4, on one telephone line at up to 0.63.
Dividing by the within-similarity makes it hold where every cosine is high (a phone line)
or low (a far microphone).

1. Groups: an average-linkage tree (cosine) over the embeddings that rest on enough lone
   speech, cut into FIRST_GROUPS small groups (voices rarely mix at that depth).
2. Same voice: the two most related groups merge while their relation is at least
   `same_voice`. The within-similarity of a group of fewer than 5 pieces is the recording's
   pooled one (two pieces of one run share frames: their own similarity says nothing).
3. Brief groups (less than `brief_s` of speech) are another voice only when they relate to
   every other group below `other_voice` (one clearly different voice, however brief), or
   when the segmentation model heard them apart from the group they relate to most: in
   windows that hold both, as another local speaker at least as often as the same one
   (independent evidence, where a telephone line makes all voices relate highly). Else
   they fold into the group they relate to most. Less than `min_voice_s`: never a voice.
4. At most `max_speakers` (an interview has two people): the most related groups merge
   until then. `num_speakers` forces the count. One voice found where the segmentation
   model heard two people at once for at least `heard_two_s` (a voice only ever heard over
   the other's): the less related item of each such pair seeds a second speaker.
5. With the user's voice profile, the groups that sound like it are the user (verify.py),
   and the other groups are everyone else; where no group does, items that each sound like
   the profile (`profile_item`) are the user, however brief (the user said almost nothing).
6. Each embedding moves to the speaker it relates to most (x . m_k / |m_k|^2, m_k the mean
   embedding of speaker k), a few rounds; then every item, weak or strong, takes the speaker
   it relates to most, with the rule that two items heard at the same time are two people.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .embedding import normalise


@dataclass
class Params:
    """Chosen by cross-validation over the tuning voices (bench/calibrate_speakers.py): the
    objective is flat over a range of each; the values are inside it, away from its edges
    (same_voice 0.65-0.8, other_voice 0.45-0.65, profile_match 0.2-0.35, min_voice_s 1-2;
    brief_s 4 was best, 8 and 16 lost brief telephone questions; same_voice 0.85 split one
    voice in two)."""

    same_voice: float = 0.75  # relation at or above which two groups are one voice
    other_voice: float = 0.55  # a brief group relating below this to all others is another voice
    brief_s: float = 4.0  # less speech than this: a group must be clearly another voice
    min_voice_s: float = 1.0  # less speech than this never makes a voice
    max_speakers: int = 6  # when the caller says nothing
    profile_match: float = 0.28  # mean cosine to the profile from which a group is the user
    # one item's cosine to the profile from which it is the user (tuning voices: other
    # people's items above it 1 of 732, the user's items 80 %; 0.45-0.55 alike)
    profile_item: float = 0.5
    heard_two_s: float = 1.0  # two people heard at once this long: there are two, however alike
    # same_voice for a recording over a phone line, whose embeddings have the line taken out
    # (channel.py): one voice's groups through different microphones then relate lower.
    # Tuning voices over the band: 0.55-0.6 alike; 0.65-0.75 split one voice more often
    # (7 of 16 recordings at 0.75); 0.5 merged two people (31.9 pp)
    phone_same_voice: float = 0.6

    def over_phone(self) -> Params:
        """The parameters for a recording over a phone line, its line taken out."""
        return replace(self, same_voice=self.phone_same_voice)


FIRST_GROUPS = 30  # the tree is cut into this many groups before the evidence merges them
MAX_TREE = 1500  # items the tree is built on (more: an even sample, the rest join the nearest)
POOL_MIN = 5  # groups with fewer pieces take the pooled within-similarity
RHO0 = 0.6  # within-similarity of one voice's 2 s pieces when nothing else tells (real voices)
ROUNDS = 10
MIN_USER_S = 0.3  # the least talk of items that sound like the profile to make the user a speaker


@dataclass
class Grouping:
    """What the clustering decided and on what evidence."""

    labels: np.ndarray  # speaker index per item
    centroids: np.ndarray  # (speakers, d) L2-normalised mean raw embeddings
    relation: np.ndarray  # (speakers, speakers) relation between the final speakers
    scores: np.ndarray  # (items, speakers) how much each item relates to each speaker
    user: int | None = None  # the speaker the profile recognised
    profile_similarity: list[float] = field(default_factory=list)  # per speaker, mean cosine
    unsure_s: float = 0.0  # speech of brief groups folded in without sounding like their voice


def relations(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """(g, g) relation between groups given their embedding sums (g, d) and sizes (g,):
    mean cross cosine / sqrt(within_a * within_b); the diagonal is -inf."""
    counts = counts.astype(float)
    sq = (sums * sums).sum(axis=1)
    pairs = counts * (counts - 1)
    own = np.where(pairs > 0, (sq - counts) / np.maximum(pairs, 1), np.nan)
    big = counts >= POOL_MIN
    if big.any():
        pooled = (sq[big] - counts[big]).sum() / pairs[big].sum()
    elif (pairs > 0).any():
        pooled = (sq[pairs > 0] - counts[pairs > 0]).sum() / pairs[pairs > 0].sum()
    else:
        pooled = RHO0
    within = np.maximum(np.where(big, own, pooled), 0.05)
    cross = (sums @ sums.T) / np.outer(counts, counts)
    r = cross / np.sqrt(np.outer(within, within))
    np.fill_diagonal(r, -np.inf)
    return r


class _Groups:
    """Groups of the rows of `emb`, with their sums, sizes and speech."""

    def __init__(self, emb: np.ndarray, talk: np.ndarray, labels: np.ndarray, where: np.ndarray | None = None):
        self.emb, self.talk, self.where = emb, talk, where
        self.members = [np.flatnonzero(labels == c) for c in np.unique(labels)]
        self.user: int | None = None  # the group the profile recognised
        self.unsure_s = 0.0  # speech of brief groups folded in without sounding like their voice

    def __len__(self) -> int:
        return len(self.members)

    def relations(self) -> np.ndarray:
        sums = np.stack([self.emb[m].sum(axis=0) for m in self.members])
        return relations(sums, np.array([len(m) for m in self.members]))

    def speech(self) -> np.ndarray:
        return np.array([self.talk[m].sum() for m in self.members])

    def merge(self, i: int, j: int) -> None:
        """Groups i and j become one (at the lower index)."""
        lo, hi = min(i, j), max(i, j)
        self.members[lo] = np.concatenate([self.members[lo], self.members[hi]])
        del self.members[hi]
        if self.user is not None and self.user >= hi:
            self.user = lo if self.user == hi else self.user - 1

    def merge_most_related(self, floor: float = -np.inf, spare_user: bool = False) -> bool:
        """Merge the two most related groups if their relation is at least `floor` (with
        spare_user, the user's group stays as it is)."""
        r = self.relations()
        if spare_user and self.user is not None:
            r[self.user, :] = r[:, self.user] = -np.inf
        i, j = np.unravel_index(int(np.argmax(r)), r.shape)
        if not np.isfinite(r[i, j]) or r[i, j] < floor:
            return False
        self.merge(int(i), int(j))
        return True

    def heard_apart(self, c: int, j: int) -> bool:
        """Whether the segmentation model heard group c as another local speaker than group j
        in the windows that hold both, at least as often as the same one."""
        if self.where is None:
            return False
        theirs = {(int(w), int(a)) for w, a in self.where[self.members[j]]}
        windows = {w for w, _ in theirs}
        same = sum((int(w), int(a)) in theirs for w, a in self.where[self.members[c]])
        other = sum(int(w) in windows and (int(w), int(a)) not in theirs for w, a in self.where[self.members[c]])
        return other >= 1 and other >= same

    def labels(self) -> np.ndarray:
        out = np.zeros(len(self.emb), dtype=int)
        for c, m in enumerate(self.members):
            out[m] = c
        return out


def first_groups(emb: np.ndarray) -> np.ndarray:
    """Group index per row: the average-linkage tree (cosine) cut into FIRST_GROUPS, built
    on at most MAX_TREE rows spread over the recording (the others join the nearest group)."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(emb) < 2:
        return np.zeros(len(emb), dtype=int)
    idx = np.arange(len(emb)) if len(emb) <= MAX_TREE else np.unique(np.linspace(0, len(emb) - 1, MAX_TREE).astype(int))
    lab = fcluster(linkage(emb[idx], method="average", metric="cosine"), t=min(FIRST_GROUPS, len(idx)),
                   criterion="maxclust") - 1
    if len(idx) == len(emb):
        return lab
    cents = normalise(np.stack([emb[idx][lab == c].sum(axis=0) for c in np.unique(lab)]))
    return np.argmax(emb @ cents.T, axis=1)


def _fold_brief(g: _Groups, p: Params) -> None:
    """Brief groups that are not clearly another voice join the group they relate to most
    (the briefest first); the user's group never folds into another."""
    while len(g) > 1:
        speech, r = g.speech(), g.relations()
        near = np.argmax(r, axis=1)
        unsure = (speech < p.min_voice_s) | ((speech < p.brief_s) & (r.max(axis=1) >= p.other_voice) & np.array(
            [not g.heard_apart(c, int(near[c])) for c in range(len(g))]))
        if g.user is not None:
            unsure[g.user] = False
        if not unsure.any():
            return
        c = int(np.flatnonzero(unsure)[np.argmin(speech[unsure])])
        if r[c].max() < p.same_voice:  # not clearly the same voice: it may be another
            g.unsure_s += float(speech[c])
        g.merge(c, int(np.argmax(r[c])))


def _group(emb: np.ndarray, talk: np.ndarray, max_speakers: int, p: Params, profile: np.ndarray | None,
           where: np.ndarray | None) -> _Groups:
    """The strong embeddings' groups, one per speaker."""
    g = _Groups(emb, talk, first_groups(emb), where)
    while len(g) > 1 and g.merge_most_related(p.same_voice):
        pass
    if profile is not None and len(emb):
        from .verify import merge_user

        merge_user(g, (emb @ profile.T).max(axis=1), p.profile_match)
    _fold_brief(g, p)
    target = max(1, max_speakers)
    # the user's voice is known: only the others merge (while there are two of them)
    while len(g) > target and g.merge_most_related(spare_user=g.user is not None and len(g) > 2):
        pass
    return g


def _relating(emb: np.ndarray, means: np.ndarray) -> np.ndarray:
    """(items, speakers): x . m_k / |m_k|^2, about 1 for an item of speaker k."""
    return (emb @ means.T) / np.maximum((means * means).sum(axis=1), 0.05)


def _means(emb: np.ndarray, weight: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    w = np.maximum(weight, 1e-3)
    return np.stack([(emb[labels == c] * w[labels == c, None]).sum(0) / max(w[labels == c].sum(), 1e-9)
                     if (labels == c).any() else np.zeros(emb.shape[1]) for c in range(k)])


def cluster(
    emb: np.ndarray,
    weight: np.ndarray,
    talk: np.ndarray,
    strong: np.ndarray,
    conflicts: list[tuple[int, int]],
    num_speakers: int | None = None,
    params: Params | None = None,
    max_speakers: int | None = None,
    profile: np.ndarray | None = None,
    where: np.ndarray | None = None,
) -> Grouping:
    """Speakers of the embeddings `emb` (n, d), L2-normalised; weight: seconds of speech
    behind each; talk: seconds of the recording each adds; strong: which rest on enough lone
    speech to shape the groups; conflicts: pairs heard at the same time (two people);
    num_speakers: the count, when known; max_speakers: at most this many (default
    params.max_speakers); profile: (m, d) the user's voice on m occasions; where: (n, 2) the
    segmentation window and local speaker each item comes from."""
    p = params or Params()
    if not strong.any():
        strong = np.ones(len(emb), dtype=bool)
    if num_speakers is not None:
        return _forced(emb, weight, strong, conflicts, num_speakers, p, profile)
    se, sw = emb[strong], weight[strong]
    g = _group(se, talk[strong], max_speakers or p.max_speakers, p, profile, None if where is None else where[strong])
    labels = g.labels()
    k = len(g)
    for _ in range(ROUNDS if k > 1 else 0):
        new = np.argmax(_relating(se, _means(se, sw, labels, k)), axis=1)
        if (new == labels).all() or len(np.unique(new)) < k:
            break
        labels = new
    means = _means(se, sw, labels, k)
    scores = _relating(emb, means)
    final = _resolve(scores, np.argmax(scores, axis=1), conflicts)
    if k == 1 and (max_speakers or p.max_speakers) > 1:
        final, k = _heard_two(emb, weight, talk, scores[:, 0], conflicts, p.heard_two_s)
        if k == 2:
            g.unsure_s += float(np.bincount(final, weights=talk, minlength=2).min())
            means = _means(emb, weight, final, k)
            scores = _relating(emb, means)
    if profile is not None and g.user is None and k < (max_speakers or p.max_speakers):
        final, k, g.user = _user_items(emb, talk, final, k, profile, p.profile_item)
        scores = _relating(emb, _means(emb, weight, final, k))
    return _grouping(emb, weight, final, scores, k, profile, g.user, g.unsure_s)


def _user_items(emb: np.ndarray, talk: np.ndarray, labels: np.ndarray, k: int, profile: np.ndarray,
                floor: float) -> tuple[np.ndarray, int, int | None]:
    """No group sounds like the user: the items that each do (cosine at least `floor`), if
    they hold MIN_USER_S of talk, are the user, a speaker of their own."""
    mine = (emb @ profile.T).max(axis=1) >= floor
    if talk[mine].sum() < MIN_USER_S:
        return labels, k, None
    return np.where(mine, k, labels), k + 1, k


def _grouping(emb: np.ndarray, weight: np.ndarray, final: np.ndarray, scores: np.ndarray, k: int,
              profile: np.ndarray | None, user: int | None, unsure_s: float) -> Grouping:
    cents = normalise(np.stack([(emb[final == c] * weight[final == c, None]).sum(0) if (final == c).any()
                                else np.ones(emb.shape[1]) for c in range(k)]))
    rel = relations(np.stack([emb[final == c].sum(0) for c in range(k)]),
                    np.array([max(1, int((final == c).sum())) for c in range(k)])) if k > 1 else np.full((1, 1), -np.inf)
    sims = [] if profile is None else [float((emb[final == c] @ profile.T).max(axis=1).mean()) if (final == c).any()
                                       else 0.0 for c in range(k)]
    return Grouping(final, cents, rel, scores, user, sims, unsure_s)


def _forced(emb: np.ndarray, weight: np.ndarray, strong: np.ndarray, conflicts: list[tuple[int, int]], n: int,
            p: Params, profile: np.ndarray | None) -> Grouping:
    """Exactly n speakers (forced.py); the one most like the profile is the user, if like enough."""
    from . import forced

    _, near = forced.split(emb, weight, strong, n)
    k = near.shape[1]
    final = _resolve(near, np.argmax(near, axis=1), conflicts)
    # the evidence (for the margin) on the same scale as without a count
    g = _grouping(emb, weight, final, _relating(emb, _means(emb, weight, final, k)), k, profile, None, 0.0)
    if profile is not None and max(g.profile_similarity) >= p.profile_match:
        g.user = int(np.argmax(g.profile_similarity))
    return g


def _heard_two(emb: np.ndarray, weight: np.ndarray, talk: np.ndarray, score: np.ndarray,
               conflicts: list[tuple[int, int]], min_s: float) -> tuple[np.ndarray, int]:
    """One voice by the embeddings: two speakers if items heard at the same time as another
    add up to min_s. The less related item of each such pair seeds the second; then each item
    goes to the voice it relates to most (heard-at-once pairs kept apart)."""
    labels = np.zeros(len(score), dtype=int)
    if sum(min(talk[i], talk[j]) for i, j in conflicts) < min_s:
        return labels, 1
    for i, j in conflicts:
        labels[i if score[i] < score[j] else j] = 1
    for _ in range(ROUNDS):
        sims = _relating(emb, _means(emb, weight, labels, 2))
        new = _resolve(sims, np.argmax(sims, axis=1), conflicts)
        if (new == labels).all() or len(np.unique(new)) < 2:
            break
        labels = new
    return labels, 2


def nearest(grouping: Grouping, emb: np.ndarray, weight: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The speaker each of the `new` embeddings relates to most, given the items `emb`
    (weights `weight`) that `grouping` labelled."""
    k = len(grouping.centroids)
    return np.argmax(_relating(new, _means(emb, weight, grouping.labels, k)), axis=1)


def _resolve(sims: np.ndarray, labels: np.ndarray, conflicts: list[tuple[int, int]]) -> np.ndarray:
    """Two items heard at the same time are two people: the less sure one moves to its
    next-best speaker."""
    if sims.shape[1] < 2:
        return labels
    for i, j in conflicts:
        if labels[i] == labels[j]:
            c = labels[i]
            worse = i if sims[i, c] < sims[j, c] else j
            order = np.argsort(-sims[worse])
            labels[worse] = order[1] if order[0] == c else order[0]
    return labels
