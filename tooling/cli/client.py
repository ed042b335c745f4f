"""The gateway's HTTP API as the CLI uses it; failures become :class:`CliError`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import httpx

DEFAULT_URL = "http://127.0.0.1:8001"


class CliError(Exception):
    """Something the user should read: an error from the gateway, or no gateway at all."""


class CliConfigError(CliError):
    """A bad setting (``--url``, a credential): exit code 2, like a bad argument."""


def check_gateway_url(url: str, name: str) -> str:
    """``url`` without its trailing slash when it is ``http(s)://host[:port][/path]``; else a
    :class:`CliConfigError` naming ``name`` (the option or variable it came from)."""
    problem = f"{name}: {url!r} is not a valid gateway URL (expected http://host:port)"
    if not url or any(c.isspace() for c in url):
        raise CliConfigError(problem)
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise CliConfigError(problem) from None
    port_ok = parsed.port is None or 1 <= parsed.port <= 65535
    if parsed.scheme not in ("http", "https") or not parsed.host or not port_ok:
        raise CliConfigError(problem)
    return url.rstrip("/")


def check_credential(value: str | None, name: str) -> None:
    """An API key or admin token goes into an HTTP header: printable ASCII only."""
    if value is None:
        return
    if not value.isascii():
        raise CliConfigError(f"{name} must be ASCII")
    if not value.isprintable():
        raise CliConfigError(f"{name} must not contain control characters")


def _describe(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        message = str(error["message"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}: {response.text[:200]}"
    attempts = error.get("attempts") or []
    lines = [f"{message} (HTTP {response.status_code})"]
    lines += [
        f"  attempt {a.get('provider')}/{a.get('model')}: {a.get('kind')} {a.get('error')}"
        for a in attempts
    ]
    return "\n".join(lines)


class GatewayClient:
    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        admin_token: str | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.url = url.rstrip("/")
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._admin_token = admin_token
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._http.close()

    def _admin_headers(self) -> dict[str, str]:
        if not self._admin_token:
            raise CliError("this command needs the admin token: set MASTERX_ADMIN_TOKEN")
        return {"authorization": f"Bearer {self._admin_token}"}

    def _unreachable(self, error: httpx.TransportError) -> CliError:
        return CliError(
            f"cannot reach the gateway at {self.url} ({type(error).__name__}); "
            "is it running? (`make up`, or --url)"
        )

    def request(
        self, method: str, path: str, *, admin: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        headers = self._admin_headers() if admin else {}
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as error:
            raise self._unreachable(error) from None
        if response.status_code >= 400:
            raise CliError(_describe(response))
        body: dict[str, Any] = response.json()
        return body

    @contextmanager
    def stream(self, path: str, body: dict[str, Any]) -> Iterator[httpx.Response]:
        try:
            with self._http.stream("POST", path, json=body) as response:
                if response.status_code >= 400:
                    response.read()
                    raise CliError(_describe(response))
                yield response
        except httpx.TransportError as error:
            raise self._unreachable(error) from None
