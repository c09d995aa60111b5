"""The steps of single-channel diarization (transcribe/speakers/diarize) on made-up windows:
how windows are combined, where hand-overs move, which changes of voice cut a piece, and
the clustering's evidence (relations, brief voices, the profile) and bounded memory. The whole pipeline on real audio: test_diarize.py."""

from __future__ import annotations

import numpy as np
import pytest

from listenwell.transcribe.audio import SAMPLE_RATE
from listenwell.transcribe.speakers.diarize import Options
from listenwell.transcribe.speakers.diarize import clustering as cl
from listenwell.transcribe.speakers.diarize import segmentation as seg
from listenwell.transcribe.speakers.diarize.aggregate import frame_activity, speech_curve
from listenwell.transcribe.speakers.diarize.changes import change_cuts, heard_changes
from listenwell.transcribe.speakers.diarize.handovers import Breaks, snap_handovers, word_breaks
from listenwell.transcribe.speakers.diarize.pieces import Piece

N, OFF = 589, 296  # frames per 10 s window; the second window starts 5 s (296 frames) later


def test_windows_combined_keep_overlap_and_split_a_merged_voice():
    """Two overlapping windows: the first hears speaker 0 throughout and speaker 1 over it in
    frames 400-500; the second hears the same overlap, then speaker 1 alone, where the first
    (unsure, 0.55, near its edge) heard speaker 0 going on. The combined decision keeps both
    speakers in the overlap and, where the windows disagree, follows the one nearer its
    centre and surer."""
    a = np.zeros((N, seg.LOCAL_SPEAKERS), dtype=bool)
    a[:, 0] = True
    a[400:500, 1] = True
    pa = a.astype(np.float32)
    pa[520:, 0] = 0.55
    b = np.zeros((N, seg.LOCAL_SPEAKERS), dtype=bool)
    b[: 520 - OFF, 0] = True
    b[400 - OFF : 500 - OFF, 1] = True
    b[520 - OFF :, 1] = True
    windows = [seg.Window(0, a, a.any(axis=1).astype(np.float32), pa),
               seg.Window(80000, b, b.any(axis=1).astype(np.float32), b.astype(np.float32))]
    pieces = [Piece(0, 0, 0, 443, 7.0, (0, 443)), Piece(0, 1, 400, 443, 0.7, (400, 443)),
              Piece(1, 0, 147, 224, 1.3, (147, 224)), Piece(1, 1, 147, 293, 2.5, (147, 293))]
    act = frame_activity(windows, pieces, np.array([0, 1, 0, 1]), 2, OFF + N)
    assert act[:, 450].all()  # two people at once: both talk
    assert act[0, 300] and not act[1, 300]
    assert act[1, 560] and not act[0, 560]


def test_hand_over_moves_to_the_breath_between_speakers():
    """Speaker 0 hands over to speaker 1 at frame 100 (a piece edge); speech probability
    dips at frames 60-70 (a breath) and slopes down to the far edge. The hand-over moves to
    the middle of the dip; a frame of silence in the stretch stays silent; without a valley
    (a slope only) or with the dip out of reach it stays put; overlap is not touched. A
    hand-over a window heard moves only to a dip within snap_heard_s (0.15 s, 9 frames)."""

    def handover(speech, snap_s=1.0, heard=()):
        act = np.zeros((2, 300), dtype=bool)
        act[0, :100], act[1, 100:] = True, True
        act[:, 80] = False  # a frame nobody talks in (shorter than a pause)
        act[:, 250:] = True  # two at once later on
        snap_handovers(act, speech, np.array(heard, dtype=int), Options(snap_s=snap_s))
        return act

    speech = np.full(300, 0.99, dtype=np.float32)
    speech[60:71] = 0.8
    act = handover(speech)
    assert act[0, :65].all() and not act[1, :65].any()
    assert act[1, 65:80].all() and act[1, 81:].all() and not act[0, 65:250].any()
    assert not act[:, 80].any() and act[:, 250:].all()
    assert np.array_equal(handover(speech, snap_s=0.5)[0], np.r_[np.ones(100), np.zeros(150), np.ones(50)].astype(bool)
                          & (np.arange(300) != 80))
    slope = np.linspace(0.6, 1.0, 300).astype(np.float32)
    assert handover(slope)[0, :100].sum() == 99 and not handover(slope)[0, 100:250].any()
    assert handover(speech, heard=[102])[0, :100].sum() == 99  # heard: the dip is too far
    near = np.full(300, 0.99, dtype=np.float32)
    near[104:107] = 0.8
    assert handover(near, heard=[100])[0, :105].sum() == 104 and not handover(near, heard=[100])[0, 105:250].any()


