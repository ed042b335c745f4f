"""Questions asked of rendered Kubernetes manifests: workloads, their pods, and who may reach
whom under the NetworkPolicies (Kubernetes' semantics, for the features the manifests use)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
WORKLOADS = ("Deployment", "StatefulSet")


@dataclass(frozen=True)
class Manifests:
    docs: list[Doc]

    def of_kind(self, kind: str) -> list[Doc]:
        return [d for d in self.docs if d["kind"] == kind]

    def get(self, kind: str, name: str) -> Doc:
        found = [d for d in self.of_kind(kind) if d["metadata"]["name"] == name]
        assert len(found) == 1, f"{kind}/{name}: {len(found)} rendered"
        return found[0]

    def names(self, kind: str) -> set[str]:
        return {d["metadata"]["name"] for d in self.of_kind(kind)}

    def workloads(self) -> Iterator[Doc]:
        for kind in WORKLOADS:
            yield from self.of_kind(kind)

    def pod_labels(self, app: str) -> dict[str, str]:
        """Labels of the pods of the workload named ``app``."""
        workload = next(w for w in self.workloads() if w["metadata"]["name"] == app)
        labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
        return labels

    def container_port(self, app: str, port: int | str) -> int | None:
        """A port number of ``app``'s containers, by number or by name; None if absent."""
        workload = next(w for w in self.workloads() if w["metadata"]["name"] == app)
        for container in workload["spec"]["template"]["spec"]["containers"]:
            for declared in container.get("ports", []):
                if port in (declared["containerPort"], declared.get("name")):
                    return int(declared["containerPort"])
        return None


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A label selector (matchLabels and matchExpressions In/NotIn/Exists)."""
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
    return True


@dataclass(frozen=True)
class Peer:
    """A would-be client or server: its pod labels and namespace (None: outside the cluster)."""

    labels: dict[str, str]
    namespace_labels: dict[str, str] | None

    @property
    def in_namespace(self) -> bool:
        return self.namespace_labels is not None and self.namespace_labels.get("home") == "yes"


def _peer_matches(rule_peer: dict[str, Any], peer: Peer) -> bool:
    if "ipBlock" in rule_peer:
        return peer.namespace_labels is None
    if peer.namespace_labels is None:
        return False
    if "namespaceSelector" in rule_peer:
        if not selects(rule_peer["namespaceSelector"], peer.namespace_labels):
            return False
    elif not peer.in_namespace:
        return False
    return selects(rule_peer.get("podSelector", {}), peer.labels)


def _port_matches(rule: dict[str, Any], port: int, resolve: dict[str, int]) -> bool:
    ports = rule.get("ports")
    if not ports:
        return True
    for entry in ports:
        declared = entry.get("port")
        number = resolve.get(declared, declared) if isinstance(declared, str) else declared
        if declared is None or number == port:
            return True
    return False


def _allowed(
    policies: list[Doc],
    direction: str,
    subject: dict[str, str],
    peer: Peer,
    port: int,
    resolve: dict[str, int],
) -> bool:
    kind, key = ("Ingress", "from") if direction == "ingress" else ("Egress", "to")
    selecting = [
        p
        for p in policies
        if kind in p["spec"].get("policyTypes", ["Ingress"])
        and selects(p["spec"]["podSelector"], subject)
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get(direction, []):
            peers = rule.get(key)
            if (not peers or any(_peer_matches(p, peer) for p in peers)) and _port_matches(
                rule, port, resolve
            ):
                return True
    return False


def can_reach(manifests: Manifests, client: Peer, server_app: str, port: int) -> bool:
    """Whether ``client`` may open a connection to ``server_app``'s pods on ``port``: the
    server's ingress policies admit it and, for a client in the namespace, its egress ones."""
    policies = manifests.of_kind("NetworkPolicy")
    server_labels = manifests.pod_labels(server_app)
    home = Peer(server_labels, {"home": "yes"})
    resolve = {}
    workload = next(w for w in manifests.workloads() if w["metadata"]["name"] == server_app)
    for container in workload["spec"]["template"]["spec"]["containers"]:
        for declared in container.get("ports", []):
            if "name" in declared:
                resolve[declared["name"]] = int(declared["containerPort"])
    if not _allowed(policies, "ingress", server_labels, client, port, resolve):
        return False
    if client.in_namespace:
        return _allowed(policies, "egress", client.labels, home, port, resolve)
    return True


def can_leave(manifests: Manifests, client_app: str, port: int) -> bool:
    """Whether ``client_app``'s pods may open a connection to an address outside the cluster
    on ``port`` under the egress policies."""
    policies = manifests.of_kind("NetworkPolicy")
    outside = Peer({}, None)
    return _allowed(policies, "egress", manifests.pod_labels(client_app), outside, port, {})
