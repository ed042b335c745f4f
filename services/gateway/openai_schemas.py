"""The OpenAI-compatible API's bodies (``/v1/chat/completions``, ``/v1/models``).

Every OpenAI parameter is delivered to the provider (translated to its wire format), or refused
with a 400 naming it when it asks for something MasterX cannot honour (``n`` > 1, ``logprobs``,
penalties, ``logit_bias``); none is silently dropped. The README's "Request surface" lists each.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from services.gateway.openai_parts import (
    ImagePartIn,
    RefusedParameters,
    ResponseFormatIn,
    ToolCallIO,
    ToolChoiceIn,
    ToolIn,
)
from services.gateway.schemas import Text

INT32_MAX = 2**31 - 1
LENIENT = ConfigDict(extra="ignore", strict=True)
FinishReason = Literal["stop", "length", "content_filter", "tool_calls"]


class TextPart(BaseModel):
    """A text part of a message's content."""

    model_config = LENIENT
    type: Literal["text"] = Field(..., description="Always text.")
    text: Text = Field(..., description="The text.")


def _one_content_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "content_type",
            "content must be a string or a list of text and image_url parts "
            '({"type": "text", "text": ...}, {"type": "image_url", "image_url": {"url": ...}})',
        ) from None


ContentPart = Annotated[TextPart | ImagePartIn, Field(discriminator="type")]
MessageContent = Annotated[Text | list[ContentPart] | None, WrapValidator(_one_content_error)]


class MessageIn(BaseModel):
    """One message of the conversation."""

    model_config = LENIENT
    role: Literal["system", "developer", "user", "assistant", "tool"] = Field(
        ..., description="Who wrote it; developer is treated as system; tool: a tool's result."
    )
    content: MessageContent = Field(
        None,
        description="A string, or text and image_url parts (images: user messages only); "
        "null on an assistant message with tool_calls (limit: MASTERX_MAX_MESSAGE_CHARS).",
    )
    name: Text | None = Field(None, max_length=64, description="Accepted and ignored.")
    tool_calls: list[ToolCallIO] | None = Field(
        None, description="On an assistant message: the tool calls it made."
    )
    tool_call_id: Text | None = Field(
        None, max_length=256, description="On a tool message: the call it answers."
    )


class StreamOptions(BaseModel):
    """Options of a streamed response."""

    model_config = LENIENT
    include_usage: bool = Field(
        False, description="Send a last chunk with the token usage (and no choices)."
    )


class ChatCompletionRequest(RefusedParameters):
    """An OpenAI chat completion request."""

    model_config = LENIENT | ConfigDict(
        json_schema_extra={
            "examples": [
                {"model": "auto", "messages": [{"role": "user", "content": "Explain bubble sort"}]},
                {
                    "model": "auto",
                    "stream": True,
                    "stream_options": {"include_usage": True},
                    "user": "u1",
                    "metadata": {"session_id": "s-42"},
                    "messages": [
                        {"role": "system", "content": "You are a patient tutor."},
                        {"role": "user", "content": "Solve 2x+5=15"},
                    ],
                },
                {
                    "model": "groq/llama-3.3-70b-versatile",
                    "messages": [{"role": "user", "content": "Say hello"}],
                },
            ]
        }
    )
    model: Text = Field(
        ...,
        min_length=1,
        max_length=200,
        description='"auto" lets MasterX route; "<provider>/<model>" or "<provider>" pins.',
    )
    messages: list[MessageIn] = Field(
        ..., min_length=1, description="The conversation; the last message must be the user's."
    )
    stream: bool = Field(False, description="Answer as server-sent events ending in [DONE].")
    stream_options: StreamOptions | None = Field(None, description="Options when streaming.")
    user: Text | None = Field(
        None, min_length=1, max_length=256, description="The end user's id (MasterX's user_id)."
    )
    metadata: (
        dict[Annotated[Text, Field(max_length=64)], Annotated[Text, Field(max_length=512)]] | None
    ) = Field(
        None,
        max_length=16,
        description="Key-value pairs; session_id continues a conversation (as X-Session-ID).",
    )
    max_tokens: int | None = Field(
        None, ge=1, le=INT32_MAX, description="Longest answer, in tokens."
    )
    max_completion_tokens: int | None = Field(
        None, ge=1, le=INT32_MAX, description="As max_tokens (the newer name); wins over it."
    )
    temperature: float | None = Field(
        None, ge=0, le=2, allow_inf_nan=False, description="Sampling temperature, 0 to 2."
    )
    n: int | None = Field(None, ge=1, description="Number of choices: only 1 (more: a 400).")
    tools: list[ToolIn] | None = Field(
        None, description="Functions the model may call (routes to tool-capable providers)."
    )
    tool_choice: ToolChoiceIn | None = Field(
        None, description="auto, none, required, or a named function."
    )
    parallel_tool_calls: bool | None = Field(
        None, description="Whether the model may call several tools at once."
    )
    response_format: ResponseFormatIn | None = Field(
        None, description="json_object or json_schema (routes to providers that honour it)."
    )
    stop: Text | list[Text] | None = Field(
        None, description="Up to 4 sequences where the answer stops."
    )
    top_p: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False, description="Nucleus sampling, 0 to 1."
    )
    seed: int | None = Field(
        None,
        ge=-(2**63),
        lt=2**63,
        description="Best effort: sent to providers that take a seed, else ignored. A 64-bit"
        " signed integer, as OpenAI's.",
    )


