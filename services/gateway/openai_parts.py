"""The OpenAI chat request's parts beyond text: image parts, tools, tool choice, tool calls in
history and ``response_format`` (the bodies of ``/v1/chat/completions``, see
``openai_schemas.py``); and the reply's tool calls."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.schemas import Text

LENIENT = ConfigDict(extra="ignore", strict=True)


class ImageUrl(BaseModel):
    """Where the image is: an http(s) URL or a ``data:image/...;base64,`` URL."""

    model_config = LENIENT
    url: Text = Field(..., min_length=1, description="An http(s) URL or a base64 data URL.")
    detail: Literal["auto", "low", "high"] | None = Field(
        None, description="Accepted; providers choose their own resolution."
    )


class ImagePartIn(BaseModel):
    """An image part of a user message (routes only to vision-capable providers)."""

    model_config = LENIENT
    type: Literal["image_url"] = Field(..., description="Always image_url.")
    image_url: ImageUrl = Field(..., description="The image.")


class FunctionIn(BaseModel):
    """A function the model may call."""

    model_config = LENIENT
    name: Text = Field(
        ...,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Its name: letters, digits, _ and -.",
    )
    description: Text = Field("", max_length=4096, description="What it does.")
    parameters: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}},
        description="Its parameters as a JSON schema.",
    )
    strict: bool | None = Field(None, description="Accepted; schemas are passed as given.")


class ToolIn(BaseModel):
    """A tool: a function."""

    model_config = LENIENT
    type: Literal["function"] = Field(..., description="Always function.")
    function: FunctionIn = Field(..., description="The function.")


class NamedFunction(BaseModel):
    """The function a tool choice names."""

    model_config = LENIENT
    name: Text = Field(..., min_length=1, max_length=64, description="Its name.")


class NamedToolChoice(BaseModel):
    """Call this function."""

    model_config = LENIENT
    type: Literal["function"] = Field(..., description="Always function.")
    function: NamedFunction = Field(..., description="The function to call.")


ToolChoiceIn = Literal["auto", "none", "required"] | NamedToolChoice


class CalledFunction(BaseModel):
    """The function a tool call called, with its arguments as JSON text."""

    model_config = LENIENT
    name: Text = Field(..., min_length=1, max_length=64, description="The function's name.")
    arguments: Text = Field(..., description="JSON text.")


class ToolCallIO(BaseModel):
    """A tool call the model made (in an answer, or sent back in history)."""

    model_config = LENIENT
    id: Text = Field(..., min_length=1, max_length=256, description="The call's id.")
    type: Literal["function"] = Field(..., description="Always function.")
    function: CalledFunction = Field(..., description="What it called.")


class JsonSchemaIn(BaseModel):
    """The schema a json_schema answer follows."""

    model_config = LENIENT
    name: Text = Field(..., min_length=1, max_length=64, description="The schema's name.")
    description: Text | None = Field(None, description="Accepted and ignored.")
    schema_: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object"}, alias="schema", description="A JSON schema."
    )
    strict: bool | None = Field(None, description="Passed on where the provider has it.")


class ResponseFormatIn(BaseModel):
    """text (the default), json_object (any JSON object) or json_schema."""

    model_config = LENIENT
    type: Literal["text", "json_object", "json_schema"] = Field(..., description="The format.")
    json_schema: JsonSchemaIn | None = Field(None, description="With type json_schema.")


class RefusedParameters(BaseModel):
    """OpenAI parameters MasterX reads only to refuse them (a 400 naming the parameter, in
    ``openai_request.refuse_unsupported``), never to drop them silently."""

    model_config = LENIENT
    logprobs: bool | None = Field(None, description="Not supported: true is a 400.")
    top_logprobs: int | None = Field(None, description="Not supported: any value is a 400.")
    frequency_penalty: float | None = Field(None, description="Not supported: non-zero is a 400.")
    presence_penalty: float | None = Field(None, description="Not supported: non-zero is a 400.")
    logit_bias: dict[str, Any] | None = Field(
        None, description="Not supported: a non-empty map is a 400."
    )
    modalities: list[str] | None = Field(
        None, description='Only ["text"]: any other modality is a 400.'
    )
    audio: dict[str, Any] | None = Field(None, description="Not supported: a 400.")
    prediction: dict[str, Any] | None = Field(None, description="Not supported: a 400.")
    web_search_options: dict[str, Any] | None = Field(None, description="Not supported: a 400.")
    reasoning_effort: str | None = Field(None, description="Not supported: a 400.")
    functions: list[Any] | None = Field(
        None, description="The deprecated form of tools: a 400 (use tools)."
    )
    function_call: Any = Field(
        None, description="The deprecated form of tool_choice: a 400 (use tool_choice)."
    )
    store: bool | None = Field(
        None, description="MasterX stores no completions for the provider: true is a 400."
    )
    service_tier: str | None = Field(
        None, description='Only "auto" or "default": another tier is a 400.'
    )
    verbosity: str | None = Field(None, description="Not supported: a 400.")
