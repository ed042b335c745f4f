"""Provider selection as a pure function."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from masterx.domain import BreakerState, Category, RouteReason
from masterx.selection import rank_providers

PROVIDERS = {"alpha": "a-1", "beta": "b-1", "gamma": "g-1"}
names = st.sampled_from(sorted(PROVIDERS))
score_maps = st.dictionaries(
    st.tuples(names, st.sampled_from(list(Category))), st.floats(0, 100), max_size=12
)
state_maps = st.dictionaries(names, st.sampled_from(list(BreakerState)), max_size=3)


def test_best_score_for_the_category_wins() -> None:
    scores = {
        ("alpha", Category.CODING): 70.0,
        ("beta", Category.CODING): 90.0,
        ("gamma", Category.MATH): 99.0,
    }
    selection = rank_providers(PROVIDERS, Category.CODING, scores, {}, [])
    assert selection.reason is RouteReason.BEST_BENCHMARK
    assert [c.provider for c in selection.ranking] == ["beta", "alpha", "gamma"]


def test_general_scores_stand_in_for_a_category_without_any() -> None:
    scores = {("gamma", Category.GENERAL): 50.0, ("alpha", Category.GENERAL): 60.0}
    selection = rank_providers(PROVIDERS, Category.LANGUAGE, scores, {}, [])
    assert selection.ranking[0].provider == "alpha"
    assert selection.ranking[0].score == 60.0


def test_without_scores_the_default_order_applies() -> None:
    selection = rank_providers(PROVIDERS, Category.MATH, {}, {}, ["gamma", "alpha"])
    assert selection.reason is RouteReason.DEFAULT
    assert [c.provider for c in selection.ranking] == ["gamma", "alpha", "beta"]


@given(st.sampled_from(list(Category)), score_maps, state_maps)
def test_an_open_provider_is_never_ranked_before_an_admitted_one(
    category: Category,
    scores: dict[tuple[str, Category], float],
    states: dict[str, BreakerState],
) -> None:
    ranking = rank_providers(PROVIDERS, category, scores, states, []).ranking
    seen_open = False
    for candidate in ranking:
        if candidate.state is BreakerState.OPEN:
            seen_open = True
        else:
            assert not seen_open, "an admitted provider came after an OPEN one"
    assert sorted(c.provider for c in ranking) == sorted(PROVIDERS)


@given(st.sampled_from(list(Category)), score_maps, state_maps)
def test_the_ranking_is_deterministic(
    category: Category,
    scores: dict[tuple[str, Category], float],
    states: dict[str, BreakerState],
) -> None:
    first = rank_providers(PROVIDERS, category, scores, states, [])
    again = rank_providers(dict(reversed(PROVIDERS.items())), category, scores, states, [])
    assert first == again
