"""The OpenAI-compatible API: point any OpenAI SDK or tool at MasterX by its base URL."""

from __future__ import annotations

import re
import time
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from masterx.chat.contract import Routing, StreamFailed, StreamStarted
from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import ChatDeadline, QueryDeadline, RouterDep, SettingsDep
from services.gateway.direct_route import DirectRoute
from services.gateway.docs import QUERY_ERRORS, STREAM_RESPONSE, error_responses
from services.gateway.errors import GatewayError, bad_request
from services.gateway.openai_schemas import ChatCompletion, ChatCompletionRequest, ModelList
from services.gateway.openai_translate import (
    ChunkMaker,
    chat_request,
    completion,
    model_name,
)
from services.gateway.schemas import NAME_PATTERN
from services.gateway.spend import admitted
from services.gateway.sse import HEADERS, MEDIA_TYPE, openai_events, stream_error
from services.gateway.translate import log_routed, routing_headers
from services.gateway.upstreams import EventStream

_SESSION_ID = re.compile(NAME_PATTERN)
COMPLETIONS = "/v1/chat/completions"
router = APIRouter(
    prefix="/v1", tags=["openai"], dependencies=[ApiKeyRequired], route_class=DirectRoute
)

SessionHeader = Annotated[
    str | None,
    Header(
        alias="X-Session-ID",
        min_length=1,
        max_length=128,
        pattern=NAME_PATTERN,
        description="Continue this conversation (or metadata.session_id); omit to start one.",
    ),
]


def _session_id(header: str | None, body: ChatCompletionRequest) -> str | None:
    if header:
        return header
    given = (body.metadata or {}).get("session_id")
    if given is not None and (len(given) > 128 or not _SESSION_ID.match(given)):
        raise bad_request(
            "metadata.session_id: 1 to 128 characters of letters, digits and _.:@-",
            "metadata.session_id",
        )
    return given


async def _started(stream: EventStream) -> Routing:
    """The stream once its first event (who answers) is in; before that, errors are JSON."""
    try:
        first = await stream.read()
        if isinstance(first, StreamFailed):
            raise stream_error(first)
        if not isinstance(first, StreamStarted):
            raise GatewayError(
                502,
                "the router's stream did not start with its decision",
                "api_error",
                code="upstream_error",
            )
    except BaseException:
        stream.cancel()
        raise
    return first.routing


@router.post(
    COMPLETIONS.removeprefix("/v1"),
    response_model=ChatCompletion,
    summary="OpenAI chat completions: model auto routes, <provider>/<model> pins",
    responses={
        200: STREAM_RESPONSE,
        **error_responses(400, 401, 403, 413, 415, 429, 502, 503, 504),
    },
)
async def chat_completions(
    http_request: Request,
    body: ChatCompletionRequest,
    settings: SettingsDep,
    router_client: RouterDep,
    deadline: ChatDeadline,
    session_header: SessionHeader = None,
) -> Response:
    request = chat_request(body, settings, _session_id(session_header, body))
    created = int(time.time())
    async with admitted(http_request, request, deadline.seconds()) as spend:
        if not body.stream:
            reply = await router_client.chat(spend.request, deadline.seconds())
            spend.settle(reply)
            headers = {**routing_headers(reply.routing), **spend.headers}
            log_routed(COMPLETIONS, headers)
            return JSONResponse(completion(reply, created), headers=headers)
        stream = spend.watch(router_client.chat_stream(spend.request, deadline.seconds(True)))
        routing = await _started(stream)
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    maker = ChunkMaker(model_name(routing.provider, routing.model), created, include_usage)
    headers = {**routing_headers(routing), **spend.headers}
    log_routed(COMPLETIONS, headers, stream=True)
    return StreamingResponse(
        openai_events(stream, maker), media_type=MEDIA_TYPE, headers={**HEADERS, **headers}
    )


@router.get(
    "/models",
    response_model=ModelList,
    summary="OpenAI model list: auto, then <provider>/<model> for each provider",
    responses=error_responses(*QUERY_ERRORS),
)
async def models(router_client: RouterDep, deadline: QueryDeadline) -> ModelList:
    reply = await router_client.providers(deadline.seconds())
    data = [{"id": "auto", "object": "model", "created": 0, "owned_by": "masterx"}]
    data += [
        {"id": model_name(p.name, p.model), "object": "model", "created": 0, "owned_by": p.name}
        for p in reply.providers
    ]
    return ModelList.model_validate({"object": "list", "data": data})
