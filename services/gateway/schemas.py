"""The seed API's chat and route bodies, the error envelope, and the value types they share."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

NAME_PATTERN = r"^[A-Za-z0-9_.:@\-]+$"
CategoryName = Literal["coding", "math", "research", "language", "empathy", "general"]
ReasonName = Literal[
    "pinned",
    "session_continuity",
    "best_benchmark",
    "emotion_empathy",
    "default",
    "fallback",
    "last_resort",
    "exploration",
]
StateName = Literal["closed", "half_open", "open"]
FailureName = Literal[
    "timeout", "connection", "server", "rate_limited", "auth", "bad_request", "cancelled"
]


def _unicode_text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogate escapes)") from None
    return value


# Free text: any string that can travel as UTF-8.
Text = Annotated[str, AfterValidator(_unicode_text)]
# Ids and names: user ids, session ids, provider names.
Name = Annotated[str, Field(min_length=1, max_length=128, pattern=NAME_PATTERN)]
ContextKey = Annotated[Text, Field(max_length=64)]
ContextValue = Annotated[Text, Field(max_length=1024)]
Intensity = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]

# Request bodies: unknown fields and wrong types (no "1" for 1, no "yes" for true) are a 400.
STRICT = ConfigDict(extra="forbid", strict=True)


def examples_config(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class EmotionIn(BaseModel):
    """An emotion state detected by the client; intensities from 0 to 1."""

    model_config = STRICT | examples_config({"primary_emotion": "frustration", "frustration": 0.8})
    primary_emotion: Text = Field(
        "neutral", min_length=1, max_length=32, description="The dominant emotion."
    )
    frustration: Intensity = Field(0.0, description="Frustration, 0 (none) to 1.")
    anxiety: Intensity = Field(0.0, description="Anxiety, 0 (none) to 1.")
    sadness: Intensity = Field(0.0, description="Sadness, 0 (none) to 1.")
    confusion: Intensity = Field(0.0, description="Confusion, 0 (none) to 1.")
    joy: Intensity = Field(0.0, description="Joy, 0 (none) to 1.")


class EmotionOut(BaseModel):
    """The emotion state the router used: detected from the message, or the client's."""

    primary_emotion: str = Field(..., description="The dominant emotion.")
    frustration: float = Field(..., description="Frustration, 0 to 1.")
    anxiety: float = Field(..., description="Anxiety, 0 to 1.")
    sadness: float = Field(..., description="Sadness, 0 to 1.")
    confusion: float = Field(..., description="Confusion, 0 to 1.")
    joy: float = Field(..., description="Joy, 0 to 1.")


class ChatIn(BaseModel):
    """One learner message for the chat endpoint (README, "HTTP API")."""

    model_config = STRICT | examples_config(
        {"user_id": "u1", "message": "Explain merge sort"},
        {"user_id": "u1", "message": "Now explain quicksort", "session_id": "s-42"},
        {"user_id": "u2", "message": "Solve 2x+5=15", "provider": "gemini"},
    )
    user_id: Name = Field(..., description="The learner's id.")
    message: Text = Field(
        ...,
        min_length=1,
        description="The learner's message; see maxLength (MASTERX_MAX_MESSAGE_CHARS).",
    )
    session_id: Name | None = Field(
        None, description="Continue this conversation; omit to start one."
    )
    context: dict[ContextKey, ContextValue] = Field(
        default_factory=dict, max_length=32, description="Free-form context for the router."
    )
    emotion: EmotionIn | None = Field(None, description="Skip emotion detection and use this.")
    provider: Name | None = Field(None, description="Pin a provider: bypasses routing.")
    model: Text | None = Field(
        None, min_length=1, max_length=128, description="With provider: pin a model too."
    )


class AttemptOut(BaseModel):
    """One provider call made for the request."""

    provider: str = Field(..., description="The provider called.")
    model: str = Field(..., description="The model called.")
    ok: bool = Field(..., description="Whether the call answered.")
    kind: FailureName | None = Field(None, description="Failure kind when the attempt failed.")
    error: str = Field("", description="What went wrong, when the attempt failed.")
    latency_ms: float = Field(..., description="Time the call took, in milliseconds.")


