"""The quality-first policy: how benchmark evidence becomes an assessment per provider.

Quality decides first, with its uncertainty; speed and cost rank only the providers whose
quality is within a tolerance of the best. The README section "How a provider is chosen" works
an example through these formulas; :mod:`masterx.selection` ranks with them, the benchmark
service stores them and ``masterx eval replay`` replays them.

For one category, per provider with ``n`` graded tests of mean quality ``q`` (0-100):

- **uncertainty** ``u = z * se``, the standard error of the mean by the "plus four" rule
  (Agresti-Coull: two passes and two failures added before estimating the spread, so a
  perfect 3 of 3 is not certain), ``se = 100 * sqrt(p~ (1 - p~) / n)``, ``p~ = (q/100 n + 2) /
  (n + 4)``. For the same ``q``, more tests never widen it; no tests: 50 points.
- **assured quality** ``a = q - u``: what the provider has shown with confidence ``z``.
- **the best**: the highest assured quality among the admitted providers (ties: higher ``q``,
  then name).
- **within the tolerance**: ``a >= a_best - tolerance - u_best``, with ``tolerance =
  points + relative * a_best``. The best's own uncertainty widens the band, so two providers
  measured alike are not split by one lucky test; a provider whose assured quality is low
  because it took few tests stays out.
- **speed and cost points** on a log scale, 100 for the fastest / cheapest admitted provider,
  minus ``points_per_decade`` for every factor of 10 slower or dearer, never below 0 (with the
  default 50: twice the price costs 15 points, 10x costs 50, 100x or more costs 100).
- **final** ``= w_q a + w_s speed + w_c cost`` with the category's weights.

Providers within the tolerance rank by final score; those outside follow by assured quality:
being cheaper or faster never lifts a provider over one within the tolerance. A provider whose
learners' ratings say its quality fell (its live estimate is ``fallen``,
:class:`masterx.live_quality.Fall`) is outside the tolerance and does not set its bar.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from masterx.scoring import Weights, final_score

if TYPE_CHECKING:
    from masterx.live_quality import LiveEstimate

NO_TESTS_UNCERTAINTY = 50.0  # points: the widest a pass rate's standard error can be
LATENCY_FLOOR_MS = 1.0  # below this, latencies count as equal (no division by zero)
COST_FLOOR_USD = 1e-6  # a millionth of a dollar: free and nearly free count as equal


@dataclass(frozen=True)
class QualityPolicy:
    """The knobs of the policy (router and benchmark settings ``MASTERX_QUALITY_*``)."""

    tolerance_points: float = 0.0
    tolerance_relative: float = 0.03
    confidence: float = 1.0  # z: how many standard errors the assured quality lies below q
    points_per_decade: float = 50.0

    def __post_init__(self) -> None:
        checks = {
            "tolerance_points": 0 <= self.tolerance_points <= 100,
            "tolerance_relative": 0 <= self.tolerance_relative <= 1,
            "confidence": 0 <= self.confidence <= 5,
            "points_per_decade": 0 < self.points_per_decade <= 100,
        }
        for name, ok in checks.items():
            if not ok:
                raise ValueError(f"quality policy {name}={getattr(self, name)} is out of range")

    def tolerance(self, best_assured: float) -> float:
        return self.tolerance_points + self.tolerance_relative * best_assured


DEFAULT_POLICY = QualityPolicy()


@dataclass(frozen=True)
class Evidence:
    """What benchmarks measured for one provider in one category."""

    quality: float  # 0-100, the mean of its graded tests
    tests: int
    latency_ms: float | None = None  # p50 of its answers; None: it answered nothing
    cost_usd: float | None = None  # mean cost of an answer; None: unknown
    # Set when quality and tests are the live estimate (masterx/live_quality.py), not the
    # bare benchmark's: the benchmark's values and what each side weighed.
    live: LiveEstimate | None = None

    @classmethod
    def of_score(
        cls, quality: float, tests: int, failed_tests: int, latency_ms: float, cost_usd: float
    ) -> Evidence:
        """From a stored benchmark score (zeros where nothing was measured): a provider that
        answered none of its tests has no latency or cost; values are clamped to their range."""
        answered = tests > failed_tests
        return cls(
            quality=min(100.0, max(0.0, quality)),
            tests=max(0, tests),
            latency_ms=latency_ms if answered and latency_ms > 0 else None,
            cost_usd=max(0.0, cost_usd) if answered else None,
        )


@dataclass(frozen=True)
class Assessment:
    """One provider judged against the others of its category."""

    quality: float
    uncertainty: float  # points, z standard errors
    tests: int
    speed: float  # 0-100, log scale
    cost: float  # 0-100, log scale
    final: float
    within_tolerance: bool
    live: LiveEstimate | None = None  # the evidence's live estimate, for display

    @property
    def assured(self) -> float:
        return assured_quality(self.quality, self.uncertainty)


def standard_error(quality: float, tests: int) -> float:
    """Standard error of a mean quality in points ("plus four" rule); no tests: 50."""
    if tests <= 0:
        return NO_TESTS_UNCERTAINTY
    share = min(1.0, max(0.0, quality / 100.0))
    adjusted = (share * tests + 2.0) / (tests + 4.0)
    return 100.0 * math.sqrt(adjusted * (1.0 - adjusted) / tests)


def assured_quality(quality: float, uncertainty: float) -> float:
    return max(0.0, quality - uncertainty)


def log_points(value: float | None, best: float | None, per_decade: float, floor: float) -> float:
    """100 for the best value, ``per_decade`` fewer for each factor of 10 above it, 0..100."""
    if value is None or best is None:
        return 0.0
    ratio = (max(value, 0.0) + floor) / (max(best, 0.0) + floor)
    return max(0.0, min(100.0, 100.0 - per_decade * math.log10(max(ratio, 1.0))))


def assess(
    evidence: Mapping[str, Evidence],
    weights: Weights,
    policy: QualityPolicy = DEFAULT_POLICY,
    reference: Collection[str] | None = None,
) -> dict[str, Assessment]:
    """Every provider of ``evidence`` assessed against the best of ``reference`` (the admitted
    providers; default: all of them)."""
    if not evidence:
        return {}
    measured = {
        name: (e, policy.confidence * standard_error(e.quality, e.tests))
        for name, e in evidence.items()
    }
    peers = [n for n in (reference or ()) if n in measured] or list(measured)
    fallen = {n for n, e in evidence.items() if e.live is not None and e.live.fallen}
    standing = [n for n in peers if n not in fallen] or peers
    best = min(
        standing,
        key=lambda n: (
            -assured_quality(measured[n][0].quality, measured[n][1]),
            -measured[n][0].quality,
            n,
        ),
    )
    best_evidence, best_uncertainty = measured[best]
    best_assured = assured_quality(best_evidence.quality, best_uncertainty)
    threshold = best_assured - policy.tolerance(best_assured) - best_uncertainty
    fastest = _lowest(measured[n][0].latency_ms for n in peers)
    cheapest = _lowest(measured[n][0].cost_usd for n in peers)
    result = {}
    for name, (e, uncertainty) in measured.items():
        assured = assured_quality(e.quality, uncertainty)
        speed = log_points(e.latency_ms, fastest, policy.points_per_decade, LATENCY_FLOOR_MS)
        cost = log_points(e.cost_usd, cheapest, policy.points_per_decade, COST_FLOOR_USD)
        result[name] = Assessment(
            quality=e.quality,
            uncertainty=uncertainty,
            tests=e.tests,
            speed=speed,
            cost=cost,
            final=final_score(assured, speed, cost, weights),
            within_tolerance=assured >= threshold - 1e-9 and name not in fallen,
            live=e.live,
        )
    return result


def _lowest(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None
