"""The chat routes' direct path answers exactly as FastAPI's own handling, only cheaper.

Each request is sent to two gateways on the same scripted router: one as built, and one whose
``dependency_overrides`` is not empty, which sends every request through FastAPI's own
dependency solving. Their answers (status, headers, body) and what the router receives must be
the same, for valid requests and for every kind of invalid one.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastapi
import fastapi.routing
import pytest
from fastapi.dependencies.utils import solve_dependencies
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.gateway.app import create_app
from services.gateway.direct_route import is_json
from tests.gateway.fake_upstreams import FakeUpstreams
from tests.gateway.running import gateway_settings

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

JSON = "application/json"
COMPLETION = {"model": "auto", "messages": [{"role": "user", "content": "Explain bubble sort"}]}
SEED = {"user_id": "u1", "message": "Explain merge sort"}
KEY = "direct-key-1234"


def _never_called() -> None:  # pragma: no cover - only its identity matters
    raise AssertionError


def _client(target: str, *, full: bool, **settings: Any) -> TestClient:
    app = create_app(gateway_settings(target, **settings))
    if full:  # any override: FastAPI's handler serves every request
        app.dependency_overrides[_never_called] = _never_called
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def pair(fake_upstreams: FakeUpstreams) -> Iterator[tuple[TestClient, TestClient]]:
    with (
        _client(fake_upstreams.target, full=False) as direct,
        _client(fake_upstreams.target, full=True) as full,
    ):
        yield direct, full


@pytest.fixture(scope="module")
def keyed_pair(fake_upstreams: FakeUpstreams) -> Iterator[tuple[TestClient, TestClient]]:
    keys = {"api_keys": SecretStr(KEY)}
    with (
        _client(fake_upstreams.target, full=False, **keys) as direct,
        _client(fake_upstreams.target, full=True, **keys) as full,
    ):
        yield direct, full


def _answer(client: TestClient, path: str, content: bytes, headers: dict[str, str]) -> Any:
    response = client.post(path, content=content, headers={"x-request-id": "rid-1", **headers})
    body: Any = response.content
    if response.headers.get("content-type") == JSON:
        body = response.json()
        body.pop("created", None)  # the completion's Unix time: may tick between the two
    listed = [(k, v) for k, v in response.headers.items() if k != "content-length"]
    return response.status_code, listed, body


def _same_answers(
    pair: tuple[TestClient, TestClient],
    fakes: FakeUpstreams,
    path: str,
    content: bytes,
    headers: dict[str, str],
) -> Any:
    direct, full = pair
    answers, received = [], []
    for client in (direct, full):
        fakes.reset()
        answers.append(_answer(client, path, content, headers))
        seen = fakes.router.seen.requests
        received.append([request.SerializeToString(deterministic=True) for request in seen])
    assert answers[0] == answers[1]
    assert received[0] == received[1]
    return answers[0]


def _dumps(body: Any) -> bytes:
    return json.dumps(body).encode()


NESTED = b'{"model": "auto", "messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
CASES: list[tuple[str, bytes, dict[str, str]]] = [
    ("/v1/chat/completions", _dumps(COMPLETION), {"content-type": JSON}),
    ("/api/v1/chat", _dumps(SEED), {"content-type": JSON}),
    ("/api/v1/chat", _dumps(SEED), {"content-type": "Application/JSON; charset=utf-8"}),
    ("/api/v1/chat", _dumps(SEED), {"content-type": "application/vnd.masterx+json"}),
    ("/api/v1/chat", _dumps(SEED), {"content-type": "text/plain"}),
    ("/api/v1/chat", _dumps(SEED), {}),
    ("/api/v1/chat", b"", {"content-type": JSON}),
    ("/api/v1/chat", b'{"user_id": "u1", ', {"content-type": JSON}),
    ("/api/v1/chat", json.dumps(SEED).encode("utf-16"), {"content-type": JSON}),
    ("/api/v1/chat", b"\xef\xbb\xbf" + _dumps(SEED), {"content-type": JSON}),
    ("/api/v1/chat", b'{"user_id": "u1", "message": "\xff"}', {"content-type": JSON}),
    ("/api/v1/chat", _dumps({**SEED, "message": 5}), {"content-type": JSON}),
    ("/api/v1/chat", _dumps({**SEED, "surprise": 1}), {"content-type": JSON}),
    ("/api/v1/chat", _dumps([SEED]), {"content-type": JSON}),
    ("/api/v1/chat", b'{"user_id": "u1", "message": "a", "message": "b"}', {"content-type": JSON}),
    ("/api/v1/chat", _dumps({**SEED, "message": "  "}), {"content-type": JSON}),
    ("/api/v1/chat", NESTED, {"content-type": JSON}),
    ("/v1/chat/completions", NESTED, {"content-type": JSON}),
    ("/v1/chat/completions", _dumps({**COMPLETION, "temperature": "1"}), {"content-type": JSON}),
    ("/v1/chat/completions", b'{"model": "auto", "messages": NaN}', {"content-type": JSON}),
    (
        "/v1/chat/completions",
        _dumps({**COMPLETION, "messages": [{"role": "user", "content": "a\ud800b"}]}),
        {"content-type": JSON},
    ),
    (
        "/v1/chat/completions",
        _dumps({**COMPLETION, "metadata": {"session_id": "s-1"}, "user": "u1"}),
        {"content-type": JSON},
    ),
    ("/v1/chat/completions", _dumps(COMPLETION), {"content-type": JSON, "x-session-id": "s-9"}),
    ("/v1/chat/completions", _dumps(COMPLETION), {"content-type": JSON, "x-session-id": "bad id"}),
    ("/v1/chat/completions", _dumps(COMPLETION), {"content-type": JSON, "x-session-id": ""}),
    ("/api/v1/chat", _dumps(SEED), {"content-type": JSON, "x-masterx-timeout": "12.5"}),
    ("/api/v1/chat", _dumps(SEED), {"content-type": JSON, "x-masterx-timeout": "soon"}),
    ("/api/v1/chat", _dumps(SEED), {"content-type": JSON, "x-masterx-timeout": "0.5"}),
    ("/api/v1/chat", _dumps(SEED), {"content-type": JSON, "x-masterx-timeout": "inf"}),
    (
        "/api/v1/chat",
        _dumps({**SEED, "message": 5}),
        {"content-type": JSON, "x-masterx-timeout": "soon"},
    ),
    ("/v1/chat/completions", _dumps(COMPLETION), {"content-type": JSON, "x-masterx-timeout": "7"}),
    (
        "/v1/chat/completions",
        _dumps(COMPLETION),
        {"content-type": JSON, "x-stainless-read-timeout": "3"},
    ),
]


@pytest.mark.parametrize(("path", "content", "headers"), CASES)
def test_the_direct_path_answers_as_fastapi_does(
    pair: tuple[TestClient, TestClient],
    fake_upstreams: FakeUpstreams,
    path: str,
    content: bytes,
    headers: dict[str, str],
) -> None:
    _same_answers(pair, fake_upstreams, path, content, headers)


def test_a_chat_answer_is_byte_for_byte_fastapis(
    pair: tuple[TestClient, TestClient], fake_upstreams: FakeUpstreams
) -> None:
    direct, full = pair
    answers = []
    for client in (direct, full):
        response = client.post("/api/v1/chat", json=SEED, headers={"x-request-id": "rid-2"})
        assert response.status_code == 200
        answers.append((response.headers.raw, response.content))  # order and bytes
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": f"Bearer {KEY}"},
        {"authorization": "Bearer wrong"},
        {"authorization": f"Basic {KEY}"},
    ],
)
@pytest.mark.parametrize("content", [_dumps(SEED), b'{"user_id": ', _dumps({"user_id": "u1"})])
def test_api_keys_and_bad_bodies_meet_in_fastapis_order(
    keyed_pair: tuple[TestClient, TestClient],
    fake_upstreams: FakeUpstreams,
    headers: dict[str, str],
    content: bytes,
) -> None:
    # A body that is not JSON is a 400 before the key is checked; a wrong one after it.
    status, _, _ = _same_answers(
        keyed_pair, fake_upstreams, "/api/v1/chat", content, {"content-type": JSON, **headers}
    )
    assert status in (200, 400, 401)


@pytest.fixture
def solved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests FastAPI solved the dependencies of."""
    calls: list[str] = []
    original = solve_dependencies

    async def counted(**kwargs: Any) -> Any:
        calls.append(kwargs["request"].url.path)
        return await original(**kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted)
    return calls


