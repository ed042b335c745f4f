"""The optional LLM-as-judge check: a configured provider grades an answer against criteria.

Off unless ``MASTERX_BENCHMARK_JUDGE_PROVIDER`` names a provider. A judge that fails or whose
reply has no ``SCORE: n`` line leaves the check out of the test's quality (it is not the graded
provider's fault) and says so in the check's detail.
"""

from __future__ import annotations

import asyncio
import re
from typing import Protocol

from masterx.providers.base import ChatTurn, Completion, ProviderError
from services.benchmark.graders.text import CheckScore

SYSTEM = (
    "You grade an assistant's answer for a learning platform. Judge only against the "
    "criteria given. Reply with one short sentence of reasons, then a last line exactly "
    "'SCORE: n' where n is an integer from 0 (fails the criteria) to 10 (meets them fully)."
)
_SCORE = re.compile(r"SCORE:\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


class JudgeModel(Protocol):
    async def generate(
        self,
        turns: list[ChatTurn],
        *,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> Completion: ...


def judge_turns(prompt: str, answer: str, criteria: str) -> list[ChatTurn]:
    body = (
        f"Question:\n{prompt}\n\nAnswer to grade:\n{answer}\n\nCriteria:\n{criteria}\n\n"
        "Remember: the last line is 'SCORE: n' (0-10)."
    )
    return [ChatTurn("system", SYSTEM), ChatTurn("user", body)]


def parse_score(reply: str) -> float | None:
    """0..1 from the last 'SCORE: n' line (n in 0..10), None when there is none."""
    found = _SCORE.findall(reply)
    if not found:
        return None
    return max(0.0, min(10.0, float(found[-1]))) / 10


class Judge:
    def __init__(self, model: JudgeModel, timeout_s: float = 60.0) -> None:
        self._model = model
        self._timeout_s = timeout_s

    async def grade(self, prompt: str, answer: str, criteria: str) -> CheckScore | None:
        try:
            async with asyncio.timeout(self._timeout_s):
                completion = await self._model.generate(
                    judge_turns(prompt, answer, criteria), max_tokens=256, temperature=0.0
                )
        except (ProviderError, TimeoutError):
            return None
        score = parse_score(completion.text)
        if score is None:
            return None
        return CheckScore(score, f"judge: {score * 10:g}/10")
