"""What a remembered chat sends the provider (README, "Conversation memory"): the context's
system turn, the history within its bounds, fitted to each model's context window."""

from __future__ import annotations

from dataclasses import replace

from masterx.chat.contract import ChatRequest, EmotionReading
from masterx.domain import BreakerState, Category, RouteReason
from masterx.providers.base import ChatTurn
from masterx.providers.capabilities import CapabilityTable, ModelCapabilities
from masterx.selection import Candidate
from services.router.bookkeeping import Routed
from services.router.conversation import (
    DEFAULT_OUTPUT_RESERVE,
    Conversation,
    ModelLimits,
    bounded,
    system_turn,
    turn_tokens,
)
from services.router.decision import Decision

WIDE = ModelCapabilities(False, False, False, False, False, False, 100_000, 8_000)


def _exchange(n: int, size: int = 40) -> tuple[ChatTurn, ...]:
    """n user/assistant pairs, each turn ``size`` characters (size / 4 tokens + framing)."""
    turns: list[ChatTurn] = []
    for i in range(n):
        turns += [
            ChatTurn("user", f"q{i}".ljust(size, ".")),
            ChatTurn("assistant", f"a{i}".ljust(size, ".")),
        ]
    return tuple(turns)


def _contents(turns: tuple[ChatTurn, ...]) -> list[str]:
    return [t.content[:2] for t in turns]


def test_the_system_key_is_verbatim_and_the_rest_a_sorted_learner_profile() -> None:
    turn = system_turn({"system": "Be kind.", "level": "beginner", "goal": "pass the exam"})
    assert turn == ChatTurn(
        "system", "Be kind.\n\nLearner profile:\n- goal: pass the exam\n- level: beginner"
    )
    assert system_turn({"level": "expert"}) == ChatTurn(
        "system", "Learner profile:\n- level: expert"
    )
    assert system_turn({}) is None
    assert system_turn({"system": "  ", "note": ""}) is None


def test_bounded_keeps_the_newest_turns_within_the_turn_limit() -> None:
    history = _exchange(4)
    assert _contents(bounded(history, 4, 10_000)) == ["q2", "a2", "q3", "a3"]
    assert bounded(history, 0, 10_000) == ()


def test_bounded_keeps_the_newest_turns_within_the_token_limit_from_a_user_turn() -> None:
    history = _exchange(4)
    per_turn = turn_tokens(history[0])
    # room for three turns: the oldest of them is an assistant turn, so it goes too
    assert _contents(bounded(history, 100, 3 * per_turn)) == ["q3", "a3"]
    assert _contents(bounded(history, 100, 4 * per_turn)) == ["q2", "a2", "q3", "a3"]
    assert bounded(history, 100, per_turn - 1) == ()


def test_fitted_sends_the_system_turn_then_the_history_then_the_new_turn() -> None:
    request = ChatRequest((ChatTurn("user", "new question"),), context={"system": "Be kind."})
    conversation = Conversation.of(request, _exchange(2))
    fitted = conversation.fitted(WIDE)
    roles = ["system", "user", "assistant", "user", "assistant", "user"]
    assert [t.role for t in fitted.turns] == roles
    assert fitted.turns[0].content == "Be kind."
    assert fitted.turns[-1].content == "new question"
    assert conversation.fitted(None).turns == fitted.turns  # unknown window: all of it


def test_a_small_window_drops_the_oldest_history_never_the_system_or_new_turn() -> None:
    request = ChatRequest((ChatTurn("user", "new question"),), context={"system": "Be kind."})
    history = _exchange(3)
    conversation = Conversation.of(request, history)
    essential = conversation.essential.turns
    used = 3 + sum(turn_tokens(t) for t in essential)
    room_for_two = used + 2 * turn_tokens(history[0])
    small = replace(WIDE, context_window=room_for_two + DEFAULT_OUTPUT_RESERVE)
    assert _contents(conversation.fitted(small).turns[1:-1]) == ["q2", "a2"]
    # the requested output is what is kept free, when the request names it
    asked = replace(request, max_tokens=10)
    fitted = Conversation.of(asked, history).fitted(
        replace(small, context_window=room_for_two + 10)
    )
    assert _contents(fitted.turns[1:-1]) == ["q2", "a2"]
    # no room at all: the history goes, the system turn and the question stay
    tiny = replace(WIDE, context_window=10, max_output_tokens=5)
    assert conversation.fitted(tiny).turns == essential


def _decision(ranking: list[Candidate]) -> Decision:
    return Decision(
        "s",
        Category.CODING,
        0.9,
        EmotionReading.neutral(),
        RouteReason.BEST_BENCHMARK,
        ranking,
        False,
        Category.CODING,
        ranking[0].provider,
    )


def test_a_fallback_with_a_smaller_window_gets_the_conversation_fitted_to_it() -> None:
    history = _exchange(3)
    request = ChatRequest((ChatTurn("user", "new question"),))
    conversation = Conversation.of(request, history)
    used = 3 + turn_tokens(request.turns[0])
    narrow_window = used + 2 * turn_tokens(history[0]) + 100
    table = CapabilityTable(
        {
            ("openai", "wide-model"): WIDE,
            ("openai", "narrow-model"): replace(
                WIDE, context_window=narrow_window, max_output_tokens=100
            ),
        }
    )
    limits = ModelLimits({"big": "openai", "small": "openai"}, table)
    chosen = Candidate("big", "wide-model", None, BreakerState.CLOSED)
    fallback = Candidate("small", "narrow-model", None, BreakerState.CLOSED)
    routed = Routed(
        conversation.fitted(limits.of("big", "wide-model")),
        _decision([chosen, fallback]),
        None,
        conversation=conversation,
        limits=limits,
    )
    assert routed.request_for(chosen) is routed.request
    assert len(routed.request.turns) == 7
    assert _contents(routed.request_for(fallback).turns) == ["q2", "a2", "ne"]


def test_a_request_not_remembered_is_sent_as_it_is() -> None:
    request = ChatRequest((ChatTurn("user", "hi"),), context={"system": "ignored"})
    candidate = Candidate("big", "m", None, BreakerState.CLOSED)
    routed = Routed(request, _decision([candidate]), None)
    assert routed.request_for(Candidate("other", "m2", None, BreakerState.CLOSED)) is request
