"""Question-mapping accuracy on the labelled set, lexical vs embedding vs both, side by side.

For each method: accuracy with the parameters shipped in analysis/question_map.py, the best
accuracy a grid of thresholds reaches on the whole set (in-sample), and leave-one-plan-out
cross-validation (calibrate on the other plans, score the held-out one), which is the
honest estimate for plans we have not seen. Also the time to map one interview.

    .venv/bin/python bench/bench_report.py
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from mapping_eval import (  # noqa: E402
    calibrate,
    cross_validate,
    evaluate,
    load_labelled,
    without_punctuation,
)

from listenwell.analysis.embed import MODEL_NAME, load_embedder  # noqa: E402
from listenwell.analysis.question_map import (  # noqa: E402
    DEFAULT_PARAMS,
    LEXICAL_PARAMS,
    match_questions,
)
from listenwell.text import is_question  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "paraphrases.toml"


def main() -> None:
    plans = load_labelled(LABELLED)
    n_para = sum(1 for p in plans for x in p.labels if x)
    n_dist = sum(1 for p in plans for x in p.labels if not x)
    t0 = time.perf_counter()
    model = load_embedder()
    load_s = time.perf_counter() - t0
    print(f"labelled set: {len(plans)} plans, {n_para} paraphrases, {n_dist} follow-ups/small talk")
    print(f"embedding model: {MODEL_NAME}: {'loaded' if model else 'NOT AVAILABLE'} in {load_s:.2f} s (offline, bundled weights)")
    print()
    rows = [
        ("lexical", LEXICAL_PARAMS, None),
        ("embedding", replace(DEFAULT_PARAMS, method="embedding"), None),
        ("combined", DEFAULT_PARAMS, [0.5, 0.6, 0.7, 0.8, 0.9]),
    ]
    print(f"{'method':10s} {'shipped':>8s} {'best fit':>9s} {'cross-val':>10s}  paraphrases right / ranked first / distractors right (shipped)")
    for name, shipped, weights in rows:
        sc, used = evaluate(plans, shipped)
        _, fit = calibrate(plans, shipped, weights)
        cv = cross_validate(plans, shipped, weights)
        print(f"{name:10s} {sc.accuracy:8.3f} {fit.accuracy:9.3f} {cv.accuracy:10.3f}  "
              f"{sc.paraphrases_right}/{sc.paraphrases} / {sc.ranked_first}/{sc.paraphrases} / "
              f"{sc.distractors_right}/{sc.distractors}" + ("" if used == shipped.method else f"  (fell back to {used})"))
    plain = without_punctuation(plans)
    for name, shipped, _ in rows:
        sc, _ = evaluate(plain, shipped)
        print(f"{name:10s} {sc.accuracy:8.3f}  (asks lowercased, punctuation removed, as ASR may give them)")
    # the whole pipeline: the question detector first, then matching; dropped asks count as
    # correct when they were not planned questions
    kept = [replace(p, asked=[a for a in p.asked if is_question(a)],
                    labels=[x for a, x in zip(p.asked, p.labels, strict=True) if is_question(a)]) for p in plans]
    dropped = [x for p in plans for a, x in zip(p.asked, p.labels, strict=True) if not is_question(a)]
    sc, _ = evaluate(kept, DEFAULT_PARAMS)
    right = sc.correct + sum(1 for x in dropped if not x)
    print(f"detector: {n_para - sum(1 for x in dropped if x)}/{n_para} paraphrases seen as questions, "
          f"{sum(1 for x in dropped if not x)}/{n_dist} distractors dropped as non-questions; "
          f"detect + combined: {right / (n_para + n_dist):.3f}")
    print()
    print(f"shipped parameters: {DEFAULT_PARAMS}")
    # time to map one interview's questions (the largest plan in the set)
    plan = max(plans, key=lambda p: len(p.asked))
    t0 = time.perf_counter()
    reps = 20
    for _ in range(reps):
        match_questions([[a] for a in plan.asked], plan.texts)
    per = (time.perf_counter() - t0) / reps
    print(f"mapping {len(plan.asked)} asked x {len(plan.texts)} planned questions: {per * 1000:.1f} ms")


if __name__ == "__main__":
    main()
