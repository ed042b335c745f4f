"""The one adapter: a wire format driven over a provider's pooled HTTP transport."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import replace

from masterx.domain import FailureKind
from masterx.providers.answer_checks import checked_answer, checked_delta, text_of
from masterx.providers.base import (
    ChatTurn,
    Completion,
    ProviderError,
    ProviderSpec,
    StreamEnd,
    StreamEvent,
    TextDelta,
    Usage,
)
from masterx.providers.chat_parts import (
    NO_OPTIONS,
    GenerationOptions,
    ToolCallDelta,
    UnsupportedOption,
    tool_calls_from_deltas,
)
from masterx.providers.errors import (
    error_from_envelope,
    kind_of_error_code,
    kind_of_status,
    malformed_error,
)
from masterx.providers.model_names import InvalidModelNameError
from masterx.providers.pricing import PriceTable
from masterx.providers.sse import SseEvent
from masterx.providers.tokens import TokenCounter
from masterx.providers.transport import ProviderTimeouts, ProviderTransport
from masterx.providers.wire import (
    MALFORMED,
    StreamFailure,
    StreamIncomplete,
    WireAnswer,
    WireFormat,
    WireRequest,
)

WHOLE_GRACE_S = 1.0  # how long a whole streamed answer's end marker is waited for


class HttpProviderAdapter:
    def __init__(
        self,
        spec: ProviderSpec,
        wire: WireFormat,
        timeouts: ProviderTimeouts,
        prices: PriceTable,
        counter: TokenCounter,
    ) -> None:
        self.spec = spec
        self._wire = wire
        self._prices = prices
        self._counter = counter
        self.transport = ProviderTransport(spec, wire.headers(spec.api_key), timeouts)

    async def generate(
        self,
        turns: list[ChatTurn],
        *,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        options: GenerationOptions | None = None,
    ) -> Completion:
        model = model or self.spec.model
        request = self._request(turns, model, max_tokens, temperature, options, stream=False)
        payload = await self.transport.post_json(request.path, request.body, request.params)
        reported = error_from_envelope(self.spec.name, 200, {}, payload)  # some proxies do so
        if reported is not None:
            raise self.transport.fail(reported)
        try:
            answer = checked_answer(self._wire.answer(payload))
        except MALFORMED:
            raise self.transport.fail(malformed_error(self.spec.name, "response body")) from None
        usage = await self._usage(answer, turns, model)
        return Completion(
            answer.text, answer.model or model, usage, answer.finish_reason, answer.tool_calls
        )

    async def stream(
        self,
        turns: list[ChatTurn],
        *,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        options: GenerationOptions | None = None,
    ) -> AsyncGenerator[StreamEvent]:
        model = model or self.spec.model
        request = self._request(turns, model, max_tokens, temperature, options, stream=True)
        deltas: list[ToolCallDelta] = []
        said = False  # text went out: the provider had accepted the request
        decoder = self._wire.decoder()
        events = self.transport.stream_sse(request.path, request.body, request.params)
        async with aclosing(events):
            while True:
                try:
                    event = await self._next(events, decoder.whole)
                except StopAsyncIteration:
                    break
                try:
                    text = text_of(decoder.feed(event))
                    pieces = [checked_delta(d) for d in decoder.take_tool_deltas()]
                except StreamFailure as failure:
                    said = said or bool(deltas)
                    raise self.transport.fail(self._stream_error(failure, said)) from None
                except MALFORMED:
                    raise self.transport.fail(
                        malformed_error(self.spec.name, "stream event")
                    ) from None
                if text:
                    said = True
                    yield TextDelta(text)
                for delta in pieces:
                    deltas.append(delta)
                    yield delta
                if decoder.finished:
                    await self._drain(events)
                    break
        try:
            answer = decoder.result()
            if not answer.tool_calls and deltas:
                answer = replace(answer, tool_calls=tool_calls_from_deltas(deltas))
            answer = checked_answer(answer)
        except StreamIncomplete:
            raise self.transport.fail(
                ProviderError(
                    self.spec.name,
                    FailureKind.CONNECTION,
                    "stream ended before the answer did",
                )
            ) from None
        except MALFORMED:
            raise self.transport.fail(malformed_error(self.spec.name, "stream end")) from None
        yield StreamEnd(
            answer.model or model,
            await self._usage(answer, turns, model),
            answer.finish_reason,
            answer.tool_calls,
        )

    @staticmethod
    async def _next(events: AsyncGenerator[SseEvent], whole: bool) -> SseEvent:
        """The next event; once the answer is ``whole``, only within :data:`WHOLE_GRACE_S`
        (then StopAsyncIteration: the connection, still open, is closed rather than pooled)."""
        if not whole:
            return await anext(events)
        try:
            return await asyncio.wait_for(anext(events), WHOLE_GRACE_S)
        except TimeoutError:
            raise StopAsyncIteration from None

    @staticmethod
    async def _drain(events: AsyncGenerator[SseEvent]) -> None:
        """Read past the end marker to the end of the body, within :data:`WHOLE_GRACE_S`, so
        the connection goes back to the pool; whatever comes (or fails) there is ignored."""
        with contextlib.suppress(TimeoutError, ProviderError):
            async with asyncio.timeout(WHOLE_GRACE_S):
                async for _ in events:
                    pass

    def _request(
        self,
        turns: list[ChatTurn],
        model: str,
        max_tokens: int | None,
        temperature: float | None,
        options: GenerationOptions | None,
        *,
        stream: bool,
    ) -> WireRequest:
        try:
            return self._wire.request(
                turns,
                model=model,
                max_tokens=max_tokens,
                temperature=temperature,
                stream=stream,
                options=options or NO_OPTIONS,
            )
        except (InvalidModelNameError, UnsupportedOption) as error:
            # The request's fault (a pinned name), never sent, never the provider's failure.
            raise ProviderError(self.spec.name, FailureKind.BAD_REQUEST, str(error)) from None

    def cost(self, usage: Usage, model: str | None = None) -> float:
        return self._prices.cost_of(usage, model or self.spec.model)

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def _usage(self, answer: WireAnswer, turns: list[ChatTurn], model: str) -> Usage:
        if answer.prompt_tokens is not None and answer.completion_tokens is not None:
            return Usage(answer.prompt_tokens, answer.completion_tokens, "reported")
        await self._counter.prepare(model)
        prompt = answer.prompt_tokens
        completion = answer.completion_tokens
        return Usage(
            self._counter.count_turns(turns, model) if prompt is None else prompt,
            self._counter.count_text(answer.text, model) if completion is None else completion,
            self._counter.source(model),
        )

    def _stream_error(self, failure: StreamFailure, said: bool) -> ProviderError:
        """The failure an error event reports; once the answer had begun (``said``), the
        request was accepted, so "invalid request" then is the provider's failure."""
        if failure.status is not None:
            kind = kind_of_status(failure.status)
        else:
            kind = kind_of_error_code(failure.code)
        if said and kind is FailureKind.BAD_REQUEST:
            kind = FailureKind.SERVER
        detail = f" ({failure.code})" if failure.code else ""
        return ProviderError(
            self.spec.name, kind, f"error event in stream{detail}", status=failure.status
        )
