"""The rules the manifests follow, checked on what ``make k8s`` renders: per service a
Deployment, Service, HPA and PDB; probes, resources, securityContext and labels on every
workload; graceful termination longer than the services' grace period; network reachability;
Prometheus discovery; secrets only by reference."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.deploy import settings_catalogue
from tests.deploy.manifests import Manifests, Peer, can_leave, can_reach, selects
from tests.deploy.tools import (
    K8S,
    OVERLAYS,
    PROMETHEUS_DIR,
    SERVICES,
    load_yaml,
    load_yaml_all,
    rendered,
)

GRPC_PORTS = {"router": 50051, "health": 50052, "benchmark": 50053}
METRICS_PORTS = {"gateway": 8001, "router": 9101, "health": 9102, "benchmark": 9103}
LABELS = ("name", "instance", "component", "part-of", "managed-by", "version")
QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)(m|Mi|Gi)?$")
UNITS = {None: 1.0, "m": 0.001, "Mi": 2.0**20, "Gi": 2.0**30}
# Time between SIGTERM's end of grace and SIGKILL that the pod keeps in hand.
MARGIN_SECONDS = 3


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def manifests(overlay: str) -> Manifests:
    return Manifests(rendered(overlay))


def _pod(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def _quantity(value: str | int) -> float:
    match = QUANTITY.match(str(value))
    assert match, f"unexpected quantity {value}"
    return float(match.group(1)) * UNITS[match.group(2)]


def _config(manifests: Manifests) -> dict[str, str]:
    [config] = manifests.of_kind("ConfigMap")
    data: dict[str, str] = config["data"]
    return data


def test_each_service_deploys_and_scales_on_its_own(manifests: Manifests) -> None:
    for name in SERVICES:
        deployment = manifests.get("Deployment", name)
        assert "replicas" not in deployment["spec"], f"{name}: the HPA owns the replica count"
        pods = manifests.pod_labels(name)
        service = manifests.get("Service", name)
        assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
        assert selects(deployment["spec"]["selector"], pods)
        hpa = manifests.get("HorizontalPodAutoscaler", name)
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        assert any(m["resource"]["name"] == "cpu" for m in hpa["spec"]["metrics"])
        pdb = manifests.get("PodDisruptionBudget", name)
        assert selects(pdb["spec"]["selector"], pods)
        assert pdb["spec"].get("maxUnavailable") == 1 or pdb["spec"].get("minAvailable")


def test_prod_keeps_two_replicas_of_everything(overlay: str, manifests: Manifests) -> None:
    for hpa in manifests.of_kind("HorizontalPodAutoscaler"):
        expected = 2 if overlay == "prod" else 1
        assert hpa["spec"]["minReplicas"] == expected, hpa["metadata"]["name"]


def test_every_object_carries_the_recommended_labels(manifests: Manifests) -> None:
    for doc in manifests.docs:
        labels = doc["metadata"].get("labels", {})
        for key in ("part-of", "managed-by", "version"):
            assert f"app.kubernetes.io/{key}" in labels, doc["metadata"]["name"]
    for workload in manifests.workloads():
        template = workload["spec"]["template"]["metadata"]["labels"]
        for labels in (workload["metadata"]["labels"], template):
            missing = [k for k in LABELS if f"app.kubernetes.io/{k}" not in labels]
            assert not missing, f"{workload['metadata']['name']}: no {missing}"


def test_every_container_has_requests_and_limits(manifests: Manifests) -> None:
    for workload in manifests.workloads():
        for container in _pod(workload)["containers"]:
            resources = container["resources"]
            for kind in ("cpu", "memory"):
                request = _quantity(resources["requests"][kind])
                limit = _quantity(resources["limits"][kind])
                assert 0 < request <= limit, f"{workload['metadata']['name']} {kind}"


def test_every_pod_runs_locked_down(manifests: Manifests) -> None:
    for workload in manifests.workloads():
        name = workload["metadata"]["name"]
        pod = _pod(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] > 0, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
        mounts = {m["mountPath"] for c in pod["containers"] for m in c.get("volumeMounts", [])}
        if name in (*SERVICES, "simulator"):
            assert "/tmp" in mounts, f"{name}: no writable /tmp under a read-only root"
    namespace = manifests.of_kind("Namespace")[0]["metadata"]["labels"]
    assert namespace["pod-security.kubernetes.io/enforce"] == "restricted"


def test_every_container_has_startup_readiness_and_liveness_probes(
    manifests: Manifests,
) -> None:
    for workload in manifests.workloads():
        name = workload["metadata"]["name"]
        [container] = _pod(workload)["containers"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert probe in container, f"{name}: no {probe}"
        if name in GRPC_PORTS:
            # Ready = grpc.health.v1 SERVING (NOT_SERVING once SIGTERM arrives).
            assert container["readinessProbe"]["grpc"] == {"port": GRPC_PORTS[name]}
            # Alive = the process answers; not the dependency-following gRPC status.
            for probe in ("startupProbe", "livenessProbe"):
                assert container[probe]["httpGet"] == {"path": "/metrics", "port": "metrics"}
        if name == "gateway":
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_termination_outlasts_the_services_grace_period(manifests: Manifests) -> None:
    grace = float(_config(manifests)["MASTERX_SHUTDOWN_GRACE_SECONDS"])
    for name in SERVICES:
        pod = _pod(manifests.get("Deployment", name))
        [container] = pod["containers"]
        pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert pod["terminationGracePeriodSeconds"] >= pause + grace + MARGIN_SECONDS, name


def test_images_are_tagged_and_configuration_is_referenced(
    overlay: str, manifests: Manifests
) -> None:
    [config] = manifests.of_kind("ConfigMap")
    secrets = {d["metadata"]["name"] for d in load_yaml_all(K8S / "secrets.template.yaml")}
    for workload in manifests.workloads():
        for container in _pod(workload)["containers"]:
            image = container["image"]
            assert re.search(r":[\w.-]+$", image) and not image.endswith(":latest"), image
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] == config["metadata"]["name"]
                else:
                    reference = source["secretRef"]
                    assert reference["name"] in secrets
                    assert reference["optional"] is (overlay == "dev"), reference


def test_the_config_map_sets_only_real_settings(overlay: str, manifests: Manifests) -> None:
    data = _config(manifests)
    unknown = set(data) - settings_catalogue.known_variables()
    assert not unknown, f"not read by any component: {unknown}"
    for service, port in GRPC_PORTS.items():
        assert data[f"MASTERX_{service.upper()}_TARGET"] == f"dns:///{service}:{port}"
    if overlay == "dev":
        assert data["MASTERX_REDIS_URL"] == "redis://redis:6379/0"
        assert data["MASTERX_MONGODB_URL"] == "mongodb://mongo:27017/"
        assert data["MASTERX_SIMULATED_PROVIDERS"] == "1"
    else:
        # Managed stores: their URLs come from the masterx-store-urls Secret.
        assert "MASTERX_REDIS_URL" not in data and "MASTERX_MONGODB_URL" not in data
        assert data["MASTERX_SIMULATED_PROVIDERS"] == "0"


def test_stores_run_in_the_cluster_only_in_dev(overlay: str, manifests: Manifests) -> None:
    statefulsets = manifests.names("StatefulSet")
    if overlay == "dev":
        assert statefulsets == {"redis", "mongo"}
        for name in statefulsets:
            assert manifests.get("StatefulSet", name)["spec"]["volumeClaimTemplates"]
        assert "simulator" in manifests.names("Deployment")
    else:
        assert not statefulsets
        assert manifests.names("Deployment") == set(SERVICES)


# Who may reach whom: (client, server, port) -> allowed.
INSIDE = {
    ("gateway", "router", 50051): True,
    ("gateway", "health", 50052): True,
    ("gateway", "benchmark", 50053): True,
    ("router", "health", 50052): True,
    ("router", "benchmark", 50053): True,
    ("health", "router", 50051): False,
    ("benchmark", "router", 50051): False,
    ("router", "gateway", 8001): True,
}
STORES = {
    ("health", "redis", 6379): True,
    ("benchmark", "redis", 6379): True,
    ("router", "redis", 6379): True,  # the live quality estimate's shared sums
    ("gateway", "redis", 6379): False,
    ("router", "mongo", 27017): True,
    ("benchmark", "mongo", 27017): True,
    ("health", "mongo", 27017): True,  # the API keys (services/health/keys)
    ("gateway", "mongo", 27017): False,
    ("router", "simulator", 8090): True,
    ("benchmark", "simulator", 8090): True,
    ("gateway", "simulator", 8090): False,
}


def test_network_policies_admit_only_the_right_callers(overlay: str, manifests: Manifests) -> None:
    cases = {**INSIDE, **(STORES if overlay == "dev" else {})}
    for (client, server, port), allowed in cases.items():
        peer = Peer(manifests.pod_labels(client), {"home": "yes"})
        assert can_reach(manifests, peer, server, port) is allowed, (client, server, port)


def test_the_benchmark_pod_leaves_the_cluster_only_for_its_stores_dns_and_https(
    manifests: Manifests,
) -> None:
    """It runs model-written code (in a sandbox with no network, services/benchmark/
    isolation.py); should that ever fail, the pod itself reaches nothing but these."""
    for port in (53, 443, 27017, 6379, 6380):
        assert can_leave(manifests, "benchmark", port), port
    for port in (22, 80, 2379, 8080, 10250):
        assert not can_leave(manifests, "benchmark", port), port
    assert _pod(manifests.get("Deployment", "benchmark"))["automountServiceAccountToken"] is False


def test_grpc_services_are_headless_so_clients_balance_over_every_pod(
    manifests: Manifests,
) -> None:
    for service in GRPC_PORTS:
        (found,) = [m for m in manifests.of_kind("Service") if m["metadata"]["name"] == service]
        assert found["spec"]["clusterIP"] == "None", service


def test_only_the_gateway_is_reachable_from_outside(manifests: Manifests) -> None:
    outside = Peer({}, None)
    other_namespace = Peer({"app": "anything"}, {"kubernetes.io/metadata.name": "other"})
    apps = {w["metadata"]["name"] for w in manifests.workloads()}
    for app in apps:
        ports = {
            int(p["containerPort"])
            for c in _pod(next(w for w in manifests.workloads() if w["metadata"]["name"] == app))[
                "containers"
            ]
            for p in c.get("ports", [])
        }
        for port in ports:
            for peer in (outside, other_namespace):
                assert can_reach(manifests, peer, app, port) is (app == "gateway"), (app, port)


def test_prometheus_reaches_every_metrics_port_and_nothing_else(manifests: Manifests) -> None:
    prometheus = Peer(
        {"app.kubernetes.io/name": "prometheus"}, {"kubernetes.io/metadata.name": "monitoring"}
    )
    for app, port in METRICS_PORTS.items():
        assert can_reach(manifests, prometheus, app, port), app
    for app, port in GRPC_PORTS.items():
        assert not can_reach(manifests, prometheus, app, port), app


def test_metrics_are_discoverable_three_ways(overlay: str, manifests: Manifests) -> None:
    jobs = {
        job["job_name"]: job["dns_sd_configs"][0]
        for job in load_yaml(PROMETHEUS_DIR / "prometheus-kubernetes.yml")["scrape_configs"]
    }
    namespace = manifests.of_kind("Namespace")[0]["metadata"]["name"]
    for name, port in METRICS_PORTS.items():
        annotations = manifests.get("Deployment", name)["spec"]["template"]["metadata"][
            "annotations"
        ]
        assert annotations["prometheus.io/scrape"] == "true"
        assert int(annotations["prometheus.io/port"]) == port
        assert manifests.container_port(name, port) == port
        metrics = manifests.get("Service", f"{name}-metrics")
        assert metrics["spec"]["clusterIP"] == "None"
        assert metrics["spec"]["publishNotReadyAddresses"] is True
        [service_port] = metrics["spec"]["ports"]
        assert service_port["name"] == "metrics" and service_port["port"] == port
        assert manifests.container_port(name, service_port["targetPort"]) == port
        if overlay == "prod":
            assert jobs[name]["names"] == [f"{name}-metrics.{namespace}.svc.cluster.local"]
            assert jobs[name]["port"] == port
    monitors = manifests.of_kind("ServiceMonitor")
    if overlay == "dev":
        assert not monitors
        return
    [monitor] = monitors
    assert monitor["spec"]["jobLabel"] == "app.kubernetes.io/name"
    [endpoint] = monitor["spec"]["endpoints"]
    selected = [
        s
        for s in manifests.of_kind("Service")
        if selects(monitor["spec"]["selector"], s["metadata"]["labels"])
        and any(p["name"] == endpoint["port"] for p in s["spec"]["ports"])
    ]
    assert sorted(s["metadata"]["name"] for s in selected) == sorted(
        f"{n}-metrics" for n in SERVICES
    )
    [rule] = manifests.of_kind("PrometheusRule")
    assert rule["spec"] == load_yaml(PROMETHEUS_DIR / "rules" / "masterx.yml")


def test_only_dev_lets_the_gateway_serve_without_api_keys(
    overlay: str, manifests: Manifests
) -> None:
    """The gateway listens on 0.0.0.0 here: without keys it starts only when told to, and only
    the dev overlay tells it (prod needs MASTERX_API_KEYS from masterx-gateway-auth)."""
    data = _config(manifests)
    assert data["MASTERX_BIND_HOST"] == "0.0.0.0"
    if overlay == "dev":
        assert data["MASTERX_ALLOW_ANONYMOUS"] == "true"
    else:
        assert "MASTERX_ALLOW_ANONYMOUS" not in data
        assert "MASTERX_API_KEYS" not in data  # a secret, not configuration


# Router shutdown after its writes are flushed: breaker reports (1 s deadline), connections.
ROUTER_CLOSE_SECONDS = 2


def test_the_router_flushes_its_writes_within_the_pods_grace_period(
    manifests: Manifests,
) -> None:
    """SIGKILL must not land while the router still flushes usage records: preStop, the gRPC
    grace, the flush and closing, plus the margin, fit in terminationGracePeriodSeconds."""
    config = _config(manifests)
    pod = _pod(manifests.get("Deployment", "router"))
    [container] = pod["containers"]
    needed = (
        container["lifecycle"]["preStop"]["sleep"]["seconds"]
        + float(config["MASTERX_SHUTDOWN_GRACE_SECONDS"])
        + float(config["MASTERX_SHUTDOWN_FLUSH_SECONDS"])
        + ROUTER_CLOSE_SECONDS
        + MARGIN_SECONDS
    )
    assert pod["terminationGracePeriodSeconds"] >= needed
