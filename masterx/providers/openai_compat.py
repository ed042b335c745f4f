"""Adapter for the OpenAI chat-completions wire format (OpenAI, Groq, and compatible servers)."""

from __future__ import annotations

from typing import Any

import httpx

from masterx.domain import FailureKind
from masterx.providers.base import ChatTurn, Completion, ProviderError, ProviderSpec
from masterx.providers.errors import error_from_response, error_from_transport


class OpenAICompatibleAdapter:
    def __init__(self, spec: ProviderSpec, timeout: httpx.Timeout) -> None:
        self.spec = spec
        headers = {"authorization": f"Bearer {spec.api_key}"} if spec.api_key else {}
        self._client = httpx.AsyncClient(
            base_url=spec.base_url.rstrip("/"), timeout=timeout, headers=headers,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def generate(
        self, turns: list[ChatTurn], *, model: str | None = None, max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> Completion:
        body: dict[str, Any] = {
            "model": model or self.spec.model,
            "messages": [{"role": t.role, "content": t.content} for t in turns],
        }
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        if temperature is not None:
            body["temperature"] = temperature
        try:
            response = await self._client.post("/chat/completions", json=body)
        except httpx.TransportError as error:
            raise error_from_transport(self.spec.name, error) from None
        if response.status_code >= 400:
            raise error_from_response(self.spec.name, response)
        return self._completion(response)

    def _completion(self, response: httpx.Response) -> Completion:
        try:
            payload = response.json()
            choice = payload["choices"][0]
            usage = payload.get("usage") or {}
            return Completion(
                text=choice["message"]["content"] or "",
                model=payload.get("model", self.spec.model),
                prompt_tokens=int(usage.get("prompt_tokens", 0)),
                completion_tokens=int(usage.get("completion_tokens", 0)),
                finish_reason=choice.get("finish_reason") or "stop",
            )
        except (ValueError, KeyError, IndexError, TypeError):
            raise ProviderError(
                self.spec.name, FailureKind.SERVER, "malformed response body",
                status=response.status_code,
            ) from None

    async def aclose(self) -> None:
        await self._client.aclose()
