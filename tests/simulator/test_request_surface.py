"""Raw requests at the edges of each format's surface: what is accepted, and what is refused
with the provider's own envelope and a message naming the problem."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.simulator.expected import SQUARE_PROMPT
from tests.simulator.tool_fixtures import PNG_BASE64

OPENAI = "/openai/v1/chat/completions"
GROQ = "/groq/openai/v1/chat/completions"
ANTHROPIC = "/anthropic/v1/messages"
GEMINI = "/gemini/v1beta/models/gemini-2.5-flash:generateContent"


@pytest.fixture
async def client(simulator: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=simulator, timeout=5) as client:
        yield client


def _user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            OPENAI,
            {
                "model": "gpt-4o",
                "messages": [
                    _user("hi"),
                    {"role": "assistant", "content": [{"type": "refusal", "refusal": "no"}]},
                    _user(SQUARE_PROMPT),
                ],
            },
        ),
        (
            ANTHROPIC,
            {
                "model": "claude-sonnet-4-6",
                "max_tokens": 64,
                "messages": [
                    _user("hi"),
                    {
                        "role": "assistant",
                        "content": [
                            {"type": "thinking", "thinking": "...", "signature": "s"},
                            {"type": "text", "text": "hello"},
                        ],
                    },
                    _user(SQUARE_PROMPT),
                ],
            },
        ),
        (
            GEMINI,
            {
                "contents": [
                    {
                        "role": "user",
                        "parts": [
                            {"fileData": {"mimeType": "image/png", "fileUri": "gs://b/x.png"}},
                            {"text": SQUARE_PROMPT},
                        ],
                    }
                ]
            },
        ),
    ],
)
async def test_accepted_edges(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> None:
    response = await client.post(path, json=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "body", "complaint"),
    [
        (
            OPENAI,
            {"model": "gpt-4o", "messages": [_user([{"type": "input_audio"}])]},
            "'input_audio'",
        ),
        (
            GROQ,
            {
                "model": "llama-3.3-70b-versatile",
                "messages": [_user(SQUARE_PROMPT)],
                "response_format": {"type": "json_schema", "json_schema": {"name": "x"}},
            },
            "does not support response format `json_schema`",
        ),
        (
            ANTHROPIC,
            {
                "model": "claude-sonnet-4-6",
                "max_tokens": 64,
                "messages": [_user([{"type": "video"}])],
            },
            "Input tag 'video'",
        ),
        (
            ANTHROPIC,
            {
                "model": "claude-sonnet-4-6",
                "max_tokens": 64,
                "messages": [_user("hi")],
                "tools": [{"name": "f"}],
            },
            "tools.0.custom.input_schema: Field required",
        ),
        (
            GEMINI,
            {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "@@"}}]}]},
            "Base64 decoding failed",
        ),
        (
            GEMINI,
            {
                "contents": [{"parts": [{"text": "hi"}]}],
                "generationConfig": {"responseSchema": {"type": "OBJECT"}},
            },
            "response_mime_type must be application/json",
        ),
        (
            GEMINI,
            {"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {"topP": 2}},
            "generationConfig.topP",
        ),
    ],
)
async def test_refused_edges_name_the_problem(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], complaint: str
) -> None:
    response = await client.post(path, json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert complaint in error["message"]
    if path == GEMINI:
        assert error["status"] == "INVALID_ARGUMENT"
    else:
        assert error["type"] == "invalid_request_error"


async def test_a_refused_capability_is_counted_as_a_bad_request(client: httpx.AsyncClient) -> None:
    image = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_BASE64}"}}
    response = await client.post(
        GROQ, json={"model": "llama-3.3-70b-versatile", "messages": [_user([image])]}
    )
    assert response.status_code == 400
    listed = (await client.get("/_control/providers")).json()["providers"]["groq"]
    assert listed["calls"]["bad_request"] == 1
    assert listed["profile"]["supports"]["llama-3.3-70b-versatile"]["vision"] is False
