"""The live quality estimate: benchmark evidence (the prior) updated by what traffic says.

Per provider and category, a Beta posterior over the share of good answers (README, "Live
quality"). With benchmark quality ``q`` (0-1) over ``n`` tests:

- **prior** pseudo-counts ``q n0`` good and ``(1 - q) n0`` bad, ``n0 = min(n, prior_max_tests)``
  (no cap by default: the benchmark weighs as many answers as it graded);
- **ratings**: decayed sums ``R`` (weight) and ``G`` (weighted scores, 0-1) of learner ratings,
  each rating weighing ``rating_weight`` answers, a 1-5 rating that times the worth its
  measured spread gives it (``masterx/rating_worth.py``);
- **hard signals**: decayed counts of answered calls ``C`` and bad ones ``B`` (errors, truncated
  answers, refusals). They stand for ``H = min(signal_weight * C, signal_max_weight)`` answers
  of quality ``q (1 - B / C)``: an answer with no bad signal is taken to be as good as the
  benchmark says, a bad one as worth 0 (as a failed benchmark test is). Bounded, so that a busy
  provider's many calls never outweigh its ratings.

Live mean ``m = (q n0 + G + q (1 - B/C) H) / (n0 + R + H)`` over the effective sample count
``n0 + R + H``; its uncertainty is the benchmark's own (:func:`masterx.policy.standard_error`,
"plus four") over that count, and the policy ranks with both (:func:`live_evidence` says
why). Decay halves ``R, G, C, B`` every ``half_life_s``,
and a pair's sums also halve with every ``half_life_ratings`` of its own newer ratings: with
no new outcomes the estimate returns to the benchmark, and in busy traffic it follows about the
provider's last ``1.4 half_life_ratings`` ratings.

A fall is seen by :class:`Fall`, a CUSUM test over the pair's ratings for a fall of
``FallSettings.points`` from the learners' level (held while evidence accrues); a fallen pair
is outside the policy's quality band (``masterx/policy.py``) for a hold that doubles for each
fall in a row.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

from masterx.policy import Evidence, standard_error
from masterx.rating_worth import GradedSettings


@dataclass(frozen=True)
class LiveSettings:
    """How outcomes weigh against the benchmark (router settings ``MASTERX_LIVE_*``)."""

    half_life_s: float = 900.0
    half_life_ratings: float = 0.0  # a pair's own newer ratings that halve its sums; 0: off
    rating_weight: float = 1.0
    signal_weight: float = 0.05
    signal_max_weight: float = 5.0
    prior_max_tests: int = 0  # 0: no cap
    fall: FallSettings = field(default_factory=lambda: FallSettings())
    graded: GradedSettings = field(default_factory=GradedSettings)

    def __post_init__(self) -> None:
        checks = {
            "half_life_s": self.half_life_s > 0,
            "half_life_ratings": self.half_life_ratings >= 0,
            "rating_weight": self.rating_weight > 0,
            "signal_weight": self.signal_weight >= 0,
            "signal_max_weight": self.signal_max_weight >= 0,
            "prior_max_tests": self.prior_max_tests >= 0,
        }
        for name, ok in checks.items():
            if not ok:
                raise ValueError(f"live quality {name}={getattr(self, name)} is out of range")


@dataclass(frozen=True)
class FallSettings:
    """When a pair's ratings say its quality fell (router settings ``MASTERX_LIVE_FALL_*``)."""

    points: float = 5.0  # the smallest fall worth moving traffic for (0-100)
    threshold: float = 6.0  # nats of evidence (CUSUM) that call it a fall; 0: never
    hold_s: float = 60.0  # out of the band this long after a fall, doubled per fall in a row
    max_hold_s: float = 3600.0
    min_ratings: float = 100.0  # the learners' level needs this many (decayed) answers' worth
    # ... and is held while evidence for a fall accrues once it rests on this many
    hold_level_ratings: float = 500.0

    def __post_init__(self) -> None:
        checks = {
            "points": 0 < self.points < 100,
            "threshold": self.threshold >= 0,
            "hold_s": self.hold_s > 0,
            "max_hold_s": self.max_hold_s >= self.hold_s,
            "min_ratings": self.min_ratings >= 1,
            "hold_level_ratings": self.hold_level_ratings >= 0,
        }
        for name, ok in checks.items():
            if not ok:
                raise ValueError(f"live quality fall {name}={getattr(self, name)} is out of range")

    def level(self, tally: Tally, rating_weight: float, margin: float = 1.0) -> float | None:
        """The level a fall is measured from (0-1): what the pair's own decayed ratings assure,
        their mean less one standard error (as the policy's assured quality), once they are
        ``min_ratings`` or more; None before. Not the benchmark's score, which would call a fall
        wherever a dozen tests had flattered the provider; not the bare mean, whose noise over
        the first ratings would call falls by chance. ``margin``: standard errors below the mean
        (the router's is 1; ``bench/drills/rating_evidence.py --level-margin`` weighs others)."""
        ratings = tally.rating_weight / rating_weight
        if ratings < self.min_ratings:
            return None
        mean = 100.0 * min(1.0, max(0.0, tally.rating_score / tally.rating_weight))
        return max(0.0, mean - margin * standard_error(mean, round(ratings))) / 100.0

    def firm(self, tally: Tally, rating_weight: float) -> bool:
        """Whether the learners' level rests on enough ratings to be held while evidence for a
        fall accrues (:meth:`Fall.step`): a level held from the first hundred ratings, a few
        points high by chance, called an unchanged provider fallen in 12 % of simulated runs
        within its first 1,000 ratings (``bench/drills/rating_evidence.py``)."""
        return tally.rating_weight / rating_weight >= self.hold_level_ratings

    def hold(self, falls: int) -> float:
        """How long the ``falls``-th fall in a row keeps a pair out of the band."""
        return min(self.max_hold_s, self.hold_s * math.pow(2.0, max(0, falls - 1)))


