"""``SpendLimits`` when Redis dies: each replica keeps to its share, and counts what it could
not enforce. Redis here is a private ``redis-server`` the test kills and restarts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from masterx.keys.admission import ActualUsage, Enforcement, Limit, RequestEstimate
from masterx.keys.policy import ApiKey, KeyPolicy
from masterx.stores import connect_redis
from services.health.keys.local_limiter import LocalSpendLimiter
from services.health.keys.redis_limiter import RedisSpendLimiter
from services.health.keys.spend import SpendLimits
from tooling.stack import Stack, StackConfig

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
CHEAP = RequestEstimate(10, 10, 0.0)


class Clock:
    def __init__(self) -> None:
        self.now = NOW.timestamp()

    def __call__(self) -> float:
        return self.now


def _key(**limits: float | int | None) -> ApiKey:
    return ApiKey("abcdef012345", KeyPolicy(name="k", **limits), "hash", NOW, NOW)  # type: ignore[arg-type]


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[Stack]:
    config = StackConfig(state_dir=tmp_path).with_free_ports()
    with Stack(config, components=("redis",)) as stack:
        yield stack


async def test_with_redis_down_a_replica_admits_its_share_of_rpm_and_counts_them(
    private_redis: Stack,
) -> None:
    client = connect_redis(private_redis.redis_url)
    clock = Clock()
    limits = SpendLimits(RedisSpendLimiter(client), LocalSpendLimiter(0.5, clock))
    key = _key(rpm=10)
    try:
        shared = [await limits.admit(key, CHEAP) for _ in range(3)]
        assert all(a.admitted and a.enforcement is Enforcement.SHARED for a in shared)
        private_redis.kill("redis")
        local = [await limits.admit(key, CHEAP) for _ in range(8)]
        admitted = [a for a in local if a.admitted]
        print(
            f"redis down: admitted {len(admitted)} of 8 locally, counted {limits.admitted_locally}"
        )
        assert len(admitted) == 5 and limits.admitted_locally == 5 and limits.degraded
        assert {a.refused_by for a in local if not a.admitted} == {Limit.RPM}
        assert all(a.enforcement is Enforcement.LOCAL for a in local)
        reservation = admitted[0].reservation
        assert reservation is not None and await limits.settle(reservation, ActualUsage(1, 1, 0))
        lost = shared[0].reservation
        assert lost is not None and not await limits.settle(lost, ActualUsage(1, 1, 0))
        assert limits.settles_lost == 1
        clock.now += 60
        assert (await limits.admit(key, CHEAP)).admitted  # the local window slides too
    finally:
        await client.aclose()


async def test_with_redis_down_a_budget_is_a_share_of_what_redis_last_said_was_left(
    private_redis: Stack,
) -> None:
    client = connect_redis(private_redis.redis_url)
    limits = SpendLimits(RedisSpendLimiter(client), LocalSpendLimiter(0.5, Clock()))
    key = _key(budget_day_usd=1.0)
    tenth = RequestEstimate(10, 10, 0.10)
    try:
        for _ in range(6):
            assert (await limits.admit(key, tenth)).admitted  # 0.40 left, as Redis said
        private_redis.kill("redis")
        local = [await limits.admit(key, tenth) for _ in range(4)]
        print("local budget admissions:", [a.admitted for a in local])
        assert [a.admitted for a in local] == [True, True, False, False]  # 0.5 x 0.40
        assert {a.refused_by for a in local if not a.admitted} == {Limit.BUDGET_DAY}
        private_redis.restart("redis")
        back = await limits.admit(key, tenth)
        assert back.enforcement is Enforcement.SHARED and not limits.degraded
    finally:
        await client.aclose()


async def test_a_revoked_key_is_refused_before_any_limiter_is_asked() -> None:
    client = connect_redis("redis://127.0.0.1:1/0")  # nothing listens: never reached
    limits = SpendLimits(RedisSpendLimiter(client), LocalSpendLimiter(1.0))
    key = ApiKey("abcdef012345", KeyPolicy(name="k"), "hash", NOW, NOW, revoked_at=NOW)
    try:
        answer = await limits.admit(key, CHEAP)
    finally:
        await client.aclose()
    assert answer.refused_by is Limit.REVOKED and limits.admitted_locally == 0


def test_a_local_refusal_reports_what_is_left_of_every_limit_of_its_share() -> None:
    limiter = LocalSpendLimiter(0.5, Clock())
    policy = KeyPolicy(name="a", rpm=4, tpm=2000, budget_day_usd=1.0)
    tenth = RequestEstimate(100, 100, 0.1)
    first = limiter.admit("k1", policy, tenth)
    assert first.admitted and (first.remaining_requests, first.remaining_tokens) == (1, 800)
    assert limiter.admit("k1", policy, tenth).admitted
    refused = limiter.admit("k1", policy, tenth)
    assert refused.refused_by is Limit.RPM and refused.enforcement is Enforcement.LOCAL
    assert refused.remaining_requests == 0 and refused.remaining_tokens == 600
    assert refused.remaining_budget_usd == pytest.approx(0.3)
