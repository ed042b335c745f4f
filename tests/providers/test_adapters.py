"""Each adapter against the simulator: plain calls, streams, usage and cost."""

from __future__ import annotations

import asyncio

import pytest

from masterx.providers import ChatTurn, ProviderSpec, StreamEnd, TextDelta, Usage
from masterx.providers.catalog import default_price_table, default_token_counter
from masterx.providers.transport import ProviderTimeouts, ProviderTransport
from tests.providers.conftest import AdapterFactory
from tests.simulator.expected import SQUARE_ANSWER, SQUARE_PROMPT, simulated_tokens
from tests.simulator.harness import control_provider

KEYED = ["openai", "anthropic", "gemini", "groq"]  # quality 1 in the test profiles
ALL = [*KEYED, "emergent"]  # emergent: the plain OpenAI-compatible kind
QUESTION = [ChatTurn("user", SQUARE_PROMPT)]


@pytest.mark.parametrize("name", KEYED)
async def test_generate_returns_text_model_and_reported_usage(
    adapter_for: AdapterFactory, name: str
) -> None:
    adapter = adapter_for(name)
    completion = await adapter.generate(QUESTION)
    assert completion.text == SQUARE_ANSWER
    assert completion.model == adapter.spec.model
    assert completion.finish_reason == "stop"
    assert completion.usage == Usage(
        simulated_tokens(SQUARE_PROMPT), simulated_tokens(SQUARE_ANSWER), "reported"
    )


@pytest.mark.parametrize("name", ALL)
async def test_stream_yields_deltas_then_one_end_matching_generate(
    adapter_for: AdapterFactory, name: str
) -> None:
    adapter = adapter_for(name)
    whole = await adapter.generate(QUESTION)
    events = [event async for event in adapter.stream(QUESTION)]
    deltas, end = events[:-1], events[-1]
    assert len(deltas) > 1 and all(isinstance(d, TextDelta) for d in deltas)
    assert "".join(d.text for d in deltas if isinstance(d, TextDelta)) == whole.text
    assert isinstance(end, StreamEnd)
    assert (end.model, end.usage, end.finish_reason) == (whole.model, whole.usage, "stop")


@pytest.mark.parametrize("name", ALL)
async def test_a_system_turn_and_max_tokens_reach_the_provider(
    adapter_for: AdapterFactory, name: str
) -> None:
    turns = [ChatTurn("system", "Be brief."), ChatTurn("user", "Tell me about the sea")]
    completion = await adapter_for(name).generate(turns, max_tokens=5, temperature=0.2)
    assert completion.finish_reason == "length"
    assert completion.completion_tokens == 5
    assert completion.prompt_tokens == simulated_tokens("Be brief.", "Tell me about the sea")


@pytest.mark.parametrize("name", ALL)
async def test_usage_is_counted_with_tiktoken_when_the_provider_reports_none(
    simulator: str, adapter_for: AdapterFactory, name: str
) -> None:
    control_provider(simulator, name, report_usage=False)
    adapter = adapter_for(name)
    completion = await adapter.generate(QUESTION)
    counter = default_token_counter()
    model = adapter.spec.model
    assert completion.usage_source == "counted"
    assert completion.prompt_tokens == counter.count_turns(QUESTION, model)
    assert completion.completion_tokens == counter.count_text(completion.text, model)
    end = [e async for e in adapter.stream(QUESTION)][-1]
    assert isinstance(end, StreamEnd)
    assert end.usage == completion.usage


@pytest.mark.parametrize("name", ALL)
async def test_cost_of_a_usage_follows_the_price_table(
    adapter_for: AdapterFactory, name: str
) -> None:
    adapter = adapter_for(name)
    usage = (await adapter.generate(QUESTION)).usage
    price = default_price_table().price_for(adapter.spec.model)
    assert price is not None
    expected = (
        usage.prompt_tokens * price.input_per_million
        + usage.completion_tokens * price.output_per_million
    ) / 1e6
    assert adapter.cost(usage) == pytest.approx(expected) and expected > 0
    assert adapter.cost(Usage(1_000_000, 0), "gpt-4o-mini") == pytest.approx(0.15)


async def test_one_adapter_serves_concurrent_calls_over_its_pool(
    adapter_for: AdapterFactory,
) -> None:
    adapter = adapter_for("groq")
    results = await asyncio.gather(*(adapter.generate(QUESTION) for _ in range(30)))
    assert {r.text for r in results} == {SQUARE_ANSWER}


async def test_a_stream_left_early_releases_its_connection(adapter_for: AdapterFactory) -> None:
    adapter = adapter_for("anthropic")
    stream = adapter.stream(QUESTION)
    async for event in stream:
        assert isinstance(event, TextDelta)
        break
    await stream.aclose()
    assert (await adapter.generate(QUESTION)).text == SQUARE_ANSWER


async def test_close_is_clean_and_final(adapter_for: AdapterFactory) -> None:
    plain = adapter_for("openai")
    unused = adapter_for("openai", base_url="https://api.openai.com/v1", api_key="sk-x")
    assert not plain.transport.closed  # type: ignore[attr-defined]
    await plain.generate(QUESTION)
    await plain.aclose()
    await unused.aclose()  # no session was ever made: nothing to close, still closed after
    assert plain.transport.closed and unused.transport.closed  # type: ignore[attr-defined]
    for adapter in (plain, unused):
        with pytest.raises(RuntimeError):
            await adapter.generate(QUESTION)


async def test_a_base_url_path_prefix_is_kept(specs: dict[str, ProviderSpec]) -> None:
    """``base_url + path``, as httpx joined them: groq's base is ``.../groq/openai/v1``."""
    transport = ProviderTransport(specs["groq"], {}, ProviderTimeouts(connect_s=2, read_s=5))
    try:
        base = specs["groq"].base_url
        assert str(transport._url("/chat/completions")) == f"{base}/chat/completions"
        assert str(transport._url("models")) == f"{base}/models"
        question = [{"role": "user", "content": SQUARE_PROMPT}]
        body = {"model": specs["groq"].model, "messages": question}
        answer = await transport.post_json("/chat/completions", body)
        assert answer["choices"][0]["message"]["content"] == SQUARE_ANSWER
    finally:
        await transport.aclose()
