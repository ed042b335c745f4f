"""Turn a chat request into a routing decision: category, ranking, reason."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from masterx.domain import BreakerState, Category, RouteReason
from masterx.providers import ProviderSpec
from services.router.category import KeywordCategoryDetector
from services.router.scoreboard import ScoreBoard
from services.router.selection import Candidate, rank_providers


@dataclass(frozen=True)
class Decision:
    session_id: str
    category: Category
    confidence: float
    reason: RouteReason
    ranking: list[Candidate]

    @property
    def chosen(self) -> Candidate:
        return self.ranking[0]


class UnknownProviderError(ValueError):
    pass


class Decider:
    def __init__(
        self, providers: dict[str, ProviderSpec], scoreboard: ScoreBoard, default_order: list[str]
    ) -> None:
        self._providers = providers
        self._models = {name: spec.model for name, spec in providers.items()}
        self._scoreboard = scoreboard
        self._default_order = default_order
        self._detector = KeywordCategoryDetector()

    def decide(self, message: str, session_id: str, pinned: str, pinned_model: str) -> Decision:
        guess = self._detector.detect(message)
        session_id = session_id or uuid.uuid4().hex
        if pinned:
            if pinned not in self._providers:
                known = ", ".join(sorted(self._providers))
                raise UnknownProviderError(f"unknown provider {pinned!r}; known: {known}")
            model = pinned_model or self._models[pinned]
            ranking = [Candidate(pinned, model, None, BreakerState.CLOSED)]
            return Decision(
                session_id, guess.category, guess.confidence, RouteReason.PINNED, ranking
            )
        selection = rank_providers(
            self._models, guess.category, self._scoreboard.scores, {}, self._default_order
        )
        return Decision(
            session_id, guess.category, guess.confidence, selection.reason, selection.ranking
        )
