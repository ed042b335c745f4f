"""The public HTTP API's request and response bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

NAME_PATTERN = r"^[A-Za-z0-9_.:@\-]+$"


class EmotionIn(BaseModel):
    """An emotion state detected by the client; intensities from 0 to 1."""

    model_config = ConfigDict(extra="forbid")
    primary_emotion: str = Field("neutral", max_length=32, description="The dominant emotion.")
    frustration: float = Field(0.0, ge=0, le=1)
    anxiety: float = Field(0.0, ge=0, le=1)
    sadness: float = Field(0.0, ge=0, le=1)
    confusion: float = Field(0.0, ge=0, le=1)
    joy: float = Field(0.0, ge=0, le=1)


class ChatIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"user_id": "u1", "message": "Explain merge sort"}]},
    )
    user_id: str = Field(
        ..., min_length=1, max_length=256, pattern=NAME_PATTERN, description="The learner's id."
    )
    message: str = Field(..., min_length=1, description="The learner's message.")
    session_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=NAME_PATTERN,
        description="Continue this conversation; omit to start one.",
    )
    context: dict[str, str] = Field(
        default_factory=dict, max_length=32, description="Free-form context passed to the router."
    )
    emotion: EmotionIn | None = Field(None, description="Skip emotion detection and use this.")
    provider: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=NAME_PATTERN,
        description="Pin a provider: bypasses routing.",
    )
    model: str | None = Field(
        None, min_length=1, max_length=128, description="With provider: pin a model too."
    )


class AttemptOut(BaseModel):
    provider: str
    model: str
    ok: bool
    kind: str | None = Field(None, description="Failure kind when the attempt failed.")
    error: str = ""
    latency_ms: float


class ChatOut(BaseModel):
    response: str = Field(..., description="The provider's answer.")
    provider: str
    model: str
    category: str = Field(..., description="coding, math, research, language, empathy or general.")
    confidence: float
    reason: str = Field(..., description="Why this provider: pinned, best_benchmark, ...")
    session_id: str
    request_id: str
    cost_usd: float
    latency_ms: float = Field(..., description="Router time for the request, provider included.")
    prompt_tokens: int
    completion_tokens: int
    attempts: list[AttemptOut]
