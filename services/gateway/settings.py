"""Gateway settings, from ``MASTERX_*`` environment variables."""

from __future__ import annotations

import ipaddress

from pydantic import Field, SecretStr, model_validator

from masterx.chat.contract import CacheScope
from masterx.settings import CommonSettings


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


class GatewaySettings(CommonSettings):
    # gRPC deadlines: an hour at most (a deadline of inf or 1e300 is taken as already expired).
    router_timeout_seconds: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="gRPC deadline of a chat call (a request may ask for less).",
    )
    query_timeout_seconds: float = Field(
        10.0,
        gt=0,
        le=3600,
        description="gRPC deadline of every other call (route, scores, health ...).",
    )
    max_message_chars: int = Field(
        32_000, ge=1, le=100_000_000, description="Longest accepted message text."
    )
    max_messages: int = Field(256, ge=1, le=1000, description="Most messages in one request.")
    max_body_bytes: int = Field(
        4 * 1024 * 1024, ge=1024, le=256 * 1024 * 1024, description="Largest request body."
    )
    max_content_parts: int = Field(
        256, ge=1, le=100_000, description="Most content parts in one request, all messages."
    )
    body_read_timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="A request body must arrive within this (else 408)."
    )
    max_connections: int = Field(
        1000,
        ge=1,
        le=100_000,
        description="Connections and requests in progress at once (then 503).",
    )
    max_header_bytes: int = Field(
        16 * 1024, ge=1024, le=1024 * 1024, description="Largest request head (line + headers)."
    )
    keep_alive_seconds: int = Field(
        5, ge=1, le=300, description="An idle keep-alive connection is closed after this."
    )
    # Empty: the admin endpoints answer 403 (disabled).
    admin_token: SecretStr = SecretStr("")
    # Comma-separated; empty: the chat endpoints need no key (local runs, loopback only).
    api_keys: SecretStr = SecretStr("")
    keys_default_max_tokens: int = Field(
        1024,
        ge=1,
        le=1_000_000,
        description="max_tokens given to a managed key's request that sets none (its worst "
        "case must be bounded to be held against a budget).",
    )
    session_history_tokens: int = Field(
        8000,
        ge=0,
        le=1_000_000,
        description="The most history the router adds to a remembered conversation (the "
        "router's setting of the same name): a managed key's hold counts it.",
    )
    require_api_key: bool = Field(
        False,
        description="Every API request needs a key, static or managed (managed keys only: "
        "leave MASTERX_API_KEYS empty and set this).",
    )
    allow_anonymous: bool = Field(
        False,
        description="Serve without API keys on a non-loopback address (a deliberate choice).",
    )
    cache_scope: CacheScope = Field(
        "off",
        description="Response cache of requests whose key sets none (static keys, no key, "
        "managed keys without a cache attribute): off, key or shared.",
    )

    @model_validator(mode="after")
    def _no_public_gateway_without_keys(self) -> GatewaySettings:
        keyed = bool(self.api_key_list) or self.require_api_key
        if not keyed and not self.allow_anonymous and not is_loopback(self.bind_host):
            raise ValueError(
                f"the gateway would serve anyone on {self.bind_host}: set MASTERX_API_KEYS or "
                "MASTERX_REQUIRE_API_KEY=true (managed keys), "
                "bind to a loopback address (MASTERX_BIND_HOST=127.0.0.1), or set "
                "MASTERX_ALLOW_ANONYMOUS=true to serve without keys on purpose"
            )
        return self

    @property
    def max_json_objects(self) -> int:
        """JSON objects a body may hold: its messages and parts, and a few more (the body
        itself, stream_options, metadata, a message's extras)."""
        return self.max_messages + self.max_content_parts + 16

    @property
    def admin_token_bytes(self) -> bytes | None:
        token = self.admin_token.get_secret_value().strip()
        return token.encode() if token else None

    @property
    def api_key_list(self) -> list[bytes]:
        keys = self.api_keys.get_secret_value().split(",")
        return [key.strip().encode() for key in keys if key.strip()]
