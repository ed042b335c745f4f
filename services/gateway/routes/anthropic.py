"""The Anthropic Messages API: point the Anthropic SDK (or any tool speaking it) at MasterX.

``POST /v1/messages``: ``model`` "auto" routes, "<provider>/<model>" pins; the same routing
headers as the other chat APIs; errors in Anthropic's envelope (``errors.anthropic_body``); the
key as ``x-api-key`` or ``Authorization: Bearer``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from services.gateway.anthropic_schemas import MessagesRequest
from services.gateway.anthropic_sse import anthropic_events, started
from services.gateway.anthropic_translate import MessageEvents, chat_request, message
from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import ChatDeadline, RouterDep, SettingsDep
from services.gateway.direct_route import DirectRoute
from services.gateway.docs import ANTHROPIC_STREAM_RESPONSE, error_responses
from services.gateway.openai_translate import model_name
from services.gateway.routes.openai import SessionHeader
from services.gateway.spend import admitted
from services.gateway.sse import HEADERS, MEDIA_TYPE
from services.gateway.translate import log_routed, routing_headers

MESSAGES = "/v1/messages"
router = APIRouter(
    prefix="/v1",
    tags=["anthropic"],
    dependencies=[ApiKeyRequired],
    route_class=DirectRoute,
)


@router.post(
    "/messages",
    summary="Anthropic Messages API: model auto routes, <provider>/<model> pins",
    responses={
        200: ANTHROPIC_STREAM_RESPONSE,
        **error_responses(400, 401, 413, 415, 502, 503, 504),
    },
)
async def messages(
    http_request: Request,
    body: MessagesRequest,
    settings: SettingsDep,
    router_client: RouterDep,
    deadline: ChatDeadline,
    session_header: SessionHeader = None,
) -> Response:
    request = chat_request(body, settings, session_header or "")
    async with admitted(http_request, request, deadline.seconds()) as spend:
        if not body.stream:
            reply = await router_client.chat(spend.request, deadline.seconds())
            spend.settle(reply)
            headers = {**routing_headers(reply.routing), **spend.headers}
            log_routed(MESSAGES, headers)
            return JSONResponse(message(reply), headers=headers)
        stream = spend.watch(router_client.chat_stream(spend.request, deadline.seconds(True)))
        routing = await started(stream)
    maker = MessageEvents(model_name(routing.provider, routing.model))
    headers = {**routing_headers(routing), **spend.headers}
    log_routed(MESSAGES, headers, stream=True)
    return StreamingResponse(
        anthropic_events(stream, maker), media_type=MEDIA_TYPE, headers={**HEADERS, **headers}
    )