class ChatOut(BaseModel):
    """The answer, who gave it, and why that provider."""

    model_config = examples_config(
        {
            "response": "Merge sort splits the list in halves, sorts each and merges them ...",
            "provider": "anthropic",
            "model": "claude-sonnet-4-6",
            "category": "coding",
            "confidence": 0.92,
            "reason": "best_benchmark",
            "session_id": "s-2f6c1e0b",
            "request_id": "0d9f4c3b8a7e4e1f9d2c6b5a4e3f2a1b",
            "cost_usd": 0.00042,
            "latency_ms": 61.5,
            "prompt_tokens": 12,
            "completion_tokens": 96,
            "attempts": [
                {
                    "provider": "anthropic",
                    "model": "claude-sonnet-4-6",
                    "ok": True,
                    "kind": None,
                    "error": "",
                    "latency_ms": 58.1,
                }
            ],
        }
    )
    response: str = Field(..., description="The provider's answer.")
    provider: str = Field(..., description="The provider that answered.")
    model: str = Field(..., description="The model that answered.")
    category: CategoryName = Field(..., description="The message's task category.")
    confidence: float = Field(..., description="The category detector's confidence, 0 to 1.")
    reason: ReasonName = Field(..., description="Why this provider was chosen.")
    session_id: str = Field(..., description="The conversation's id (a new one if none was given).")
    request_id: str = Field(..., description="This request's id (also in X-Request-ID).")
    cost_usd: float = Field(..., description="The provider call's cost in US dollars.")
    latency_ms: float = Field(..., description="Router time for the request, provider included.")
    prompt_tokens: int = Field(..., description="Tokens in the prompt.")
    completion_tokens: int = Field(..., description="Tokens in the answer.")
    attempts: list[AttemptOut] = Field(..., description="Every provider call made, in order.")
    cached: bool = Field(
        False,
        description="Answered from the response cache: no provider call, cost_usd 0 "
        "(also X-MasterX-Cache: hit).",
    )
    cost_saved_usd: float = Field(
        0.0, description="A cached answer: what its original provider call cost."
    )


class RouteIn(BaseModel):
    """A message to route without sending it anywhere."""

    model_config = STRICT | examples_config(
        {"message": "Explain bubble sort"},
        {"message": "Now explain mergesort", "user_id": "u1", "session_id": "s-42"},
    )
    message: Text = Field(..., min_length=1, description="The message to route.")
    user_id: Name | None = Field(None, description="The learner's id.")
    session_id: Name | None = Field(None, description="The conversation it would belong to.")


class RankedProviderOut(BaseModel):
    """One candidate provider, in the router's order of preference."""

    provider: str = Field(..., description="The provider's name.")
    model: str = Field(..., description="The model it would use.")
    score: float = Field(
        ..., description="Its final score for the category (0-100); 0 without evidence."
    )
    state: StateName = Field(..., description="Its circuit breaker's state.")
    quality: float | None = Field(
        None, description="Mean benchmark quality (0-100); null without evidence."
    )
    quality_uncertainty: float | None = Field(
        None, description="The quality's uncertainty in points (the ± of quality)."
    )
    tests: int | None = Field(None, description="Graded tests behind the quality.")
    speed_score: float | None = Field(None, description="Speed points, 0-100, log scale.")
    cost_score: float | None = Field(None, description="Cost points, 0-100, log scale.")
    within_tolerance: bool | None = Field(
        None,
        description="Its quality is within the tolerance of the best admitted provider's;"
        " only those compete on speed and cost.",
    )
    benchmark_quality: float | None = Field(
        None,
        description="The benchmark's own quality (0-100); quality above is the live estimate"
        " (benchmark and learner ratings and hard signals) the policy ranked with.",
    )
    benchmark_tests: int | None = Field(None, description="Graded benchmark tests behind it.")
    prior_weight: float | None = Field(
        None, description="Answers' worth the benchmark weighed in the live estimate."
    )
    rating_weight: float | None = Field(
        None, description="Answers' worth learner ratings weighed (decayed)."
    )
    signal_weight: float | None = Field(
        None,
        description="Answers' worth hard signals weighed (errors, truncated answers, refusals).",
    )
    fallen: bool | None = Field(
        None,
        description="Its learners' ratings say its quality fell (the fall detector): it is"
        " outside the band until its hold ends (MASTERX_LIVE_FALL_*).",
    )


