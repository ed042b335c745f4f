"""Gateway settings."""

from __future__ import annotations

from pydantic import Field

from masterx.settings import CommonSettings


class GatewaySettings(CommonSettings):
    router_timeout_seconds: float = Field(60.0, gt=0, description="gRPC deadline of a chat call.")
    max_message_chars: int = Field(32_000, ge=1)
