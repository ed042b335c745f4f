"""LangChain's OpenAI chat model against the running gateway: ``bind_tools`` gets tool calls
back and ``with_structured_output`` a parsed object (both through ``/v1/chat/completions``)."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field, SecretStr

from tooling.stack import Stack

pytestmark = pytest.mark.e2e


class GetWeather(BaseModel):
    """The weather in a city."""

    city: str = Field(description="The city")


class Solution(BaseModel):
    """A solved equation."""

    answer: int = Field(description="The value of x")
    steps: list[str] = Field(description="The steps")


@pytest.fixture(scope="module")
def model(gateway_stack: Stack) -> ChatOpenAI:
    return ChatOpenAI(
        model="auto",
        base_url=f"{gateway_stack.gateway_url}/v1",
        api_key=SecretStr("not-needed"),
        max_retries=0,
        timeout=30,
    )


def test_bind_tools_gets_a_tool_call_and_reads_its_result(model: ChatOpenAI) -> None:
    with_tools = model.bind_tools([GetWeather], tool_choice="GetWeather")
    question = HumanMessage("What is the weather in Paris?")
    first = with_tools.invoke([question])
    assert isinstance(first, AIMessage)
    [call] = first.tool_calls
    assert call["name"] == "GetWeather" and isinstance(call["args"]["city"], str)
    result = ToolMessage("21 degrees and sunny", tool_call_id=call["id"] or "")
    answer = with_tools.bind(tool_choice="auto").invoke([question, first, result])
    assert "21 degrees" in str(answer.content)


def test_bind_tools_streams_tool_call_chunks(model: ChatOpenAI) -> None:
    with_tools = model.bind_tools([GetWeather], tool_choice="GetWeather")
    chunks = list(with_tools.stream([HumanMessage("What is the weather in Paris?")]))
    whole = chunks[0]
    for chunk in chunks[1:]:
        whole = whole + chunk  # type: ignore[assignment]
    assert isinstance(whole, AIMessage)
    [call] = whole.tool_calls
    assert call["name"] == "GetWeather" and isinstance(call["args"]["city"], str)


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_with_structured_output(model: ChatOpenAI, method: str) -> None:
    structured = model.with_structured_output(Solution, method=method)  # type: ignore[arg-type]
    solution = structured.invoke("Solve 2x+5=15 and show the steps")
    assert isinstance(solution, Solution)
    assert isinstance(solution.answer, int) and isinstance(solution.steps, list)


def test_json_mode_gives_a_json_object(model: ChatOpenAI) -> None:
    """json_mode asks for any JSON object (the simulator answers one with no schema to follow)."""
    structured = model.with_structured_output(method="json_mode")
    assert isinstance(structured.invoke("Solve 2x+5=15, answer as JSON"), dict)
