"""Details of each wire format the official SDK tests do not reach."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from tests.simulator.expected import (
    EQUATION_ANSWER,
    EQUATION_PROMPT,
    EQUATION_WRONG,
    SQUARE_ANSWER,
    SQUARE_PROMPT,
)


@pytest.fixture
async def client(simulator: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=simulator, timeout=5) as client:
        yield client


def chat(prompt: str, model: str = "gpt-4o", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": prompt}], **extra}


async def sse_data(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> list[str]:
    async with client.stream("POST", path, json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return [line[6:] async for line in response.aiter_lines() if line.startswith("data: ")]


async def test_an_openai_stream_reports_usage_only_when_asked(client: httpx.AsyncClient) -> None:
    path = "/openai/v1/chat/completions"
    plain = await sse_data(client, path, chat(SQUARE_PROMPT, stream=True))
    assert plain[-1] == "[DONE]"
    chunks = [orjson.loads(d) for d in plain[:-1]]
    assert all("usage" not in c for c in chunks)
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == SQUARE_ANSWER
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"

    counted = await sse_data(
        client, path, chat(SQUARE_PROMPT, stream=True, stream_options={"include_usage": True})
    )
    last = orjson.loads(counted[-2])
    assert last["choices"] == [] and last["usage"]["completion_tokens"] > 0


async def test_a_gemini_stream_ends_with_the_finish_reason_and_usage(
    client: httpx.AsyncClient,
) -> None:
    data = await sse_data(
        client,
        "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        {"contents": [{"parts": [{"text": SQUARE_PROMPT}]}]},
    )
    chunks = [orjson.loads(d) for d in data]
    assert len(chunks) > 1
    assert "finishReason" not in chunks[0]["candidates"][0]
    assert chunks[-1]["candidates"][0]["finishReason"] == "STOP"
    assert chunks[-1]["usageMetadata"]["candidatesTokenCount"] > 0


@pytest.mark.parametrize(
    ("path", "body", "finish"),
    [
        (
            "/openai/v1/chat/completions",
            chat("Tell me about the sea", max_tokens=5),
            ("choices", 0, "finish_reason", "length"),
        ),
        (
            "/anthropic/v1/messages",
            {
                "model": "claude-sonnet-4-6",
                "max_tokens": 5,
                "messages": [{"role": "user", "content": "Tell me about the sea"}],
            },
            ("stop_reason", None, None, "max_tokens"),
        ),
        (
            "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
            {
                "contents": [{"parts": [{"text": "Tell me about the sea"}]}],
                "generationConfig": {"maxOutputTokens": 5},
            },
            ("candidates", 0, "finishReason", "MAX_TOKENS"),
        ),
    ],
)
async def test_max_tokens_cuts_the_answer(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], finish: tuple[Any, ...]
) -> None:
    payload = (await client.post(path, json=body)).json()
    first, index, field, expected = finish
    value = payload[first] if index is None else payload[first][index][field]
    assert value == expected
    usage = payload.get("usage") or payload.get("usageMetadata")
    assert 5 in (
        usage.get("completion_tokens"),
        usage.get("output_tokens"),
        usage.get("candidatesTokenCount"),
    )


@pytest.mark.parametrize(
    ("path", "body", "status", "error_type"),
    [
        ("/openai/v1/chat/completions", {"model": "gpt-4o"}, 400, "invalid_request_error"),
        ("/openai/v1/chat/completions", chat("hi", model="gpt-9"), 404, "invalid_request_error"),
        (
            "/anthropic/v1/messages",
            {"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "hi"}]},
            400,
            "invalid_request_error",
        ),
        (
            "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
            {"contents": []},
            400,
            "INVALID_ARGUMENT",
        ),
        ("/nobody/v1/chat/completions", chat("hi"), 404, "invalid_request_error"),
        ("/openai/v1/messages", {"model": "gpt-4o"}, 404, "not_found_error"),
    ],
)
async def test_requests_the_real_api_refuses_get_its_4xx(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], status: int, error_type: str
) -> None:
    response = await client.post(path, json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error_type in (error.get("type"), error.get("status"))


async def test_invalid_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/openai/v1/chat/completions", content=b"{nope")
    assert response.status_code == 400


async def test_every_provider_also_speaks_the_openai_format(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/anthropic/v1/chat/completions", json=chat(SQUARE_PROMPT, model="claude-sonnet-4-6")
    )
    assert response.json()["choices"][0]["message"]["content"] == SQUARE_ANSWER


async def test_answers_are_deterministic(client: httpx.AsyncClient) -> None:
    path = "/openai/v1/chat/completions"
    texts = [
        (await client.post(path, json=chat("Tell me about volcanoes"))).json()["choices"][0][
            "message"
        ]["content"]
        for _ in range(2)
    ]
    assert texts[0] == texts[1]
    assert "volcanoes" in texts[0]


async def test_benchmark_prompts_are_recognised_despite_case_and_spacing(
    client: httpx.AsyncClient,
) -> None:
    path = "/openai/v1/chat/completions"
    good = (await client.post(path, json=chat(EQUATION_PROMPT))).json()
    assert good["choices"][0]["message"]["content"] == EQUATION_ANSWER
    # emergent's test profile has quality 0: the key's wrong answer, else a plausible one
    wrong = (
        await client.post(
            "/emergent/v1/chat/completions", json=chat(EQUATION_PROMPT, model="gpt-4o-mini")
        )
    ).json()
    assert wrong["choices"][0]["message"]["content"] == EQUATION_WRONG
    other = (
        await client.post(
            "/emergent/v1/chat/completions", json=chat(SQUARE_PROMPT, model="gpt-4o-mini")
        )
    ).json()
    text = other["choices"][0]["message"]["content"]
    assert text != SQUARE_ANSWER and "144" not in text
