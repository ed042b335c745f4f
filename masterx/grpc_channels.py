"""How every service dials another: one gRPC channel per target, balanced over its replicas.

A gRPC channel keeps its connections for hours, so a plain ``host:port`` behind a load-balancing
virtual IP (a Kubernetes ClusterIP Service) pins every call of a client to one replica. Targets
that name several replicas are balanced per call instead:

- ``dns:///name:port``: every address the name resolves to (a Kubernetes *headless* Service
  answers with the ready pods), round robin, re-resolved when a connection goes away (servers
  close theirs after ``MAX_CONNECTION_AGE_MS``, see :mod:`masterx.grpc_server`, so new replicas
  are found);
- ``host:port,host:port``: a fixed list of IPv4 replicas, round robin.

A single ``host:port`` (or any other gRPC URI) is used as given.
"""

from __future__ import annotations

import grpc

ChannelOptions = list[tuple[str, int | str]]

CHANNEL_OPTIONS: ChannelOptions = [("grpc.keepalive_time_ms", 30_000)]
# Several replicas behind one target: spread calls over every ready one, skip the dead, and
# retry a lost one often (the default backoff grows to 2 minutes: a replica back sooner idles).
ROUND_ROBIN: tuple[str, str] = ("grpc.lb_policy_name", "round_robin")
REPLICA_RECONNECT: tuple[str, int] = ("grpc.max_reconnect_backoff_ms", 2_000)


def channel_target(target: str) -> tuple[str, ChannelOptions]:
    """The gRPC target and channel options for ``target`` (see the module's docstring)."""
    addresses = [a.strip() for a in target.split(",") if a.strip()]
    if len(addresses) >= 2:
        scheme = "" if addresses[0].startswith("ipv4:") else "ipv4:"
        return scheme + ",".join(addresses), [*CHANNEL_OPTIONS, ROUND_ROBIN, REPLICA_RECONNECT]
    if target.startswith("dns:"):
        return target, [*CHANNEL_OPTIONS, ROUND_ROBIN, REPLICA_RECONNECT]
    return target, list(CHANNEL_OPTIONS)


def channel_for(target: str) -> grpc.aio.Channel:
    """An insecure channel to ``target`` with the options :func:`channel_target` gives it."""
    address, options = channel_target(target)
    return grpc.aio.insecure_channel(address, options=options)
