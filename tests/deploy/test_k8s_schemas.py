"""Every manifest kustomize renders validates against the Kubernetes 1.30+ schemas
(kubernetes-validate, offline, strict: unknown fields fail); the Prometheus operator's custom
resources against the operator's own CRD schemas; the Secret template too."""

from __future__ import annotations

from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from tests.deploy.tools import (
    K8S,
    OVERLAYS,
    crd_schema,
    load_yaml,
    load_yaml_all,
    rendered,
    rendered_text,
)

# The oldest Kubernetes the manifests support, and the newest kubernetes-validate knows.
VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())
CRDS = {"ServiceMonitor": "servicemonitors", "PrometheusRule": "prometheusrules"}


def _name(doc: dict[str, Any]) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


def _unknown_fields(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Fields the CRD schema does not declare (the API server would silently prune them)."""
    found: list[str] = []
    if isinstance(value, dict) and "properties" in schema:
        for key, item in value.items():
            if key not in schema["properties"]:
                if not schema.get("x-kubernetes-preserve-unknown-fields"):
                    found.append(f"{path}.{key}")
                continue
            found += _unknown_fields(item, schema["properties"][key], f"{path}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += _unknown_fields(item, schema["items"], f"{path}[{index}]")
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_make_k8s_output_is_multi_document_yaml(overlay: str) -> None:
    text = rendered_text(overlay)
    assert text.startswith("apiVersion:") and text.count("\n---\n") == len(rendered(overlay)) - 1


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_manifest_validates(overlay: str, version: str) -> None:
    failures = []
    for doc in rendered(overlay):
        if doc["kind"] in CRDS:
            continue
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            failures.append(f"{_name(doc)}: {'.'.join(map(str, error.path))}: {error.message}")
    assert not failures, "\n".join(failures)


def test_operator_resources_validate_against_their_crds() -> None:
    checked = 0
    for doc in rendered("prod"):
        if doc["kind"] not in CRDS:
            continue
        schema = crd_schema(CRDS[doc["kind"]])
        errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]
        assert not errors, f"{_name(doc)}: {errors}"
        assert not _unknown_fields(doc, schema), f"{_name(doc)}: {_unknown_fields(doc, schema)}"
        checked += 1
    assert checked == len(CRDS)


def test_the_secret_template_validates_and_holds_no_value() -> None:
    docs = list(load_yaml_all(K8S / "secrets.template.yaml"))
    assert {d["metadata"]["name"] for d in docs} == {
        "masterx-provider-keys",
        "masterx-gateway-auth",
        "masterx-store-urls",
    }
    for doc in docs:
        kubernetes_validate.validate(doc, VERSIONS[0], strict=True)
        assert set(doc["stringData"].values()) == {""}, f"{_name(doc)} holds a value"
    for overlay in OVERLAYS:
        assert not [d for d in rendered(overlay) if d["kind"] == "Secret"], (
            f"{overlay} renders a Secret: applying it would overwrite the real one"
        )


def test_the_unknown_field_check_can_fail() -> None:
    schema = crd_schema("servicemonitors")
    doc = load_yaml(K8S / "components/prometheus-operator/servicemonitor.yaml")
    doc["spec"]["endpoints"][0]["honourLabels"] = True
    assert _unknown_fields(doc, schema) == [".spec.endpoints[0].honourLabels"]
