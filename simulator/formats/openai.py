"""OpenAI chat completions, as ``api.openai.com`` (and Groq, and every compatible server)
speaks it: JSON, or SSE of ``chat.completion.chunk`` objects ending in ``data: [DONE]``."""

from __future__ import annotations

import time
from typing import Any

import orjson

from simulator.formats.base import Reply, SimRequest, seconds, sse
from simulator.formats.openai_request import parse_openai

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    429: "requests",
}
ARGUMENT_PIECE = 16  # characters of a tool call's arguments per streamed chunk


class OpenAIChat:
    def parse(self, body: Any, model: str | None) -> SimRequest:
        return parse_openai(body)

    def completion(self, reply: Reply) -> dict[str, Any]:
        return {
            "id": reply.id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model,
            "system_fingerprint": "fp_simulated",
            "choices": [
                {
                    "index": 0,
                    "logprobs": None,
                    "finish_reason": _finish(reply),
                    "message": _message(reply),
                }
            ],
            **_usage(reply),
        }

    def stream(self, reply: Reply, pieces: list[str], request: SimRequest) -> list[bytes]:
        created = int(time.time())
        with_usage = request.include_usage and reply.report_usage
        extra = {"usage": None} if with_usage else {}

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            return sse(
                orjson.dumps(
                    {
                        "id": reply.id,
                        "object": "chat.completion.chunk",
                        "created": created,
                        "model": reply.model,
                        "system_fingerprint": "fp_simulated",
                        "choices": [
                            {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                        ],
                        **extra,
                    }
                )
            )

        if reply.tool_calls:
            frames = [chunk({"role": "assistant", "content": None, "refusal": None})]
            for index, call in enumerate(reply.tool_calls):
                head = {"id": f"call_{call.id}", "type": "function"}
                frames.append(
                    chunk(
                        {
                            "tool_calls": [
                                {
                                    "index": index,
                                    **head,
                                    "function": {"name": call.name, "arguments": ""},
                                }
                            ]
                        }
                    )
                )
                arguments = orjson.dumps(call.arguments).decode()
                frames += [
                    chunk(
                        {
                            "tool_calls": [
                                {
                                    "index": index,
                                    "function": {"arguments": arguments[i : i + ARGUMENT_PIECE]},
                                }
                            ]
                        }
                    )
                    for i in range(0, len(arguments), ARGUMENT_PIECE)
                ]
        else:
            frames = [chunk({"role": "assistant", "content": "", "refusal": None})]
            frames += [chunk({"content": piece}) for piece in pieces]
        frames.append(chunk({}, _finish(reply)))
        if with_usage:
            frames.append(
                sse(
                    orjson.dumps(
                        {
                            "id": reply.id,
                            "object": "chat.completion.chunk",
                            "created": created,
                            "model": reply.model,
                            "system_fingerprint": "fp_simulated",
                            "choices": [],
                            **_usage(reply),
                        }
                    )
                )
            )
        frames.append(sse(b"[DONE]"))
        return frames

    def error(self, status: int, message: str, code: str | None = None) -> dict[str, Any]:
        kind = _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
        return {"error": {"message": message, "type": kind, "param": None, "code": code}}

    def unsupported(self, capability: str, model: str) -> str:
        return _UNSUPPORTED[capability].format(model=model)

    def rate_limited(self, retry_after_s: float) -> tuple[dict[str, str], dict[str, Any]]:
        headers = {
            "retry-after": seconds(retry_after_s),
            "retry-after-ms": str(int(retry_after_s * 1000)),
        }
        return headers, self.error(
            429, "Rate limit reached for requests (simulated)", "rate_limit_exceeded"
        )


_UNSUPPORTED = {
    "vision": "Invalid content type. image_url is only supported by certain models.",
    "tools": "tools is not supported with this model ({model}).",
    "json_mode": "response_format `json_object` is not supported with this model ({model}).",
    "json_schema": (
        "This model does not support response format `json_schema`: {model} (simulated)."
    ),
}


def _finish(reply: Reply) -> str:
    if reply.tool_calls:
        return "tool_calls"
    return "length" if reply.truncated else "stop"


def _message(reply: Reply) -> dict[str, Any]:
    if not reply.tool_calls:
        return {"role": "assistant", "content": reply.text, "refusal": None}
    return {
        "role": "assistant",
        "content": None,
        "refusal": None,
        "tool_calls": [
            {
                "id": f"call_{call.id}",
                "type": "function",
                "function": {"name": call.name, "arguments": orjson.dumps(call.arguments).decode()},
            }
            for call in reply.tool_calls
        ],
    }


def _usage(reply: Reply) -> dict[str, dict[str, int]]:
    if not reply.report_usage:
        return {}
    return {
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.total_tokens,
        }
    }