class AssistantMessage(BaseModel):
    """The answer."""

    role: Literal["assistant"] = Field(..., description="Always assistant.")
    content: str | None = Field(..., description="The answer's text (null with tool calls only).")
    tool_calls: list[ToolCallIO] | None = Field(None, description="The tools it called.")


class Choice(BaseModel):
    """The one answer of a completion."""

    index: int = Field(..., description="Always 0.")
    message: AssistantMessage = Field(..., description="The assistant's message.")
    finish_reason: FinishReason = Field(..., description="Why the answer ended.")
    logprobs: None = Field(None, description="Not supported: always null.")


class UsageOut(BaseModel):
    """Token usage of the request."""

    prompt_tokens: int = Field(..., description="Tokens in the prompt.")
    completion_tokens: int = Field(..., description="Tokens in the answer.")
    total_tokens: int = Field(..., description="Their sum.")


class ChatCompletion(BaseModel):
    """A chat completion, as OpenAI's API returns it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "chatcmpl-0d9f4c3b8a7e4e1f9d2c6b5a4e3f2a1b",
                    "object": "chat.completion",
                    "created": 1767225600,
                    "model": "anthropic/claude-sonnet-4-6",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": "Bubble sort ..."},
                            "finish_reason": "stop",
                            "logprobs": None,
                        }
                    ],
                    "usage": {"prompt_tokens": 11, "completion_tokens": 80, "total_tokens": 91},
                }
            ]
        }
    )
    id: str = Field(..., description="chatcmpl- and the request id.")
    object: Literal["chat.completion"] = Field(..., description="Always chat.completion.")
    created: int = Field(..., description="Unix time, in seconds.")
    model: str = Field(..., description="<provider>/<model> that answered.")
    choices: list[Choice] = Field(..., description="One choice.")
    usage: UsageOut = Field(..., description="Token usage.")


class ChunkDelta(BaseModel):
    """What a chunk adds to the answer."""

    role: Literal["assistant"] | None = Field(None, description="In the first chunk only.")
    content: str | None = Field(None, description="The next piece of text.")
    tool_calls: list[dict[str, Any]] | None = Field(
        None, description="Pieces of tool calls: index, then id, type and name, then arguments."
    )


class ChunkChoice(BaseModel):
    """The one choice of a chunk."""

    index: int = Field(..., description="Always 0.")
    delta: ChunkDelta = Field(..., description="The added text.")
    finish_reason: FinishReason | None = Field(..., description="Set in the last content chunk.")
    logprobs: None = Field(None, description="Not supported: always null.")


class ChatCompletionChunk(BaseModel):
    """One server-sent event of a streamed completion (``data: {chunk}``)."""

    id: str = Field(..., description="chatcmpl- and the request id; the same in every chunk.")
    object: Literal["chat.completion.chunk"] = Field(..., description="Always this.")
    created: int = Field(..., description="Unix time, in seconds.")
    model: str = Field(..., description="<provider>/<model> that answers.")
    choices: list[ChunkChoice] = Field(..., description="One choice; none in the usage chunk.")
    usage: UsageOut | None = Field(None, description="Only in the last chunk, with include_usage.")


class ModelOut(BaseModel):
    """A model that can be asked for."""

    id: str = Field(..., description='"auto", or "<provider>/<model>" to pin.')
    object: Literal["model"] = Field(..., description="Always model.")
    created: int = Field(..., description="Unix time, in seconds (0: unknown).")
    owned_by: str = Field(..., description="The provider (masterx for auto).")


class ModelList(BaseModel):
    """The models this gateway serves."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "list",
                    "data": [
                        {"id": "auto", "object": "model", "created": 0, "owned_by": "masterx"},
                        {
                            "id": "openai/gpt-4o",
                            "object": "model",
                            "created": 0,
                            "owned_by": "openai",
                        },
                    ],
                }
            ]
        }
    )
    object: Literal["list"] = Field(..., description="Always list.")
    data: list[ModelOut] = Field(..., description="auto first, then one per provider.")
