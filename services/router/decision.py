"""Turn a chat message into a routing decision (README, "Routing").

1. A pinned provider bypasses routing (still breaker-checked).
2. Emotion, detected or given by the client: distress above the threshold makes it ``empathy``.
3. Category, with the detector's confidence.
4. Session continuity: same topic (or no confident change) and its provider admitted: keep it.
5. Otherwise the quality-first policy (``masterx/policy.py``) among admitted providers, on the
   live quality estimate (``live_quality.py``): quality within a tolerance of the best first,
   then the category's weights; no evidence for the category: the ``general`` evidence, then
   the configured default order.
6. Exploration (off by default, ``exploration.py``): for a share of new topics outside
   empathy, a Thompson draw over the live estimates may put another provider first.
7. The rest of the ranking is the fallback chain.

Before all of it, providers that cannot serve what the request needs (tools, JSON schema,
images, its length: ``capability_filter.py``) are excluded, listed with the reason; none left,
or a pinned one excluded: :class:`CapabilityError` (a 400 naming the capability).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from masterx.chat.contract import CacheStatus, EmotionReading, Exclusion, Routing
from masterx.domain import BreakerState, Category, RouteReason
from masterx.policy import DEFAULT_POLICY, QualityPolicy
from masterx.providers import ProviderSpec
from masterx.providers.capabilities import CapabilityTable
from masterx.providers.capability_check import RequestNeeds
from masterx.quoting import quoted
from masterx.selection import BenchmarkTable, Candidate, rank_providers
from services.router.capability_filter import refusal, screen
from services.router.detection import is_distressed
from services.router.exploration import Exploration
from services.router.sessions import SessionState


class CategoryDetecting(Protocol):
    def detect(self, text: str) -> CategoryGuessLike: ...


class CategoryGuessLike(Protocol):
    @property
    def category(self) -> Category: ...

    @property
    def confidence(self) -> float: ...


class EmotionDetecting(Protocol):
    def detect(self, text: str) -> EmotionReading: ...


@dataclass(frozen=True)
class Decision:
    session_id: str
    category: Category
    confidence: float
    emotion: EmotionReading
    reason: RouteReason
    ranking: list[Candidate]
    topic_changed: bool
    detected_category: Category  # what the detector said before topic and emotion rules
    # The provider the session's topic stays assigned to: the chosen one, except while the
    # session's own provider is unavailable (served by a stand-in, it comes back once it
    # recovers) or the request pinned another.
    assigned_provider: str
    explanation: str = ""
    excluded: tuple[Exclusion, ...] = ()  # providers the request's needs ruled out, and why

    @property
    def chosen(self) -> Candidate:
        return self.ranking[0]

    def routing(
        self,
        provider: str = "",
        model: str = "",
        reason: RouteReason | None = None,
        cache: CacheStatus = "",
    ) -> Routing:
        """The decision as callers see it, served by ``provider`` (default: the chosen one),
        and what the response cache did (``cache``)."""
        served = next((c for c in self.ranking if c.provider == provider), self.chosen)
        return Routing(
            provider=served.provider,
            model=model or served.model,
            category=self.category,
            confidence=self.confidence,
            emotion=self.emotion,
            reason=reason or self.reason,
            score=served.score or 0.0,
            ranking=tuple(self.ranking),
            topic_changed=self.topic_changed,
            session_id=self.session_id,
            explanation=self.explanation,
            excluded=self.excluded,
            cache=cache,
        )


class UnknownProviderError(ValueError):
    pass


@dataclass(frozen=True)
class RoutingPolicy:
    default_order: list[str]
    empathy_threshold: float
    topic_change_confidence: float
    quality: QualityPolicy = DEFAULT_POLICY


class Decider:
    def __init__(
        self,
        providers: dict[str, ProviderSpec],
        scores: Callable[[], BenchmarkTable],
        breaker_state: Callable[[str], BreakerState],
        categories: CategoryDetecting,
        emotions: EmotionDetecting,
        policy: RoutingPolicy,
        capabilities: CapabilityTable | None = None,
        exploration: Exploration | None = None,
    ) -> None:
        self._exploration = exploration
        self._models = {name: spec.model for name, spec in providers.items()}
        self._kinds: dict[str, str] = {name: spec.kind for name, spec in providers.items()}
        self._capabilities = capabilities or CapabilityTable.load()
        self._scores = scores
        self._breaker_state = breaker_state
        self._categories = categories
        self._emotions = emotions
        self._policy = policy

    def _pinned(self, provider: str, model: str) -> list[Candidate]:
        if provider not in self._models:
            known = ", ".join(sorted(self._models))
            raise UnknownProviderError(f"unknown provider {quoted(provider)}; known: {known}")
        return [
            Candidate(
                provider, model or self._models[provider], None, self._breaker_state(provider)
            )
        ]

    def _is_new_topic(self, detected: Category, confidence: float) -> bool:
        """A confident, specific category starts a new topic. ``general`` is what the detector
        answers when a message carries no subject of its own ("can you show me the fixed
        version?", "what should I do now?"): inside a conversation that is a follow-up, and
        the conversation's provider can answer it, so it never displaces a specific topic."""
        if detected is Category.GENERAL:
            return False
        return confidence >= self._policy.topic_change_confidence

    def decide(
        self,
        text: str,
        session_id: str,
        session: SessionState | None,
        *,
        pinned: str = "",
        pinned_model: str = "",
        emotion: EmotionReading | None = None,
        needs: RequestNeeds | None = None,
    ) -> Decision:
        needs = needs or RequestNeeds()
        reading = emotion if emotion is not None else self._emotions.detect(text)
        guess = self._categories.detect(text)
        detected, confidence = guess.category, guess.confidence
        distressed = is_distressed(reading, self._policy.empathy_threshold)
        category = Category.EMPATHY if distressed else detected
        topic = session.current_topic if session else None
        topic_changed = False
        if topic is not None and category is not topic:
            if distressed or self._is_new_topic(detected, confidence):
                topic_changed = True
            else:
                category = topic  # a follow-up of the conversation's topic

        def decision(
            reason: RouteReason, ranking: list[Candidate], assigned: str = "", why: str = ""
        ) -> Decision:
            return Decision(
                session_id,
                category,
                confidence,
                reading,
                reason,
                ranking,
                topic_changed,
                detected,
                assigned or ranking[0].provider,
                why,
                excluded,
            )

        keep = session.current_provider if session and not topic_changed else ""
        if pinned:
            keep = keep if keep in self._models and topic is not None else ""
            ranking = self._pinned(pinned, pinned_model)
            pin = ranking[0]
            pin_screen = screen(needs, {pin.provider: pin.model}, self._kinds, self._capabilities)
            if pin_screen.refused:
                raise refusal(pin_screen, f"{pin.provider}/{pin.model}")
            excluded = pin_screen.excluded  # none: the pin can serve
            return decision(RouteReason.PINNED, ranking, keep, f"pinned by the request: {pinned}")
        screening = screen(needs, self._models, self._kinds, self._capabilities)
        models, excluded = screening.allowed, screening.excluded
        if not models:
            raise refusal(screening)
        keep = keep if keep in models and topic is not None else ""
        states = {name: self._breaker_state(name) for name in models}
        table = self._scores()
        selection = rank_providers(
            models,
            category,
            table.evidence,
            states,
            self._policy.default_order,
            table.weights,
            self._policy.quality,
        )
        ranking, why = selection.ranking, selection.explanation
        if keep and states[keep] is not BreakerState.OPEN:
            kept = next(c for c in ranking if c.provider == keep)
            rest = [c for c in ranking if c.provider != keep]
            why = f"session continuity: {keep} keeps the session's {category.value} topic"
            return decision(RouteReason.SESSION_CONTINUITY, [kept, *rest], why=why)
        if keep:  # the session's provider is down: a stand-in serves, the assignment stays
            why = f"the session's provider {keep} is unavailable; stand-in: {why}"
            return decision(RouteReason.FALLBACK, ranking, keep, why)
        if distressed:
            return decision(RouteReason.EMOTION_EMPATHY, ranking, why=f"empathy: {why}")
        inside_topic = topic is not None and not topic_changed
        explored = None if inside_topic else self._explore(category, selection.reason, ranking)
        if explored is not None:
            rest = [c for c in ranking if c.provider != explored.provider]
            a = explored.assessment
            drawn = f" (live quality {a.quality:.1f} over {a.tests} answers)" if a else ""
            why = f"exploration: a Thompson draw chose {explored.provider}{drawn}; best: {why}"
            return decision(RouteReason.EXPLORATION, [explored, *rest], why=why)
        return decision(selection.reason, ranking, why=why)

    def _explore(
        self, category: Category, reason: RouteReason, ranking: list[Candidate]
    ) -> Candidate | None:
        """A provider other than the best, drawn for this new topic (``exploration.py``);
        never for empathy, never without evidence. Only called outside a session's topic."""
        if self._exploration is None or category is Category.EMPATHY:
            return None
        if reason is not RouteReason.BEST_BENCHMARK:
            return None
        picked = self._exploration.pick(ranking)
        if picked is None or picked.provider == ranking[0].provider:
            return None
        return picked
