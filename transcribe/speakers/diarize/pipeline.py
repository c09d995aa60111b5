"""Single-channel diarization: who speaks when, from one mixed recording.

1. pyannote segmentation-3.0 on 10 s windows every `step_s` seconds: per window, up to three
   local speakers and when each talks (overlap included). Pieces of speech are taken from
   the part of each window whose centre is nearest, so each has context on both sides.
2. Each local speaker's speech is cut into runs at pauses, and runs into pieces of at most
   `piece_s`. Each piece gets a CAM++ embedding from the frames of its run nearest it where
   that local speaker talks alone (`embed_s` seconds). (The transcript's word times were
   tried as further cut points and made talk shares worse: ASR word times are too loose.)
3. Clustering groups the pieces into S1..Sn (see clustering.py). Where the model heard two
   voices as one local speaker and an overlapping window heard the change, the pieces that
   straddle it are cut there and each part takes the nearest speaker (`split_changes`).
4. Every window covering a frame has its say (pyannote style): each window's local speakers
   get global speakers (a piece's own label where the window decided, else the local
   speaker's majority label), their probabilities are averaged over the covering windows
   with Hamming weights (the nearer a window's centre, the more it counts), and the frame's
   speakers are the most probable ones, as many as the windows' weighted mean count says, so
   where two people talk at once both are talking (the talk-time definition in
   listenwell.intervals).
5. A hand-over the embeddings placed (at a piece or window edge: no window heard it) moves
   to the breath between the voices: the deepest dip in speech probability within
   `snap_s` (`_snap_handovers`); with no dip there, to the longest pause between the
   transcript's words in that reach (sentence ends, or pauses of `word_gap_s`), if words
   are given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from listenwell.transcribe.audio import to_float32

from listenwell.records import Turn

from . import segmentation as seg
from .clustering import Params, cluster, nearest
from .embedding import Fbank, embed_frames
from .models import EMBEDDING, one_blas_thread

SAMPLE_RATE = 16000
FB_SHIFT, FB_LEN = 160, 400  # fbank frame hop and length, samples
SEG_S = seg.FRAME_STEP / SAMPLE_RATE
_BLOCK = 60 * SAMPLE_RATE  # samples looked at a time on long recordings


@dataclass
class Options:
    step_s: float = 5.0  # segmentation window hop (windows are 10 s)
    speech_threshold: float = 0.4  # probability that someone talks (0.5 lost quiet speech)
    piece_s: float = 2.0  # a run of speech is embedded in pieces at most this long
    embed_s: float = 2.0  # at most this much speech per embedding
    min_embed_s: float = 0.3  # less than this: no embedding, the local speaker is dropped
    strong_s: float = 1.0  # embeddings on at least this much speech shape the clusters
    pause_s: float = 0.25  # a local speaker's speech is split into runs at pauses this long
    min_turn_s: float = 0.05
    bridge_s: float = 0.05  # gaps this short inside one speaker's speech are closed
    min_local_s: float = 0.5  # a window's local speaker with less speech is not a second voice
    cluster: Params = field(default_factory=Params)
    embedding_model: str = EMBEDDING  # file in transcribe/speakers/models (int8 CAM++)
    # how a frame's speakers are decided: by combining every window that covers it, weighted
    # "hamming" (by distance to the window's centre) or "flat", or "owner" (only the window
    # whose centre is nearest); agg_soft combines the local speakers' probabilities, else on/off
    aggregate: str = "hamming"
    agg_soft: bool = True
    # a piece whose embedding drew on both sides of a change of voice that an overlapping
    # window hears (where this window heard one voice going on) is labelled again, each side
    # of the change from its own speech
    split_changes: bool = True
    # a hand-over from one speaker to another that the embeddings placed (piece or window
    # edges, not a change the segmentation model heard) moves to the deepest dip in speech
    # probability within snap_s of it, where there is one: people hand over at a breath
    snap_s: float = 1.0
    snap_heard_s: float = 0.15  # a hand-over a window heard moves no farther than this
    snap_depth: float = 0.05  # the dip is at least this far below the speech on both sides
    # where such a hand-over has no breath to go to, it moves to the longest pause between
    # words of the transcript (if given) within snap_s that follows a sentence end or lasts
    # at least word_gap_s: people hand over between sentences, not inside a word
    snap_words: bool = True
    word_gap_s: float = 0.2


@dataclass
class Diarization:
    """Who spoke when. Labels S1..Sn in order of first appearance; turns are speech only and
    may overlap in time (two people talking at once)."""

    turns: list[Turn]
    centroids: dict[str, np.ndarray]


@dataclass
class _Item:
    """One piece of a local speaker's speech in the part of the recording its window decides."""

    window: int
    local: int
    start: int  # first segmentation frame of the run in its window
    end: int  # one past the last
    seconds: float  # speech the embedding rests on
    strong: bool
    talk_s: float  # speech this run adds to the recording (the part its window decides)
    run0: int = 0  # the run of the local speaker's speech the piece belongs to
    run1: int = 0


