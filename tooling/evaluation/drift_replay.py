"""A quality fall replayed over a real outcomes table: how many ratings the router's live
estimate needs to leave a provider whose answers got worse, and to come back once they are
good again (issue 25's target, on real outcomes instead of the simulator's coins).

In one category, each model of the table plays a provider with the benchmark evidence the
calibration rows give it (:func:`tooling.evaluation.replay.calibrate`). Traffic is a stream of
test rows; the provider the router's own selection puts first serves each one, and the
learner's rating is that provider's real outcome on the row (1 good, 0 bad; a graded 0-1 score
as is). The ratings feed the router's own live estimate and fall detector
(:mod:`masterx.live_quality`: the same tally, level and CUSUM step, decay by ratings and by
time at a steady rating rate, the ratings of each refresh added and stepped as one batch, the
choice made afresh at each refresh; no hard signals, which tables do not have). The victim,
the routed choice, serves ``before`` ratings; then its answers become those of a worse model
of the table (the fall) until the selection puts another provider first (the leave); then
they are its own again (the recovery) until the selection puts it first again (the return,
which follows the fall's hold: at 5 ratings a second, a 60 s hold is about 300 ratings). A
control run without a fall counts how often the victim is left with nothing changed.

Rows come in random order (every rating a row drawn afresh) or in the table's order from a
random start (``in_order``): tables list a subject's rows together, so a run of hard subjects
then reads like a fall, as a cohort working through a hard unit would.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from masterx.domain import BreakerState, Category
from masterx.live_quality import LiveSettings, Tally, estimate, live_evidence
from masterx.policy import DEFAULT_POLICY, Evidence, QualityPolicy
from masterx.selection import rank_providers
from tooling.evaluation.outcomes import Outcome
from tooling.evaluation.replay import replay_weights


@dataclass(frozen=True)
class DriftPlan:
    """What one replay does: who falls to whose answers, and how traffic flows."""

    category: Category
    victim: str  # the provider that falls: the routed choice
    fallen_to: str  # whose answers it gives while fallen
    before: int = 900  # its ratings before the fall
    horizon: int = 3000  # ratings after the fall (and after the recovery) it is followed for
    ratings_per_s: float = 5.0  # the category's rating rate: time decay and the fall's hold
    in_order: bool = False  # rows in the table's order from a random start, not drawn afresh
    refresh_s: float = 1.0  # the router's MASTERX_LIVE_REFRESH_SECONDS

    def __post_init__(self) -> None:
        if self.victim == self.fallen_to:
            raise ValueError(f"the fall needs another model's answers than {self.victim}'s")
        if self.before < 0 or self.horizon < 1:
            raise ValueError("the ratings before the fall must be >= 0 and the horizon >= 1")
        for name, value in (
            ("ratings per second", self.ratings_per_s),
            ("refresh", self.refresh_s),
        ):
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"the {name} must be a finite number > 0, not {value}")


@dataclass(frozen=True)
class RunResult:
    """One replay: ratings after the fall until the victim was left, after the recovery until
    it was back (None: not within the horizon), and whether an unchanged victim was left;
    ``held`` False: the victim was not the routed choice when the fall came (nothing measured:
    with coarse benchmark evidence a cheaper model of its band can hold the category)."""

    leave: int | None
    back: int | None
    left_unchanged: bool
    held: bool = True


def _traffic(rows: Sequence[Outcome], in_order: bool, rng: random.Random) -> Iterator[Outcome]:
    """The category's test rows, one per rating: drawn afresh, or on from a random start."""
    at = rng.randrange(len(rows))
    while True:
        if in_order:
            at = (at + 1) % len(rows)
            yield rows[at]
        else:
            yield rows[rng.randrange(len(rows))]


class _Router:
    """The router's decisions for one category over the live tallies of every model, as
    ``services/router/live_quality.py`` makes them: ratings wait in a delta until the next
    refresh, which ages every tally, adds the delta and steps the fall detector once per batch
    with the learners' level of the tally before it (as the Lua of ``masterx/live_store.py``);
    the choice changes only at a refresh."""

    def __init__(
        self,
        plan: DriftPlan,
        priors: Mapping[str, Evidence],
        settings: LiveSettings,
        policy: QualityPolicy,
    ) -> None:
        self._plan, self._priors, self._settings, self._policy = plan, priors, settings, policy
        self._models = {m: m for m in priors}
        self._weights = {plan.category: replay_weights(plan.category)}
        self.tallies = {m: Tally() for m in priors}
        self._pending = dict.fromkeys(priors, (0, 0.0))  # ratings and their summed scores
        self._ratings = 0
        self._refreshed_at = -math.inf
        self._choice = ""

    @property
    def now(self) -> float:
        return self._ratings / self._plan.ratings_per_s

    def choice(self) -> str:
        if self.now >= self._refreshed_at + self._plan.refresh_s:
            self._refresh()
        return self._choice

    def rate(self, model: str, score: float) -> None:
        """One learner's rating of ``model``'s answer, kept for the next refresh."""
        ratings, scores = self._pending[model]
        self._pending[model] = (ratings + 1, scores + score)
        self._ratings += 1

    def _refresh(self) -> None:
        now, settings = self.now, self._settings
        weight, fall = settings.rating_weight, settings.fall
        for model, (ratings, scores) in self._pending.items():
            before = self.tallies[model]
            level, firm = fall.level(before, weight), fall.firm(before, weight)
            delta = Tally(weight * ratings, weight * scores, at=now)
            aged = before.decayed(now, settings.half_life_s).then(delta, settings.half_life_ratings)
            stepped = aged.fall.step(level, ratings, scores, now, fall, firm)
            self.tallies[model] = aged.with_fall(stepped, now, fall, weight)
        self._pending = dict.fromkeys(self._pending, (0, 0.0))
        self._refreshed_at = now
        evidence = {}
        for model, prior in self._priors.items():
            live = estimate(prior, self.tallies[model], settings)
            evidence[(model, self._plan.category)] = live_evidence(prior, live)
        selection = rank_providers(
            self._models,
            self._plan.category,
            evidence,
            dict.fromkeys(self._models, BreakerState.CLOSED),
            default_order=(),
            weights=self._weights,
            policy=self._policy,
        )
        self._choice = selection.ranking[0].provider


