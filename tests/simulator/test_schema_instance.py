"""The simulator's tool arguments and structured answers validate against the schema asked for
(simulator/schema_instance.py), and the rules that shape a reply (simulator/reply_content.py)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.formats.base import OutputFormat, SimRequest, ToolChoice, ToolResult, ToolSpec
from simulator.profiles import ModelSupport
from simulator.reply_content import content_for, missing_support
from simulator.schema_instance import SchemaError, instance_of

_NAMES = st.text("abcdefgh_", min_size=1, max_size=6)


@st.composite
def _string(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if draw(st.booleans()):
        schema["minLength"] = draw(st.integers(0, 12))
    if draw(st.booleans()):
        schema["maxLength"] = draw(st.integers(schema.get("minLength", 0), 20))
    return schema


@st.composite
def _number(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": draw(st.sampled_from(["integer", "number"]))}
    low = draw(st.none() | st.integers(-100, 100))
    if low is not None:
        schema["minimum"] = low
    if draw(st.booleans()):
        schema["maximum"] = draw(st.integers(low if low is not None else -100, 200))
    elif draw(st.booleans()):
        schema["exclusiveMinimum"] = draw(st.integers(-100, 100))
        schema.pop("minimum", None)
    return schema


_LEAVES = st.one_of(
    _string(),
    _number(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.lists(st.integers() | st.text(max_size=3), min_size=1, max_size=3).map(
        lambda values: {"enum": values}
    ),
    st.just({"type": "string", "format": "date-time"}),
    st.just({"type": ["string", "null"]}),
)


def _composites(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    def obj(properties: dict[str, Any], strict: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if strict:
            schema |= {"required": sorted(properties), "additionalProperties": False}
        return schema

    def array(items: dict[str, Any], least: int, extra: int) -> dict[str, Any]:
        return {"type": "array", "items": items, "minItems": least, "maxItems": least + extra}

    return st.one_of(
        st.builds(obj, st.dictionaries(_NAMES, children, max_size=4), st.booleans()),
        st.builds(array, children, st.integers(0, 3), st.integers(0, 2)),
        st.lists(children, min_size=1, max_size=3).map(lambda options: {"anyOf": options}),
    )


_SCHEMAS = st.recursive(_LEAVES, _composites, max_leaves=12)


@given(_SCHEMAS)
def test_the_instance_validates_against_its_schema(schema: dict[str, Any]) -> None:
    jsonschema.validate(instance_of(schema), schema)


def test_references_and_definitions_are_followed() -> None:
    schema = {
        "$defs": {"Step": {"type": "object", "properties": {"n": {"type": "integer"}}}},
        "type": "object",
        "properties": {
            "steps": {"type": "array", "items": {"$ref": "#/$defs/Step"}, "minItems": 2},
            "both": {"allOf": [{"$ref": "#/$defs/Step"}, {"properties": {"m": {"const": 3}}}]},
        },
        "required": ["steps", "both"],
    }
    value = instance_of(schema)
    jsonschema.validate(value, schema)
    assert value["steps"] == [{"n": 0}, {"n": 0}] and value["both"] == {"n": 0, "m": 3}
    with pytest.raises(SchemaError, match="points at nothing"):
        instance_of({"$ref": "#/$defs/Missing"})
    with pytest.raises(SchemaError, match="nests deeper"):
        instance_of({"$defs": {"Loop": {"$ref": "#/$defs/Loop"}}, "$ref": "#/$defs/Loop"})


def test_a_schema_asking_for_too_much_is_refused_at_once() -> None:
    # a real provider bounds its output; the simulator refused to spend minutes generating
    with pytest.raises(SchemaError, match="more than 100000 values"):
        instance_of({"type": "array", "items": {"type": "string"}, "minItems": 10**8})
    nested = {"type": "array", "minItems": 1000, "items": {"type": "array", "minItems": 1000}}
    with pytest.raises(SchemaError, match="more than 100000 values"):
        instance_of(nested)
    with pytest.raises(SchemaError, match="minLength 1000000"):
        instance_of({"type": "string", "minLength": 10**6})
    assert len(instance_of({"type": "array", "minItems": 50_000})) == 50_000


def test_gemini_upper_case_types_are_read() -> None:
    schema = {
        "type": "OBJECT",
        "properties": {
            "names": {"type": "ARRAY", "items": {"type": "STRING"}},
            "n": {"type": "INTEGER"},
        },
    }
    assert instance_of(schema, "x") == {"names": ["x"], "n": 0}


def _call(**fields: Any) -> SimRequest:
    return SimRequest(
        model="m",
        prompt=fields.pop("prompt", "hello"),
        texts=(),
        max_tokens=None,
        stream=False,
        **fields,
    )


WEATHER = ToolSpec(
    "get_weather", "", {"type": "object", "properties": {"city": {"type": "string"}}}
)
TIME = ToolSpec("get_time", "", {"type": "object", "properties": {}})


@pytest.mark.parametrize(
    ("prompt", "choice", "called"),
    [
        ("hello", ToolChoice("auto"), None),
        ("call GET_TIME now", ToolChoice("auto"), "get_time"),
        ("hello", ToolChoice("required"), "get_weather"),
        ("use get_time", ToolChoice("required"), "get_time"),
        ("use get_time", ToolChoice("tool", "get_weather"), "get_weather"),
        ("use get_time", ToolChoice("none"), None),
    ],
)
def test_the_tool_choice_rule(prompt: str, choice: ToolChoice, called: str | None) -> None:
    content = content_for(
        _call(prompt=prompt, tools=(WEATHER, TIME), tool_choice=choice), "hi", "s"
    )
    assert [c.name for c in content.tool_calls] == ([called] if called else [])
    assert content.text == ("" if called else "hi")


def test_tool_results_are_answered_in_text_quoting_them() -> None:
    call = _call(
        prompt="use get_time", tools=(TIME,), tool_results=(ToolResult("get_time", "12:00"),)
    )
    content = content_for(call, "hi", "s")
    assert content.tool_calls == () and content.text == "The get_time tool returned 12:00."


def test_json_output_and_the_stop_cut() -> None:
    assert content_for(_call(output=OutputFormat()), "hi", "s").text == '{"answer":"hi"}'
    schema = {"type": "object", "properties": {"reply": {"type": "string"}}}
    assert content_for(_call(output=OutputFormat(schema)), "hi\nmore", "s").text == '{"reply":"hi"}'
    cut = content_for(_call(stop=("lo", "el")), "hello world", "s")
    assert (cut.text, cut.stop_sequence) == ("h", "el")  # the earliest stop string wins
    assert content_for(_call(stop=("zz",)), "hello", "s").stop_sequence is None


def test_the_first_missing_capability_is_named() -> None:
    blind = ModelSupport(tools=True, json_mode=True, json_schema=False, vision=False)
    assert missing_support(_call(images=1), blind) == "vision"
    assert missing_support(_call(output=OutputFormat({"type": "object"})), blind) == "json_schema"
    assert missing_support(_call(output=OutputFormat(), tools=(TIME,)), blind) is None
