"""The routing decision as a pure function: hypothesis properties of its rules."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from masterx.domain import BreakerState, Category, RouteReason
from masterx.policy import Evidence
from masterx.providers import ProviderSpec
from masterx.selection import BenchmarkTable
from services.router.decision import Decider, RoutingPolicy
from services.router.detection import EmotionReading
from services.router.sessions import SessionState

NAMES = ("alpha", "beta", "gamma", "delta")
CALM = EmotionReading("neutral", 0.0, 0.0, 0.0, 0.0, 0.0)
UPSET = EmotionReading("frustration", 0.9, 0.2, 0.1, 0.3, 0.0)


@dataclass(frozen=True)
class Guess:
    category: Category
    confidence: float


class FixedCategory:
    def __init__(self, guess: Guess) -> None:
        self.guess = guess

    def detect(self, text: str) -> Guess:
        return self.guess


class FixedEmotion:
    def __init__(self, reading: EmotionReading) -> None:
        self.reading = reading

    def detect(self, text: str) -> EmotionReading:
        return self.reading


def quality_table(quality: dict[tuple[str, Category], float]) -> BenchmarkTable:
    """Benchmark evidence of these qualities, every provider equally fast and cheap."""
    return BenchmarkTable(
        {key: Evidence(q, tests=50, latency_ms=100.0, cost_usd=0.01) for key, q in quality.items()}
    )


categories = st.sampled_from(list(Category))
states = st.fixed_dictionaries({n: st.sampled_from(list(BreakerState)) for n in NAMES})
scores = st.dictionaries(
    st.tuples(st.sampled_from(NAMES), categories), st.floats(0, 100), max_size=16
)
sessions = st.one_of(
    st.none(),
    st.builds(
        SessionState,
        session_id=st.just("s"),
        user_id=st.just("u"),
        current_provider=st.sampled_from(NAMES),
        current_topic=st.one_of(st.none(), categories),
        message_count=st.integers(1, 9),
        updated_at=st.just(0.0),
    ),
)


def _decider(
    state: dict[str, BreakerState],
    score: dict[tuple[str, Category], float],
    guess: Guess,
    emotion: EmotionReading = CALM,
) -> Decider:
    providers = {n: ProviderSpec(n, "openai", f"http://{n}", f"{n}-model") for n in NAMES}
    table = quality_table(score)
    return Decider(
        providers,
        lambda: table,
        state.__getitem__,
        FixedCategory(guess),
        FixedEmotion(emotion),
        RoutingPolicy([], 0.6, 0.55),
    )


@given(states, scores, categories, st.floats(0, 1), sessions)
def test_an_open_provider_is_chosen_only_when_every_one_is_open(
    state: dict[str, BreakerState],
    score: dict[tuple[str, Category], float],
    category: Category,
    confidence: float,
    session: SessionState | None,
) -> None:
    decision = _decider(state, score, Guess(category, confidence)).decide("m", "s", session)
    if decision.chosen.state is BreakerState.OPEN:
        assert all(s is BreakerState.OPEN for s in state.values())
    assert sorted(c.provider for c in decision.ranking) == sorted(NAMES)


@given(states, scores, categories, st.sampled_from(NAMES), sessions)
def test_a_pinned_provider_wins_and_keeps_the_sessions_assignment(
    state: dict[str, BreakerState],
    score: dict[tuple[str, Category], float],
    category: Category,
    pinned: str,
    session: SessionState | None,
) -> None:
    decision = _decider(state, score, Guess(category, 0.9)).decide("m", "s", session, pinned=pinned)
    assert decision.reason is RouteReason.PINNED
    assert [c.provider for c in decision.ranking] == [pinned]


@given(states, scores, categories, st.sampled_from(NAMES), st.floats(0, 1))
def test_the_same_topic_stays_with_its_admitted_provider(
    state: dict[str, BreakerState],
    score: dict[tuple[str, Category], float],
    category: Category,
    provider: str,
    confidence: float,
) -> None:
    session = SessionState("s", "u", provider, category, 3, 0.0)
    decision = _decider(state, score, Guess(category, confidence)).decide("m", "s", session)
    assert decision.assigned_provider == provider and not decision.topic_changed
    if state[provider] is BreakerState.OPEN:
        assert decision.reason is RouteReason.FALLBACK
        assert decision.chosen.provider != provider or all(
            s is BreakerState.OPEN for s in state.values()
        )
    else:
        assert (decision.chosen.provider, decision.reason) == (
            provider,
            RouteReason.SESSION_CONTINUITY,
        )


@given(scores, st.sampled_from(NAMES))
def test_a_confident_new_topic_reroutes_and_an_unsure_one_does_not(
    score: dict[tuple[str, Category], float],
    provider: str,
) -> None:
    closed = dict.fromkeys(NAMES, BreakerState.CLOSED)
    session = SessionState("s", "u", provider, Category.CODING, 3, 0.0)
    sure = _decider(closed, score, Guess(Category.MATH, 0.9)).decide("m", "s", session)
    assert sure.topic_changed and sure.category is Category.MATH
    assert sure.reason is not RouteReason.SESSION_CONTINUITY
    unsure = _decider(closed, score, Guess(Category.MATH, 0.3)).decide("m", "s", session)
    assert not unsure.topic_changed and unsure.category is Category.CODING
    assert unsure.chosen.provider == provider


@given(scores, st.sampled_from(NAMES), categories, st.floats(0, 1))
def test_a_general_follow_up_keeps_a_specific_topic_and_a_specific_one_leaves_general(
    score: dict[tuple[str, Category], float],
    provider: str,
    topic: Category,
    confidence: float,
) -> None:
    closed = dict.fromkeys(NAMES, BreakerState.CLOSED)
    session = SessionState("s", "u", provider, topic, 3, 0.0)
    follow_up = _decider(closed, score, Guess(Category.GENERAL, confidence)).decide(
        "and now?", "s", session
    )
    assert not follow_up.topic_changed and follow_up.category is topic
    assert follow_up.chosen.provider == provider
    if topic is Category.GENERAL:
        return
    start = SessionState("s", "u", provider, Category.GENERAL, 3, 0.0)
    specific = _decider(closed, score, Guess(topic, max(confidence, 0.55))).decide("m", "s", start)
    assert specific.topic_changed and specific.category is topic


@given(scores)
def test_distress_routes_to_empathy(score: dict[tuple[str, Category], float]) -> None:
    closed = dict.fromkeys(NAMES, BreakerState.CLOSED)
    decision = _decider(closed, score, Guess(Category.CODING, 0.99), UPSET).decide("m", "s", None)
    assert decision.category is Category.EMPATHY
    assert decision.reason is RouteReason.EMOTION_EMPATHY
    assert decision.detected_category is Category.CODING


@given(states, scores, categories, st.floats(0, 1))
def test_decisions_are_deterministic(
    state: dict[str, BreakerState],
    score: dict[tuple[str, Category], float],
    category: Category,
    confidence: float,
) -> None:
    decider = _decider(state, score, Guess(category, confidence))
    assert decider.decide("m", "s", None) == decider.decide("m", "s", None)
