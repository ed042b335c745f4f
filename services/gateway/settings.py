"""Gateway settings, from ``MASTERX_*`` environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr

from masterx.settings import CommonSettings


class GatewaySettings(CommonSettings):
    router_timeout_seconds: float = Field(
        60.0, gt=0, description="gRPC deadline of a chat call (a request may ask for less)."
    )
    query_timeout_seconds: float = Field(
        10.0, gt=0, description="gRPC deadline of every other call (route, scores, health ...)."
    )
    max_message_chars: int = Field(32_000, ge=1, description="Longest accepted message text.")
    max_messages: int = Field(256, ge=1, le=1000, description="Most messages in one request.")
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024, description="Largest request body.")
    # Empty: the admin endpoints answer 403 (disabled).
    admin_token: SecretStr = SecretStr("")
    # Comma-separated; empty: the chat endpoints need no key (local runs).
    api_keys: SecretStr = SecretStr("")

    @property
    def admin_token_bytes(self) -> bytes | None:
        token = self.admin_token.get_secret_value().strip()
        return token.encode() if token else None

    @property
    def api_key_list(self) -> list[bytes]:
        keys = self.api_keys.get_secret_value().split(",")
        return [key.strip().encode() for key in keys if key.strip()]
