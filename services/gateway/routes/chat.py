"""The chat endpoint `POST /api/v1/chat` (README, "HTTP API")."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import TypeAdapter

from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import ChatDeadline, RouterDep, SettingsDep
from services.gateway.direct_route import JSON_MEDIA_TYPE, DirectRoute
from services.gateway.docs import error_responses
from services.gateway.limits import check_text
from services.gateway.schemas import ChatIn, ChatOut
from services.gateway.spend import admitted
from services.gateway.translate import chat_request, chat_response, log_routed, routing_headers

router = APIRouter(
    prefix="/api/v1", tags=["chat"], dependencies=[ApiKeyRequired], route_class=DirectRoute
)
# The JSON FastAPI would write for the response_model (which stays for the document).
_CHAT_OUT = TypeAdapter(ChatOut)


@router.post(
    "/chat",
    response_model=ChatOut,
    summary="Send one learner message, get the answer",
    description=(
        "Routes the message to the best provider for its category (or the pinned one), "
        "falling back on failure. The response headers X-MasterX-Provider, "
        "X-MasterX-Category and X-MasterX-Route-Reason say who answered and why."
    ),
    responses=error_responses(400, 401, 403, 413, 415, 429, 502, 503, 504),
)
async def chat(
    http_request: Request,
    body: ChatIn,
    settings: SettingsDep,
    router_client: RouterDep,
    deadline: ChatDeadline,
) -> Response:
    check_text(body.message, "message", settings.max_message_chars)
    chat = chat_request(body)
    async with admitted(http_request, chat, deadline.seconds(), "model", "provider") as spend:
        reply = await router_client.chat(spend.request, deadline.seconds())
        spend.settle(reply)
    headers = {**routing_headers(reply.routing), **spend.headers}
    log_routed("/api/v1/chat", headers)
    response = Response(_CHAT_OUT.dump_json(chat_response(reply)), media_type=JSON_MEDIA_TYPE)
    response.headers.update(headers)  # after the content headers, where FastAPI put them
    return response
