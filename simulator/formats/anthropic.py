"""Anthropic messages, as ``api.anthropic.com`` speaks it: JSON, or SSE with named events
(``message_start``, ``content_block_*``, ``ping``, ``message_delta``, ``message_stop``)."""

from __future__ import annotations

from typing import Any

import orjson

from simulator.formats.base import BadRequestError, Reply, SimRequest, seconds, sse, text_of

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


class AnthropicMessages:
    def parse(self, body: Any, model: str | None) -> SimRequest:
        if not isinstance(body, dict):
            raise BadRequestError("the body must be a JSON object")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise BadRequestError("model: Field required")
        limit = body.get("max_tokens")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise BadRequestError("max_tokens: Field required (a positive integer)")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequestError("messages: at least one message is required")
        texts, prompt = [text_of(body.get("system") or "")], ""
        for message in messages:
            if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
                raise BadRequestError("messages: roles must be 'user' or 'assistant'")
            text = text_of(message.get("content") or "")
            texts.append(text)
            if message["role"] == "user":
                prompt = text
        return SimRequest(
            model=model,
            prompt=prompt or texts[-1],
            texts=tuple(t for t in texts if t),
            max_tokens=limit,
            stream=bool(body.get("stream")),
        )

    def completion(self, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": reply.id,
            "type": "message",
            "role": "assistant",
            "model": reply.model,
            "content": [{"type": "text", "text": reply.text}],
            "stop_reason": _stop(reply),
            "stop_sequence": None,
        }
        if reply.report_usage:
            message["usage"] = {
                "input_tokens": reply.prompt_tokens,
                "output_tokens": reply.completion_tokens,
            }
        return message

    def stream(self, reply: Reply, pieces: list[str], request: SimRequest) -> list[bytes]:
        def event(name: str, data: dict[str, Any]) -> bytes:
            return sse(orjson.dumps({"type": name, **data}), name)

        start = {**self.completion(reply), "content": [], "stop_reason": None}
        if reply.report_usage:
            start["usage"] = {"input_tokens": reply.prompt_tokens, "output_tokens": 1}
        final_usage = (
            {"usage": {"output_tokens": reply.completion_tokens}} if reply.report_usage else {}
        )
        frames = [
            event("message_start", {"message": start}),
            event(
                "content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}
            ),
            event("ping", {}),
        ]
        frames += [
            event(
                "content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": piece}}
            )
            for piece in pieces
        ]
        frames += [
            event("content_block_stop", {"index": 0}),
            event(
                "message_delta",
                {"delta": {"stop_reason": _stop(reply), "stop_sequence": None}, **final_usage},
            ),
            event("message_stop", {}),
        ]
        return frames

    def error(self, status: int, message: str, code: str | None = None) -> dict[str, Any]:
        kind = _TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
        return {"type": "error", "error": {"type": kind, "message": message}}

    def rate_limited(self, retry_after_s: float) -> tuple[dict[str, str], dict[str, Any]]:
        return (
            {"retry-after": seconds(retry_after_s)},
            self.error(429, "Number of requests has exceeded your rate limit (simulated)"),
        )


def _stop(reply: Reply) -> str:
    return "max_tokens" if reply.truncated else "end_turn"
