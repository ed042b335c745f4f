"""OpenAI chat completions, as ``api.openai.com`` (and Groq, and every compatible server)
speaks it: JSON, or SSE of ``chat.completion.chunk`` objects ending in ``data: [DONE]``."""

from __future__ import annotations

import time
from typing import Any

import orjson

from simulator.formats.base import BadRequestError, Reply, SimRequest, seconds, sse, text_of

_ROLES = {"system", "developer", "user", "assistant", "tool"}
_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    429: "requests",
}


def _limit(body: dict[str, Any]) -> int | None:
    value = body.get("max_completion_tokens", body.get("max_tokens"))
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadRequestError("max_tokens must be a positive integer", code="invalid_value")
    return value


class OpenAIChat:
    def parse(self, body: Any, model: str | None) -> SimRequest:
        if not isinstance(body, dict):
            raise BadRequestError("the body must be a JSON object")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise BadRequestError("you must provide a model parameter", code="missing_model")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequestError("'messages' must be a non-empty array", code="invalid_messages")
        texts, prompt = [], ""
        for message in messages:
            if not isinstance(message, dict) or message.get("role") not in _ROLES:
                raise BadRequestError("each message needs a valid 'role'", code="invalid_role")
            text = text_of(message.get("content") or "")
            texts.append(text)
            if message["role"] == "user":
                prompt = text
        options = body.get("stream_options") or {}
        return SimRequest(
            model=model,
            prompt=prompt or texts[-1],
            texts=tuple(texts),
            max_tokens=_limit(body),
            stream=bool(body.get("stream")),
            include_usage=bool(isinstance(options, dict) and options.get("include_usage")),
        )

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
                    "message": {"role": "assistant", "content": reply.text, "refusal": None},
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

    def rate_limited(self, retry_after_s: float) -> tuple[dict[str, str], dict[str, Any]]:
        headers = {
            "retry-after": seconds(retry_after_s),
            "retry-after-ms": str(int(retry_after_s * 1000)),
        }
        return headers, self.error(
            429, "Rate limit reached for requests (simulated)", "rate_limit_exceeded"
        )


def _finish(reply: Reply) -> str:
    return "length" if reply.truncated else "stop"


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
