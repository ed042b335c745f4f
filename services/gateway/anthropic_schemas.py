"""The Anthropic Messages API's request body (``POST /v1/messages``), as the official SDK sends
it: ``system`` as a string or text blocks, text / image / tool_use / tool_result content blocks,
tools and tool choice, stop sequences and sampling. Parameters MasterX cannot honour (``top_k``,
extended ``thinking``) are a 400 naming them, never dropped (``anthropic_translate.py``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.openai_schemas import INT32_MAX
from services.gateway.schemas import Text

LENIENT = ConfigDict(extra="ignore", strict=True)


class TextBlock(BaseModel):
    """A text content block."""

    model_config = LENIENT
    type: Literal["text"] = Field(..., description="A text block.")
    text: Text = Field(..., description="Its text.")


class ImageSource(BaseModel):
    """An image: base64 data with its type, or an http(s) URL."""

    model_config = LENIENT
    type: Literal["base64", "url"] = Field(..., description="base64 data or a URL.")
    media_type: Literal["image/jpeg", "image/png", "image/gif", "image/webp"] | None = Field(
        None, description="With base64: the image's type."
    )
    data: Text | None = Field(None, description="With base64: the image.")
    url: Text | None = Field(None, description="With url: an http(s) URL.")


class ImageBlock(BaseModel):
    """An image content block."""

    model_config = LENIENT
    type: Literal["image"] = Field(..., description="An image (user messages).")
    source: ImageSource = Field(..., description="Where the image is.")


class ToolUseBlock(BaseModel):
    """A tool call the assistant made (sent back in history)."""

    model_config = LENIENT
    type: Literal["tool_use"] = Field(..., description="A tool call the assistant made.")
    id: Text = Field(..., min_length=1, max_length=256, description="The call's id.")
    name: Text = Field(..., min_length=1, max_length=64, description="The tool's name.")
    input: dict[str, Any] = Field(default_factory=dict, description="Its arguments.")


class ToolResultBlock(BaseModel):
    """The result of a tool call."""

    model_config = LENIENT
    type: Literal["tool_result"] = Field(..., description="A tool's result (user messages).")
    tool_use_id: Text = Field(
        ..., min_length=1, max_length=256, description="The tool_use block it answers."
    )
    content: Text | list[TextBlock] | None = Field(None, description="The result.")
    is_error: bool | None = Field(None, description="Accepted; the result's text says it.")


Block = Annotated[
    TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock, Field(discriminator="type")
]


class MessageParam(BaseModel):
    """One message of the conversation."""

    model_config = LENIENT
    role: Literal["user", "assistant"] = Field(..., description="Who wrote it.")
    content: Text | list[Block] = Field(..., description="A string or content blocks.")


class ToolParam(BaseModel):
    """A tool the model may call."""

    model_config = LENIENT
    name: Text = Field(
        ...,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Its name: letters, digits, _ and -.",
    )
    description: Text = Field("", max_length=4096, description="What it does.")
    input_schema: dict[str, Any] = Field(..., description="Its input as a JSON schema.")


class ToolChoiceParam(BaseModel):
    """auto, any (some tool), tool (the one named) or none."""

    model_config = LENIENT
    type: Literal["auto", "any", "tool", "none"] = Field(..., description="How to use tools.")
    name: Text | None = Field(None, description="With type tool: the tool to call.")
    disable_parallel_tool_use: bool | None = Field(None, description="At most one call.")


class MessagesMetadata(BaseModel):
    """About the request."""

    model_config = LENIENT
    user_id: Text | None = Field(None, max_length=256, description="The end user's id.")


class MessagesRequest(BaseModel):
    """An Anthropic Messages API request."""

    model_config = LENIENT | ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model": "auto",
                    "max_tokens": 512,
                    "system": "You are a patient tutor.",
                    "messages": [{"role": "user", "content": "Solve 2x+5=15"}],
                }
            ]
        }
    )
    model: Text = Field(
        ...,
        min_length=1,
        max_length=200,
        description='"auto" lets MasterX route; "<provider>/<model>" or "<provider>" pins.',
    )
    max_tokens: int = Field(..., ge=1, le=INT32_MAX, description="Longest answer, in tokens.")
    messages: list[MessageParam] = Field(..., min_length=1, description="The conversation.")
    system: Text | list[TextBlock] | None = Field(None, description="The system prompt.")
    tools: list[ToolParam] | None = Field(None, description="Tools the model may call.")
    tool_choice: ToolChoiceParam | None = Field(None, description="How to use the tools.")
    stop_sequences: list[Text] | None = Field(None, description="Where the answer stops.")
    temperature: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False, description="Sampling temperature, 0 to 1."
    )
    top_p: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False, description="Nucleus sampling, 0 to 1."
    )
    top_k: int | None = Field(None, description="Not supported: any value is a 400.")
    thinking: dict[str, Any] | None = Field(None, description="Not supported: a 400.")
    stream: bool = Field(False, description="Answer as Anthropic's server-sent events.")
    metadata: MessagesMetadata | None = Field(None, description="user_id: the end user.")
