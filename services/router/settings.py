"""Router service settings."""

from __future__ import annotations

from pydantic import Field, field_validator

from masterx.settings import CommonSettings


class RouterSettings(CommonSettings):
    provider_connect_timeout_seconds: float = Field(2.0, gt=0)
    provider_timeout_seconds: float = Field(30.0, gt=0)
    # Comma-separated provider names tried first when no benchmark scores exist.
    default_provider_order: str = ""
    scores_refresh_seconds: float = Field(10.0, gt=0)
    usage_buffer_size: int = Field(10_000, ge=1)

    @field_validator("default_provider_order")
    @classmethod
    def _names(cls, value: str) -> str:
        names = [n.strip() for n in value.split(",") if n.strip()]
        return ",".join(names)

    @property
    def default_order(self) -> list[str]:
        return [n for n in self.default_provider_order.split(",") if n]
