"""Spend limits in real Redis: atomic across replicas, time moved by an injected clock."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from masterx.keys.admission import ActualUsage, Limit, RequestEstimate
from masterx.keys.policy import KeyPolicy
from masterx.stores import connect_redis
from services.health.keys.redis_limiter import RedisSpendLimiter

# 2026-03-31 23:59:00 UTC: one minute before a new day and a new month.
T0 = int(datetime(2026, 3, 31, 23, 59, tzinfo=UTC).timestamp() * 1000)
TENTH = RequestEstimate(prompt_tokens=100, max_tokens=100, worst_case_usd=0.10)


async def test_fifty_concurrent_reservations_against_a_budget_covering_ten_admit_exactly_ten(
    redis_client: aioredis.Redis,
) -> None:
    url = redis_client.connection_pool.connection_kwargs
    second = connect_redis(f"redis://{url['host']}:{url['port']}/{url.get('db', 0)}")
    replicas = [RedisSpendLimiter(redis_client), RedisSpendLimiter(second)]
    policy = KeyPolicy(name="tutor", budget_day_usd=1.00)
    try:
        answers = await asyncio.gather(
            *(replicas[i % 2].admit("k1", policy, TENTH, T0) for i in range(50))
        )
    finally:
        await second.aclose()
    admitted = [a for a in answers if a.admitted]
    refused = [a for a in answers if not a.admitted]
    print(f"admitted {len(admitted)} of 50, refused {len(refused)}")
    assert len(admitted) == 10
    assert {a.refused_by for a in refused} == {Limit.BUDGET_DAY}
    assert {a.refused_by.code for a in refused if a.refused_by} == {"budget_exceeded"}
    assert all(a.retry_after_s == pytest.approx(60.0) for a in refused)  # until midnight UTC
    assert sorted(a.remaining_budget_usd or 0 for a in admitted)[0] == pytest.approx(0.0)


async def test_settle_releases_the_hold_and_charges_the_actual_cost(
    redis_client: aioredis.Redis,
) -> None:
    limiter = RedisSpendLimiter(redis_client)
    policy = KeyPolicy(name="tutor", budget_day_usd=0.25, budget_month_usd=10)
    first = await limiter.admit("k1", policy, TENTH, T0)
    second = await limiter.admit("k1", policy, TENTH, T0)
    third = await limiter.admit("k1", policy, TENTH, T0)
    assert first.admitted and second.admitted and not third.admitted
    assert first.reservation and second.reservation
    assert await limiter.settle(first.reservation, ActualUsage(100, 20, 0.02))
    assert not await limiter.settle(first.reservation, ActualUsage(100, 20, 0.02))  # once only
    usage = await limiter.usage("k1", T0)
    assert usage.held_day_usd == pytest.approx(0.10) and usage.spent_day_usd == pytest.approx(0.02)
    assert (await limiter.admit("k1", policy, TENTH, T0)).admitted  # 0.02 + 0.10 + 0.10 fits
    cancelled = ActualUsage(100, 0, 0.0001)  # a stream cancelled early settles what it used
    assert await limiter.settle(second.reservation, cancelled)


async def test_a_new_utc_day_resets_the_day_budget_and_a_new_month_the_month_budget(
    redis_client: aioredis.Redis,
) -> None:
    limiter = RedisSpendLimiter(redis_client)
    day_only = KeyPolicy(name="a", budget_day_usd=0.10)
    month = KeyPolicy(name="b", budget_month_usd=0.10)
    assert (await limiter.admit("day", day_only, TENTH, T0)).admitted
    assert not (await limiter.admit("day", day_only, TENTH, T0 + 59_000)).admitted
    assert (await limiter.admit("day", day_only, TENTH, T0 + 60_000)).admitted
    assert (await limiter.admit("month", month, TENTH, T0)).admitted
    refused = await limiter.admit("month", month, TENTH, T0 + 1000)
    assert refused.refused_by is Limit.BUDGET_MONTH and refused.retry_after_s == pytest.approx(59)
    assert (await limiter.admit("month", month, TENTH, T0 + 60_000)).admitted


async def test_a_request_larger_than_the_whole_budget_can_never_fit(
    redis_client: aioredis.Redis,
) -> None:
    limiter = RedisSpendLimiter(redis_client)
    answer = await limiter.admit("k1", KeyPolicy(name="a", budget_day_usd=0.05), TENTH, T0)
    assert not answer.admitted and answer.refused_by is Limit.BUDGET_DAY
    assert answer.retry_after_s is None


async def test_rpm_holds_exactly_across_two_replicas_in_a_sliding_minute(
    redis_client: aioredis.Redis,
) -> None:
    replicas = [RedisSpendLimiter(redis_client), RedisSpendLimiter(redis_client)]
    policy = KeyPolicy(name="a", rpm=5)
    cheap = RequestEstimate(1, 1, 0.0)
    answers = await asyncio.gather(
        *(replicas[i % 2].admit("k1", policy, cheap, T0 + i) for i in range(12))
    )
    assert [a.admitted for a in answers].count(True) == 5
    refused = [a for a in answers if not a.admitted]
    assert {a.refused_by for a in refused} == {Limit.RPM}
    assert {a.refused_by.code for a in refused if a.refused_by} == {"rate_limit_exceeded"}
    last = await replicas[0].admit("k1", policy, cheap, T0 + 30_000)
    assert not last.admitted and last.retry_after_s == pytest.approx(30.0, abs=0.01)
    assert not (await replicas[1].admit("k1", policy, cheap, T0 + 59_999)).admitted
    after = await replicas[1].admit("k1", policy, cheap, T0 + 60_000)
    assert after.admitted and after.remaining_requests == 0  # the first four are still in


async def test_tpm_counts_the_estimate_then_the_actual_tokens(
    redis_client: aioredis.Redis,
) -> None:
    limiter = RedisSpendLimiter(redis_client)
    policy = KeyPolicy(name="a", tpm=1000)
    big = RequestEstimate(prompt_tokens=100, max_tokens=500, worst_case_usd=0.0)
    first = await limiter.admit("k1", policy, big, T0)
    assert first.admitted and first.remaining_tokens == 400 and first.reservation
    refused = await limiter.admit("k1", policy, big, T0 + 10_000)
    assert refused.refused_by is Limit.TPM and refused.retry_after_s == pytest.approx(50.0)
    await limiter.settle(first.reservation, ActualUsage(100, 50, 0.0))
    assert (await limiter.admit("k1", policy, big, T0 + 10_000)).remaining_tokens == 250
    never = await limiter.admit("k1", policy, RequestEstimate(100, 5000, 0.0), T0)
    assert never.refused_by is Limit.TPM and never.retry_after_s is None


async def test_a_learner_has_their_own_daily_budget_inside_the_keys(
    redis_client: aioredis.Redis,
) -> None:
    limiter = RedisSpendLimiter(redis_client)
    policy = KeyPolicy(name="a", budget_day_usd=1.0, user_budget_day_usd=0.2)
    ada = RequestEstimate(100, 100, 0.10, user="ada")
    assert (await limiter.admit("k1", policy, ada, T0)).admitted
    assert (await limiter.admit("k1", policy, ada, T0)).admitted
    refused = await limiter.admit("k1", policy, ada, T0)
    assert refused.refused_by is Limit.USER_BUDGET_DAY and refused.refused_by.code == (
        "budget_exceeded"
    )
    assert (await limiter.admit("k1", policy, RequestEstimate(100, 100, 0.1, "bo"), T0)).admitted


async def test_an_unsettled_reservation_is_charged_its_worst_case_then_corrected(
    redis_client: aioredis.Redis,
) -> None:
    limiter = RedisSpendLimiter(redis_client, reservation_ttl_s=60)
    policy = KeyPolicy(name="a", budget_day_usd=0.2)
    lost = await limiter.admit("k1", policy, TENTH, T0 - 3_600_000)
    assert lost.reservation
    await limiter.admit("k1", policy, RequestEstimate(1, 1, 0.0), T0)  # sweeps the lost hold
    swept = await limiter.usage("k1", T0)
    assert swept.spent_day_usd == pytest.approx(0.10) and swept.held_day_usd == pytest.approx(0)
    assert await limiter.settle(lost.reservation, ActualUsage(10, 10, 0.01))  # comes late
    corrected = await limiter.usage("k1", T0)
    assert corrected.spent_day_usd == pytest.approx(0.01)
    assert corrected.requests_last_minute == 1 and corrected.tokens_last_minute == 2


async def test_a_revoked_key_is_refused_by_every_replica_within_a_second(
    redis_client: aioredis.Redis,
) -> None:
    revoker, other = RedisSpendLimiter(redis_client), RedisSpendLimiter(redis_client)
    policy = KeyPolicy(name="a")
    assert (await other.admit("k1", policy, TENTH)).admitted
    await revoker.revoke("k1")
    deadline = time.monotonic() + 1.0
    answer = await other.admit("k1", policy, TENTH)
    while answer.admitted and time.monotonic() < deadline:
        answer = await other.admit("k1", policy, TENTH)
    assert answer.refused_by is Limit.REVOKED and answer.refused_by.code == "invalid_api_key"


async def test_a_refusal_reports_what_is_left_of_every_limit(redis_client: aioredis.Redis) -> None:
    limiter = RedisSpendLimiter(redis_client)
    policy = KeyPolicy(name="a", rpm=2, tpm=1000, budget_day_usd=1.0)
    for step in range(2):
        assert (await limiter.admit("k1", policy, TENTH, T0 + step)).admitted
    by_rpm = await limiter.admit("k1", policy, TENTH, T0 + 2)
    assert by_rpm.refused_by is Limit.RPM
    assert by_rpm.remaining_requests == 0 and by_rpm.remaining_tokens == 600
    assert by_rpm.remaining_budget_usd == pytest.approx(0.8)
    wide = KeyPolicy(name="a", tpm=1000, budget_day_usd=1.0)
    by_tpm = await limiter.admit("k1", wide, RequestEstimate(100, 700, 0.1), T0 + 3)
    assert by_tpm.refused_by is Limit.TPM and by_tpm.remaining_requests is None
    assert by_tpm.remaining_tokens == 600 and by_tpm.remaining_budget_usd == pytest.approx(0.8)
    by_budget = await limiter.admit("k1", wide, RequestEstimate(1, 1, 0.9), T0 + 4)
    assert by_budget.refused_by is Limit.BUDGET_DAY and by_budget.remaining_tokens == 600
    assert by_budget.remaining_budget_usd == pytest.approx(0.8)
