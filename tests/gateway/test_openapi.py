"""The OpenAPI document is complete, and the gateway keeps every promise it makes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from services.gateway.app import create_app
from tests.gateway.fake_upstreams import FakeUpstreams
from tests.gateway.running import ADMIN_TOKEN, gateway_settings


@pytest.fixture(scope="module")
def document(gateway_url: str) -> dict[str, Any]:
    response = httpx.get(gateway_url + "/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _has_example(document: dict[str, Any], content: dict[str, Any]) -> bool:
    for media in content.values():
        if "example" in media or "examples" in media:
            return True
        schema = _resolve(document, media.get("schema", {}))
        variants = [_resolve(document, s) for s in schema.get("anyOf", [])] or [schema]
        if any("examples" in v for v in variants):
            return True
    return False


def test_every_field_and_model_is_described(document: dict[str, Any]) -> None:
    undocumented = [
        f"{name}.{field}"
        for name, model in document["components"]["schemas"].items()
        for field, spec in model.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undocumented == []
    assert [
        n for n, m in document["components"]["schemas"].items() if not m.get("description")
    ] == []


def test_every_endpoint_has_a_summary_examples_and_documented_errors(
    document: dict[str, Any],
) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            responses = operation["responses"]
            assert "422" not in responses, where
            status, ok = next((s, r) for s, r in responses.items() if s.startswith("2"))
            if status == "204":  # no content: nothing to exemplify
                assert "content" not in ok, where
            else:
                assert _has_example(document, ok.get("content", {})), where
            if "requestBody" in operation:
                assert _has_example(document, operation["requestBody"]["content"]), where
                assert {"400", "413"} <= set(responses), where
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{where} {parameter['name']}"
            if path.startswith("/api/v1/admin"):
                assert {"401", "403"} <= set(responses), where


def test_the_limits_in_the_document_follow_the_settings(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["ChatIn"]["properties"]["message"]["maxLength"] == 32_000
    assert schemas["ChatCompletionRequest"]["properties"]["messages"]["maxItems"] == 256


# The document as the app factory builds it; test_the_served_document_is_the_apps checks that
# the running gateway serves the same. (schemathesis's lazy fixture loader does not work with
# pytest 9: it writes a private attribute pytest no longer has.)
DOCUMENT = create_app(gateway_settings("127.0.0.1:1")).openapi()
CONFIG = SchemathesisConfig.from_dict(
    {
        # The admin token, so the admin endpoints are tested beyond their 401 (schemathesis
        # also checks that they refuse requests without it).
        "auth": {"openapi": {"AdminToken": {"bearer": ADMIN_TOKEN}}},
        # HTTP servers ignore headers they do not know (proxies add them): an extra header is
        # not data the gateway should refuse.
        "generation": {"allow-extra-parameters": False},
    }
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


def test_the_served_document_is_the_apps(document: dict[str, Any]) -> None:
    assert document == DOCUMENT


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_the_gateway_matches_its_openapi_document(
    case: Any, gateway_url: str, fake_upstreams: FakeUpstreams
) -> None:
    # Every check but "schema-valid data is accepted": a few rules span fields and are not in
    # the document (the last message must be the user's); breaking them is a 400 by design.
    case.call_and_validate(base_url=gateway_url, excluded_checks=[positive_data_acceptance])
