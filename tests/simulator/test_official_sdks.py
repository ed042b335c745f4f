"""The official SDKs (openai, anthropic, google-genai) as clients of the simulator."""

from __future__ import annotations

import anthropic
import openai
from google import genai
from google.genai import types

from tests.simulator.expected import SQUARE_ANSWER, SQUARE_PROMPT, simulated_tokens


async def test_openai_sdk_plain_and_streamed_calls(simulator: str) -> None:
    async with openai.AsyncOpenAI(
        api_key="sk-sim-test", base_url=f"{simulator}/openai/v1", max_retries=0
    ) as client:
        reply = await client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": SQUARE_PROMPT}]
        )
        assert reply.choices[0].message.content == SQUARE_ANSWER
        assert reply.choices[0].finish_reason == "stop"
        assert reply.model == "gpt-4o"
        assert reply.usage is not None
        assert reply.usage.prompt_tokens == simulated_tokens(SQUARE_PROMPT)
        assert reply.usage.completion_tokens == simulated_tokens(SQUARE_ANSWER)
        assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens

        stream = await client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": SQUARE_PROMPT}],
            stream=True,
            stream_options={"include_usage": True},
        )
        text, usage, finish = "", None, None
        async for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
                finish = chunk.choices[0].finish_reason or finish
            usage = chunk.usage or usage
        assert (text, finish) == (SQUARE_ANSWER, "stop")
        assert usage is not None and usage.completion_tokens == simulated_tokens(SQUARE_ANSWER)

        models = await client.models.list()
        assert "gpt-4o" in [m.id for m in models.data]


async def test_openai_sdk_against_groq_openai_path(simulator: str) -> None:
    async with openai.AsyncOpenAI(
        api_key="gsk-sim-test", base_url=f"{simulator}/groq/openai/v1", max_retries=0
    ) as client:
        reply = await client.chat.completions.create(
            model="llama-3.3-70b-versatile",
            messages=[
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": SQUARE_PROMPT},
            ],
        )
    assert reply.choices[0].message.content == SQUARE_ANSWER
    assert reply.usage is not None
    assert reply.usage.prompt_tokens == simulated_tokens("Be brief.", SQUARE_PROMPT)


async def test_anthropic_sdk_plain_and_streamed_calls(simulator: str) -> None:
    async with anthropic.AsyncAnthropic(
        api_key="sk-ant-sim-test", base_url=f"{simulator}/anthropic", max_retries=0
    ) as client:
        message = await client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=256,
            system="Be brief.",
            messages=[{"role": "user", "content": SQUARE_PROMPT}],
        )
        assert message.content[0].type == "text"
        assert message.content[0].text == SQUARE_ANSWER
        assert message.stop_reason == "end_turn"
        assert message.usage.input_tokens == simulated_tokens("Be brief.", SQUARE_PROMPT)
        assert message.usage.output_tokens == simulated_tokens(SQUARE_ANSWER)

        async with client.messages.stream(
            model="claude-sonnet-4-6",
            max_tokens=256,
            messages=[{"role": "user", "content": SQUARE_PROMPT}],
        ) as stream:
            text = "".join([piece async for piece in stream.text_stream])
            final = await stream.get_final_message()
        assert text == SQUARE_ANSWER
        assert final.usage.output_tokens == simulated_tokens(SQUARE_ANSWER)
        assert final.usage.input_tokens == simulated_tokens(SQUARE_PROMPT)
        assert final.stop_reason == "end_turn"


async def test_google_genai_sdk_plain_and_streamed_calls(simulator: str) -> None:
    client = genai.Client(
        api_key="sim-gemini-key",
        http_options=types.HttpOptions(base_url=f"{simulator}/gemini", api_version="v1beta"),
    )
    try:
        reply = await client.aio.models.generate_content(
            model="gemini-2.5-flash", contents=SQUARE_PROMPT
        )
        assert reply.text == SQUARE_ANSWER
        assert reply.usage_metadata is not None
        assert reply.usage_metadata.prompt_token_count == simulated_tokens(SQUARE_PROMPT)
        assert reply.usage_metadata.candidates_token_count == simulated_tokens(SQUARE_ANSWER)
        assert reply.candidates and reply.candidates[0].finish_reason == types.FinishReason.STOP

        text, usage = "", None
        async for chunk in await client.aio.models.generate_content_stream(
            model="gemini-2.5-flash",
            contents=SQUARE_PROMPT,
            config=types.GenerateContentConfig(system_instruction="Be brief."),
        ):
            text += chunk.text or ""
            usage = chunk.usage_metadata or usage
        assert text == SQUARE_ANSWER
        assert usage is not None
        assert usage.candidates_token_count == simulated_tokens(SQUARE_ANSWER)
        assert usage.prompt_token_count == simulated_tokens("Be brief.", SQUARE_PROMPT)
    finally:
        await client.aio.aclose()
        client.close()
