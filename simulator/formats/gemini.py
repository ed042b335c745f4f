"""Google Gemini ``generateContent`` and ``streamGenerateContent?alt=sse`` (each SSE event a
whole ``GenerateContentResponse``), with Google's error envelope and ``RetryInfo``."""

from __future__ import annotations

from typing import Any

import orjson

from simulator.formats.base import BadRequestError, Reply, SimRequest, seconds, sse
from simulator.formats.gemini_request import parse_gemini

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class GeminiGenerate:
    def parse(self, body: Any, model: str | None) -> SimRequest:
        if not model:
            raise BadRequestError("the model is part of the path: models/{model}:generateContent")
        return parse_gemini(body, model)

    def completion(self, reply: Reply) -> dict[str, Any]:
        return self._response(reply, reply.text, final=True)

    def stream(self, reply: Reply, pieces: list[str], request: SimRequest) -> list[bytes]:
        if reply.tool_calls:  # Gemini streams a function call whole, in one event
            return [sse(orjson.dumps(self.completion(reply))).replace(b"\n", b"\r\n")]
        pieces = pieces or [""]
        return [
            sse(orjson.dumps(self._response(reply, piece, final=i == len(pieces) - 1))).replace(
                b"\n", b"\r\n"
            )
            for i, piece in enumerate(pieces)
        ]

    def error(self, status: int, message: str, code: str | None = None) -> dict[str, Any]:
        state = _STATUS.get(status, "INTERNAL" if status >= 500 else "FAILED_PRECONDITION")
        return {"error": {"code": status, "message": message, "status": state}}

    def unsupported(self, capability: str, model: str) -> str:
        return f"{_CAPABILITY_NAMES[capability]} is not supported by models/{model} (simulated)"

    def rate_limited(self, retry_after_s: float) -> tuple[dict[str, str], dict[str, Any]]:
        body = self.error(429, "Resource has been exhausted (e.g. check quota). (simulated)")
        body["error"]["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay": f"{seconds(retry_after_s)}s",
            }
        ]
        return {}, body

    @staticmethod
    def _response(reply: Reply, text: str, *, final: bool) -> dict[str, Any]:
        candidate: dict[str, Any] = {
            "content": {"parts": _parts(reply, text), "role": "model"},
            "index": 0,
        }
        usage: dict[str, Any] = {
            "promptTokenCount": reply.prompt_tokens,
            "totalTokenCount": reply.prompt_tokens,
        }
        if final:
            candidate["finishReason"] = "MAX_TOKENS" if reply.truncated else "STOP"
            usage = {
                "promptTokenCount": reply.prompt_tokens,
                "candidatesTokenCount": reply.completion_tokens,
                "totalTokenCount": reply.total_tokens,
            }
        response: dict[str, Any] = {
            "candidates": [candidate],
            "modelVersion": reply.model,
            "responseId": reply.id,
        }
        if reply.report_usage:
            response["usageMetadata"] = usage
        return response


_CAPABILITY_NAMES = {
    "vision": "Image input",
    "tools": "Function calling",
    "json_mode": "JSON mode",
    "json_schema": "Controlled generation (responseSchema)",
}


def _parts(reply: Reply, text: str) -> list[dict[str, Any]]:
    if not reply.tool_calls:
        return [{"text": text}]
    return [{"functionCall": {"name": c.name, "args": c.arguments}} for c in reply.tool_calls]
