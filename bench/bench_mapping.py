"""Planned questions found right: the labelled interviews, per condition, leave-one-plan-out.

For each held-out plan the model (analysis/question_score.py) is fitted on the *other* plans
(the labelled ones and the 128 of the more, new and two extra sets) and the thresholds
(analysis/question_map.MatchParams) chosen on the other labelled plans, and its interviews
are read by the question encoder fine-tuned without it (bench/out/encoder-folds, made by
`make encoder-folds`; without them the shipped encoder, which has seen every plan, is used
and the table says so), then the held-out plan's interviews are scored; the table sums the
held-out scores (and names the worst plan). Conditions: the lines as written ("clean"), as
raw recogniser text ("recogniser": lowercase, no punctuation, fillers, "carrier"), and
"spoken": a few interviews spoken by espeak-ng voices (one per channel) and transcribed by
the real transcriber (bench/spoken_interviews.py; audio and transcripts cached under
bench/out/). Then the shipped
system as it is on the fresh set (tests/data/paraphrases_fresh.toml: eight more careers,
written apart, never used to train, fit or choose anything); the more, new and two extra
sets (128 careers by 26 more writers, which the encoder and the model learn from), held out
the same way as the labelled plans; and how far a second reader's labels agree with the
data's (tests/data/second_labels.json: what a careful reader reaches).

    .venv/bin/python bench/bench_mapping.py            # the table (about 4 minutes; spoken: +5 min the first time)
    .venv/bin/python bench/bench_mapping.py --fit      # also the coefficients and thresholds fitted on everything
    .venv/bin/python bench/bench_mapping.py --no-spoken
    .venv/bin/python bench/bench_mapping.py --folds none   # the shipped encoder (in-sample)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from mapping_eval import (  # noqa: E402
    APART,
    FOLDS,
    FRESH,
    Score,
    calibrate,
    complete_folds,
    counts,
    cross_validate,
    evaluate,
    load_labelled,
    measure_all,
    reliability,
    second_reader,
)

from listenwell.analysis.embed import MODEL_NAME, load_embedder, load_minilm  # noqa: E402
from listenwell.analysis.question_map import DEFAULT_PARAMS, LEXICAL_PARAMS, match_questions  # noqa: E402

TARGETS = "targets: planned right >= 0.95, false asked <= 0.02, follow-ups recall and precision >= 0.90, order >= 0.90"


def row(name: str, sc: Score) -> str:
    worst, acc = sc.worst_plan() if sc.per_plan else ("-", 0.0)
    lo, hi = sc.interval()
    return (f"| {name} | {sc.accuracy:.3f} ({sc.planned_right}/{sc.planned}; {lo:.2f}-{hi:.2f}) | {acc:.2f} ({worst}) | "
            f"{sc.false_asked_rate:.3f} ({sc.false_asked}/{sc.not_asked}) | {sc.followup_recall:.3f} | "
            f"{sc.followup_precision:.3f} | {sc.order:.3f} ({sc.order_right}/{sc.interviews}) | "
            f"{sc.maybe_right}/{sc.maybes} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit", action="store_true", help="print the model and thresholds fitted on all interviews")
    ap.add_argument("--no-spoken", action="store_true", help="leave out the spoken condition")
    ap.add_argument("--folds", default=str(FOLDS),
                    help="the per-plan encoders (tools/train_question_encoder.py --folds); 'none': the shipped one")
    args = ap.parse_args()
    plans, fresh, apart = load_labelled(), load_labelled(FRESH), load_labelled(APART)
    folds = None if args.folds == "none" else complete_folds(plans, Path(args.folds))
    if folds is None and args.folds != "none":
        print(f"{args.folds}: no held-out encoder for every plan; make them with `make encoder-folds` (about 25 min)")
    if folds is None:
        print("THE SHIPPED ENCODER WAS FINE-TUNED ON EVERY LABELLED PLAN: these rows are not held out")
    t0 = time.perf_counter()
    ok = load_minilm() is not None and load_embedder() is not None
    print(f"labelled: {counts(plans)}\nfresh set (never trained or tuned on): {counts(fresh)}\n"
          f"more, new and two extra sets (learnt from, not used to choose thresholds): {counts(apart)}")
    print(f"models: {MODEL_NAME}: {'loaded' if ok else 'NOT AVAILABLE'} in {time.perf_counter() - t0:.2f} s (offline)")
    conditions = {"clean": measure_all(plans, "clean", folds=folds), "recogniser": measure_all(plans, "recogniser", folds=folds)}
    if not args.no_spoken:
        from spoken_interviews import measure_spoken

        spoken = measure_spoken(plans, folds=folds)
        if spoken:
            conditions["spoken"] = spoken
    print(TARGETS)
    print("planned right: in brackets, a 95 % bootstrap interval over plans (another set of careers)")
    print("| condition (leave-one-plan-out) | planned right | worst plan | false asked | follow-up recall | "
          "follow-up precision | order right | maybe right |")
    print("|---|---|---|---|---|---|---|---|")
    learnt = {}  # method -> the other sets' interviews (both text forms) the model also learns from
    for method in ("combined", "lexical"):
        measured = conditions if method == "combined" else {
            "clean": measure_all(plans, "clean", "lexical"), "recogniser": measure_all(plans, "recogniser", "lexical")}
        extra = {name: measure_all(apart, name, method, folds=folds if method == "combined" else None)
                 for name in ("clean", "recogniser")}
        train, learn = measured["clean"] + measured["recogniser"], extra["clean"] + extra["recogniser"]
        learnt[method] = learn
        # fitted on both text conditions of the other plans; every condition of the held-out plan scored
        rows = {**measured, **{f"{k}, more + new + extra sets": v for k, v in extra.items()}}
        cv, others = cross_validate(train, method, rows, learn)
        for name, sc in others.items():
            print(row(f"{method}, {name}", sc))
        shipped = DEFAULT_PARAMS if method == "combined" else LEXICAL_PARAMS
        print(row(f"{method}, clean, shipped model (fitted on all: in-sample)", evaluate(measured["clean"], shipped)))
        for name in ("clean", "recogniser"):  # written apart, never trained or tuned on: the shipped system as is
            print(row(f"{method}, {name}, fresh set (shipped system)", evaluate(measure_all(fresh, name, method), shipped)))
        if args.fit:
            params, coefficients, sc = calibrate(train, method, learn)
            print(f"fitted on all ({method}): {params}\n  COEFFICIENTS[{method!r}] = {coefficients[method]}\n  {sc.line()}")
    # a ceiling, not a system: a second reader's labels (given lines and answers, not the labels) scored the same way
    print(row("second reader's labels, labelled set", second_reader(plans)))
    print(row("second reader's labels, fresh set", second_reader(fresh)))
    print(row("second reader's labels, more + new + extra sets", second_reader(apart)))
    print("calibration (leave-one-plan-out, clean + recogniser): P of each ask's best planned question -> share right")
    for lo, hi, n, right in reliability(conditions["clean"] + conditions["recogniser"], "combined", learnt["combined"]):
        print(f"  P {lo:.1f}-{hi:.1f}: {n:4d} asks, {right / n if n else 0:.2f} right")
    plan = max(plans, key=lambda p: max(len(iv.lines) for iv in p.interviews))
    lines = max(plan.interviews, key=lambda iv: len(iv.lines)).lines
    match_questions([[x] for x in lines], plan.texts)
    t0 = time.perf_counter()
    for _ in range(5):
        match_questions([[x] for x in lines], plan.texts)
    print(f"mapping one interview ({len(lines)} asks x {len(plan.texts)} planned): "
          f"{(time.perf_counter() - t0) / 5 * 1000:.0f} ms after the models load")


if __name__ == "__main__":
    main()