def test_word_breaks_are_sentence_ends_and_pauses():
    """Gaps between consecutive words that follow a sentence end (any length, even none) or
    last at least word_gap_s; given as the frame of the gap's middle and its length."""
    words = [(2.0, 2.4, " dump"), (2.4, 2.6, " it."), (2.6, 3.0, " What's"), (3.0, 3.1, " the"),
             (3.4, 3.8, " name"), (3.9, 4.2, " again?")]
    frames, pauses = word_breaks(list(reversed(words)), min_gap_s=0.2)  # sorted by time inside
    centres = (seg.FRAME_CENTRE + seg.FRAME_STEP * frames - seg.FRAME_STEP / 2) / SAMPLE_RATE
    np.testing.assert_allclose(centres, [2.6, 3.25], atol=seg.FRAME_S)
    np.testing.assert_allclose(pauses, [0.0, 0.3])
    assert [len(x) for x in word_breaks([], 0.2)] == [0, 0]


def test_hand_over_without_a_breath_moves_to_the_longest_pause_between_words():
    """Speaker 0 hands over to speaker 1 at frame 100 (a piece edge) and the speech
    probability has no dip. The transcript's breaks at frames 80 (a 0.12 s pause after a
    sentence end) and 130 (0.18 s): the hand-over moves to the longer pause, 130; of equal
    pauses the nearer wins; none in reach (snap_s) or a change a window heard: it stays."""

    def handover(at, pause, heard=(), snap_s=1.0):
        act = np.zeros((2, 300), dtype=bool)
        act[0, :100], act[1, 100:] = True, True
        flat = np.full(300, 0.99, dtype=np.float32)
        snap_handovers(act, flat, np.array(heard, dtype=int), Options(snap_s=snap_s),
                       Breaks(np.array(at, dtype=int), np.array(pause, dtype=float)))
        return int(np.argmax(act[1]))

    assert handover([80, 130], [0.12, 0.18]) == 130
    assert handover([80, 130], [0.18, 0.12]) == 80
    assert handover([90, 130], [0.2, 0.2]) == 90
    assert handover([80, 130], [0.12, 0.18], snap_s=0.3) == 100  # both beyond 0.3 s (18 frames)
    assert handover([80, 130], [0.12, 0.18], heard=[101]) == 100
    assert handover([], []) == 100


def test_speech_curve_weights_the_nearer_window():
    windows = [seg.Window(0, np.zeros((N, seg.LOCAL_SPEAKERS), bool), np.full(N, 1.0, np.float32)),
               seg.Window(80000, np.zeros((N, seg.LOCAL_SPEAKERS), bool), np.full(N, 0.5, np.float32))]
    curve = speech_curve(windows, OFF + N)
    assert curve[0] == pytest.approx(1.0) and curve[-1] == pytest.approx(0.5)
    assert curve[OFF + 10] > 0.85 and curve[N - 10] < 0.65  # near the first's centre, then the second's
    assert np.all(np.diff(curve[OFF:N]) <= 1e-6)