def test_valid_chat_requests_skip_fastapis_dependency_solving(
    pair: tuple[TestClient, TestClient], solved: list[str]
) -> None:
    direct, full = pair
    assert direct.post("/api/v1/chat", json=SEED).status_code == 200
    assert direct.post("/v1/chat/completions", json=COMPLETION).status_code == 200
    assert solved == []
    assert direct.post("/api/v1/chat", json={"user_id": "u1"}).status_code == 400
    assert direct.get("/v1/models").status_code == 200  # returns a model: FastAPI's handler
    assert full.post("/api/v1/chat", json=SEED).status_code == 200  # the comparisons' reference
    assert solved == ["/api/v1/chat", "/v1/models", "/api/v1/chat"]


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        (" APPLICATION/JSON ;x=1", True),
        (None, False),
        ("", False),
        ("application/jsonx", False),
        ("text/json", False),
        ("application/problem+json", False),  # FastAPI parses it; its own handler does
    ],
)
def test_what_the_direct_path_reads_as_json(content_type: str | None, expected: bool) -> None:
    assert is_json(content_type) is expected


def test_fastapi_is_the_pinned_version_whose_internals_directroute_uses() -> None:
    """DirectRoute runs on FastAPI's private API (services/gateway/direct_route.py); the
    pyproject pins FastAPI to the minor version these differential tests ran against. Moving
    the pin means running them on the new version first."""
    pin = re.search(r'"fastapi>=([\d.]+),<([\d.]+)"', PYPROJECT.read_text(encoding="utf-8"))
    assert pin is not None, "pyproject.toml no longer pins fastapi to a range"
    low, high = (tuple(int(p) for p in v.split(".")) for v in pin.groups())
    installed = tuple(int(p) for p in fastapi.__version__.split(".")[:3])
    assert low <= installed < high, f"fastapi {fastapi.__version__} outside {pin.group(0)}"
    internals = {
        "fastapi._compat": ("ModelField", "field_annotation_is_sequence"),
        "fastapi.dependencies.utils": ("_get_param_aliases",),
        "fastapi.routing": ("_effective_route_context_var",),
    }
    for module, names in internals.items():
        for name in names:
            assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"
