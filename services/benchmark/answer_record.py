"""What one test of one provider produced: the stored ``test_results`` document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from masterx.domain import Category
from services.benchmark.graders import CheckResult


@dataclass(frozen=True)
class AnswerRecord:
    provider: str
    model: str
    category: Category
    test_id: str
    quality: float  # 0..100; 0 when the provider failed
    latency_ms: float | None = None  # None when the provider failed
    cost_usd: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    excerpt: str = ""
    error: str | None = None  # a FailureKind value, "internal" or "grading"
    error_detail: str = ""
    checks: tuple[CheckResult, ...] = ()
    sandbox_outcome: str | None = None
    gradable: bool = True  # False: its code could not be run (no sandbox); out of quality

    @property
    def outcome(self) -> str:
        """For the tests-by-outcome metric: correct, partial, wrong, not_gradable, or the
        failure kind."""
        if self.error is not None:
            return self.error
        if not self.gradable:
            return "not_gradable"
        if self.quality >= 100:
            return "correct"
        return "partial" if self.quality > 0 else "wrong"

    def to_document(self, run_id: str, measured_at: float) -> dict[str, Any]:
        return {
            "run_id": run_id,
            "provider": self.provider,
            "model": self.model,
            "category": self.category.value,
            "test_id": self.test_id,
            "quality": self.quality,
            "latency_ms": self.latency_ms,
            "cost_usd": self.cost_usd,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "excerpt": self.excerpt,
            "error": self.error,
            "error_detail": self.error_detail,
            "sandbox_outcome": self.sandbox_outcome,
            "gradable": self.gradable,
            "checks": [
                {
                    "kind": c.kind,
                    "score": c.score,
                    "weight": c.weight,
                    "detail": c.detail,
                    "outcome": c.outcome,
                }
                for c in self.checks
            ],
            "measured_at": measured_at,
        }