def replay_fall(
    plan: DriftPlan,
    priors: Mapping[str, Evidence],
    rows: Sequence[Outcome],
    settings: LiveSettings,
    rng: random.Random,
    policy: QualityPolicy = DEFAULT_POLICY,
    fall: bool = True,
) -> RunResult:
    """One replay (module docstring); ``fall=False``: the control run, nothing changes."""
    router = _Router(plan, priors, settings, policy)
    traffic = _traffic(rows, plan.in_order, rng)
    for _ in range(plan.before):
        router.choice()  # refreshes on time, as the router does
        router.rate(plan.victim, next(traffic).performance[plan.victim])
    if router.choice() != plan.victim:
        return RunResult(None, None, False, held=False)
    leave = _until(router, traffic, plan, lambda served: served != plan.victim, fall)
    if not fall:
        return RunResult(None, None, leave is not None)
    if leave is None:
        return RunResult(None, None, False)
    back = _until(router, traffic, plan, lambda served: served == plan.victim, False)
    return RunResult(leave, back, False)


def _until(
    router: _Router,
    traffic: Iterator[Outcome],
    plan: DriftPlan,
    reached: Callable[[str], bool],
    fallen: bool,
) -> int | None:
    """Ratings until ``reached(choice)`` holds (0: at once), within the horizon; the victim's
    answers are ``fallen_to``'s while ``fallen``."""
    for rating in range(plan.horizon + 1):
        served = router.choice()
        if reached(served):
            return rating
        answering = plan.fallen_to if fallen and served == plan.victim else served
        router.rate(served, next(traffic).performance[answering])
    return None


@dataclass(frozen=True)
class DriftSummary:
    """Many replays: the leave and the return, and leaves without a fall."""

    runs: int  # replays with a fall in which the victim held the category
    leaves: Sequence[int | None]
    backs: Sequence[int | None]  # of the runs that left
    unchanged_left: int  # control runs whose victim was left with nothing changed
    control_runs: int  # control runs in which the victim held the category
    horizon: int
    not_held: int = 0  # replays (with and without a fall) in which the victim did not hold it

    def within(self, values: Sequence[int | None], limit: int) -> float | None:
        """The share of ``values`` at most ``limit`` (None: no values)."""
        if not values:
            return None
        return sum(1 for v in values if v is not None and v <= limit) / len(values)

    def quantile(self, values: Sequence[int | None], q: float) -> int | None:
        """The ``q`` quantile, a miss counted as never (None when it falls on a miss)."""
        if not values:
            return None
        ordered = sorted(values, key=lambda v: (v is None, v or 0))
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]  # nearest rank

    def to_dict(self) -> dict[str, object]:
        return {
            "runs": self.runs,
            "not_held": self.not_held,
            "horizon": self.horizon,
            "leave_median": self.quantile(self.leaves, 0.5),
            "leave_p90": self.quantile(self.leaves, 0.9),
            "leave_within_300": self.within(self.leaves, 300),
            "back_runs": len(self.backs),
            "back_median": self.quantile(self.backs, 0.5),
            "back_p90": self.quantile(self.backs, 0.9),
            "back_within_300": self.within(self.backs, 300),
            "unchanged_left_share": self.unchanged_left / self.control_runs,
        }


def summarise_falls(
    plan: DriftPlan,
    priors: Mapping[str, Evidence],
    rows: Sequence[Outcome],
    settings: LiveSettings,
    runs: int,
    seed: int,
    policy: QualityPolicy = DEFAULT_POLICY,
) -> DriftSummary:
    """``runs`` replays with a fall and as many control runs, seeded for reproducibility."""
    if runs < 1:
        raise ValueError("--runs must be >= 1")
    usable = [r for r in rows if plan.victim in r.performance and plan.fallen_to in r.performance]
    usable = [r for r in usable if all(m in r.performance for m in priors)]
    if not usable:
        raise ValueError(f"no test rows of {plan.category.value} with every model's outcome")
    rng = random.Random(seed)
    tried = [replay_fall(plan, priors, usable, settings, rng, policy) for _ in range(runs)]
    unchanged = [
        replay_fall(plan, priors, usable, settings, rng, policy, fall=False) for _ in range(runs)
    ]
    falls = [r for r in tried if r.held]
    control = [r for r in unchanged if r.held]
    if not falls or not control:
        raise ValueError(
            f"{plan.victim} was not the routed choice after its {plan.before} ratings in any"
            " run: nothing to measure (a cheaper model of its band holds the category; more"
            " --benchmark-tests resolve the band)"
        )
    return DriftSummary(
        len(falls),
        [r.leave for r in falls],
        [r.back for r in falls if r.leave is not None],
        sum(1 for r in control if r.left_unchanged),
        len(control),
        plan.horizon,
        not_held=2 * runs - len(falls) - len(control),
    )
