"""docker-compose.yml: valid against the Compose specification's schema, and every image, file,
build target and variable it names exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.deploy import settings_catalogue
from tests.deploy.dockerfile import parse
from tests.deploy.tools import ROOT, compose_schema, load_yaml

COMPOSE = ROOT / "docker-compose.yml"
MASTERX = ("simulator", "health", "benchmark", "router", "gateway")
# Official images only, pinned to a major version or an exact release.
IMAGES: dict[str, str | re.Pattern[str]] = {
    "redis": "redis:7",
    "mongo": "mongo:7",
    "prometheus": re.compile(r"prom/prometheus:v\d+\.\d+\.\d+"),
    "grafana": re.compile(r"grafana/grafana:\d+\.\d+\.\d+"),
}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-[^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = load_yaml(COMPOSE)
    return document


def _env_file_entries(service: dict[str, Any]) -> list[dict[str, Any]]:
    return [e if isinstance(e, dict) else {"path": e} for e in service.get("env_file", [])]


def _read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_the_file_is_valid_compose(compose: dict[str, Any]) -> None:
    validator = jsonschema.validators.validator_for(compose_schema())(compose_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose)]
    assert not errors, errors


def test_the_whole_stack_is_there(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {*MASTERX, *IMAGES}


def test_images_are_official_and_pinned_or_built_from_the_dockerfile(
    compose: dict[str, Any],
) -> None:
    targets = set(parse(ROOT / "Dockerfile").stages)
    for name, service in compose["services"].items():
        if name in MASTERX:
            assert service["build"] == {"context": ".", "target": name}
            assert name in targets, f"no Dockerfile target {name}"
            assert service["image"] == f"masterx/{name}:${{MASTERX_IMAGE_TAG:-dev}}"
        else:
            expected = IMAGES[name]
            image = service["image"]
            assert image == expected if isinstance(expected, str) else expected.fullmatch(image)


def test_stores_have_health_checks_and_volumes(compose: dict[str, Any]) -> None:
    for name, path in (("redis", "/data"), ("mongo", "/data/db")):
        service = compose["services"][name]
        assert service["healthcheck"]["test"][0] == "CMD"
        volume = next(v for v in service["volumes"] if v.endswith(f":{path}"))
        assert volume.split(":")[0] in compose["volumes"]


def test_services_start_after_what_they_need_is_healthy(compose: dict[str, Any]) -> None:
    dockerfile = parse(ROOT / "Dockerfile")
    needs = {
        "health": {"redis", "mongo"},  # mongo: the API keys
        "benchmark": {"redis", "mongo", "simulator"},
        "router": {"mongo", "simulator", "health", "benchmark"},
        "gateway": {"router", "health", "benchmark"},
    }
    services = compose["services"]
    for name, required in needs.items():
        depends = services[name]["depends_on"]
        assert set(depends) == required, name
        for dependency in required:
            assert depends[dependency] == {"condition": "service_healthy"}, (name, dependency)
            has_check = "healthcheck" in services[dependency] or (
                dependency in dockerfile.stages and dockerfile.stages[dependency].all("HEALTHCHECK")
            )
            assert has_check, f"{dependency} has no health check to wait for"


def test_masterx_containers_are_locked_down_as_in_kubernetes(compose: dict[str, Any]) -> None:
    for name in MASTERX:
        service = compose["services"][name]
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]
        assert any(t.startswith("/tmp") for t in service["tmpfs"])


def test_files_mounted_or_read_exist(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for entry in _env_file_entries(service):
            path = ROOT / entry["path"]
            assert path.is_file() or entry.get("required") is False, f"{name}: {path}"
            if entry.get("required") is False:
                assert path.with_name(path.name + ".example").is_file(), f"{path}: no example"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source}"


def test_configuration_comes_from_env_files_naming_real_settings(
    compose: dict[str, Any],
) -> None:
    known = settings_catalogue.known_variables()
    for name in MASTERX:
        entries = _env_file_entries(compose["services"][name])
        assert "environment" not in compose["services"][name]
        for entry in entries:
            path = ROOT / entry["path"]
            if not path.is_file():
                path = path.with_name(path.name + ".example")
            unknown = set(_read_env_file(path)) - known
            assert not unknown, f"{path.name}: not a setting any component reads: {unknown}"


def test_every_interpolated_variable_has_a_default(compose: dict[str, Any]) -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    for match in VARIABLE.finditer(text):
        assert match.group(2), f"${{{match.group(1)}}} has no default: compose would warn"
    assert "$" not in VARIABLE.sub("", text.replace("$$", "")), "a $VAR without braces"


def test_prometheus_and_grafana_are_provisioned_from_deploy(compose: dict[str, Any]) -> None:
    prometheus = compose["services"]["prometheus"]
    assert "./deploy/prometheus:/etc/prometheus:ro" in prometheus["volumes"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    scraped = {
        job["job_name"]: job["static_configs"][0]["targets"]
        for job in load_yaml(ROOT / "deploy" / "prometheus" / "prometheus.yml")["scrape_configs"]
    }
    ports = {"gateway": 8001, "router": 9101, "health": 9102, "benchmark": 9103}
    for service, port in ports.items():
        assert scraped[service] == [f"{service}:{port}"]
    grafana = compose["services"]["grafana"]
    mounts = {v.split(":")[0]: v.split(":")[1] for v in grafana["volumes"]}
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    dashboards_dir = mounts["./deploy/grafana/dashboards"]
    provider = load_yaml(ROOT / "deploy/grafana/provisioning/dashboards/masterx.yml")
    assert provider["providers"][0]["options"]["path"] == dashboards_dir
    datasource = load_yaml(ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml")
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"
