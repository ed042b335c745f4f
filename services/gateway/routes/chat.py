"""The seed plan's chat endpoint."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import ChatDeadline, RouterDep, SettingsDep
from services.gateway.docs import error_responses
from services.gateway.limits import check_text
from services.gateway.schemas import ChatIn, ChatOut
from services.gateway.translate import chat_request, chat_response, log_routed, routing_headers

router = APIRouter(prefix="/api/v1", tags=["chat"], dependencies=[ApiKeyRequired])


@router.post(
    "/chat",
    response_model=ChatOut,
    summary="Send one learner message, get the answer",
    description=(
        "Routes the message to the best provider for its category (or the pinned one), "
        "falling back on failure. The response headers X-MasterX-Provider, "
        "X-MasterX-Category and X-MasterX-Route-Reason say who answered and why."
    ),
    responses=error_responses(400, 401, 413, 502, 503, 504),
)
async def chat(
    body: ChatIn,
    response: Response,
    settings: SettingsDep,
    router_client: RouterDep,
    deadline: ChatDeadline,
) -> ChatOut:
    check_text(body.message, "message", settings.max_message_chars)
    reply = await router_client.chat(chat_request(body), deadline.seconds())
    headers = routing_headers(reply.decision, reply.provider)
    response.headers.update(headers)
    log_routed("/api/v1/chat", headers)
    return chat_response(reply)
