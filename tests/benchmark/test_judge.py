"""The optional LLM-as-judge check."""

from __future__ import annotations

from typing import Any

import pytest

from masterx.domain import FailureKind
from masterx.providers.base import ChatTurn, Completion, ProviderError, Usage
from services.benchmark.graders import Grader
from services.benchmark.graders.judge import Judge, parse_score
from services.benchmark.sandbox import Sandbox
from services.benchmark.suite_model import BenchTest


class ScriptedJudge:
    """Stands in for the judge provider (the outside world): replies with a fixed text."""

    def __init__(self, reply: str | None) -> None:
        self.reply = reply
        self.seen: list[list[ChatTurn]] = []

    async def generate(
        self,
        turns: list[ChatTurn],
        *,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> Completion:
        self.seen.append(turns)
        if self.reply is None:
            raise ProviderError("judge", FailureKind.SERVER, "HTTP 503")
        return Completion(self.reply, "judge-model", Usage(10, 5), "stop")


def judged_test(**extra: Any) -> BenchTest:
    return BenchTest.model_validate(
        {
            "id": "t",
            "prompt": "Why is the sky blue?",
            "reference_answer": "Rayleigh scattering",
            "checks": [
                {"kind": "keywords", "keywords": ["rayleigh"]},
                {"kind": "judge", "criteria": "Mentions scattering.", **extra},
            ],
        }
    )


@pytest.mark.parametrize(
    ("reply", "score"),
    [
        ("Good.\nSCORE: 7", 0.7),
        ("score: 10", 1.0),
        ("SCORE: 3\nSCORE: 9", 0.9),
        ("SCORE: 42", 1.0),
        ("no verdict", None),
    ],
)
def test_the_judges_score_is_its_last_score_line(reply: str, score: float | None) -> None:
    assert parse_score(reply) == score


async def test_the_judge_sees_question_answer_and_criteria(sandbox: Sandbox) -> None:
    model = ScriptedJudge("Partly.\nSCORE: 5")
    grade = await Grader(sandbox, Judge(model)).grade(judged_test(), "Rayleigh, of course.")
    assert grade.quality == 75  # keywords 1.0 and judge 0.5, equal weights
    (turns,) = model.seen
    assert "Why is the sky blue?" in turns[-1].content
    assert "Rayleigh, of course." in turns[-1].content
    assert "Mentions scattering." in turns[-1].content


async def test_without_a_judge_the_judge_check_is_left_out(sandbox: Sandbox) -> None:
    grade = await Grader(sandbox).grade(judged_test(), "Rayleigh.")
    assert grade.quality == 100
    assert grade.checks[1].score is None and grade.checks[1].detail == "no judge configured"


@pytest.mark.parametrize("reply", [None, "I refuse to grade."])
async def test_a_failing_judge_leaves_its_check_out(sandbox: Sandbox, reply: str | None) -> None:
    grade = await Grader(sandbox, Judge(ScriptedJudge(reply))).grade(judged_test(), "Rayleigh.")
    assert grade.quality == 100 and grade.checks[1].detail == "judge gave no score"
