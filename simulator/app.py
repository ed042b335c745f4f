"""The provider simulator: stands in for the outside world, speaking the providers' wire formats.

Minimal version: the OpenAI chat-completions format for every simulated provider, under
``/{provider}/v1``. Deterministic answers for a given prompt.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from masterx.providers.catalog import simulated_providers


def _answer(provider: str, prompt: str) -> str:
    digest = hashlib.sha256(f"{provider}\x00{prompt}".encode()).hexdigest()[:8]
    return f"[{provider}] Here is an answer to: {prompt[:200]} (ref {digest})"


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def create_app(latency_ms: float = 5.0) -> FastAPI:
    app = FastAPI(title="MasterX provider simulator")
    models = {spec.name: spec.model for spec in simulated_providers("http://unused")}
    calls: dict[str, int] = dict.fromkeys(models, 0)

    def known(provider: str) -> str:
        if provider not in models:
            raise HTTPException(404, f"unknown simulated provider {provider!r}")
        return provider

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/_control/providers")
    async def control_providers() -> dict[str, Any]:
        providers = {name: {"model": models[name], "calls": calls[name]} for name in models}
        return {"providers": providers}

    @app.get("/{provider}/v1/models")
    async def list_models(provider: str) -> dict[str, Any]:
        model = models[known(provider)]
        return {"object": "list", "data": [{"id": model, "object": "model", "owned_by": provider}]}

    @app.post("/{provider}/v1/chat/completions")
    async def chat_completions(provider: str, request: Request) -> JSONResponse:
        known(provider)
        calls[provider] += 1
        body = await request.json()
        messages = body.get("messages") or []
        prompt = str(messages[-1].get("content", "")) if messages else ""
        await asyncio.sleep(latency_ms / 1000)
        text = _answer(provider, prompt)
        prompt_tokens = sum(_tokens(str(m.get("content", ""))) for m in messages)
        completion_tokens = _tokens(text)
        return JSONResponse({
            "id": "chatcmpl-" + hashlib.sha256(prompt.encode()).hexdigest()[:24],
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or models[provider],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        })

    return app
