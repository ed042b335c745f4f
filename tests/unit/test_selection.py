"""Provider selection as a pure function: quality first, then the weights, breakers last."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from masterx.domain import BreakerState, Category, RouteReason
from masterx.policy import Evidence
from masterx.selection import rank_providers

PROVIDERS = {"alpha": "a-1", "beta": "b-1", "gamma": "g-1"}
names = st.sampled_from(sorted(PROVIDERS))
evidence_items = st.builds(
    Evidence,
    quality=st.floats(0, 100),
    tests=st.integers(0, 300),
    latency_ms=st.one_of(st.none(), st.floats(1, 10_000)),
    cost_usd=st.one_of(st.none(), st.floats(0, 1)),
)
evidence_maps = st.dictionaries(
    st.tuples(names, st.sampled_from(list(Category))), evidence_items, max_size=12
)
state_maps = st.dictionaries(names, st.sampled_from(list(BreakerState)), max_size=3)


def _measured(quality: float, latency: float = 100.0, cost: float = 0.01) -> Evidence:
    return Evidence(quality=quality, tests=400, latency_ms=latency, cost_usd=cost)


def test_best_quality_for_the_category_wins() -> None:
    evidence = {
        ("alpha", Category.CODING): _measured(70.0),
        ("beta", Category.CODING): _measured(90.0),
        ("gamma", Category.MATH): _measured(99.0),
    }
    selection = rank_providers(PROVIDERS, Category.CODING, evidence, {}, [])
    assert selection.reason is RouteReason.BEST_BENCHMARK
    assert [c.provider for c in selection.ranking] == ["beta", "alpha", "gamma"]
    assert "beta has the best assured quality for coding" in selection.explanation


def test_within_the_tolerance_the_cheaper_and_faster_provider_wins() -> None:
    evidence = {
        ("alpha", Category.CODING): _measured(90.0, latency=400, cost=0.03),
        ("beta", Category.CODING): _measured(89.5, latency=40, cost=0.001),
    }
    selection = rank_providers(PROVIDERS, Category.CODING, evidence, {}, [])
    assert [c.provider for c in selection.ranking[:2]] == ["beta", "alpha"]
    chosen = selection.ranking[0].assessment
    assert chosen is not None and chosen.within_tolerance
    assert "beta has the highest final score" in selection.explanation
    assert "within the quality tolerance of the best (beta, alpha)" in selection.explanation


def test_general_evidence_stands_in_for_a_category_without_any() -> None:
    evidence = {
        ("gamma", Category.GENERAL): _measured(50.0),
        ("alpha", Category.GENERAL): _measured(80.0),
    }
    selection = rank_providers(PROVIDERS, Category.LANGUAGE, evidence, {}, [])
    assert selection.ranking[0].provider == "alpha"
    assert "no language evidence: general's" in selection.explanation


def test_without_evidence_the_default_order_applies() -> None:
    selection = rank_providers(PROVIDERS, Category.MATH, {}, {}, ["gamma", "alpha"])
    assert selection.reason is RouteReason.DEFAULT
    assert [c.provider for c in selection.ranking] == ["gamma", "alpha", "beta"]


def test_an_open_best_provider_does_not_set_the_bar_for_the_admitted_ones() -> None:
    evidence = {
        ("alpha", Category.CODING): _measured(99.0),
        ("beta", Category.CODING): _measured(70.0, cost=0.02),
        ("gamma", Category.CODING): _measured(69.0, cost=0.001),
    }
    selection = rank_providers(
        PROVIDERS, Category.CODING, evidence, {"alpha": BreakerState.OPEN}, []
    )
    assert [c.provider for c in selection.ranking] == ["gamma", "beta", "alpha"]


@given(st.sampled_from(list(Category)), evidence_maps, state_maps)
def test_an_open_provider_is_never_ranked_before_an_admitted_one(
    category: Category,
    evidence: dict[tuple[str, Category], Evidence],
    states: dict[str, BreakerState],
) -> None:
    ranking = rank_providers(PROVIDERS, category, evidence, states, []).ranking
    seen_open = False
    for candidate in ranking:
        if candidate.state is BreakerState.OPEN:
            seen_open = True
        else:
            assert not seen_open, "an admitted provider came after an OPEN one"
    assert sorted(c.provider for c in ranking) == sorted(PROVIDERS)


@given(st.sampled_from(list(Category)), evidence_maps, state_maps)
def test_a_provider_outside_the_tolerance_never_precedes_one_inside_it(
    category: Category,
    evidence: dict[tuple[str, Category], Evidence],
    states: dict[str, BreakerState],
) -> None:
    ranking = rank_providers(PROVIDERS, category, evidence, states, []).ranking
    admitted = [c for c in ranking if c.state is not BreakerState.OPEN and c.assessment]
    inside = [c.assessment is not None and c.assessment.within_tolerance for c in admitted]
    assert inside == sorted(inside, reverse=True), "an outside provider came first"


@given(
    st.floats(0, 100), st.floats(0, 100), st.integers(1, 500), st.floats(1, 1e4), st.floats(0, 1)
)
def test_being_cheaper_or_faster_never_lifts_a_provider_over_the_band(
    best: float, other: float, tests: int, latency: float, cost: float
) -> None:
    """Whatever the other provider's speed and price, if it is outside the tolerance of the
    best it is not chosen."""
    evidence = {
        ("alpha", Category.MATH): Evidence(best, tests, 10_000.0, 1.0),
        ("beta", Category.MATH): Evidence(other, tests, latency, cost),
    }
    ranking = rank_providers({"alpha": "a", "beta": "b"}, Category.MATH, evidence, {}, []).ranking
    beta = next(c for c in ranking if c.provider == "beta")
    assert beta.assessment is not None
    if not beta.assessment.within_tolerance:
        assert ranking[0].provider == "alpha"


@given(st.sampled_from(list(Category)), evidence_maps, state_maps)
def test_the_ranking_is_deterministic(
    category: Category,
    evidence: dict[tuple[str, Category], Evidence],
    states: dict[str, BreakerState],
) -> None:
    first = rank_providers(PROVIDERS, category, evidence, states, [])
    again = rank_providers(
        dict(reversed(PROVIDERS.items())),
        category,
        dict(reversed(evidence.items())),
        states,
        [],
    )
    assert first == again


def test_ties_break_by_name() -> None:
    same = _measured(80.0)
    evidence = {(p, Category.CODING): same for p in PROVIDERS}
    ranking = rank_providers(PROVIDERS, Category.CODING, evidence, {}, []).ranking
    assert [c.provider for c in ranking] == ["alpha", "beta", "gamma"]
