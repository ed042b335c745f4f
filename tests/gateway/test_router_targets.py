"""A comma-separated router target balances over every replica and skips a dead one."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from masterx.grpc_channels import ROUND_ROBIN, channel_target
from services.gateway.upstreams import Upstream
from tooling.stack.readiness import free_port


def test_a_single_target_is_used_as_given() -> None:
    target, options = channel_target("router:50051")
    assert target == "router:50051"
    assert ROUND_ROBIN not in options


def test_a_comma_list_becomes_one_round_robin_ipv4_target() -> None:
    target, options = channel_target("127.0.0.1:1, 127.0.0.1:2")
    assert target == "ipv4:127.0.0.1:1,127.0.0.1:2"
    assert ROUND_ROBIN in options
    assert channel_target("ipv4:127.0.0.1:1,127.0.0.1:2")[0] == "ipv4:127.0.0.1:1,127.0.0.1:2"


def test_a_dns_target_is_balanced_over_everything_the_name_resolves_to() -> None:
    target, options = channel_target("dns:///router.masterx.svc.cluster.local:50051")
    assert target == "dns:///router.masterx.svc.cluster.local:50051"
    assert ROUND_ROBIN in options


async def test_calls_reach_the_live_replica_when_the_other_is_down() -> None:
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    live = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    upstream = Upstream("router", f"127.0.0.1:{free_port()},127.0.0.1:{live}")
    try:
        for _ in range(4):
            reply = await upstream._health.Check(
                health_pb2.HealthCheckRequest(service=""), timeout=5.0, wait_for_ready=True
            )
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        await upstream.channel.close()
        await server.stop(None)
