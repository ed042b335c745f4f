"""Where the deploy checks find their tools and the files they check.

The tools are installed by ``scripts/install-deploy-tools.sh`` (``make deploy-check`` and
``make deps`` run it): kustomize in ``$(go env GOPATH)/bin``, Debian's prometheus/promtool, and
two Go modules in the module cache whose schemas the tests use (the Prometheus operator's CRDs,
the Compose specification). A missing one fails the test with the command to run.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
PROMETHEUS_DIR = DEPLOY / "prometheus"
RULES_FILE = PROMETHEUS_DIR / "rules" / "masterx.yml"
OVERLAYS = ("dev", "prod")
# The four services; each is deployed and scaled on its own.
SERVICES = ("gateway", "router", "health", "benchmark")

OPERATOR_MODULE = "github.com/prometheus-operator/prometheus-operator@v0.77.1"
COMPOSE_MODULE = "github.com/compose-spec/compose-go/v2@v2.16.2"
INSTALL = "scripts/install-deploy-tools.sh"


def _missing(what: str) -> BaseException:
    return pytest.fail.Exception(f"{what} is missing: run {INSTALL}", pytrace=False)


@functools.cache
def _go_env(name: str) -> str:
    go = shutil.which("go")
    if go is None:
        raise _missing("Go")
    return subprocess.run(
        [go, "env", name], capture_output=True, text=True, check=True
    ).stdout.strip()


def binary(name: str) -> str:
    """A tool on PATH, else in $(go env GOPATH)/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidate = Path(_go_env("GOPATH").split(":")[0]) / "bin" / name
    if candidate.is_file():
        return str(candidate)
    raise _missing(name)


def module_file(module: str, relative: str) -> Path:
    path = Path(_go_env("GOMODCACHE")) / module / relative
    if not path.is_file():
        raise _missing(f"{module} (for {relative})")
    return path


def crd_schema(kind_plural: str) -> dict[str, Any]:
    """The openAPIV3Schema of a monitoring.coreos.com/v1 CRD (servicemonitors, ...)."""
    path = module_file(
        OPERATOR_MODULE,
        f"example/prometheus-operator-crd/monitoring.coreos.com_{kind_plural}.yaml",
    )
    crd = yaml.safe_load(path.read_text(encoding="utf-8"))
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return schema


def compose_schema() -> dict[str, Any]:
    import json

    path = module_file(COMPOSE_MODULE, "schema/compose-spec.json")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@functools.cache
def rendered_text(overlay: str) -> str:
    """``kustomize build deploy/k8s/overlays/<overlay>``: what ``make k8s`` prints."""
    result = subprocess.run(
        [binary("kustomize"), "build", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@functools.cache
def _rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    return tuple(doc for doc in yaml.safe_load_all(rendered_text(overlay)) if doc)


def rendered(overlay: str) -> list[dict[str, Any]]:
    """The rendered documents (a fresh deep copy: tests may modify them)."""
    import copy

    return copy.deepcopy(list(_rendered(overlay)))


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_yaml_all(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
