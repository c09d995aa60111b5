"""Choose the speaker-attribution thresholds by cross-validation over speakers, on the
tuning voices of the real-voice development set only (samples/real_voices.py keeps the
held-out voices, and every real recording, out of this).

    .venv/bin/python bench/calibrate_speakers.py [--per-condition 6] [--quick]

1. Every recording goes once through the diarizer (segmentation windows and CAM++
   embeddings cached in bench/out/speaker-cache); the clustering's inputs are kept.
2. For every parameter set of the grid (clustering.Params: same_voice, other_voice,
   brief_s, min_voice_s, profile_match) the clustering alone gives the labels; each
   distinct labelling runs through the rest of the pipeline once. An interview whose
   interviewer has a profile is scored twice, with and without it.
3. Folds: one long tuning voice at a time, every recording with that voice (as interviewee,
   interviewer or the one speaker) held out. Per fold the parameter set with the lowest
   objective (mean error + a quarter of the worst) on the other recordings is scored on the
   held-out ones: the cross-validated error, per condition, mean and worst. The parameters
   to ship are the ones chosen on all tuning recordings.
4. The margin (diarize/certainty.py): a logistic fit of "this piece went to the wrong
   speaker" against the gap between its best and second-best speaker (certainty.WIDEBAND,
   on the recordings that are not narrowband), and the floor that makes the margin cover
   90 % of the tuning recordings.

With --telephone, the same on every tuning recording as a phone line carries it
(speaker_devset.over_phone): the grid is `phone_same_voice` (the other parameters as
shipped), and the curve fitted is certainty.TELEPHONE.
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace

import numpy as np
from speaker_devset import (
    ROOT,
    FrontEndCache,
    Recording,
    dev_recordings,
    error_pp,
    over_phone,
    profile_matrix,
)

GRID = {
    "same_voice": [0.65, 0.7, 0.75, 0.8, 0.85],
    "other_voice": [0.45, 0.5, 0.55, 0.6, 0.65],
    "brief_s": [4.0, 8.0, 16.0],
    "min_voice_s": [1.0, 2.0],
    "profile_match": [0.2, 0.25, 0.3, 0.35],
}
TELEPHONE_GRID = {"phone_same_voice": [0.5, 0.55, 0.6, 0.65, 0.7, 0.75]}
QUICK = {"same_voice": [0.7, 0.75, 0.8], "other_voice": [0.55, 0.6, 0.65], "brief_s": [8.0],
         "min_voice_s": [1.0], "profile_match": [0.25, 0.3]}


def objective(errors: list[float]) -> float:
    return float(np.mean(errors) + 0.25 * np.max(errors)) if errors else 0.0


class Item:
    """One recording, with or without its profile: the clustering inputs and the error of
    each distinct labelling."""

    def __init__(self, rec: Recording, profile: np.ndarray | None):
        from listenwell.transcribe.speakers.band import is_narrowband
        from listenwell.transcribe.speakers.diarize import to_16k

        self.rec, self.profile = rec, profile
        # measured as the diarizer measures it: a narrowband recording is clustered with
        # the line taken out and `phone_same_voice` (pipeline.diarize_16k)
        self.narrowband = is_narrowband(to_16k(rec.audio, rec.sample_rate))
        self.inputs: tuple | None = None
        self.by_labels: dict[bytes, tuple[float, object]] = {}

    @property
    def condition(self) -> str:
        return f"{self.rec.condition}{'+profile' if self.profile is not None else ''}"

    def run(self, params):
        from listenwell.transcribe.speakers.diarize import Options, diarize, voices

        seen = {}
        real = voices.cluster

        def capture(*a, **k):
            seen["inputs"] = (*a[:5], k.get("where"))
            return real(*a, **k)

        o = Options()
        o.cluster = params
        voices.cluster = capture
        try:
            with FrontEndCache(self.rec):
                d = diarize(self.rec.audio, self.rec.sample_rate, max_speakers=self.rec.people, options=o,
                            profile=self.profile)
        finally:
            voices.cluster = real
        self.inputs = seen.get("inputs", self.inputs)
        return d

    def clustering(self, params):
        """The clustering alone, with the parameters the diarizer would use on this recording."""
        from listenwell.transcribe.speakers.diarize.clustering import cluster

        if self.narrowband:
            params = params.over_phone()
        return cluster(*self.inputs[:5], params=params, max_speakers=self.rec.people, profile=self.profile,
                       where=self.inputs[5])

    def error(self, params) -> float:
        if self.inputs is None:
            d = self.run(params)
        key = b""
        if self.inputs is not None:
            g = self.clustering(params)
            key = g.labels.tobytes() + bytes([len(g.centroids)])
        if key not in self.by_labels:
            d = self.run(params)
            self.by_labels[key] = (error_pp(self.rec, d.turns), d)
        return self.by_labels[key][0]


def items(per_condition: int, telephone: bool = False) -> list[Item]:
    out = []
    for rec in dev_recordings(held_out=False, per_condition=per_condition):
        rec = over_phone(rec) if telephone else rec
        out.append(Item(rec, None))
        if rec.profile is not None:
            out.append(Item(rec, profile_matrix(rec)))
    return out


def grid(spec: dict) -> list:
    from listenwell.transcribe.speakers.diarize.clustering import Params

    keys = list(spec)
    out = []
    for values in itertools.product(*(spec[k] for k in keys)):
        p = replace(Params(), **dict(zip(keys, values, strict=True)))
        if p.other_voice < p.same_voice:
            out.append(p)
    return out


def cross_validate(all_items: list[Item], table: np.ndarray, params: list, neighbours: bool = False) -> None:
    folds = sorted({v for it in all_items for v in it.rec.voices if v.split(":")[0] in ("ll", "v8")})
    held_err: dict[int, float] = {}
    chosen = []
    for f in folds:
        held = np.array([f in it.rec.voices for it in all_items])
        best = _best(table, params, ~held, neighbours)
        chosen.append(best)
        for i in np.flatnonzero(held):
            held_err[int(i)] = float(table[i, best])
        print(f"fold {f:20s} chose {_short(params[best])}; held-out recordings {held.sum()}: "
              f"mean {table[held, best].mean():.2f} pp, worst {table[held, best].max():.2f} pp", flush=True)
    print("\ncross-validated error per condition (each recording scored by a fold that never saw its voices):")
    for cond in sorted({it.condition for it in all_items}):
        e = [held_err[i] for i, it in enumerate(all_items) if it.condition == cond and i in held_err]
        if e:
            print(f"  {cond:20s} n={len(e):2d} mean {np.mean(e):5.2f} pp, worst {np.max(e):5.2f} pp")
    print(f"folds choosing the overall choice's parameters: {sum(params[c] == params[_best(table, params, None, neighbours)] for c in chosen)}/{len(chosen)}")


def _best(table: np.ndarray, params: list, rows: np.ndarray | None = None, neighbours: bool = False) -> int:
    """The parameter set with the lowest objective on `rows` (all recordings when None).
    `neighbours` (a one-dimensional grid, --telephone): a set is judged by the worst of
    itself and its two neighbours, so that the choice keeps a step away from a cliff
    (phone_same_voice 0.5 merges two people), not on its edge."""
    t = table if rows is None else table[rows]
    own = [objective(list(t[:, j])) for j in range(len(params))]
    if neighbours:
        near = [max(own[max(j - 1, 0): j + 2]) for j in range(len(params))]
        return min(range(len(params)), key=lambda j: (near[j], own[j]))
    return min(range(len(params)), key=lambda j: own[j])


def _short(p) -> str:
    return ", ".join(f"{k}={getattr(p, k)}" for k in (*GRID, *TELEPHONE_GRID))


def fit_margin(all_items: list[Item], params) -> None:
    """The logistic curve of a piece's chance of being wrong against its score gap, and the
    floor that makes the margin cover 90 % of the tuning recordings."""
    from scipy.optimize import minimize

    from listenwell.transcribe.speakers.diarize import certainty as ct

    gaps, wrong = [], []
    for it in all_items:
        g = it.clustering(params)
        if g.scores.shape[1] < 2:
            continue
        truth = _piece_truth(it)
        ok = truth >= 0
        if not ok.any():
            continue
        best_truth = {c: np.bincount(truth[ok & (g.labels == c)], minlength=2).argmax()
                      for c in range(g.scores.shape[1]) if (ok & (g.labels == c)).any()}
        rows = np.arange(len(g.labels))
        other = g.scores.copy()
        other[rows, g.labels] = -np.inf
        gap = g.scores[rows, g.labels] - other.max(axis=1)
        for i in np.flatnonzero(ok):
            gaps.append(gap[i])
            wrong.append(float(best_truth.get(int(g.labels[i]), -1) != truth[i]))
    x, y = np.array(gaps), np.array(wrong)

    def nll(v):
        z = np.clip((x - v[0]) / max(v[1], 1e-3), -50, 50)
        p = np.clip(1 / (1 + np.exp(z)), 1e-6, 1 - 1e-6)
        return -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum()

    mid, scale = minimize(nll, [0.05, 0.1], method="Nelder-Mead").x
    curve = ct.Curve(round(float(mid), 3), round(float(scale), 3))
    print(f"\nmargin: {len(x)} pieces, {y.mean() * 100:.1f} % wrong; {curve}")
    saved = ct.FLOOR_PP
    ct.FLOOR_PP = 0.0
    need, margins = [], []
    for it in all_items:
        g = it.clustering(params)
        m = ct.certainty(g.scores, g.labels, it.inputs[2], g.relation, g.unsure_s, curve).margin_pp
        need.append(it.error(params) - m)
        margins.append(m)
    ct.FLOOR_PP = saved
    floor = float(np.percentile(need, 90))
    print(f"margin before the floor: median {np.median(margins):.2f} pp; FLOOR_PP covering 90 % of the tuning "
          f"recordings: {floor:.2f} pp")


def _piece_truth(it: Item) -> np.ndarray:
    """Per embedded piece: the index (in sorted truth labels) of the true speaker of most of
    its embedding frames, -1 when none holds most of them (not kept by the capture: the
    piece times come from a rerun)."""
    from listenwell.transcribe.speakers.diarize import pipeline, voices

    got = {}
    real = voices.find_voices

    def capture(pieces, *a, **k):
        got["pieces"] = [p for p in pieces if p.seconds >= pipeline.Options().min_embed_s]
        return real(pieces, *a, **k)

    pipeline.find_voices = capture
    try:
        with FrontEndCache(it.rec):
            from listenwell.transcribe.speakers.diarize import diarize

            diarize(it.rec.audio, it.rec.sample_rate, max_speakers=it.rec.people, profile=it.profile)
    finally:
        pipeline.find_voices = real
    labels = sorted({t.speaker for t in it.rec.truth})
    out = []
    for p in got["pieces"]:
        t = (p.frames * 160 + 200) / 16000
        votes = np.array([sum(((t >= u.start) & (t < u.end)).sum() for u in it.rec.truth if u.speaker == k) for k in labels])
        out.append(int(np.argmax(votes)) if votes.max() > 0.5 * len(t) else -1)
    return np.array(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-condition", type=int, default=6)
    ap.add_argument("--quick", action="store_true", help="a small grid")
    ap.add_argument("--telephone", action="store_true", help="every tuning recording over a phone line")
    args = ap.parse_args()
    all_items = items(args.per_condition, args.telephone)
    params = grid(TELEPHONE_GRID if args.telephone else QUICK if args.quick else GRID)
    print(f"{len(all_items)} tuning recordings (with and without profile), {len(params)} parameter sets", flush=True)
    table = np.array([[it.error(p) for p in params] for it in all_items])
    out = ROOT / "bench" / "out" / f"calibration{'-telephone' if args.telephone else ''}.json"
    out.write_text(json.dumps({"params": [{k: getattr(p, k) for k in (*GRID, *TELEPHONE_GRID)} for p in params],
                               "recordings": [f"{it.rec.name}{'+profile' if it.profile is not None else ''}"
                                              for it in all_items], "error_pp": table.round(3).tolist()}))
    best = _best(table, params, None, args.telephone)
    print(f"chosen on all tuning recordings: {_short(params[best])} "
          f"(mean {table[:, best].mean():.2f} pp, worst {table[:, best].max():.2f} pp)\n")
    cross_validate(all_items, table, params, args.telephone)
    # each band's curve from its own recordings (the phone condition is narrowband as recorded)
    fit_margin([it for it in all_items if it.narrowband == args.telephone], params[best])


if __name__ == "__main__":
    main()
