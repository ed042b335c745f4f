"""Provider adapters: one interface over every LLM provider family, and their discovery."""

from masterx.providers.base import (
    ChatTurn,
    Completion,
    ProviderAdapter,
    ProviderError,
    ProviderSpec,
    StreamEnd,
    StreamEvent,
    TextDelta,
    Usage,
)
from masterx.providers.transport import ProviderTimeouts

__all__ = [
    "ChatTurn",
    "Completion",
    "ProviderAdapter",
    "ProviderError",
    "ProviderSpec",
    "ProviderTimeouts",
    "StreamEnd",
    "StreamEvent",
    "TextDelta",
    "Usage",
]