class ExcludedOut(BaseModel):
    """A provider that cannot serve the request, and why."""

    provider: str = Field(..., description="The provider.")
    model: str = Field(..., description="Its model.")
    reason: str = Field(..., description="The capability it lacks.")


class RouteOut(BaseModel):
    """The router's decision, explained: the answer to "why did it pick that?"."""

    model_config = examples_config(
        {
            "category": "coding",
            "confidence": 0.91,
            "emotion": {
                "primary_emotion": "neutral",
                "frustration": 0.0,
                "anxiety": 0.0,
                "sadness": 0.0,
                "confusion": 0.0,
                "joy": 0.0,
            },
            "provider": "anthropic",
            "model": "claude-sonnet-4-6",
            "reason": "best_benchmark",
            "score": 72.6,
            "explanation": "anthropic has the best assured quality for coding (quality 92.3 ±"
            " 6.6 over 13 tests); no other admitted provider is within the quality tolerance"
            " (3% + 0 points)",
            "ranking": [
                {
                    "provider": "anthropic",
                    "model": "claude-sonnet-4-6",
                    "score": 72.6,
                    "state": "closed",
                    "quality": 92.3,
                    "quality_uncertainty": 6.6,
                    "tests": 13,
                    "speed_score": 88.0,
                    "cost_score": 52.1,
                    "within_tolerance": True,
                },
                {
                    "provider": "openai",
                    "model": "gpt-4o",
                    "score": 70.2,
                    "state": "closed",
                    "quality": 76.9,
                    "quality_uncertainty": 10.9,
                    "tests": 13,
                    "speed_score": 91.5,
                    "cost_score": 60.3,
                    "within_tolerance": False,
                },
            ],
            "topic_changed": False,
            "session_id": "",
        }
    )
    category: CategoryName = Field(..., description="The detected task category.")
    confidence: float = Field(..., description="The category detector's confidence, 0 to 1.")
    emotion: EmotionOut = Field(..., description="The emotion state used for routing.")
    provider: str = Field(..., description="The provider that would answer.")
    model: str = Field(..., description="The model that would answer.")
    reason: ReasonName = Field(..., description="Why this provider.")
    explanation: str = Field(..., description="Why the chosen provider won, in one sentence.")
    score: float = Field(..., description="The chosen provider's score for the category.")
    ranking: list[RankedProviderOut] = Field(
        ..., description="Every candidate in order: the fallback chain."
    )
    excluded: list[ExcludedOut] = Field(
        default_factory=list,
        description="Providers the request's needs (tools, JSON schema, images, length) ruled "
        "out before ranking, with the reason.",
    )
    topic_changed: bool = Field(..., description="The session's topic would change.")
    session_id: str = Field(..., description="The session considered (empty: none).")


class ErrorDetail(BaseModel):
    """What went wrong."""

    message: str = Field(..., description="A human-readable explanation.")
    type: str = Field(..., description="invalid_request_error, authentication_error, ...")
    param: str | None = Field(None, description="The request field at fault, if any.")
    code: str | None = Field(None, description="A machine-readable code, if any.")
    attempts: list[AttemptOut] | None = Field(
        None, description="With code all_providers_failed: every provider call made."
    )


class ErrorResponse(BaseModel):
    """The OpenAI error envelope, used by every endpoint."""

    model_config = examples_config(
        {
            "error": {
                "message": "message: String should have at least 1 character",
                "type": "invalid_request_error",
                "param": "message",
                "code": None,
            }
        }
    )
    error: ErrorDetail = Field(..., description="The error.")
