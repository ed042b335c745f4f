"""One simulated call, whatever the wire format: read the request, draw the outcome (latency,
failure), and answer in the provider's format: JSON, an SSE stream, or the injected failure."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from simulator.answer_key import KeyedAnswer
from simulator.answers import Answerer, approximate_tokens
from simulator.formats.anthropic import AnthropicMessages
from simulator.formats.base import BadRequestError, Reply, SimFormat, SimRequest
from simulator.formats.gemini import GeminiGenerate
from simulator.formats.openai import OpenAIChat
from simulator.profiles import Category, Wire
from simulator.reply_content import check_schemas, content_for, missing_support
from simulator.responses import DroppedConnection, paced_stream, wait_while_connected
from simulator.schema_instance import SchemaError
from simulator.state import ProviderState

FORMATS: dict[Wire, SimFormat] = {
    "openai": OpenAIChat(),
    "anthropic": AnthropicMessages(),
    "gemini": GeminiGenerate(),
}
_ID_PREFIX: dict[Wire, str] = {"openai": "chatcmpl-", "anthropic": "msg_", "gemini": ""}
_PIECE = re.compile(r"\S+\s*|\s+")
WORDS_PER_PIECE = 3
FIRST_TOKEN_SHARE = 0.75  # of a streamed call's latency spent before the first event


def json_response(
    content: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(content), status, headers, media_type="application/json")


def pieces_of(text: str) -> list[str]:
    words = _PIECE.findall(text)
    return ["".join(words[i : i + WORDS_PER_PIECE]) for i in range(0, len(words), WORDS_PER_PIECE)]


class Exchange:
    def __init__(
        self, states: dict[str, ProviderState], answerer: Answerer, seed: int, hang_limit_s: float
    ) -> None:
        self._states = states
        self._answerer = answerer
        self._seed = seed
        self._hang_limit_s = hang_limit_s

    async def serve(
        self,
        request: Request,
        provider: str,
        wire: Wire,
        model: str | None = None,
        stream: bool | None = None,
    ) -> Response:
        fmt = FORMATS[wire]
        state = self._states.get(provider)
        if state is None:
            return json_response(fmt.error(404, f"unknown simulated provider {provider!r}"), 404)
        if wire != "openai" and state.profile.wire != wire:  # all speak OpenAI's as well
            return json_response(fmt.error(404, f"{provider} does not serve this API"), 404)
        try:
            call = fmt.parse(orjson.loads(await request.body()), model)
        except orjson.JSONDecodeError:
            state.count_bad_request()
            return json_response(fmt.error(400, "the body is not valid JSON"), 400)
        except BadRequestError as error:
            state.count_bad_request()
            return json_response(fmt.error(error.status, error.message, error.code), error.status)
        if stream is not None:
            call = replace(call, stream=stream)
        if call.model not in state.profile.models:
            state.count_bad_request()
            return json_response(
                fmt.error(
                    404,
                    f"The model `{call.model}` does not exist or you do not have access to it.",
                    "model_not_found",
                ),
                404,
            )
        lacking = missing_support(call, state.profile.supports[call.model])
        if lacking is not None:
            state.count_bad_request()
            return json_response(fmt.error(400, fmt.unsupported(lacking, call.model)), 400)
        try:
            check_schemas(call)
        except SchemaError as error:
            state.count_bad_request()
            return json_response(fmt.error(400, f"invalid schema: {error}"), 400)
        return await self._answer(request, state, wire, fmt, call)

    async def _answer(
        self, request: Request, state: ProviderState, wire: Wire, fmt: SimFormat, call: SimRequest
    ) -> Response:
        category, keyed = self._answerer.classify(call.prompt)
        state.record(call)
        outcome = state.next_outcome(category, stream=call.stream)
        if outcome.kind == "timeout":
            await wait_while_connected(request, self._hang_limit_s)
            return json_response(fmt.error(504, "deadline exceeded (simulated)"), 504)
        first_wait = outcome.latency_s * (FIRST_TOKEN_SHARE if call.stream else 1.0)
        if first_wait > 0 and not await wait_while_connected(request, first_wait):
            return json_response(fmt.error(499, "the client closed the request"), 499)
        if outcome.kind == "error":
            return json_response(
                fmt.error(outcome.status, "simulated provider outage"), outcome.status
            )
        if outcome.kind == "rate_limit":
            headers, body = fmt.rate_limited(outcome.retry_after_s)
            return json_response(body, 429, headers)
        reply = self._reply(state, wire, call, category, keyed)
        if outcome.kind == "reset":
            if call.stream:
                first = fmt.stream(reply, pieces_of(reply.text), call)[0]
                return DroppedConnection("text/event-stream", first)
            whole = orjson.dumps(fmt.completion(reply))
            return DroppedConnection("application/json", whole[: len(whole) // 2])
        if not call.stream:
            return json_response(fmt.completion(reply))
        frames = fmt.stream(reply, pieces_of(reply.text), call)
        gap = outcome.latency_s * (1 - FIRST_TOKEN_SHARE) / len(frames)
        return paced_stream(frames, gap if gap >= 0.001 else 0.0)

    def _reply(
        self,
        state: ProviderState,
        wire: Wire,
        call: SimRequest,
        category: Category,
        keyed: KeyedAnswer | None,
    ) -> Reply:
        number = state.calls["total"]
        digest = hashlib.blake2b(
            f"{self._seed}/{state.profile.name}/{number}".encode(), digest_size=12
        ).hexdigest()
        answer = self._answerer.answer(state.answering, call.prompt, category, keyed)
        content = content_for(call, answer, digest)
        text = content.text
        spoken = text or "".join(orjson.dumps(c.arguments).decode() for c in content.tool_calls)
        completion_tokens = approximate_tokens(spoken)
        truncated = (
            call.max_tokens is not None
            and completion_tokens > call.max_tokens
            and not content.tool_calls  # a call's arguments are not cut (they would not parse)
        )
        if call.max_tokens is not None and truncated:
            text = text.encode()[: call.max_tokens * 4].decode("utf-8", "ignore")
            completion_tokens = call.max_tokens
        return Reply(
            id=_ID_PREFIX[wire] + digest,
            model=call.model,
            text=text,
            prompt_tokens=sum(approximate_tokens(t) for t in call.texts),
            completion_tokens=completion_tokens,
            truncated=truncated,
            report_usage=state.override.report_usage,
            tool_calls=content.tool_calls,
            stop_sequence=content.stop_sequence,
        )
