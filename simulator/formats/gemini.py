"""Google Gemini ``generateContent`` and ``streamGenerateContent?alt=sse`` (each SSE event a
whole ``GenerateContentResponse``), with Google's error envelope and ``RetryInfo``."""

from __future__ import annotations

from typing import Any

import orjson

from simulator.formats.base import BadRequestError, Reply, SimRequest, seconds, sse, text_of

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
        if not isinstance(body, dict) or not model:
            raise BadRequestError("the body must be a JSON object")
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            raise BadRequestError("* GenerateContentRequest.contents: contents is not specified")
        system = body.get("systemInstruction") or body.get("system_instruction") or {}
        texts = [text_of(system.get("parts") or [])] if isinstance(system, dict) else []
        prompt = ""
        for content in contents:
            if not isinstance(content, dict) or content.get("role", "user") not in (
                "user",
                "model",
            ):
                raise BadRequestError("contents: role must be 'user' or 'model'")
            text = text_of(content.get("parts") or [])
            texts.append(text)
            if content.get("role", "user") == "user":
                prompt = text
        config = body.get("generationConfig") or body.get("generation_config") or {}
        limit = config.get("maxOutputTokens") if isinstance(config, dict) else None
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise BadRequestError("generationConfig.maxOutputTokens must be a positive integer")
        return SimRequest(
            model=model,
            prompt=prompt or texts[-1],
            texts=tuple(t for t in texts if t),
            max_tokens=limit,
            stream=False,
        )

    def completion(self, reply: Reply) -> dict[str, Any]:
        return self._response(reply, reply.text, final=True)

    def stream(self, reply: Reply, pieces: list[str], request: SimRequest) -> list[bytes]:
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
            "content": {"parts": [{"text": text}], "role": "model"},
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