def test_change_cuts_where_another_window_hears_a_hand_over():
    """Window 0 hears one voice throughout; window 1 (5 s later) hears local speaker 0 stop
    at its frame 200 as local speaker 1 starts (a hand-over), and a lone start later with no
    other voice near. Only the hand-over is a cut for window 0, in window 0's frames, and a
    window that heard the change itself gets no cut."""
    a = np.zeros((N, seg.LOCAL_SPEAKERS), dtype=bool)
    a[:, 0] = True
    b = np.zeros((N, seg.LOCAL_SPEAKERS), dtype=bool)
    b[:200, 0] = True
    b[200:250, 1] = True
    b[400:450, 2] = True  # after a pause: no voice within 0.5 s before it
    windows = [seg.Window(0, a, a.any(axis=1).astype(np.float32)),
               seg.Window(80000, b, b.any(axis=1).astype(np.float32))]
    heard = heard_changes(windows)
    assert heard[0].tolist() == [] and set(heard[1].tolist()) == {200 + OFF}  # the recording's frames
    cuts = change_cuts(windows, heard)
    assert cuts[0].tolist() == [200 + OFF]
    assert cuts[1].tolist() == []


def _voices(rng, sizes, spread=0.09, shared=0.0):
    """Embeddings of len(sizes) made-up voices (sizes[k] items each), and their truth; a
    `shared` component makes every voice alike (a telephone line)."""
    common = cl.normalise(rng.standard_normal(192))
    centres = cl.normalise(rng.standard_normal((len(sizes), 192)) + shared * common)
    truth = np.repeat(np.arange(len(sizes)), sizes)
    return cl.normalise(centres[truth] + spread * rng.standard_normal((len(truth), 192))), truth


def test_relation_is_the_cross_over_within_similarity():
    """The relation of two groups, from their sums alone, equals mean cross cosine over the
    geometric mean of their within cosines (pairs of distinct items); small groups take the
    pooled within-similarity of the large ones."""
    rng = np.random.default_rng(3)
    emb, truth = _voices(rng, [12, 9, 3])
    groups = [np.flatnonzero(truth == k) for k in range(3)]
    r = cl.relations(np.stack([emb[g].sum(0) for g in groups]), np.array([len(g) for g in groups]))
    sims = emb @ emb.T

    def within(g):
        return (sims[np.ix_(g, g)].sum() - len(g)) / (len(g) * (len(g) - 1))

    pooled = sum(sims[np.ix_(g, g)].sum() - len(g) for g in groups[:2]) / sum(len(g) * (len(g) - 1) for g in groups[:2])
    assert r[0, 1] == pytest.approx(sims[np.ix_(groups[0], groups[1])].mean() / np.sqrt(within(groups[0]) * within(groups[1])))
    assert r[0, 2] == pytest.approx(sims[np.ix_(groups[0], groups[2])].mean() / np.sqrt(within(groups[0]) * pooled))
    assert np.isneginf(np.diag(r)).all()


@pytest.mark.parametrize("shared", [0.0, 2.0])
def test_one_voice_is_one_speaker_and_two_voices_two(shared):
    """One voice in many pieces stays one speaker (the tree's 30 groups merge back: their
    relation is about 1), with or without a component every voice shares; two voices are
    two, however alike the shared component makes their cosines."""
    rng = np.random.default_rng(5)
    one, _ = _voices(rng, [60], spread=0.12, shared=shared)
    ones = np.ones(60, bool)
    g = cl.cluster(one, ones * 2.0, ones * 2.0, ones, [], max_speakers=2)
    assert len(g.centroids) == 1 and (g.labels == 0).all()
    two, truth = _voices(rng, [50, 10], spread=0.12, shared=shared)
    g = cl.cluster(two, ones * 2.0, ones * 2.0, ones, [], max_speakers=2)
    assert len(g.centroids) == 2 and max((g.labels == truth).mean(), (g.labels != truth).mean()) == 1.0


