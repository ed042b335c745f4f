"""The shape of a suite file: tests, and the checks that grade an answer.

A test's quality is the weighted mean of its checks' scores (each 0..1), times 100. Every test
carries a ``reference_answer`` that its own checks grade 100 (the simulator answers with it;
``suites.load_suite`` grades it with every check that needs neither sandbox nor judge).
"""

from __future__ import annotations

import ast
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from masterx.domain import Category

MAX_TESTS_PER_SUITE = 1000
MAX_TEST_TOKENS = 32768  # a test's own max_tokens: more than any model's output limit


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank (white space only)")
    return value


def _parses(snippet: str) -> str:
    """A unit-test snippet is Python that parses (found at load, not in the middle of a run)."""
    try:
        ast.parse(snippet)
    except SyntaxError as error:
        raise ValueError(f"not valid Python: {error.msg} (line {error.lineno})") from None
    except ValueError as error:  # a NUL byte
        raise ValueError(f"not valid Python: {error}") from None
    return snippet


TestId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Phrase = Annotated[str, Field(min_length=1)]
Text = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
Snippet = Annotated[str, Field(min_length=1), AfterValidator(_parses)]
Weight = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]
Finite = Annotated[float, Field(strict=True, allow_inf_nan=False)]  # a number, not a bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeywordsCheck(_Strict):
    """Keywords, each a phrase or a list of synonyms; full marks at ``required_fraction``."""

    kind: Literal["keywords"]
    keywords: list[Phrase | list[Phrase]] = Field(min_length=1)
    required_fraction: float = Field(1.0, gt=0, le=1, allow_inf_nan=False)
    weight: Weight = 1.0

    @property
    def groups(self) -> list[list[str]]:
        return [[k] if isinstance(k, str) else k for k in self.keywords]


class ContainsCheck(_Strict):
    """Phrases the answer must contain and must not contain; the score is the share obeyed."""

    kind: Literal["contains"]
    must_contain: list[Phrase] = []
    must_not_contain: list[Phrase] = []
    case_sensitive: bool = False
    weight: Weight = 1.0

    @model_validator(mode="after")
    def _something(self) -> ContainsCheck:
        if not self.must_contain and not self.must_not_contain:
            raise ValueError("needs must_contain or must_not_contain")
        return self


class ExactCheck(_Strict):
    """The final answer (after 'Answer:', else the last line) equals one of these, normalised."""

    kind: Literal["exact"]
    answer: Phrase
    alternatives: list[Phrase] = []
    weight: Weight = 1.0


class NumericCheck(_Strict):
    """The final number of the answer is within tolerance of ``answer``."""

    kind: Literal["numeric"]
    answer: Finite
    tolerance: Finite = Field(1e-6, ge=0)
    relative_tolerance: Finite = Field(0.0, ge=0, lt=1)
    weight: Weight = 1.0


class LengthCheck(_Strict):
    """Answer length in words; outside the bounds the score falls in proportion."""

    kind: Literal["length"]
    min_words: int | None = Field(None, ge=0)
    max_words: int | None = Field(None, ge=1)
    weight: Weight = 1.0

    @model_validator(mode="after")
    def _bounds(self) -> LengthCheck:
        if self.min_words is None and self.max_words is None:
            raise ValueError("needs min_words or max_words")
        if self.min_words is not None and self.max_words is not None:
            if self.min_words > self.max_words:
                raise ValueError("min_words is larger than max_words")
        return self


class Criterion(_Strict):
    """A named rubric line: at least ``min_matches`` of ``any`` present, none of ``none``."""

    name: Phrase
    any: list[Phrase] = []
    none: list[Phrase] = []
    min_matches: int = Field(1, ge=1)
    weight: Weight = 1.0

    @model_validator(mode="after")
    def _something(self) -> Criterion:
        if not self.any and not self.none:
            raise ValueError(f"criterion {self.name!r} needs 'any' or 'none' phrases")
        if self.any and self.min_matches > len(self.any):
            raise ValueError(f"criterion {self.name!r}: min_matches exceeds its phrases")
        return self


class RubricCheck(_Strict):
    """Named criteria (acknowledges the feeling, offers a next step, covers an aspect ...)."""

    kind: Literal["rubric"]
    criteria: list[Criterion] = Field(min_length=1)
    weight: Weight = 1.0


class UnitTestsCheck(_Strict):
    """The answer's fenced Python code, run in the sandbox against each test snippet."""

    kind: Literal["unit_tests"]
    tests: list[Snippet] = Field(min_length=1)
    entry_point: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    weight: Weight = 1.0


class JudgeCheck(_Strict):
    """An LLM grades the answer against ``criteria``; skipped unless a judge is configured."""

    kind: Literal["judge"]
    criteria: Phrase
    weight: Weight = 1.0


Check = Annotated[
    KeywordsCheck
    | ContainsCheck
    | ExactCheck
    | NumericCheck
    | LengthCheck
    | RubricCheck
    | UnitTestsCheck
    | JudgeCheck,
    Field(discriminator="kind"),
]
CHECK_KINDS = frozenset(
    ("keywords", "contains", "exact", "numeric", "length", "rubric", "unit_tests", "judge")
)


class BenchTest(_Strict):
    id: TestId
    prompt: Text
    system: str | None = None
    max_tokens: int | None = Field(None, ge=16, le=MAX_TEST_TOKENS)
    checks: list[Check] = Field(min_length=1)
    reference_answer: Text

    @model_validator(mode="after")
    def _gradable_without_judge(self) -> BenchTest:
        if all(isinstance(c, JudgeCheck) for c in self.checks):
            raise ValueError("needs at least one check besides 'judge'")
        return self


class Suite(_Strict):
    category: Category
    description: str = ""
    tests: list[BenchTest] = Field(min_length=1, max_length=MAX_TESTS_PER_SUITE)
