"""The feedback API's bodies: a learner's rating of one answer (README, "Feedback")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from services.gateway.schemas import STRICT, CategoryName, Name, Text, examples_config

COMMENT_MAX_CHARS = 500  # services/router/ratings.py bounds it the same
REQUEST_ID_PATTERN = r"^[A-Za-z0-9._:\-]+$"  # masterx/request_context.py's REQUEST_ID_PATTERN
RequestId = Annotated[str, Field(min_length=1, max_length=128, pattern=REQUEST_ID_PATTERN)]
Stars = Annotated[int, Field(ge=1, le=5)]


class FeedbackIn(BaseModel):
    """A rating of the answer to one chat request, by the key and user that made it."""

    model_config = STRICT | examples_config(
        {"request_id": "0d9f4c3b8a7e4e1f9d2c6b5a4e3f2a1b", "user_id": "u1", "rating": "up"},
        {"request_id": "0d9f4c3b8a7e4e1f", "user_id": "u1", "rating": 2, "comment": "wrong"},
    )
    request_id: RequestId | None = Field(
        None,
        description="The rated answer's request id: the chat response's request_id (its "
        "X-Request-ID header). Omit it to send it as the X-MasterX-Request-ID header.",
    )
    user_id: Name = Field(..., description="The learner who asked (the chat's user_id).")
    rating: Literal["up", "down"] | Stars = Field(
        ..., description='"up" or "down", or an integer from 1 (bad) to 5 (good).'
    )
    comment: Text | None = Field(
        None, max_length=COMMENT_MAX_CHARS, description="Optional, a short note on the answer."
    )


class FeedbackOut(BaseModel):
    """The stored rating, joined with the answer it rates."""

    model_config = examples_config(
        {
            "request_id": "0d9f4c3b8a7e4e1f9d2c6b5a4e3f2a1b",
            "provider": "groq",
            "model": "llama-3.3-70b-versatile",
            "category": "coding",
            "session_id": "s-2f6c1e0b",
            "rating": "down",
            "score": 0.0,
            "replaced": False,
            "session_moved": True,
        }
    )

    request_id: str = Field(..., description="The rated request.")
    provider: str = Field(..., description="The provider that gave the answer.")
    model: str = Field(..., description="Its model.")
    category: CategoryName = Field(..., description="The category the request was routed in.")
    session_id: str = Field(..., description="The session the answer belonged to.")
    rating: Literal["up", "down"] | Stars = Field(
        ..., description='As given: "up" or "down", or an integer from 1 to 5.'
    )
    score: float = Field(..., description="The rating on the quality scale: 0 (bad) to 1 (good).")
    replaced: bool = Field(..., description="Whether this rating replaced an earlier one.")
    session_moved: bool = Field(
        ...,
        description="A down rating: the session no longer keeps that provider; its next "
        "message is routed afresh.",
    )