def to_16k(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mono 16 kHz audio, channels mixed down, NaN/inf from a damaged file zeroed. 16 kHz
    mono int16 PCM (what the transcribe stage decodes) is kept as it is: half the memory."""
    audio = np.asarray(audio)
    if audio.ndim == 2:  # (channels, n) or (n, channels): mix down
        audio = audio.mean(axis=0 if audio.shape[0] < audio.shape[1] else 1, dtype=np.float32)
    if audio.dtype == np.int16 and sample_rate == SAMPLE_RATE:
        return audio
    audio = to_float32(audio)
    if not all(np.isfinite(audio[i : i + _BLOCK]).all() for i in range(0, len(audio), _BLOCK)):
        audio = np.nan_to_num(audio, nan=0.0, posinf=0.0, neginf=0.0)
    if sample_rate != SAMPLE_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(sample_rate, SAMPLE_RATE)
        audio = resample_poly(audio, SAMPLE_RATE // g, sample_rate // g).astype(np.float32)
    return audio


def _peak(audio: np.ndarray) -> float:
    """The largest absolute sample on the float scale, a minute at a time (no whole copy)."""
    return max((float(np.abs(to_float32(audio[i : i + _BLOCK])).max()) for i in range(0, len(audio), _BLOCK)),
               default=0.0)


def _owner_window(n_frames: int, windows: list[seg.Window]) -> tuple[np.ndarray, np.ndarray]:
    """For every global segmentation frame, the window deciding it and its frame there."""
    centres = seg.FRAME_CENTRE + seg.FRAME_STEP * np.arange(n_frames)
    wcentre = np.array([w.start + seg.WINDOW / 2 for w in windows])
    cuts = (wcentre[1:] + wcentre[:-1]) / 2
    owner = np.searchsorted(cuts, centres)
    starts = np.array([w.start for w in windows])[owner]
    lengths = np.array([len(w.active) for w in windows])[owner]
    local = np.clip(np.rint((centres - starts - seg.FRAME_CENTRE) / seg.FRAME_STEP), 0, lengths - 1)
    return owner, local.astype(int)


def _embedding_frames(w: seg.Window, mask: np.ndarray, n_fb: int, cap: int, centre: float) -> np.ndarray:
    """Fbank frame indices inside window `w` whose centre lies in a masked segmentation
    frame, at most `cap` of them, nearest segmentation frame `centre`, in time order."""
    lo, hi = np.flatnonzero(mask)[[0, -1]]
    first = max(0, (w.start + seg.FRAME_CENTRE + seg.FRAME_STEP * lo - FB_LEN) // FB_SHIFT)
    last = min(n_fb, (w.start + seg.FRAME_CENTRE + seg.FRAME_STEP * hi) // FB_SHIFT + 1)
    fb = np.arange(first, max(first, last))
    pos = (fb * FB_SHIFT + FB_LEN // 2 - w.start - seg.FRAME_CENTRE) / seg.FRAME_STEP
    fb = fb[mask[np.clip(np.rint(pos), 0, len(mask) - 1).astype(int)]]
    if len(fb) > cap:
        mid = (w.start + seg.FRAME_CENTRE + seg.FRAME_STEP * centre - FB_LEN / 2) / FB_SHIFT
        fb = np.sort(fb[np.argsort(np.abs(fb - mid), kind="stable")[:cap]])
    return fb


def _runs(mask: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """[start, end) runs of True, gaps shorter than `bridge` frames closed."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    runs: list[list[int]] = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if runs and a - runs[-1][1] < bridge:
            runs[-1][1] = b
        else:
            runs.append([a, b])
    return [(a, b) for a, b in runs]


@one_blas_thread
def diarize_16k(
    audio: np.ndarray,
    num_speakers: int | None = None,
    progress: Callable[[float], None] | None = None,
    options: Options | None = None,
    words: Sequence[tuple[float, float, str]] | None = None,
) -> Diarization:
    o = options or Options()
    empty = Diarization([], {})
    if len(audio) < SAMPLE_RATE // 4 or _peak(audio) < 1e-4:
        return empty

    def stage(lo: float, hi: float):
        return (lambda f: progress(lo + (hi - lo) * f)) if progress else None

    windows = seg.segment(audio, o.step_s, o.speech_threshold, progress=stage(0.0, 0.5))
    feats = Fbank(audio)  # computed as the embeddings ask for it
    n_frames = max(0, (len(audio) - seg.FRAME_CENTRE) // seg.FRAME_STEP + 1)
    owner, local = _owner_window(n_frames, windows)
    bounds = np.searchsorted(owner, np.arange(len(windows) + 1))  # owner is sorted
    items, chunks = _make_items(windows, bounds, local, len(feats), o)
    if progress:
        progress(0.6)
    if not any(it.seconds for it in items):
        return empty
    emb = np.zeros((len(items), 192), dtype=np.float32)
    has = np.array([it.seconds >= o.min_embed_s for it in items])
    emb[has] = embed_frames(
        feats, [c for c, h in zip(chunks, has, strict=True) if h], progress=stage(0.6, 0.9), model=o.embedding_model
    )
    if progress:
        progress(0.9)
    labels = np.full(len(items), -1, dtype=int)
    sub = [it for it, h in zip(items, has, strict=True) if h]
    labels[has], cents = cluster(
        emb[has],
        np.array([it.seconds for it in sub]),
        np.array([it.talk_s for it in sub]),
        np.array([it.strong for it in sub]),
        _conflicts(sub),
        num_speakers,
        o.cluster,
        two_heard=_two_voices_in_a_window(items, o.min_local_s),
    )
    _inherit(items, labels)
    heard = _heard_changes(windows)  # per window: changes of voice the segmentation model heard
    if o.split_changes and len(cents) > 1:
        items, labels = _split_at_changes(windows, heard, items, labels, chunks, emb, has, feats, o)

    if o.aggregate == "owner":
        activity = _owner_activity(windows, items, labels, len(cents), bounds, local)
    else:
        activity = _aggregate(windows, items, labels, len(cents), n_frames, o)
    if o.snap_s > 0:
        breaks = _word_breaks(words or [], o.word_gap_s) if o.snap_words else None
        _snap_handovers(activity, _speech_curve(windows, n_frames), np.unique(np.concatenate(heard)), o, breaks)
    turns = _turns(activity, o)
    order = sorted({t.speaker for t in turns}, key=lambda s: min(t.start for t in turns if t.speaker == s))
    names = {int(s): f"S{i + 1}" for i, s in enumerate(order)}
    turns = [Turn(t.start, t.end, names[int(t.speaker)]) for t in turns]
    turns.sort(key=lambda t: (t.start, t.speaker))
    if progress:
        progress(1.0)
    return Diarization(turns, {names[int(s)]: cents[int(s)] for s in order})


def _owner_activity(windows, items, labels, n_spk: int, bounds, local) -> np.ndarray:
    """Frame-level activity per speaker from the owner window's local speakers (each
    window decides one contiguous stretch of frames)."""
    n_frames = len(local)
    activity = np.zeros((n_spk, n_frames), dtype=bool)
    for it, lab in zip(items, labels, strict=True):
        if lab < 0:
            continue
        lo, hi = bounds[it.window], bounds[it.window + 1]
        mine = local[lo:hi]  # increasing
        sel = np.arange(lo + np.searchsorted(mine, it.start), lo + np.searchsorted(mine, it.end))
        activity[lab, sel] |= windows[it.window].active[local[sel], it.local]
    return activity


def _aggregate(windows, items, labels, n_spk: int, n_frames: int, o: Options) -> np.ndarray:
    """Frame-level activity per speaker from every window covering the frame (pyannote
    style): each window's local speakers get global speakers (an item's own label where
    the window decided, else the local speaker's majority label), the windows' per-speaker
    activations are averaged with weights, the number of speakers per frame is the weighted
    mean of the windows' counts, and the frame's speakers are the most activated ones."""
    score = np.zeros((n_spk, n_frames), dtype=np.float32)
    count = np.zeros(n_frames, dtype=np.float32)
    wsum = np.zeros(n_frames, dtype=np.float32)
    votes: dict[tuple[int, int], Counter] = {}
    mine: list[list[tuple[_Item, int]]] = [[] for _ in windows]
    for it, lab in zip(items, labels, strict=True):
        if lab >= 0:
            votes.setdefault((it.window, it.local), Counter())[int(lab)] += it.talk_s + 1e-3
            mine[it.window].append((it, int(lab)))
    for k, w in enumerate(windows):
        n = len(w.active)
        lab = np.full((n, 3), -1, dtype=int)
        for a in range(3):
            if (k, a) in votes:
                lab[:, a] = votes[(k, a)].most_common(1)[0][0]
        for it, lb in mine[k]:  # where this window decided: the piece's own speaker
            lab[it.start : it.end, it.local] = lb
        val = w.probs if o.agg_soft and w.probs is not None else w.active.astype(np.float32)
        contrib = np.zeros((n_spk, n), dtype=np.float32)
        on = np.zeros((n_spk, n), dtype=bool)
        for a in range(3):
            for s in np.unique(lab[:, a][lab[:, a] >= 0]):
                m = lab[:, a] == s
                contrib[s, m] = np.maximum(contrib[s, m], val[m, a])
                on[s, m] |= w.active[m, a]
        g, keep, wt = _placement(w, n_frames, o.aggregate == "hamming")
        score[:, g] += wt * contrib[:, keep]
        count[g] += wt * on[:, keep].sum(axis=0)
        wsum[g] += wt
    wsum[wsum == 0] = 1.0
    score /= wsum
    k_frame = np.floor(count / wsum + 0.5).astype(int)
    rank = np.argsort(np.argsort(-score, axis=0, kind="stable"), axis=0)
    return (rank < k_frame) & (score > 0)


def _placement(w: seg.Window, n_frames: int, hamming: bool = True):
    """Where window w's frames fall among the recording's n_frames: their global indices,
    which of the window's frames those are, and how much each counts (Hamming: the nearer
    the window's centre, the more; else all alike)."""
    n = len(w.active)
    g = int(round(w.start / seg.FRAME_STEP)) + np.arange(n)
    keep = (g >= 0) & (g < n_frames)
    wt = np.hamming(n + 2)[1:-1] if hamming else np.ones(n)
    return g[keep], keep, wt[keep].astype(np.float32)


def _speech_curve(windows: list[seg.Window], n_frames: int) -> np.ndarray:
    """Per global frame, the probability that anyone talks, averaged over the windows
    covering it with the same Hamming weights as the speakers' activations."""
    total = np.zeros(n_frames, dtype=np.float32)
    wsum = np.zeros(n_frames, dtype=np.float32)
    for w in windows:
        g, keep, wt = _placement(w, n_frames)
        total[g] += wt * w.speech_prob[keep]
        wsum[g] += wt
    return total / np.maximum(wsum, 1e-6)


def _word_breaks(words: Sequence[tuple[float, float, str]], min_gap_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Where the transcript leaves room for a hand-over: the gaps between consecutive words
    (start, end, text) that follow a sentence end or last at least min_gap_s, as the global
    segmentation frame of each gap's middle (ascending) and the gap's length in seconds."""
    ws = sorted(words)
    gaps = [(a[1], b[0]) for a, b in zip(ws[:-1], ws[1:], strict=True)
            if a[2].rstrip(" \"')\u201d").endswith((".", "?", "!")) or b[0] - a[1] >= min_gap_s]
    ends, starts = np.array(gaps, dtype=float).reshape(-1, 2).T
    frames = np.round(((ends + starts) / 2 * SAMPLE_RATE - seg.FRAME_CENTRE + seg.FRAME_STEP / 2) / seg.FRAME_STEP)
    return frames.astype(int), np.maximum(starts - ends, 0.0)


def _snap_handovers(activity: np.ndarray, speech: np.ndarray, heard: np.ndarray, o: Options,
                    breaks: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """Where one speaker alone hands over to another alone from one frame to the next, move
    the hand-over to the deepest valley in `speech` within snap_s of it (the middle of its
    floor; each side keeps at least a fifth of a second), if it is at least snap_depth deep.
    Where a window heard a change of voice (`heard`: global frames, within a quarter of a
    second), the model placed it: it moves no farther than snap_heard_s. Gaps shorter than
    a pause (pause_s) do not end a side: the dip may lie in one. A hand-over no window heard
    and with no such valley moves to the longest of the transcript's `breaks` (frames and
    pause lengths from _word_breaks) in the same reach, if any."""
    reach = int(round(o.snap_s / SEG_S))
    keep = int(round(0.2 / SEG_S))
    gap = int(round(o.pause_s / SEG_S))
    heard_near = int(round(0.25 / SEG_S))
    n_on = activity.sum(axis=0)

    def side(s: int, f: int, step: int, limit: int) -> int:
        """From frame f (s talking), the farthest frame in direction `step` (at most `limit`
        away) that s talks alone in, across no other voice and no pause."""
        last, g = f, f + step
        while (0 <= g < len(n_on) and abs(g - f) <= limit and n_on[g] <= 1
               and (activity[s, g] or n_on[g] == 0) and abs(g - last) <= gap):
            if activity[s, g]:
                last = g
            g += step
        return last

    at, pause = breaks if breaks is not None else (np.zeros(0, dtype=int), np.zeros(0))
    who = np.argmax(activity, axis=0)
    for b in np.flatnonzero((n_on[:-1] == 1) & (n_on[1:] == 1) & (who[:-1] != who[1:])) + 1:
        # a move stays inside its own two sides, so it never touches the next hand-over
        x, y = int(who[b - 1]), int(who[b])
        r = reach
        was_heard = len(heard) > 0 and np.abs(heard - b).min() <= heard_near
        if was_heard:
            r = int(round(o.snap_heard_s / SEG_S))
            if r == 0:
                continue
        lo = max(side(x, b - 1, -1, r + keep) + keep, b - r)
        hi = min(side(y, b, 1, r + keep) + 1 - keep, b + r)
        if not lo <= b <= hi or hi - lo < 2:  # a blip of a voice, not a hand-over
            continue
        stretch = speech[lo:hi]
        # how deep each frame lies below the speech on both sides of it (0 on a slope to
        # the range's edge): the deepest valley wins
        depth = np.minimum(np.maximum.accumulate(stretch), np.maximum.accumulate(stretch[::-1])[::-1]) - stretch
        i = int(np.argmax(depth))
        if depth[i] >= o.snap_depth:
            floor = _runs(stretch <= stretch[i] + 0.02, 1)  # a flat floor: its middle
            f = lo + next((r0 + r1) // 2 for r0, r1 in floor if r0 <= i < r1)
        else:  # no breath: the longest pause between words in reach (the nearest of equals)
            near = np.arange(*np.searchsorted(at, (lo, hi)))
            if was_heard or not len(near):
                continue
            f = int(at[near[np.lexsort((np.abs(at[near] - b), -pause[near]))[0]]])
        if f == b:
            continue
        a, z = (f, b) if f < b else (b, f)
        talk = n_on[a:z] > 0
        activity[x, a:z], activity[y, a:z] = (False, talk) if f < b else (talk, False)


def _pieces(c0: int, c1: int, piece_s: float) -> list[tuple[int, int]]:
    """Frames [c0, c1) (a run's part its window decides) cut into equal pieces of at most piece_s."""
    n = max(1, int(np.ceil((c1 - c0) * SEG_S / piece_s)))
    bounds = np.linspace(c0, c1, n + 1).round().astype(int)
    return [(int(x), int(y)) for x, y in zip(bounds[:-1], bounds[1:], strict=True) if y > x]


def _two_voices_in_a_window(items: list[_Item], min_s: float) -> bool:
    """Whether some window holds two local speakers with at least min_s of speech each."""
    speech: dict[tuple[int, int], float] = {}
    for it in items:
        speech[(it.window, it.local)] = speech.get((it.window, it.local), 0.0) + it.seconds
    voices = Counter(w for (w, _), s in speech.items() if s >= min_s)
    return any(n >= 2 for n in voices.values())


def _conflicts(items: list[_Item]) -> list[tuple[int, int]]:
    """Pairs of items that must be different people: two local speakers of one window
    talking at the same time."""
    out = []
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if b.window != a.window:
                break
            if b.local != a.local and a.start < b.end and b.start < a.end:
                out.append((i, j))
    return out


def _inherit(items: list[_Item], labels: np.ndarray) -> None:
    """Runs too short to embed take the speaker of the nearest run of the same local
    speaker in the same window (the segmentation model says it is the same voice)."""
    for i, it in enumerate(items):
        if labels[i] >= 0:
            continue
        near = [
            (abs(o.start - it.start), labels[j])
            for j, o in enumerate(items)
            if o.window == it.window and o.local == it.local and labels[j] >= 0
        ]
        if near:
            labels[i] = min(near)[1]


def _make_items(windows, bounds, local, n_fb: int, o: Options):
    """Every piece of every local speaker's speech in the part each window decides, with
    the fbank frames its embedding rests on."""
    items: list[_Item] = []
    chunks: list[np.ndarray] = []  # fbank frame indices per item
    bridge = int(round(o.pause_s / SEG_S))
    for k, w in enumerate(windows):
        owned = local[bounds[k] : bounds[k + 1]]
        lo, hi = (owned[0], owned[-1] + 1) if len(owned) else (0, 0)
        alone = w.active.sum(axis=1) == 1
        for a in range(3):
            for r0, r1 in _runs(w.active[:, a], bridge):
                c0, c1 = max(r0, lo), min(r1, hi)  # the part this window decides
                if c1 <= c0:
                    continue
                run = np.zeros(len(w.active), dtype=bool)
                run[r0:r1] = w.active[r0:r1, a]
                for p0, p1 in _pieces(c0, c1, o.piece_s):
                    talk = float(run[p0:p1].sum()) * SEG_S
                    fb, strong = _piece_frames(w, run, alone, (p0 + p1) / 2, n_fb, o)
                    items.append(_Item(k, a, int(p0), int(p1), len(fb) / 100, strong, talk, r0, r1))
                    chunks.append(fb)
    return items, chunks


def _piece_frames(w: seg.Window, run: np.ndarray, alone: np.ndarray, centre: float, n_fb: int, o: Options):
    """The fbank frames a piece is embedded from: the speech of its run nearest it (so that
    short pieces still get a full embedding), where its local speaker talks alone if that is
    enough; and whether the embedding is strong enough to shape the clusters."""
    for mask in (run & alone, run):
        if mask.sum() * SEG_S >= o.min_embed_s:
            fb = _embedding_frames(w, mask, n_fb, int(o.embed_s * 100), centre)
            return fb, mask is not run and len(fb) >= o.strong_s * 100
    return np.zeros(0, dtype=int), False


def _heard_changes(windows: list[seg.Window], near_s: float = 0.5) -> list[np.ndarray]:
    """Per window, the global frames where one of its local speakers starts or stops while
    another talks within near_s: a change of voice the segmentation model heard."""
    near = int(round(near_s / SEG_S))
    changes: list[np.ndarray] = []
    for w in windows:
        talk = w.active.astype(np.int8)
        edges = np.abs(np.diff(talk, axis=0))  # (frames - 1, 3): a local speaker starts or stops
        out = []
        for f, a in zip(*np.nonzero(edges), strict=True):
            lo, hi = max(0, f + 1 - near), min(len(talk), f + 1 + near)
            if np.delete(talk[lo:hi], a, axis=1).any():
                out.append(f + 1)
        changes.append(np.array(out, dtype=int) + int(round(w.start / seg.FRAME_STEP)))
    return changes


def _change_cuts(windows: list[seg.Window], changes: list[np.ndarray], near_s: float = 0.5) -> list[np.ndarray]:
    """Per window, the frames (window-local) where an overlapping window hears one local
    speaker stop or start while another one talks within near_s (`changes`, from
    _heard_changes), and this window hears one voice going on (one local speaker alone
    throughout near_s around it): a change of voice this window may have merged."""
    near = int(round(near_s / SEG_S))
    starts = np.array([w.start for w in windows])
    result = []
    for k, w in enumerate(windows):
        off = int(round(w.start / seg.FRAME_STEP))
        lo, hi = np.searchsorted(starts, [w.start - seg.WINDOW + 1, w.start + seg.WINDOW])  # overlapping ones
        other = [changes[j] for j in range(lo, hi) if j != k]
        f = (np.concatenate(other) if other else np.zeros(0, dtype=int)) - off
        f = np.unique(f[(f > 0) & (f < len(w.active))])
        one = [bool((w.active[max(0, x - near) : x + near].sum(axis=1) == 1).all()) for x in f]
        f = f[np.array(one, dtype=bool)] if len(f) else f
        # edges within near_s of each other are one change heard unsteadily: its middle
        groups = np.split(f, np.flatnonzero(np.diff(f) > near) + 1) if len(f) else []
        result.append(np.array([int(round(g.mean())) for g in groups], dtype=int))
    return result


def _split_at_changes(windows, heard, items, labels, chunks, emb, has, feats, o: Options):
    """Pieces whose embedding spans a change of voice heard by an overlapping window, cut
    there; each part embedded from its own side of the change and given the nearest of the
    speakers already found (the clusters themselves stay as they are)."""
    cuts = _change_cuts(windows, heard)
    out_items: list[_Item] = []
    out_labels: list[int] = []
    todo: list[tuple[int, np.ndarray]] = []  # (index in out_items, fbank frames)
    for it, lab, fb in zip(items, labels, chunks, strict=True):
        w = windows[it.window]
        c = cuts[it.window]
        inner = c[(c > it.run0) & (c < it.run1)]
        at = (w.start + seg.FRAME_CENTRE + seg.FRAME_STEP * inner - FB_LEN // 2) / FB_SHIFT
        if lab < 0 or len(fb) == 0 or not ((at > fb[0]) & (at < fb[-1])).any():
            out_items.append(it)
            out_labels.append(int(lab))
            continue
        alone = w.active.sum(axis=1) == 1
        edges = [it.run0, *inner.tolist(), it.run1]
        for s0, s1 in zip(edges[:-1], edges[1:], strict=True):
            q0, q1 = max(s0, it.start), min(s1, it.end)
            if q1 <= q0:
                continue
            side = np.zeros(len(w.active), dtype=bool)
            side[s0:s1] = w.active[s0:s1, it.local]
            sub_fb, strong = _piece_frames(w, side, alone, (q0 + q1) / 2, len(feats), o)
            talk = float(side[q0:q1].sum()) * SEG_S
            out_items.append(_Item(it.window, it.local, q0, q1, len(sub_fb) / 100, False, talk, s0, s1))
            out_labels.append(int(lab))
            if strong:  # as sure as the embeddings that shaped the clusters; else as it was
                todo.append((len(out_items) - 1, sub_fb))
    if todo:
        new = embed_frames(feats, [f for _, f in todo], model=o.embedding_model)
        weight = np.array([it.seconds for it in items])[has]
        shaped = np.array([it.strong for it in items])[has]
        best = nearest(emb[has], weight, shaped, labels[has], new)
        by_window: dict[int, list[tuple[_Item, int]]] = {}
        for it, lab in zip(items, labels, strict=True):
            by_window.setdefault(it.window, []).append((it, int(lab)))
        for (i, _), b in zip(todo, best, strict=True):
            p = out_items[i]
            # two local speakers heard at the same time are two people
            busy = {lab for it, lab in by_window[p.window] if it.local != p.local and it.start < p.end and p.start < it.end}
            if b not in busy:
                out_labels[i] = int(b)
    return out_items, np.array(out_labels, dtype=int)


def _turns(activity: np.ndarray, o: Options) -> list[Turn]:
    """Runs of active frames per speaker as turns (label = speaker index as a string)."""
    turns: list[Turn] = []
    half = seg.FRAME_STEP / 2
    for s, row in enumerate(activity):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(np.int8), [0]])))
        runs = []
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            start = (seg.FRAME_CENTRE + seg.FRAME_STEP * a - half) / SAMPLE_RATE
            end = (seg.FRAME_CENTRE + seg.FRAME_STEP * (b - 1) + half) / SAMPLE_RATE
            if runs and start - runs[-1][1] <= o.bridge_s:
                runs[-1][1] = end
            else:
                runs.append([start, end])
        turns += [Turn(round(float(a), 3), round(float(b), 3), str(s)) for a, b in runs if b - a >= o.min_turn_s]
    return turns
