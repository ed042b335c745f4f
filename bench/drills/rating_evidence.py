"""``python -m bench.drills.rating_evidence``: how many thumbs ratings a fall of a provider's
quality needs before the best sequential test sees it, and how often that test cries wolf.

The quality drift drill (``quality_drift.py``) asks that new coding sessions leave a provider
within 300 rated answers after its simulated quality falls from the best to the worst
provider's (0.929 to 0.872). A thumbs rating carries :func:`evidence_per_rating` nats of
evidence about such a fall; CUSUM, the optimal sequential test for a change between two known
levels, is simulated here at several thresholds: the ratings it needs after the fall, and the
ratings between its false alarms before it. Then the router's own detector
(``masterx/live_quality.py``: the level a fall is measured from is what the pair's decayed
ratings assure, their mean less one standard error, held while evidence accrues once it rests
on enough ratings), with its default settings, after the ratings the drill's provider had
before the fall, and on a pair new to its category, watched from its first ratings. The README
("Drills") quotes this output.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from bench.drills.rated_traffic import STAR_JUDGEMENTS
from masterx.live_quality import FallSettings, LiveSettings, Tally, rating_delta
from masterx.rating_worth import rating_worth
from masterx.settings import LiveQualitySettings

ROUTER_HORIZON = 3000  # ratings after the fall the router's detector is followed for
NEW_PAIR_HORIZON = 1000  # ratings a pair new to its category is followed for


def evidence_per_rating(before: float, after: float, judgements: int = 1) -> float:
    """Kullback-Leibler divergence (nats) of a rating after the fall from before it: thumbs
    (``judgements`` 1) or 1 + the good ones of ``judgements`` independent judgements."""
    one = after * math.log(after / before) + (1 - after) * math.log((1 - after) / (1 - before))
    return judgements * one


def simulated_score(quality: float, judgements: int, rng: np.random.Generator) -> float:
    """A learner's score (0-1) of an answer of ``quality``: thumbs up with that probability
    (``judgements`` 1), or stars ``1 + Binomial(judgements, quality)`` (the quality drift
    drill's learners, ``bench/drills/rated_traffic.py``)."""
    return float(rng.binomial(judgements, quality)) / judgements


def alarm_times(
    up_share: float,
    before: float,
    after: float,
    threshold: float,
    ratings: int,
    runs: int,
    rng: np.random.Generator,
    judgements: int = 1,
) -> npt.NDArray[np.int64]:
    """Per run, the rating (1-based) at which CUSUM for a fall ``before -> after`` first
    reaches ``threshold`` on ratings whose each of ``judgements`` is good with probability
    ``up_share``; 0: never within ``ratings``."""
    up = math.log(after / before)
    down = math.log((1 - after) / (1 - before))
    statistic = np.zeros(runs)
    alarmed = np.zeros(runs, dtype=np.int64)
    for rating in range(1, ratings + 1):
        good = rng.binomial(judgements, up_share, runs)
        step = good * up + (judgements - good) * down
        statistic = np.maximum(0.0, statistic + step)
        fresh = (statistic >= threshold) & (alarmed == 0)
        alarmed[fresh] = rating
        if alarmed.all():
            break
    return alarmed


@dataclass(frozen=True)
class ThresholdResult:
    threshold: float
    median_delay: float  # ratings after the fall, runs that alarmed
    p90_delay: float
    missed: float  # share of runs not alarmed within the horizon after the fall
    ratings_per_false_alarm: float  # lower bound when some runs never alarmed


def measure(
    before: float, after: float, threshold: float, runs: int, seed: int, judgements: int = 1
) -> ThresholdResult:
    rng = np.random.default_rng(seed)
    delays = alarm_times(after, before, after, threshold, 3000, runs, rng, judgements)
    alarmed = delays[delays > 0]
    horizon = 20_000
    false_runs = max(runs // 4, 50)
    false = alarm_times(before, before, after, threshold, horizon, false_runs, rng, judgements)
    waited = np.where(false > 0, false, horizon)
    return ThresholdResult(
        threshold,
        float(np.median(alarmed)) if alarmed.size else math.inf,
        float(np.percentile(alarmed, 90)) if alarmed.size else math.inf,
        1.0 - alarmed.size / delays.size,
        float(waited.sum() / max(1, int((false > 0).sum()))),
    )


def router_alarm(
    up_share: float,
    before: float,
    prior_ratings: int,
    horizon: int,
    settings: LiveSettings,
    rng: np.random.Generator,
    level_margin: float = 1.0,
    judgements: int = 1,
) -> int:
    """The rating (1-based) after ``prior_ratings`` up with probability ``before`` at which the
    router's fall detector (its own code: the pair's tally, its level, its CUSUM step) calls a
    fall on ratings up with probability ``up_share``; 0: never within ``horizon``. Its CUSUM
    starts at zero at the fall (a fresh watch); the router's may carry evidence from before.
    ``level_margin``: standard errors the level lies below the ratings' mean (the router's: 1).
    ``judgements`` above 1: 1-5 ratings (:func:`simulated_score`), each weighing the worth the
    router measures from the pair's own spread (``masterx/rating_worth.py``)."""
    fall: FallSettings = settings.fall
    tally = Tally()
    for rating in range(-prior_ratings + 1, horizon + 1):
        score = simulated_score(before if rating <= 0 else up_share, judgements, rng)
        graded = judgements > 1
        worth = rating_worth([tally], settings.graded) if graded else 1.0
        delta = rating_delta(score, settings.rating_weight * worth, graded)
        level = fall.level(tally, settings.rating_weight, level_margin) if rating > 0 else None
        firm = fall.firm(tally, settings.rating_weight)
        stepped = tally.fall.step(level, worth, worth * score, 0.0, fall, firm)
        tally = tally.then(delta, settings.half_life_ratings).with_fall(
            stepped, 0.0, fall, settings.rating_weight
        )
        if stepped.falls:
            return rating
    return 0


@dataclass(frozen=True)
class RouterResult:
    within_300: float  # share of runs whose detector called the fall within 300 ratings
    median_delay: float  # over every run, a miss counted as never
    p90_delay: float
    never: float  # share of runs not called within ROUTER_HORIZON
    false_alarm_share: float  # share of unchanged runs called fallen within the horizon
    new_pair_false_share: float  # ... of unchanged pairs watched from their first rating, 1,000


def measure_router(
    before: float,
    after: float,
    prior_ratings: int,
    runs: int,
    seed: int,
    fall: FallSettings | None = None,
    level_margin: float = 1.0,
    judgements: int = 1,
) -> RouterResult:
    """The router's detector with its default settings from ``masterx/settings.py`` (not the
    environment: reproducible), its fall settings replaced by ``fall`` if given, its level
    ``level_margin`` standard errors below the ratings' mean."""
    settings = LiveQualitySettings.model_construct().live_settings
    if fall is not None:
        settings = replace(settings, fall=fall)
    rng = np.random.default_rng(seed)

    def alarm(share: float, prior: int, horizon: int) -> int:
        return router_alarm(share, before, prior, horizon, settings, rng, level_margin, judgements)

    delays = np.array([alarm(after, prior_ratings, ROUTER_HORIZON) for _ in range(runs)])
    counted = np.where(delays > 0, delays, np.inf)
    false = [alarm(before, prior_ratings, ROUTER_HORIZON) for _ in range(runs)]
    new = [alarm(before, 0, NEW_PAIR_HORIZON) for _ in range(runs)]
    return RouterResult(
        float(np.mean(counted <= 300)),
        float(np.quantile(counted, 0.5, method="higher")),
        float(np.quantile(counted, 0.9, method="higher")),
        float(np.mean(delays == 0)),
        float(np.mean(np.array(false) > 0)),
        float(np.mean(np.array(new) > 0)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.drills.rating_evidence")
    parser.add_argument("--before", type=float, default=0.929, help="up share before the fall")
    parser.add_argument("--after", type=float, default=0.872, help="up share after it")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--prior-ratings", type=int, default=900, help="the provider's ratings before the fall"
    )
    parser.add_argument("--router-runs", type=int, default=300)
    defaults = LiveQualitySettings.model_construct().live_settings.fall
    parser.add_argument(
        "--threshold", type=float, default=defaults.threshold, help="the router's threshold"
    )
    parser.add_argument(
        "--hold-level-ratings",
        type=float,
        default=defaults.hold_level_ratings,
        help="the router's MASTERX_LIVE_FALL_HOLD_LEVEL_RATINGS",
    )
    parser.add_argument(
        "--level-margin",
        type=float,
        default=1.0,
        help="standard errors the level lies below the ratings' mean (the router's: 1)",
    )
    parser.add_argument(
        "--scale",
        choices=("thumbs", "stars"),
        default="thumbs",
        help="the learners' ratings: thumbs, or 1-5 stars (1 + good ones of four judgements)",
    )
    args = parser.parse_args(argv)
    judgements = STAR_JUDGEMENTS if args.scale == "stars" else 1
    if not 0 < args.after < args.before < 1:
        parser.error("need 0 < --after < --before < 1")
    if args.level_margin < 0:
        parser.error("--level-margin cannot be negative")
    print(
        f"a {args.scale} rating after a fall {args.before} -> {args.after} carries "
        f"{evidence_per_rating(args.before, args.after, judgements):.4f} nats"
    )
    for threshold in (3.0, 4.0, 5.0, 6.0, 8.0):
        r = measure(args.before, args.after, threshold, args.runs, args.seed, judgements)
        print(
            f"CUSUM threshold {threshold:g}: after the fall, alarm after a median of "
            f"{r.median_delay:.0f} ratings, 90th percentile {r.p90_delay:.0f} "
            f"(missed within 3000: {r.missed:.1%}); before it, a false alarm every "
            f"~{r.ratings_per_false_alarm:.0f} ratings"
        )
    try:
        fall = replace(
            defaults, threshold=args.threshold, hold_level_ratings=args.hold_level_ratings
        )
    except ValueError as error:
        parser.error(str(error))
    router = measure_router(
        args.before,
        args.after,
        args.prior_ratings,
        args.router_runs,
        args.seed,
        fall,
        args.level_margin,
        judgements,
    )
    print(
        f"the router's detector (threshold {fall.threshold:g}, level held from "
        f"{fall.hold_level_ratings:g} ratings, {args.level_margin:g} standard errors below the "
        f"mean; {args.prior_ratings} ratings before the fall): "
        f"within 300 ratings in {router.within_300:.0%} of runs, median "
        f"{router.median_delay:.0f}, 90th percentile {router.p90_delay:.0f}, never within "
        f"{ROUTER_HORIZON}: {router.never:.0%}; an unchanged provider called fallen within "
        f"{ROUTER_HORIZON} ratings in {router.false_alarm_share:.0%} of runs, a pair watched "
        f"from its first rating within {NEW_PAIR_HORIZON} in {router.new_pair_false_share:.0%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
