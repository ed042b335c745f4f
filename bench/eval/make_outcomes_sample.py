"""Write the synthetic outcomes tables of ``masterx eval replay`` (RouterBench layout).

Deterministic: ``python bench/eval/make_outcomes_sample.py`` rewrites the same three files.
Four models, three eval names (40 prompts each); each model answers exactly its share of each
eval's prompts correctly (performance 1, else 0) and costs its price x the prompt's length.
Built so that different models win different categories once cost counts:
gpt-4-1106-preview coding, claude-v2 research (arc-challenge), mixtral general (winogrande).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 9
PER_EVAL = 40
TEST_EVERY = 3  # every third prompt of an eval is a test row

# model -> USD per prompt of average length
PRICE = {
    "gpt-4-1106-preview": 0.010,
    "claude-v2": 0.004,
    "mistralai/mixtral-8x7b-chat": 0.0005,
    "meta/llama-2-70b-chat": 0.0008,
}
# eval -> model -> share of prompts answered correctly
SHARE = {
    "mbpp": {
        "gpt-4-1106-preview": 0.85,
        "claude-v2": 0.75,
        "mistralai/mixtral-8x7b-chat": 0.35,
        "meta/llama-2-70b-chat": 0.35,
    },
    "arc-challenge": {
        "gpt-4-1106-preview": 0.825,
        "claude-v2": 0.9,
        "mistralai/mixtral-8x7b-chat": 0.4,
        "meta/llama-2-70b-chat": 0.55,
    },
    "winogrande": {
        "gpt-4-1106-preview": 0.85,
        "claude-v2": 0.8,
        "mistralai/mixtral-8x7b-chat": 0.75,
        "meta/llama-2-70b-chat": 0.6,
    },
}
PROMPTS = {
    "mbpp": "Write a Python function that {verb} a list of integers (task {n}).",
    "arc-challenge": "Which property of {thing} best explains what happens when it is heated? "
    "(question {n})",
    "winogrande": "The trophy didn't fit in the suitcase because the {thing} was too big. "
    "What was too big? (item {n})",
}
VERBS = ("sorts", "reverses", "deduplicates", "sums the squares of", "rotates")
THINGS = ("a metal rod", "water", "a balloon", "ice", "sand")


def rows() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    table: list[dict[str, str]] = []
    for eval_name, shares in SHARE.items():
        correct: dict[str, tuple[Iterator[int], Iterator[int]]] = {}
        for model, share in shares.items():
            hits = [1] * round(share * PER_EVAL) + [0] * (PER_EVAL - round(share * PER_EVAL))
            # exactly the share in the calibration rows and in the test rows
            calibration = [h for i, h in enumerate(hits) if i % TEST_EVERY]
            test = [h for i, h in enumerate(hits) if not i % TEST_EVERY]
            rng.shuffle(calibration)
            rng.shuffle(test)
            correct[model] = iter(calibration), iter(test)
        for n in range(PER_EVAL):
            prompt = PROMPTS[eval_name].format(
                verb=VERBS[n % len(VERBS)], thing=THINGS[n % len(THINGS)], n=n
            )
            length = rng.uniform(0.7, 1.3)
            row = {"sample_id": f"{eval_name}.{n}", "prompt": prompt, "eval_name": eval_name}
            best: tuple[int, float, str] | None = None
            for model, (calibration_hits, test_hits) in correct.items():
                hit = next(test_hits if n % TEST_EVERY == 0 else calibration_hits)
                cost = round(PRICE[model] * length, 7)
                row[model] = str(hit)
                row[f"{model}|model_response"] = "..." if hit else "(wrong)"
                row[f"{model}|total_cost"] = f"{cost:.7f}"
                if best is None or (-hit, cost, model) < best:
                    best = (-hit, cost, model)
            assert best is not None
            row["oracle_model_to_route_to"] = best[2]
            table.append(row)
    return table


def write(path: Path, table: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)


def main() -> None:
    table = rows()
    write(HERE / "outcomes_sample.csv", table)
    index = {r["sample_id"]: int(r["sample_id"].rsplit(".", 1)[1]) for r in table}
    write(
        HERE / "outcomes_sample_calibration.csv",
        [r for r in table if index[r["sample_id"]] % TEST_EVERY],
    )
    write(
        HERE / "outcomes_sample_test.csv",
        [r for r in table if not index[r["sample_id"]] % TEST_EVERY],
    )


if __name__ == "__main__":
    main()
