"""Anthropic messages, as ``api.anthropic.com`` speaks it: JSON, or SSE with named events
(``message_start``, ``content_block_*``, ``ping``, ``message_delta``, ``message_stop``)."""

from __future__ import annotations

from typing import Any

import orjson

from simulator.formats.anthropic_request import parse_anthropic
from simulator.formats.base import Reply, SimRequest, seconds, sse

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
        return parse_anthropic(body)

    def completion(self, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": reply.id,
            "type": "message",
            "role": "assistant",
            "model": reply.model,
            "content": _content(reply),
            "stop_reason": _stop(reply),
            "stop_sequence": reply.stop_sequence,
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
        frames = [event("message_start", {"message": start})]
        if reply.tool_calls:
            for index, call in enumerate(reply.tool_calls):
                block = {
                    "type": "tool_use",
                    "id": f"toolu_{call.id}",
                    "name": call.name,
                    "input": {},
                }
                arguments = orjson.dumps(call.arguments).decode()
                frames.append(
                    event("content_block_start", {"index": index, "content_block": block})
                )
                frames += [
                    event(
                        "content_block_delta",
                        {
                            "index": index,
                            "delta": {"type": "input_json_delta", "partial_json": piece},
                        },
                    )
                    for piece in ["", *_slices(arguments)]
                ]
                frames.append(event("content_block_stop", {"index": index}))
        else:
            frames += [
                event(
                    "content_block_start",
                    {"index": 0, "content_block": {"type": "text", "text": ""}},
                ),
                event("ping", {}),
            ]
            frames += [
                event(
                    "content_block_delta",
                    {"index": 0, "delta": {"type": "text_delta", "text": piece}},
                )
                for piece in pieces
            ]
            frames.append(event("content_block_stop", {"index": 0}))
        frames += [
            event(
                "message_delta",
                {
                    "delta": {"stop_reason": _stop(reply), "stop_sequence": reply.stop_sequence},
                    **final_usage,
                },
            ),
            event("message_stop", {}),
        ]
        return frames

    def error(self, status: int, message: str, code: str | None = None) -> dict[str, Any]:
        kind = _TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
        return {"type": "error", "error": {"type": kind, "message": message}}

    def unsupported(self, capability: str, model: str) -> str:
        return f"{model} does not support {_CAPABILITY_NAMES[capability]} (simulated)."

    def rate_limited(self, retry_after_s: float) -> tuple[dict[str, str], dict[str, Any]]:
        return (
            {"retry-after": seconds(retry_after_s)},
            self.error(429, "Number of requests has exceeded your rate limit (simulated)"),
        )


_CAPABILITY_NAMES = {
    "vision": "image input",
    "tools": "tool use",
    "json_mode": "JSON output",
    "json_schema": "structured outputs (output_config.format)",
}
ARGUMENT_PIECE = 16  # characters of a tool call's input per input_json_delta


def _stop(reply: Reply) -> str:
    if reply.tool_calls:
        return "tool_use"
    if reply.stop_sequence is not None:
        return "stop_sequence"
    return "max_tokens" if reply.truncated else "end_turn"


def _content(reply: Reply) -> list[dict[str, Any]]:
    if not reply.tool_calls:
        return [{"type": "text", "text": reply.text}]
    return [
        {"type": "tool_use", "id": f"toolu_{call.id}", "name": call.name, "input": call.arguments}
        for call in reply.tool_calls
    ]


def _slices(text: str) -> list[str]:
    return [text[i : i + ARGUMENT_PIECE] for i in range(0, len(text), ARGUMENT_PIECE)]