@dataclass(frozen=True)
class Fall:
    """A pair's fall detector: CUSUM over its ratings against a fall of ``points`` from the
    learners' level (what its own ratings assure, held while evidence accrues), and its falls
    in a row (README, "Live quality")."""

    statistic: float = 0.0  # nats of evidence for a fall; a fall at the threshold
    fallen_at: float = 0.0  # unix seconds of the last fall; 0: none
    falls: int = 0  # falls in a row (each soon after the hold of the one before)
    # The level (0-1) the evidence is measured from: the learners' level when the statistic
    # last stood at 0, held while evidence for a fall accrues; None: none yet.
    level: float | None = None

    def fallen(self, now: float, settings: FallSettings) -> bool:
        return self.falls > 0 and now < self.fallen_at + settings.hold(self.falls)

    def step(
        self,
        level: float | None,
        ratings: float,
        score: float,
        now: float,
        settings: FallSettings,
        firm: bool = False,
    ) -> Fall:
        """After ``ratings`` new ratings worth ``score`` (sum of 0-1 scores), with ``level``
        (0-1, :meth:`FallSettings.level`; None: not known yet, no evidence is counted) as the
        learners' level now. The evidence is measured from that level while the statistic is
        at 0 or the level is not ``firm`` (:meth:`FallSettings.firm`), and otherwise from the
        level it was measured from when evidence began to accrue: the learners' mean follows a
        fallen provider's ratings down, and measured from it a fall's evidence shrank as it grew
        (a fall went uncalled within 3,000 ratings in 12 % of simulated runs;
        ``bench/drills/rating_evidence.py``).
        ``masterx/live_store.py`` does the same in Lua; a test checks that they agree."""
        statistic, fallen_at, falls, held = self.statistic, self.fallen_at, self.falls, self.level
        if settings.threshold <= 0:
            return NO_FALL
        if falls > 0:
            hold = settings.hold(falls)
            if now < fallen_at + hold:
                return self  # held out of the band: its few ratings wait
            if statistic >= settings.threshold:
                statistic = 0.0  # back in the band: watched afresh
            if now >= fallen_at + 4.0 * hold:
                falls = 0  # long enough since: the next fall is a first one
        if ratings > 0 and level is not None:
            if statistic <= 0 or held is None or not firm:
                held = level
            before = min(0.98, max(0.02, held))
            after = max(0.01, before - settings.points / 100.0)
            good = min(ratings, max(0.0, score))
            evidence = good * math.log(after / before) + (ratings - good) * math.log(
                (1.0 - after) / (1.0 - before)
            )
            statistic = max(0.0, statistic + evidence)
        if statistic >= settings.threshold:
            return Fall(statistic, now, falls + 1, held)
        return Fall(statistic, fallen_at, falls, held)


