"""`DELETE /api/v1/sessions/{session_id}`: forget a conversation (README, "Conversation memory").

The caller is who sent the chats: the learner named by ``user_id`` (a query parameter, as the
chat's body names it) with the same API key. Anyone else, and an unknown or expired id, gets
the same 404, so the endpoint never tells whether a session exists.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from services.gateway.auth import ApiKeyRequired, current_key_id
from services.gateway.deps import QueryDeadline, RouterDep
from services.gateway.docs import error_responses
from services.gateway.schemas import NAME_PATTERN

router = APIRouter(prefix="/api/v1", tags=["chat"], dependencies=[ApiKeyRequired])

SessionId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=128,
        pattern=NAME_PATTERN,
        description="The session_id a chat answered with.",
    ),
]
UserId = Annotated[
    str,
    Query(
        min_length=1,
        max_length=128,
        pattern=NAME_PATTERN,
        description="The learner who owns the session (the chats' user_id).",
    ),
]


@router.delete(
    "/sessions/{session_id}",
    status_code=204,
    response_class=Response,
    summary="Forget a conversation: its history, topic and provider",
    description=(
        "Only the learner (user_id) and API key that own the session may delete it; for "
        "anyone else, and for an unknown or expired id, 404. The next chat with that id "
        "starts a new conversation, with no history."
    ),
    responses=error_responses(400, 401, 404, 502, 503, 504),
)
async def delete_session(
    session_id: SessionId,
    user_id: UserId,
    router_client: RouterDep,
    deadline: QueryDeadline,
) -> Response:
    await router_client.delete_session(session_id, user_id, current_key_id(), deadline.seconds())
    return Response(status_code=204)
