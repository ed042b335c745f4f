"""Start the router service: routing decisions and provider calls behind the Router gRPC API."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable

import grpc
from pymongo.errors import PyMongoError

from masterx.breaker.config import BreakerPolicy
from masterx.domain import Category
from masterx.grpc_channels import channel_for
from masterx.grpc_server import GrpcServiceSpec, run_grpc_service
from masterx.live_store import LiveStore
from masterx.logs import log_event
from masterx.providers.capabilities import CapabilityTable
from masterx.providers.catalog import build_adapter
from masterx.providers.discovery import discover_providers
from masterx.providers.pricing import PriceTable
from masterx.providers.transport import ProviderTimeouts
from masterx.settings import redact_url
from masterx.stores import connect_mongo, connect_redis
from masterx.v1 import (
    benchmark_pb2,
    benchmark_pb2_grpc,
    health_pb2_grpc,
    router_pb2,
    router_pb2_grpc,
)
from services.router.answer_index import COLLECTION as ANSWERS
from services.router.answer_index import AnswerIndex
from services.router.bookkeeping import Bookkeeper
from services.router.breaker_view import BreakerView
from services.router.chat_flow import ChatFlow
from services.router.conversation import ModelLimits
from services.router.costs import CostLedger
from services.router.decision import Decider, RoutingPolicy
from services.router.detection import CategoryDetector, EmotionDetector
from services.router.drift import DriftAlarm
from services.router.exploration import Exploration
from services.router.feedback import COLLECTION as FEEDBACK
from services.router.feedback import RatingRecorder
from services.router.live_quality import LiveQuality
from services.router.provider_calls import ProviderCaller
from services.router.response_cache import CachePolicy, ResponseCache
from services.router.scoreboard import ScoreBoard
from services.router.servicer import RouterServicer
from services.router.sessions import SessionStore
from services.router.settings import RouterSettings
from services.router.usage_record import COLLECTION as USAGE
from services.router.write_buffer import WriteBuffer
from services.router.write_spill import WriteSpill

SERVICE_NAME = router_pb2.DESCRIPTOR.services_by_name["Router"].full_name
logger = logging.getLogger("masterx.router")


async def _ensure_indexes(sessions: SessionStore, ledger: CostLedger) -> None:
    """Create the router's indexes once MongoDB answers (the router does not wait for it)."""
    delay = 0.5
    while True:
        try:
            await sessions.ensure_indexes()
            await ledger.ensure_indexes()
            return
        except PyMongoError as error:
            log_event(
                logger, "session_indexes_pending", logging.WARNING, error=type(error).__name__
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)


def response_cache(settings: RouterSettings) -> ResponseCache | None:
    """The response cache, when some category may use it (README, "Response cache"); its
    Redis connection is opened at the first eligible request and used for nothing else."""
    categories = settings.cached_categories
    if not categories:
        return None
    timeout_s = settings.cache_lookup_timeout_ms / 1000
    redis = connect_redis(
        settings.cache_store_url, connect_timeout_s=timeout_s, timeout_s=1.0, retries=0
    )
    log_event(
        logger,
        "response_cache_enabled",
        categories=sorted(c.value for c in categories),
        redis=redact_url(settings.cache_store_url),
        ttl_seconds=settings.cache_ttl_seconds,
    )
    return ResponseCache(redis, CachePolicy(categories, settings.cache_ttl_seconds, timeout_s))


def check_default_order(order: list[str], providers: Iterable[str]) -> None:
    """``MASTERX_DEFAULT_PROVIDER_ORDER`` names each provider once, else a ValueError naming
    the variable. A name no provider has is logged and skipped, not refused: discovery lists
    only the providers with a key, and a key taken out of a deployment must not stop it."""
    known = list(providers)
    unknown = [name for name in dict.fromkeys(order) if name not in known]
    if unknown:
        log_event(
            logger,
            "default_order_unknown",
            logging.WARNING,
            unknown=unknown,
            known=known,
            detail="MASTERX_DEFAULT_PROVIDER_ORDER names providers not configured: skipped",
        )
    twice = sorted({name for name in order if order.count(name) > 1})
    if twice:
        raise ValueError(
            f"MASTERX_DEFAULT_PROVIDER_ORDER: {', '.join(map(repr, twice))} given twice"
        )