NO_FALL = Fall()


@dataclass(frozen=True)
class Tally:
    """Decayed outcome sums for one provider and category, as of ``at`` (unix seconds), and
    its fall detector (not decayed)."""

    rating_weight: float = 0.0  # R
    rating_score: float = 0.0  # G
    calls: float = 0.0  # C
    bad_calls: float = 0.0  # B
    at: float = 0.0
    fall: Fall = NO_FALL
    # 1-5 ratings alone, unweighted: count, scores and squared scores (masterx/rating_worth.py)
    graded: float = 0.0
    graded_score: float = 0.0
    graded_square: float = 0.0

    def decayed(self, now: float, half_life_s: float) -> Tally:
        return self.scaled(decay_factor(now - self.at, half_life_s), max(now, self.at))

    def scaled(self, factor: float, at: float) -> Tally:
        return Tally(
            self.rating_weight * factor,
            self.rating_score * factor,
            self.calls * factor,
            self.bad_calls * factor,
            at,
            self.fall,
            self.graded * factor,
            self.graded_score * factor,
            self.graded_square * factor,
        )

    def plus(self, other: Tally) -> Tally:
        return Tally(
            self.rating_weight + other.rating_weight,
            self.rating_score + other.rating_score,
            self.calls + other.calls,
            self.bad_calls + other.bad_calls,
            max(self.at, other.at),
            self.fall,
            self.graded + other.graded,
            self.graded_score + other.graded_score,
            self.graded_square + other.graded_square,
        )

    def with_fall(
        self, fall: Fall, now: float, settings: FallSettings, rating_weight: float = 1.0
    ) -> Tally:
        """These sums with their fall detector stepped (at ``now``) to ``fall``. At the first
        step after a fall's hold the ratings are re-centred on the learners' mean before the
        fall (``G = m R``, ``m`` the level the fall was measured from plus the one standard
        error it lies below that mean): the fall was the verdict on the ratings that proved it,
        and the hold the sentence. Left in, they kept a recovered provider's mean a few points
        down, a cheaper provider of its band stayed ahead of it, it served nobody and nothing
        could show its recovery (the quality drift drill: traffic not back after the recovery).
        Re-centred, it returns at its old standing and, still bad, falls again from the same
        level with the hold doubled. During the hold the mean shows the fall (the drift alarm
        reads it). ``masterx/live_store.py`` does the same in Lua."""
        old = self.fall
        back = (
            old.falls > 0
            and old.statistic >= settings.threshold > 0
            and now >= old.fallen_at + settings.hold(old.falls)
        )
        if not back or old.level is None:
            return replace(self, fall=fall)
        ratings = math.floor(self.rating_weight / rating_weight + 0.5)
        mean = min(1.0, old.level + standard_error(100.0 * old.level, ratings) / 100.0)
        return replace(self, rating_score=mean * self.rating_weight, fall=fall)

    def then(self, delta: Tally, half_life_ratings: float) -> Tally:
        """These sums with ``delta`` added after them: its ratings age them first (a pair's own
        newer ratings halve its sums every ``half_life_ratings``; 0: they do not)."""
        if half_life_ratings <= 0:
            return self.plus(delta)
        return self.scaled(decay_factor(delta.rating_weight, half_life_ratings), self.at).plus(
            delta
        )


EMPTY = Tally()


def rating_delta(score: float, weight: float, graded: bool = False) -> Tally:
    """What one rating of ``score`` (0-1) adds to its pair's sums: ``weight`` answers' worth
    (``rating_weight``, times a 1-5 rating's worth, ``masterx/rating_worth.py``); a 1-5 rating
    also adds to the sums its worth is measured from."""
    score = min(1.0, max(0.0, float(score)))
    if not graded:
        return Tally(weight, weight * score)
    return Tally(
        weight, weight * score, graded=1.0, graded_score=score, graded_square=score * score
    )


