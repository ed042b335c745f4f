"""Evaluate the category detector: held-back split, challenge set, router view, speed.

Usage: python scripts/evaluate_category_model.py [--mistakes N] [--cross-validate]

1. Held-back split: a model fitted on 80 % of the dataset (stratified, fixed seed) scored on
   the other 20 %: accuracy, per-category precision/recall, confusion matrix.
2. Challenge set: the committed model (fitted on the whole dataset) on challenge.jsonl, which
   is never trained on; alone, and as the router uses it (distress above the empathy
   threshold makes the category ``empathy``).
3. Time per message of the committed category and emotion detectors.
4. With --cross-validate: the accuracy of two stratified 5-fold cross-validations (about 30 s).

Exits 1 when the held-back accuracy falls below the floor, or when the committed model was
not trained on the current dataset (retrain with scripts/train_category_model.py).
Needs the dev dependencies (scikit-learn).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from masterx.domain import Category
from services.router.detection import (
    DEFAULT_EMPATHY_THRESHOLD,
    CategoryDetector,
    EmotionDetector,
    is_distressed,
)
from tooling.evaluation import evaluate_categories, format_evaluation, read_labelled_jsonl
from tooling.evaluation.categories import score_predictions
from tooling.training.category_model import (
    ACCURACY_FLOOR,
    CHALLENGE,
    DATASET,
    cross_validate,
    digest,
    fit,
    predict,
    split,
)


def _percentiles(run: Callable[[str], object], texts: list[str]) -> tuple[float, float]:
    """p50 and p99 in microseconds of the thread's CPU time (immune to a busy neighbour)."""
    spent = []
    for text in texts:
        started = time.thread_time_ns()
        run(text)
        spent.append((time.thread_time_ns() - started) / 1000)
    cuts = statistics.quantiles(spent, n=100)
    return cuts[49], cuts[98]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mistakes", type=int, default=0, help="list up to N misclassified")
    parser.add_argument(
        "--cross-validate", action="store_true", help="also print 2 x 5-fold CV accuracy"
    )
    args = parser.parse_args(argv)
    examples = read_labelled_jsonl(DATASET)
    challenge = read_labelled_jsonl(CHALLENGE)

    train, held = split(examples)
    predicted = predict(fit(train), [e.text for e in held])
    held_back = score_predictions(
        (e.text, e.category, p) for e, p in zip(held, predicted, strict=True)
    )
    print(format_evaluation(held_back, "held-back split (20 %)", args.mistakes))

    detector, emotions = CategoryDetector.load(), EmotionDetector()

    def routed(text: str) -> Category:
        if is_distressed(emotions.detect(text), DEFAULT_EMPATHY_THRESHOLD):
            return Category.EMPATHY
        return detector.detect(text).category

    alone = evaluate_categories(challenge, lambda text: detector.detect(text).category)
    print("\n" + format_evaluation(alone, "challenge set, category detector", args.mistakes))
    with_emotion = evaluate_categories(challenge, routed)
    print(
        f"\nchallenge set, detector + emotion rule (threshold {DEFAULT_EMPATHY_THRESHOLD}):"
        f" accuracy {with_emotion.accuracy:.3f} ({with_emotion.correct}/{with_emotion.total})"
    )

    texts = [e.text for e in examples + challenge]
    fresh = EmotionDetector(cache_size=0)  # time every reading, none remembered
    category = CategoryDetector(detector.model, fresh)
    timed = (("category", category.detect), ("emotion", fresh.detect))
    for name, run in timed:
        p50, p99 = _percentiles(run, texts)
        print(f"{name} detector: p50 {p50:.0f} us, p99 {p99:.0f} us per message (CPU time)")

    if args.cross_validate:
        folds = cross_validate(examples)
        print(
            f"cross-validation (2 x 5 folds, stratified): mean accuracy"
            f" {statistics.mean(folds):.3f}, folds {min(folds):.3f} to {max(folds):.3f}"
        )

    failed = False
    if held_back.accuracy < ACCURACY_FLOOR:
        print(f"FAIL: held-back accuracy {held_back.accuracy:.3f} < floor {ACCURACY_FLOOR}")
        failed = True
    if detector.model.provenance.get("dataset_sha256") != digest(DATASET):
        print("FAIL: the committed model was trained on another version of the dataset;")
        print("      run: python scripts/train_category_model.py")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