def test_a_brief_voice_is_kept_when_clearly_other_and_never_more_than_allowed():
    """Two pieces (3 s) of a clearly different voice beside a long one are a second
    speaker; a brief group only somewhat apart folds into the main voice unless the
    segmentation model heard it as another local speaker in the same windows; three voices
    with max_speakers=2 give two."""
    rng = np.random.default_rng(7)
    emb, truth = _voices(rng, [40, 2], spread=0.1)
    n = len(emb)
    ones = np.ones(n, bool)
    g = cl.cluster(emb, ones * 1.5, ones * 1.5, ones, [], max_speakers=2)
    assert len(g.centroids) == 2 and g.labels[-2] == g.labels[-1] != g.labels[0]
    # a brief group that relates to the main voice at about 0.6: neither the same nor clearly other
    near = cl.normalise(emb[:40].mean(0) * 0.6 + 0.8 * cl.normalise(rng.standard_normal(192)))
    emb2 = np.vstack([emb[:40], cl.normalise(near + 0.05 * rng.standard_normal((2, 192)))])
    r = cl.relations(np.stack([emb2[:40].sum(0), emb2[40:].sum(0)]), np.array([40, 2]))[0, 1]
    assert cl.Params().other_voice < r < cl.Params().same_voice
    g = cl.cluster(emb2, ones * 1.5, ones * 1.5, ones, [], max_speakers=2)
    assert len(g.centroids) == 1 and g.unsure_s > 0
    where = np.array([(k // 4, 0) for k in range(40)] + [(0, 1), (1, 1)])  # heard beside the main voice
    g = cl.cluster(emb2, ones * 1.5, ones * 1.5, ones, [], max_speakers=2, where=where)
    assert len(g.centroids) == 2
    three, _ = _voices(rng, [30, 20, 10])
    ones = np.ones(60, bool)
    assert len(cl.cluster(three, ones, ones * 2, ones, [], max_speakers=2).centroids) == 2
    assert len(cl.cluster(three, ones, ones * 2, ones, [], max_speakers=6).centroids) == 3


def test_the_profile_recognises_the_user_and_keeps_them_apart():
    """With the user's voice known, the groups that sound like it are one speaker (the
    user) even when brief, and the others are everyone else."""
    rng = np.random.default_rng(11)
    emb, truth = _voices(rng, [45, 3], spread=0.1)
    ones = np.ones(len(emb), bool)
    profile = cl.normalise(emb[truth == 1].mean(0) + 0.05 * rng.standard_normal(192))[None, :]
    g = cl.cluster(emb, ones * 1.0, ones * 1.0, ones, [], max_speakers=2, profile=profile)
    assert g.user is not None and (g.labels[truth == 1] == g.user).all() and (g.labels[truth == 0] != g.user).all()
    assert g.profile_similarity[g.user] > 0.5 > 0.2 > g.profile_similarity[1 - g.user]
    stranger = cl.normalise(rng.standard_normal(192))[None, :]
    assert cl.cluster(emb, ones, ones, ones, [], max_speakers=2, profile=stranger).user is None


def test_clustering_of_many_items_samples_the_tree(monkeypatch):
    """Past MAX_TREE items the agglomerative tree is built on an even sample (bounded memory
    on long recordings); the voices are still told apart."""
    rng = np.random.default_rng(1)
    emb, truth = _voices(rng, [350, 250])
    order = rng.permutation(600)
    emb, truth = emb[order], truth[order]
    weight = rng.uniform(0.5, 2.0, 600)
    ones = np.ones(600, bool)
    full = cl.cluster(emb, weight, weight, ones, []).labels
    monkeypatch.setattr(cl, "MAX_TREE", 100)
    sampled = cl.cluster(emb, weight, weight, ones, []).labels
    for got in (full, sampled):
        assert len(set(got)) == 2 and max((got == truth).mean(), (got != truth).mean()) > 0.99
