"""``python -m bench.drills [--short] [--only NAME] [--ratings stars|thumbs] [--json out.json]``:
every drill (failures, and the quality drift of issue 25), then a table."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bench.drills.rated_traffic import RATING_SCALES
from bench.drills.report import markdown_table
from bench.drills.runner import run_drills


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.drills", description=__doc__)
    parser.add_argument("--short", action="store_true", help="a few seconds per drill")
    parser.add_argument("--json", type=Path, help="also write every result as JSON here")
    parser.add_argument("--only", default="", help="only the drills whose name contains this")
    parser.add_argument(
        "--ratings",
        choices=RATING_SCALES,
        default="stars",
        help="the quality drift drill's learners rate 1-5 stars or thumbs up/down",
    )
    args = parser.parse_args(argv)
    results = asyncio.run(
        run_drills(short=args.short, announce=True, only=args.only, ratings=args.ratings)
    )
    print(markdown_table(results))
    if args.json:
        args.json.write_text(json.dumps([r.record() for r in results], indent=2) + "\n")
    passed = all(r.passed for r in results)
    print(f"drills: {sum(r.passed for r in results)}/{len(results)} passed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
