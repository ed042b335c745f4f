"""Outcome reports through a real health service: one at a time, in batches, and bad input."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import grpc
import pytest

from masterx.v1 import common_pb2, health_pb2, health_pb2_grpc
from tooling.stack import Stack, StackConfig

pytestmark = pytest.mark.e2e

SUCCESS = health_pb2.OUTCOME_SUCCESS
FAILURE = health_pb2.OUTCOME_FAILURE


@pytest.fixture(scope="module")
def health(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = StackConfig(state_dir=tmp_path_factory.mktemp("reports")).with_free_ports()
    with Stack(config, components=("redis", "health")) as stack:
        yield stack


@pytest.fixture
async def stub(health: Stack) -> AsyncIterator[health_pb2_grpc.ProviderHealthStub]:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{health.config.health_grpc_port}")
    try:
        yield health_pb2_grpc.ProviderHealthStub(channel)
    finally:
        await channel.close()


def _report(provider: str, outcome: int, **fields: object) -> health_pb2.ReportRequest:
    kind = common_pb2.FAILURE_KIND_SERVER if outcome == FAILURE else 0
    values: dict[str, object] = {"kind": kind, "latency_ms": 10.0} | fields
    return health_pb2.ReportRequest(provider=provider, outcome=outcome, **values)  # type: ignore[arg-type]


async def _status(
    stub: health_pb2_grpc.ProviderHealthStub, provider: str
) -> health_pb2.ProviderStatus | None:
    reply = await stub.GetStatus(health_pb2.GetStatusRequest())
    return next((p for p in reply.providers if p.provider == provider), None)


async def test_a_batch_is_applied_in_order_and_answers_each_state(
    stub: health_pb2_grpc.ProviderHealthStub,
) -> None:
    reports = [_report("batch-a", SUCCESS)] * 3 + [_report("batch-a", FAILURE)] * 5
    reply = await stub.ReportBatch(health_pb2.ReportBatchRequest(reports=reports))
    closed, opened = common_pb2.BREAKER_STATE_CLOSED, common_pb2.BREAKER_STATE_OPEN
    # The default threshold is 5 consecutive failures: the last report opens the breaker.
    assert list(reply.states) == [closed] * 7 + [opened]
    status = await _status(stub, "batch-a")
    assert status is not None
    assert (status.successes_in_window, status.failures_in_window) == (3, 5)
    assert status.state == opened


async def test_one_bad_report_rejects_the_whole_batch_and_names_it(
    stub: health_pb2_grpc.ProviderHealthStub,
) -> None:
    reports = [
        _report("batch-b", SUCCESS),
        _report("batch-b", FAILURE),
        _report("batch-b", FAILURE, kind=common_pb2.FAILURE_KIND_UNSPECIFIED),
    ]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReportBatch(health_pb2.ReportBatchRequest(reports=reports))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details() == "reports[2]: a failure needs its kind"
    assert await _status(stub, "batch-b") is None  # nothing of the batch was applied


async def test_an_oversized_batch_is_refused(stub: health_pb2_grpc.ProviderHealthStub) -> None:
    reports = [_report("batch-c", SUCCESS)] * 1001
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReportBatch(health_pb2.ReportBatchRequest(reports=reports))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "at most 1000 reports" in (caught.value.details() or "")


@pytest.mark.parametrize(
    ("report", "problem"),
    [
        (_report("", SUCCESS), "provider must be a name of at most 128"),
        (_report("a\nb", SUCCESS), "provider must be a name of at most 128"),
        (_report("single", health_pb2.OUTCOME_UNSPECIFIED), "is not OUTCOME_SUCCESS"),
        (_report("single", 99), "outcome 99 is not OUTCOME_SUCCESS or OUTCOME_FAILURE"),
        (_report("single", FAILURE, kind=99), "kind 99 is not a known FailureKind"),
        (_report("single", SUCCESS, latency_ms=-1.0), "not negative"),
        (_report("single", SUCCESS, latency_ms=float("inf")), "must be a finite number"),
        (_report("single", SUCCESS, latency_ms=float("nan")), "must be a finite number"),
        (_report("single", SUCCESS, retry_after_s=-1.0), "retry_after_s must not be negative"),
    ],
)
async def test_a_bad_single_report_names_its_problem(
    stub: health_pb2_grpc.ProviderHealthStub, report: health_pb2.ReportRequest, problem: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Report(report)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert problem in (caught.value.details() or "")


@pytest.mark.parametrize(
    "raw",
    [
        b"\x0a\x02\xff\xfe",  # provider (field 1) whose bytes are not UTF-8
        b"\xff\xff\xff\xff",  # no protobuf wire format at all
    ],
)
async def test_bytes_that_are_no_message_are_invalid_argument(health: Stack, raw: bytes) -> None:
    """What a client in any language can send: INVALID_ARGUMENT, never UNKNOWN (the shared
    interceptor, masterx/grpc_interceptors.py, so every service answers alike)."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{health.config.health_grpc_port}") as channel:
        call = channel.unary_unary(
            "/masterx.v1.ProviderHealth/Report",
            request_serializer=lambda b: b,
            response_deserializer=lambda b: b,
        )
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call(raw)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "the Report request is not a valid message" in (caught.value.details() or "")
