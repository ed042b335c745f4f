"""The gateway's HTTP API as the CLI uses it; failures become :class:`CliError`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import httpx

from masterx.ports import is_port
from masterx.settings import redact_url

DEFAULT_URL = "http://127.0.0.1:8001"
DEFAULT_TIMEOUT_S = 120.0  # a chat answer or a benchmark run can take this long
SHORT_TIMEOUT_S = 30.0  # health, keys, bench scores: the gateway answers these at once
# Refusals of what was sent (a bad field, a body too large), not of the caller or the moment
REQUEST_REFUSED = (400, 413, 422)


class CliError(Exception):
    """Something the user should read: an error from the gateway, or no gateway at all."""


class GatewayError(CliError):
    """The gateway's own refusal (HTTP >= 400) with its status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status

    @property
    def about_the_request(self) -> bool:
        """True when what was sent is at fault (so a file's line can be named)."""
        return self.status in REQUEST_REFUSED


class CliConfigError(CliError):
    """A bad setting (``--url``, a credential): exit code 2, like a bad argument."""


def check_gateway_url(url: str, name: str) -> str:
    """``url`` without its trailing slash when it is ``http(s)://host[:port][/path]``; else a
    :class:`CliConfigError` naming ``name`` (the option or variable it came from)."""
    shown = redact_url(url)
    problem = f"{name}: {shown!r} is not a valid gateway URL (expected http://host:port)"
    if not url or any(c.isspace() for c in url):
        raise CliConfigError(problem)
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise CliConfigError(problem) from None
    port_ok = parsed.port is None or is_port(parsed.port)
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
    except (ValueError, KeyError, TypeError, RecursionError):
        return f"HTTP {response.status_code}: {response.text[:200]}"
    attempts = error.get("attempts") or []
    lines = [f"{message} (HTTP {response.status_code})"]
    lines += [
        f"  attempt {a.get('provider')}/{a.get('model')}: {a.get('kind')} {a.get('error')}"
        for a in attempts
    ]
    return "\n".join(lines)


def _unexpected(error: Exception) -> str:
    """What a reply of the wrong shape made fail, shortly: ``missing 'providers'``."""
    if isinstance(error, KeyError):
        return f"missing {error.args[0]!r}" if error.args else "a field missing"
    text = str(error) or type(error).__name__
    return "unexpected answer: " + (text if len(text) <= 100 else text[:97] + "...")


# What reading a reply of the wrong shape raises: a missing field, a list or string where an
# object was expected, a string where a number was (formatting it), inf where a number was.
REPLY_SHAPE_ERRORS = (KeyError, IndexError, TypeError, AttributeError, ValueError, ArithmeticError)


class GatewayClient:
    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        admin_token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.answered = False  # whether any reply came: a parsing error is then the reply's
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._admin_token = admin_token
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def not_the_gateway(self, what: str) -> CliError:
        return CliError(f"{self.url} did not answer like a MasterX gateway ({what})")

    def wrong_shape(self, error: Exception) -> CliError:
        """The error to show for ``error``, raised reading a reply (one of
        :data:`REPLY_SHAPE_ERRORS`)."""
        return self.not_the_gateway(_unexpected(error))

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

    def _failed(self, error: httpx.RequestError, *, answering: bool = False) -> CliError:
        """The error to show for a request that got no (whole) reply."""
        if isinstance(error, httpx.DecodingError):
            return self.not_the_gateway("a body that cannot be decoded")
        if isinstance(error, httpx.ReadTimeout):
            if answering:
                return CliError(
                    f"the answer from the gateway at {self.url} stopped: nothing more within"
                    f" {self.timeout:g} s (--timeout)"
                )
            return CliError(
                f"the gateway at {self.url} accepted the connection but did not answer within"
                f" {self.timeout:g} s (--timeout)"
            )
        if isinstance(error, httpx.TransportError) and answering:
            return CliError(
                f"the answer broke off: the connection to {self.url} failed"
                f" ({type(error).__name__})"
            )
        if isinstance(error, httpx.TransportError):
            return CliError(
                f"cannot reach the gateway at {self.url} ({type(error).__name__}); "
                "is it running? (`make up`, or --url)"
            )
        return CliError(f"request to the gateway at {self.url} failed: {error}")

    def request(
        self, method: str, path: str, *, admin: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        headers = self._admin_headers() if admin else {}
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.RequestError as error:
            raise self._failed(error) from None
        except httpx.InvalidURL as error:
            raise CliError(f"{self.url}{path} is not a valid URL ({error})") from None
        self.answered = True
        if response.status_code >= 400:
            raise GatewayError(_describe(response), response.status_code)
        try:
            body = response.json()
        except (ValueError, RecursionError):
            raise self.not_the_gateway(f"HTTP {response.status_code}, not JSON") from None
        if not isinstance(body, dict):
            raise self.not_the_gateway(f"JSON {type(body).__name__}, not an object")
        return body

    @contextmanager
    def stream(self, path: str, body: dict[str, Any]) -> Iterator[httpx.Response]:
        """The response of a streamed POST, once it is known to be an event stream."""
        answering = False
        try:
            with self._http.stream("POST", path, json=body) as response:
                self.answered = True
                if response.status_code >= 400:
                    response.read()
                    raise GatewayError(_describe(response), response.status_code)
                kind = response.headers.get("content-type", "")
                if not kind.startswith("text/event-stream"):
                    shown = kind.split(";")[0] or "no content type"
                    raise self.not_the_gateway(
                        f"HTTP {response.status_code} {shown}, not an event stream"
                    )
                answering = True
                yield response
        except httpx.RequestError as error:
            raise self._failed(error, answering=answering) from None
        except httpx.InvalidURL as error:
            raise CliError(f"{self.url}{path} is not a valid URL ({error})") from None
