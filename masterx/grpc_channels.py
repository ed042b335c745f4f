"""How every service dials another: one gRPC channel per target, balanced over its replicas.

A gRPC channel keeps its connections for hours, so a plain ``host:port`` behind a load-balancing
virtual IP (a Kubernetes ClusterIP Service) pins every call of a client to one replica. Targets
that name several replicas are balanced per call instead:

- ``dns:///name:port``: every address the name resolves to (a Kubernetes *headless* Service
  answers with the ready pods), round robin, re-resolved when a connection goes away (servers
  close theirs after ``MAX_CONNECTION_AGE_MS``, see :mod:`masterx.grpc_server`, so new replicas
  are found);
- ``host:port,host:port``: a fixed list of IPv4 replicas, round robin (gRPC's static ``ipv4:``
  resolver: it takes IPv4 addresses only, so a list holding a host name is refused).

A single ``host:port`` (a name, an IPv4 address or a bracketed IPv6 address) is used as given.
Anything else is refused with a ValueError saying why (:func:`target_problem`), which the
settings turn into a start-up error naming the variable.
"""

from __future__ import annotations

import ipaddress

import grpc

from masterx.hosts import host_problem
from masterx.ports import parse_port

ChannelOptions = list[tuple[str, int | str]]

CHANNEL_OPTIONS: ChannelOptions = [("grpc.keepalive_time_ms", 30_000)]
# Several replicas behind one target: spread calls over every ready one, skip the dead, and
# retry a lost one often (the default backoff grows to 2 minutes: a replica back sooner idles).
ROUND_ROBIN: tuple[str, str] = ("grpc.lb_policy_name", "round_robin")
REPLICA_RECONNECT: tuple[str, int] = ("grpc.max_reconnect_backoff_ms", 2_000)

FORMS = "host:port, dns:///name:port, or a comma list of IPv4 host:port"


def _split_host_port(address: str) -> tuple[str, int]:
    """``host`` and ``port`` of ``host:port`` or ``[v6]:port``; ValueError saying what is wrong."""
    if address.startswith("["):
        host, bracket, rest = address[1:].partition("]")
        if not bracket or not rest.startswith(":"):
            raise ValueError(f"{address!r} is not [IPv6 address]:port")
        port_text = rest[1:]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(f"{host!r} is not an IPv6 address") from None
    else:
        host, colon, port_text = address.rpartition(":")
        if not colon:
            raise ValueError(f"{address!r} has no port (host:port)")
        if ":" in host:
            raise ValueError(f"{address!r}: an IPv6 address goes in brackets ([::1]:port)")
        problem = host_problem(host)
        if problem:
            raise ValueError(problem)
    try:
        port = parse_port(port_text)
    except ValueError:
        raise ValueError(f"port {port_text!r} of {address!r} is not a number in 1-65535") from None
    return host, port


def _is_ip(host: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(host).version == version
    except ValueError:
        return False


def _address_list(addresses: list[str], version: int) -> str:
    """The items of a static list, each ``IPvN:port``, for gRPC's ``ipvN:`` resolver."""
    for address in addresses:
        host, _ = _split_host_port(address)
        if not _is_ip(host, version):
            raise ValueError(
                f"{address!r}: a list of replicas takes IPv{version} addresses only (gRPC "
                "has no resolver for a list of names); list IP addresses, or use one "
                "dns:///name:port that resolves to every replica"
            )
    return f"ipv{version}:" + ",".join(addresses)


def _dns_target(target: str) -> str:
    """``dns:[//authority/]name:port`` checked: one name, with its port."""
    rest = target.removeprefix("dns:")
    if rest.startswith("//"):
        _, slash, rest = rest[2:].partition("/")
        if not slash:
            raise ValueError(f"{target!r} is not dns:///name:port")
    if "," in rest:
        raise ValueError(
            f"{target!r}: dns:/// takes one name (it is balanced over every address the name "
            "resolves to); a list of replicas takes IPv4 host:port without dns:///"
        )
    _split_host_port(rest)
    return target


def channel_target(target: str) -> tuple[str, ChannelOptions]:
    """The gRPC target and channel options for ``target`` (see the module's docstring);
    ValueError naming the problem when it has none of the accepted forms."""
    target = target.strip()
    balanced = [*CHANNEL_OPTIONS, ROUND_ROBIN, REPLICA_RECONNECT]
    if target.startswith("dns:"):
        return _dns_target(target), balanced
    for version in (4, 6):
        scheme = f"ipv{version}:"
        if target.startswith(scheme):
            addresses = [a.strip() for a in target[len(scheme) :].split(",") if a.strip()]
            if not addresses:
                raise ValueError(f"{target!r} lists no address")
            return _address_list(addresses, version), balanced
    addresses = [a.strip() for a in target.split(",") if a.strip()]
    if not addresses:
        raise ValueError(f"no target: expected {FORMS}")
    if len(addresses) >= 2:
        return _address_list(addresses, 4), balanced
    if "://" in addresses[0] or addresses[0].startswith(("unix:", "unix-abstract:", "vsock:")):
        raise ValueError(f"{addresses[0]!r} is not one of {FORMS}")
    _split_host_port(addresses[0])
    return addresses[0], list(CHANNEL_OPTIONS)


def target_problem(target: str) -> str | None:
    """Why ``target`` is no usable gRPC target (None: it is one)."""
    try:
        channel_target(target)
    except ValueError as error:
        return str(error)
    return None


def channel_for(target: str) -> grpc.aio.Channel:
    """An insecure channel to ``target`` with the options :func:`channel_target` gives it."""
    address, options = channel_target(target)
    return grpc.aio.insecure_channel(address, options=options)