def decay_factor(elapsed: float, half_life: float) -> float:
    """What is left of a weight after ``elapsed`` (seconds, or ratings) at this half-life."""
    return math.pow(0.5, max(0.0, elapsed) / half_life)


@dataclass(frozen=True)
class LiveEstimate:
    """The benchmark's and the live quality (both 0-100), and what each weighed."""

    benchmark_quality: float
    benchmark_tests: int
    quality: float
    effective_tests: float
    prior_weight: float  # n0, in answers
    rating_weight: float  # R
    signal_weight: float  # H
    fallen: bool = False  # its ratings say it fell: out of the band for a while

    @property
    def live_weight(self) -> float:
        return self.rating_weight + self.signal_weight

    @property
    def prior_share(self) -> float:
        total = self.prior_weight + self.live_weight
        return self.prior_weight / total if total > 0 else 1.0

    @property
    def drift(self) -> float:
        """Points the live estimate lies above (+) or below (-) the benchmark."""
        return self.quality - self.benchmark_quality


def estimate(prior: Evidence, tally: Tally, settings: LiveSettings) -> LiveEstimate:
    """The live estimate of one provider in one category (module docstring)."""
    q = min(1.0, max(0.0, prior.quality / 100.0))
    n0 = float(prior.tests)
    if settings.prior_max_tests:
        n0 = min(n0, float(settings.prior_max_tests))
    ratings = max(0.0, tally.rating_weight)
    rated = min(ratings, max(0.0, tally.rating_score))
    calls = max(0.0, tally.calls)
    bad_share = min(1.0, max(0.0, tally.bad_calls) / calls) if calls > 0 else 0.0
    signals = min(settings.signal_weight * calls, settings.signal_max_weight)
    total = n0 + ratings + signals
    if total <= 0:
        mean = q
    else:
        mean = (q * n0 + rated + q * (1.0 - bad_share) * signals) / total
    return LiveEstimate(
        benchmark_quality=prior.quality,
        benchmark_tests=prior.tests,
        quality=100.0 * min(1.0, max(0.0, mean)),
        effective_tests=total,
        prior_weight=n0,
        rating_weight=ratings,
        signal_weight=signals,
        fallen=tally.fall.fallen(tally.at, settings.fall),
    )


def live_evidence(prior: Evidence, live: LiveEstimate) -> Evidence:
    """The evidence the policy ranks with: the live mean over the estimate's effective count
    (the benchmark's tests plus the answers' worth of ratings and hard signals); latency and
    cost unchanged. With no live outcomes it is the benchmark's evidence itself.

    A provider its learners have rated is known better than one that a dozen benchmark tests
    measured, and it ranks so: its uncertainty narrows, and a peer five or six points worse
    that is only cheaper no longer shares its quality band. Ranked at the benchmark's test
    count instead, a cheaper provider that served while the best was held after a fall was
    rated into the best's ten-point band and kept the category after the best recovered (the
    quality drift drill, 2026-12-06). Counting ratings used to keep an incumbent chosen after
    its quality fell (0.929 to 0.872 in coding, never left) while only the mean could show a
    fall; the fall detector (:class:`Fall`) now takes a fallen pair out of the band whatever
    its uncertainty. The price: a peer measured by its benchmark alone is chosen over a
    well-rated incumbent only when its assured quality (about ten points under its score with
    13 tests) beats the incumbent's; exploration (``services/router/exploration.py``) lets it
    earn ratings (README, "Live quality")."""
    tests = round(live.effective_tests) if live.live_weight > 0 else prior.tests
    return Evidence(live.quality, tests, prior.latency_ms, prior.cost_usd, live)


def thompson_draw(quality: float, tests: float, rng: random.Random) -> float:
    """One draw of the share of good answers from the Beta posterior of a quality (0-100) over
    ``tests`` answers, a Beta(1, 1) added so that a provider with little evidence still draws
    widely."""
    share = min(1.0, max(0.0, quality / 100.0))
    n = max(0.0, tests)
    return rng.betavariate(share * n + 1.0, (1.0 - share) * n + 1.0)