async def serve(settings: RouterSettings) -> None:
    try:
        policy = BreakerPolicy.from_settings(settings)
        specs = discover_providers(os.environ, settings.simulator_url)
        check_default_order(settings.default_order, (spec.name for spec in specs))
        prices = PriceTable.from_environment(os.environ)
        capabilities = CapabilityTable.from_environment(os.environ)
    except ValueError as error:
        raise SystemExit(f"router: {error}") from None
    providers = {spec.name: spec for spec in specs}
    for spec in specs:
        if not prices.is_priced(spec.model):  # documented: it costs 0.0 until it is priced
            log_event(
                logger, "provider_unpriced", logging.WARNING, provider=spec.name, model=spec.model
            )
    timeouts = ProviderTimeouts(
        settings.provider_connect_timeout_seconds,
        settings.provider_read_timeout_seconds,
        settings.provider_timeout_seconds,
    )
    adapters = {
        name: build_adapter(spec, timeouts, prices=prices) for name, spec in providers.items()
    }

    health_channel = channel_for(settings.health_target)
    benchmark_channel = channel_for(settings.benchmark_target)
    benchmark = benchmark_pb2_grpc.BenchmarkStub(benchmark_channel)
    scoreboard = ScoreBoard(benchmark, settings.scores_refresh_seconds)

    async def run_benchmark(provider: str, category: Category) -> object:
        request = benchmark_pb2.RunBenchmarksRequest(
            categories=[category.to_proto()], providers=[provider], trigger="drift"
        )
        return await benchmark.RunBenchmarks(request, timeout=2.0)

    redis_client = connect_redis(settings.redis_url)
    live_store = LiveStore(redis_client, settings.live_settings)
    live = LiveQuality(
        live_store,
        settings.live_settings,
        lambda: scoreboard.scores,
        refresh_s=settings.live_refresh_seconds,
        drift=DriftAlarm(
            run_benchmark,
            points=settings.drift_points,
            min_weight=settings.drift_min_weight,
            interval_s=settings.drift_benchmark_interval_seconds,
            store=live_store,
        ),
    )
    breakers = BreakerView(
        health_pb2_grpc.ProviderHealthStub(health_channel),
        policy,
        report_linger_s=settings.health_report_linger_ms / 1000,
    )
    mongo = connect_mongo(settings.mongodb_url, max_pool_size=settings.mongodb_max_pool_size)
    database = mongo[settings.mongodb_database]
    linger = settings.store_write_linger_ms / 1000

    def buffer(collection: str) -> WriteBuffer:
        """Writes after the reply; what a shutdown cannot store waits in Redis for the next
        router (``write_spill.py``)."""
        spill = WriteSpill(redis_client, collection)
        return WriteBuffer(
            database[collection], settings.usage_buffer_size, linger_s=linger, spill=spill
        )

    usage, session_writes, answers = buffer(USAGE), buffer("sessions"), buffer(ANSWERS)
    sessions = SessionStore(
        database["sessions"],
        session_writes,
        idle_seconds=settings.session_idle_seconds,
        cache_size=settings.session_cache_size,
        cache_ttl_seconds=settings.session_cache_ttl_seconds,
        history_turns=settings.session_history_turns,
        history_tokens=settings.session_history_tokens,
    )
    emotions = EmotionDetector()  # one reading per message, shared with the category model
    decider = Decider(
        providers,
        live.table,
        breakers.state,
        CategoryDetector.load(emotions=emotions),
        emotions,
        RoutingPolicy(
            settings.default_order,
            settings.empathy_threshold,
            settings.topic_change_confidence,
            settings.quality_policy,
        ),
        capabilities,
        Exploration(settings.exploration_share),
    )
    answer_index = AnswerIndex(answers, database[ANSWERS])
    books = Bookkeeper(sessions, usage, answer_index, live)
    limits = ModelLimits({name: spec.kind for name, spec in providers.items()}, capabilities)
    cache = response_cache(settings)
    flow = ChatFlow(
        decider, ProviderCaller(adapters, breakers), adapters, sessions, books, limits, cache
    )
    ledger = CostLedger(database[USAGE])
    # Ratings join the hard signals in the live quality estimate the policy ranks with.
    ratings = RatingRecorder(answer_index, database[FEEDBACK], sessions, live)
    servicer = RouterServicer(flow, providers, breakers.state, ledger, ratings)

    def register(server: grpc.aio.Server) -> None:
        router_pb2_grpc.add_RouterServicer_to_server(servicer, server)

    indexes = asyncio.create_task(_ensure_indexes(sessions, ledger))

    async def close() -> None:
        indexes.cancel()
        await scoreboard.stop()
        await live.stop()
        if cache is not None:
            await cache.close()  # the answers being stored land first
        await breakers.stop()
        await sessions.stop()
        flush = settings.shutdown_flush_seconds
        await asyncio.gather(usage.stop(flush), session_writes.stop(flush), answers.stop(flush))
        await redis_client.aclose()  # after the buffers: they keep what they could not store
        for adapter in adapters.values():
            await adapter.aclose()
        await health_channel.close()
        await benchmark_channel.close()
        await mongo.close()
        if cache is not None:
            await cache.close()

    for writer in (usage, session_writes, answers):
        writer.start()
    sessions.start()
    scoreboard.start()
    live.start()
    await breakers.start()
    log_event(
        logger,
        "providers_configured",
        providers=sorted(providers),
        simulated=sorted(n for n, s in providers.items() if s.simulated),
    )
    # No store probe: the router keeps serving chats while MongoDB is down (writes wait in
    # their buffers), so its health must not follow MongoDB.
    await run_grpc_service(
        GrpcServiceSpec(
            name="router",
            service_names=[SERVICE_NAME],
            register=register,
            host=settings.bind_host,
            port=settings.router_grpc_port,
            metrics_port=settings.router_metrics_port,
            grace_seconds=settings.shutdown_grace_seconds,
            max_connection_age_seconds=settings.grpc_max_connection_age_seconds,
            on_stop=close,
        )
    )
