"""Rebuild the category model from the labelled dataset; deterministic, so reruns are identical.

Usage: python scripts/train_category_model.py [--data FILE.jsonl] [--out DIR]

Prints the accuracy, per-category precision/recall and the confusion matrix of a model fitted
on 80 % of the data and scored on the held-back 20 % (stratified, fixed seed), then fits on all
of it and writes the artefact (default: services/router/detection/model/). Needs the dev
dependencies (scikit-learn); the router itself only reads the artefact.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from services.router.detection.model_artifact import DEFAULT_MODEL_DIR
from tooling.evaluation import format_evaluation
from tooling.training.category_model import DATASET, train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATASET, help="labelled JSON Lines file")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, help="model directory")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    run = train(args.data)
    print(format_evaluation(run.held_back, "held-back split (20 %, seed-fixed, stratified)"))
    run.model.save(args.out)
    model = run.model
    print(
        f"\nwrote {args.out}: {len(model.word_vocabulary)} word n-grams,"
        f" {len(model.char_vocabulary)} char n-grams, {len(model.cue_names)} cues,"
        f" trained on {model.provenance['examples']} examples"
        f" in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
