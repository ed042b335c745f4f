"""The provider simulator: stands in for the outside world, speaking the providers' wire formats.

Under ``/{provider}`` each simulated provider serves the OpenAI format
(``/v1/chat/completions``, ``/v1/models``, and Groq's ``/openai/v1/...``) and its own:
Anthropic ``/v1/messages``, Gemini ``/v1beta/models/{model}:generateContent`` and
``:streamGenerateContent?alt=sse``. ``/_control/...`` changes behaviour at run time and
``/healthz`` answers the launcher.
"""

from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.answer_key import AnswerKey
from simulator.answers import Answerer, Phrasebook
from simulator.config import SimulatorConfig
from simulator.control import ControlRoutes
from simulator.exchange import FORMATS, Exchange, json_response
from simulator.profiles import load_profiles
from simulator.responses import quiet_dropped_connections
from simulator.state import ProviderState


def create_app(config: SimulatorConfig | None = None) -> Starlette:
    config = config or SimulatorConfig()
    states = {
        name: ProviderState(profile, config.seed)
        for name, profile in load_profiles(config.profiles_path).items()
    }
    answerer = Answerer(config.seed, AnswerKey.load(config.answer_key_paths), Phrasebook.load())
    exchange = Exchange(states, answerer, config.seed, config.hang_limit_s)
    control = ControlRoutes(states, config.seed)
    quiet_dropped_connections()

    async def healthz(request: Request) -> Response:
        return json_response({"status": "ok"})

    async def chat_completions(request: Request) -> Response:
        return await exchange.serve(request, request.path_params["provider"], "openai")

    async def messages(request: Request) -> Response:
        return await exchange.serve(request, request.path_params["provider"], "anthropic")

    async def gemini(request: Request) -> Response:
        model, _, action = request.path_params["target"].rpartition(":")
        provider = request.path_params["provider"]
        if action == "generateContent":
            return await exchange.serve(request, provider, "gemini", model, stream=False)
        if action == "streamGenerateContent" and request.query_params.get("alt") == "sse":
            return await exchange.serve(request, provider, "gemini", model, stream=True)
        return json_response(
            FORMATS["gemini"].error(
                404, "this simulator serves generateContent and streamGenerateContent?alt=sse"
            ),
            404,
        )

    async def models(request: Request) -> Response:
        provider = request.path_params["provider"]
        state = states.get(provider)
        if state is None:
            return json_response(FORMATS["openai"].error(404, "unknown simulated provider"), 404)
        if state.profile.wire == "anthropic" and "anthropic-version" in request.headers:
            data = [
                {"type": "model", "id": m, "display_name": m, "created_at": "2025-01-01T00:00:00Z"}
                for m in state.profile.models
            ]
            return json_response(
                {
                    "data": data,
                    "has_more": False,
                    "first_id": data[0]["id"],
                    "last_id": data[-1]["id"],
                }
            )
        created = int(time.time())
        return json_response(
            {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": created, "owned_by": provider}
                    for m in state.profile.models
                ],
            }
        )

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/_control/providers", control.list_providers),
            Route("/_control/providers/{name}", control.change_provider, methods=["POST"]),
            Route("/_control/providers/{name}/received", control.received),
            Route("/_control/reset", control.reset, methods=["POST"]),
            Route("/{provider}/v1/chat/completions", chat_completions, methods=["POST"]),
            Route("/{provider}/openai/v1/chat/completions", chat_completions, methods=["POST"]),
            Route("/{provider}/v1/models", models),
            Route("/{provider}/openai/v1/models", models),
            Route("/{provider}/v1/messages", messages, methods=["POST"]),
            Route("/{provider}/{version}/models/{target}", gemini, methods=["POST"]),
        ]
    )
