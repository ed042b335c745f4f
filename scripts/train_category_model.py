"""Rebuild the category model from the authored rows and the real prompts; deterministic.

Usage: python scripts/train_category_model.py [--data FILE.jsonl] [--prompts DIR] [--out DIR]

Reads the authored rows (default services/router/detection/data/categories.jsonl) and the real
prompts of the shared folder (default <repo>/../shared/data/prompts, or $MASTERX_PROMPTS_DIR),
reviews the real rows against the labelling rules, prints per source what went in (rows,
relabelled, dropped, licence), then the held-back evaluation (80/20, stratified, fixed seed),
fits on everything and writes the artefact (default: services/router/detection/model/).
Needs the dev dependencies (scikit-learn); the router itself only reads the artefact.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from services.router.detection.model_artifact import DEFAULT_MODEL_DIR
from tooling.evaluation import format_evaluation
from tooling.training.category_model import train
from tooling.training.prompt_sources import PromptsUnavailableError
from tooling.training.training_data import AUTHORED, TrainingData, load_training_data


def _print_sources(data: TrainingData) -> None:
    print(f"authored rows: {len(data.authored)} ({data.authored_path.name})")
    for title, sources in (
        ("trains the shipped model", data.training_sources),
        ("evaluation only", data.evaluation_sources),
    ):
        print(f"\nreal prompts, {title}:")
        for s in sources:
            print(
                f"  {s.name:<20} {len(s.rows):>4} of {s.rows_in_file:>4} rows,"
                f" relabelled {sum(s.relabelled.values()):>3}, dropped {sum(s.dropped.values()):>3}"
                f"  ({s.licence.name})"
            )
    if data.reserved:
        print(f"\nleft out as reserved evaluation sources: {', '.join(data.reserved)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=AUTHORED, help="authored JSON Lines file")
    parser.add_argument("--prompts", type=Path, default=None, help="real prompts folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, help="model directory")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        data = load_training_data(args.data, args.prompts)
    except PromptsUnavailableError as error:
        print(error, file=sys.stderr)
        return 1
    _print_sources(data)
    run = train(data)
    print("\n" + format_evaluation(run.held_back, "held-back split (20 %, seed-fixed, stratified)"))
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
