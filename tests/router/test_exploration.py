"""Exploration (``services/router/exploration.py``): off by default; when on, a share of new
topics drawn by Thompson sampling, never for empathy, pinned requests or inside a topic."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from masterx.domain import Category, RouteReason
from masterx.live_quality import thompson_draw
from services.router.exploration import Exploration
from services.router.settings import RouterSettings
from tests.router.live_support import BENCHMARK, UPSET, decider, session


def chosen(exploration: Exploration | None, runs: int = 400, **kwargs: object) -> Counter[str]:
    route = decider(lambda: BENCHMARK, exploration=exploration, **kwargs)  # type: ignore[arg-type]
    return Counter(route.decide("fix my loop", f"s{i}", None).chosen.provider for i in range(runs))


def test_off_by_default() -> None:
    assert RouterSettings().exploration_share == 0.0
    assert chosen(None) == {"alpha": 400}
    assert chosen(Exploration(0.0, random.Random(1))) == {"alpha": 400}


def test_a_share_of_new_topics_goes_to_a_drawn_provider() -> None:
    route = decider(lambda: BENCHMARK, exploration=Exploration(0.5, random.Random(3)))
    decisions = [route.decide("fix my loop", f"s{i}", None) for i in range(400)]
    explored = [d for d in decisions if d.reason is RouteReason.EXPLORATION]
    assert 0 < len(explored) < 200  # only within the share, and the best often wins the draw
    assert all(d.chosen.provider != "alpha" for d in explored)
    assert all(d.explanation.startswith("exploration: ") for d in explored)
    counts = Counter(d.chosen.provider for d in explored)
    assert counts["beta"] > counts.get("gamma", 0)  # the closer provider is drawn more often
    for d in explored:
        assert sorted(c.provider for c in d.ranking) == ["alpha", "beta", "gamma"]


def test_never_for_empathy_never_inside_a_topic_never_pinned() -> None:
    always = Exploration(1.0, random.Random(5))
    assert chosen(always, 100, category=Category.EMPATHY) == {"alpha": 100}
    assert chosen(always, 100, emotion=UPSET) == {"alpha": 100}
    route = decider(lambda: BENCHMARK, exploration=always)
    for i in range(100):
        inside = route.decide("next bug", f"s{i}", session("alpha", Category.CODING))
        assert inside.reason is RouteReason.SESSION_CONTINUITY
        pinned = route.decide("fix", f"p{i}", None, pinned="alpha")
        assert pinned.reason is RouteReason.PINNED
    changed = [route.decide("fix", f"t{i}", session("alpha", Category.MATH)) for i in range(100)]
    assert any(d.reason is RouteReason.EXPLORATION for d in changed)  # a topic change may


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_a_share_out_of_range_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="exploration share"):
        Exploration(share)


def test_the_cost_the_readme_quotes() -> None:
    """README "Exploration": the coding table of "How a provider is chosen", 13 tests each;
    gemini is the policy's choice. Shares of the draws, and the mean price of an explored
    topic relative to gemini's (prices from the table's cost points)."""
    quality = {"anthropic": 100.0, "gemini": 92.3, "openai": 92.3, "emergent": 84.6, "groq": 76.9}
    cost_points = {"anthropic": 31, "gemini": 70, "openai": 38, "emergent": 100, "groq": 88}
    price = {p: 10 ** ((100 - c) / 50) for p, c in cost_points.items()}  # x the cheapest
    rng = random.Random(11)
    wins: Counter[str] = Counter()
    draws = 20_000
    for _ in range(draws):
        drawn = {p: thompson_draw(q, 13, rng) for p, q in quality.items()}
        wins[max(drawn, key=lambda p: drawn[p])] += 1
    share = {p: wins[p] / draws for p in quality}
    assert share["gemini"] == pytest.approx(0.17, abs=0.015)
    assert share["anthropic"] == pytest.approx(0.61, abs=0.015)
    gain = sum(share[p] * (quality[p] - quality["gemini"]) for p in quality)
    assert gain == pytest.approx(4.2, abs=0.3)
    relative_price = sum(share[p] * price[p] / price["gemini"] for p in quality)
    assert relative_price == pytest.approx(4.6, abs=0.2)
