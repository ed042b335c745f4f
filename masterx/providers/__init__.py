"""Provider adapters: one interface over every LLM provider family, and their discovery."""

from masterx.providers.base import (
    ChatTurn,
    Completion,
    ProviderAdapter,
    ProviderError,
    ProviderSpec,
)

__all__ = ["ChatTurn", "Completion", "ProviderAdapter", "ProviderError", "ProviderSpec"]
