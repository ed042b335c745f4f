"""The OpenAPI document: error responses per endpoint, and the limits the settings decide."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from services.gateway.limits import NOT_BLANK
from services.gateway.openai_schemas import ChatCompletionChunk
from services.gateway.schemas import ErrorResponse
from services.gateway.settings import GatewaySettings

_ERRORS = {
    400: (
        "Bad input; `param` names the field at fault. Also when every provider refused the "
        "request itself (code rejected_by_provider, with `attempts`), e.g. an unknown pinned model."
    ),
    401: "Missing or invalid credentials (`Authorization: Bearer ...`).",
    403: "Admin endpoints are disabled: no MASTERX_ADMIN_TOKEN is configured.",
    404: "Nothing with that id.",
    409: "The request's state does not allow it (e.g. rating a request nobody answered).",
    413: "The request body is larger than MASTERX_MAX_BODY_BYTES.",
    415: "The body was not sent as Content-Type: application/json.",
    429: "Too many benchmark runs at once; retry later (Retry-After).",
    502: "An upstream service failed unexpectedly.",
    503: (
        "A service is unavailable (Retry-After), or every provider failed "
        "(code all_providers_failed, with `attempts`)."
    ),
    504: "The deadline passed before the answer.",
}
ANTHROPIC_STREAM_RESPONSE = {
    "content": {
        "text/event-stream": {
            "schema": {
                "type": "object",
                "description": "One server-sent event of Anthropic's message stream.",
                "required": ["event", "data"],
                "properties": {
                    "event": {
                        "type": "string",
                        "description": "message_start, content_block_start, "
                        "content_block_delta, content_block_stop, message_delta, "
                        "message_stop, or error.",
                    },
                    "data": {
                        "type": "string",
                        "contentMediaType": "application/json",
                        "description": "The event as JSON; its type field repeats the event.",
                    },
                },
            },
            "example": (
                'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1",'
                '"type":"message","role":"assistant","model":"openai/gpt-4o","content":[],'
                '"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,'
                '"output_tokens":0}}}\n\n'
            ),
        }
    },
    "description": "With stream: Anthropic's server-sent events; otherwise a message (JSON).",
}
STREAM_RESPONSE = {
    "content": {
        "text/event-stream": {
            "schema": {
                "type": "object",
                "description": "One server-sent event (the stream is a sequence of them).",
                "required": ["data"],
                "properties": {
                    "data": {
                        "description": (
                            "A chat.completion.chunk, an error envelope (a failure mid-stream), "
                            "or [DONE]: the last event."
                        ),
                        "anyOf": [
                            {"const": "[DONE]"},
                            {
                                "type": "string",
                                "contentMediaType": "application/json",
                                "contentSchema": {
                                    "anyOf": [
                                        {"$ref": "#/components/schemas/ChatCompletionChunk"},
                                        {"$ref": "#/components/schemas/ErrorResponse"},
                                    ]
                                },
                            },
                        ],
                    }
                },
            },
            "example": (
                'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1767225600,'
                '"model":"groq/llama-3.3-70b-versatile","choices":[{"index":0,"delta":'
                '{"role":"assistant","content":""},"finish_reason":null,"logprobs":null}]}\n\n'
                "data: [DONE]\n\n"
            ),
        }
    },
    "description": (
        "A chat.completion, or with stream: true, chat.completion.chunk server-sent events "
        "ending in data: [DONE]. X-MasterX-Provider, X-MasterX-Category and "
        "X-MasterX-Route-Reason say who answered and why."
    ),
}
QUERY_ERRORS = (400, 401, 413, 502, 503, 504)
ADMIN_ERRORS = (400, 401, 403, 413, 502, 503, 504)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorResponse, "description": _ERRORS[status]} for status in statuses}


def _set(schema: dict[str, Any], path: list[str], key: str, value: int | str) -> None:
    node: Any = schema
    for part in path:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return
    if isinstance(node, dict):
        node[key] = value


def _apply_limits(schema: dict[str, Any], settings: GatewaySettings) -> None:
    components = ["components", "schemas"]
    chars = settings.max_message_chars
    for model in ("ChatIn", "RouteIn"):
        _set(schema, [*components, model, "properties", "message"], "maxLength", chars)
        _set(schema, [*components, model, "properties", "message"], "pattern", NOT_BLANK)
    _set(
        schema,
        [*components, "ChatCompletionRequest", "properties", "messages"],
        "maxItems",
        settings.max_messages,
    )
    content = [*components, "MessageIn", "properties", "content", "anyOf", "0"]
    _set(schema, content, "maxLength", chars)
    _set(schema, content, "pattern", NOT_BLANK)


_STRING = {"type": "string"}
REQUEST_ID_HEADER = {
    "X-Request-ID": {
        "description": "This request's id (the one you sent, or a new one).",
        "required": True,
        "schema": _STRING,
    }
}
ROUTING_HEADERS = {
    "X-MasterX-Provider": "The provider that answers.",
    "X-MasterX-Model": "The model that answers.",
    "X-MasterX-Category": "The message's category (coding, math, ...).",
    "X-MasterX-Route-Reason": "Why this provider (best_benchmark, pinned, ...).",
    "X-MasterX-Session-ID": "The conversation's id: send it back to continue it.",
}
ROUTED_PATHS = ("/api/v1/chat", "/api/v1/route", "/v1/chat/completions", "/v1/messages")


def _document_headers(schema: dict[str, Any]) -> None:
    routing = {
        name: {"description": text, "required": True, "schema": _STRING}
        for name, text in ROUTING_HEADERS.items()
    }
    retry_after = {"Retry-After": {"description": "Seconds to wait.", "schema": _STRING}}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                headers = response.setdefault("headers", {})
                headers.update(REQUEST_ID_HEADER)
                if path in ROUTED_PATHS and status.startswith("2"):
                    headers.update(routing)
                if status in ("429", "503"):
                    headers.update(retry_after)


def _drop_unused_security(schema: dict[str, Any], settings: GatewaySettings) -> None:
    """Without MASTERX_API_KEYS the API needs no key: the document does not ask for one."""
    if settings.api_key_list:
        return
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            security = [r for r in operation.get("security", []) if "ApiKey" not in r]
            if security:
                operation["security"] = security
            else:
                operation.pop("security", None)
    schema.get("components", {}).get("securitySchemes", {}).pop("ApiKey", None)


def _drop_null_parameters(schema: dict[str, Any]) -> None:
    """An optional query or header parameter is absent, never null: no null variant."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                spec = parameter.get("schema", {})
                variants = [v for v in spec.get("anyOf", []) if v.get("type") != "null"]
                if "anyOf" in spec and len(variants) == 1:
                    spec.pop("anyOf")
                    spec.update(variants[0])


def _add_models(schema: dict[str, Any], *models: type[BaseModel]) -> None:
    """Models the document refers to that no route returns (the streamed chunks)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(generated.pop("$defs", {}))
        components[model.__name__] = generated


def _drop_422(schema: dict[str, Any]) -> None:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)


def install_openapi(app: FastAPI, settings: GatewaySettings) -> None:
    """Validation errors are 400s here (not FastAPI's 422) and the limits follow the settings."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            _drop_422(schema)
            _add_models(schema, ChatCompletionChunk)
            _document_headers(schema)
            _drop_null_parameters(schema)
            _drop_unused_security(schema, settings)
            _apply_limits(schema, settings)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
