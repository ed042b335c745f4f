"""Execute one benchmark run: every test of its categories against every one of its providers.

Tests run concurrently, at most ``provider_concurrency`` at once per provider, each within
``test_timeout_s``. A provider that fails a test gets quality 0 for it and the failure kind is
kept. Progress and per-test results are written as they come (every ``flush_interval_s``); the
scores are written once, when every test is done, so a stored score is always complete.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from masterx.domain import Category, FailureKind
from masterx.logs import log_event
from masterx.policy import DEFAULT_POLICY, QualityPolicy
from masterx.providers.base import ChatTurn, ProviderAdapter, ProviderError, ProviderSpec
from masterx.providers.pricing import PriceTable
from masterx.scoring import DEFAULT_WEIGHTS, Weights
from services.benchmark import metrics
from services.benchmark.answer_record import AnswerRecord
from services.benchmark.clock import Clock
from services.benchmark.graders import Grader
from services.benchmark.progress import RunProgress
from services.benchmark.result_store import ResultStore, ScoreRecord
from services.benchmark.run_scores import run_scores
from services.benchmark.run_store import RunStore
from services.benchmark.suite_model import BenchTest, Suite

logger = logging.getLogger("masterx.benchmark.run")

AdapterFactory = Callable[[ProviderSpec], ProviderAdapter]


@dataclass(frozen=True)
class EngineOptions:
    provider_concurrency: int = 4
    test_timeout_s: float = 60.0
    max_tokens: int = 1024
    excerpt_chars: int = 600
    weights: Mapping[Category, Weights] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    flush_interval_s: float = 0.5
    policy: QualityPolicy = DEFAULT_POLICY


@dataclass(frozen=True)
class RunPlan:
    run_id: str
    trigger: str  # "schedule" or "manual"
    categories: tuple[Category, ...]
    providers: tuple[ProviderSpec, ...]
    full: bool  # every category with a suite and every provider


def turns_of(test: BenchTest) -> list[ChatTurn]:
    system = [ChatTurn("system", test.system)] if test.system else []
    return [*system, ChatTurn("user", test.prompt)]


class RunEngine:
    def __init__(
        self,
        suites: Mapping[Category, Suite],
        grader: Grader,
        runs: RunStore,
        results: ResultStore,
        prices: PriceTable,
        adapters: AdapterFactory,
        options: EngineOptions,
        clock: Clock,
    ) -> None:
        self.suites = suites
        self._grader = grader
        self._runs = runs
        self._results = results
        self._prices = prices
        self._adapters = adapters
        self._options = options
        self._clock = clock

    async def execute(self, plan: RunPlan) -> list[ScoreRecord]:
        started = self._clock.monotonic()
        tests = [(c, t) for c in plan.categories for t in self.suites[c].tests]
        progress = RunProgress({spec.name: len(tests) for spec in plan.providers})
        pending: list[AnswerRecord] = []
        await self._runs.update(
            plan.run_id,
            {"status": "running", **progress.to_document(), "updated_at": self._clock.time()},
        )
        done = asyncio.Event()
        flusher = asyncio.create_task(self._flush_loop(plan.run_id, progress, pending, done))
        try:
            records = await self._answer_all(plan, tests, progress, pending)
        except BaseException:
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await flusher
            raise
        done.set()
        await flusher  # the last flush: every test result is stored
        finished_at = self._clock.time()
        scores = run_scores(
            plan.run_id,
            plan.categories,
            records,
            self._options.weights,
            finished_at,
            self._options.policy,
        )
        await self._results.save_scores(scores)
        await self._runs.update(
            plan.run_id,
            {
                "status": "completed",
                "finished_at": finished_at,
                "updated_at": finished_at,
                "duration_s": self._clock.monotonic() - started,
                "errors": failure_summary(progress),
                **progress.to_document(),
            },
        )
        for score in scores:
            log_event(
                logger,
                "benchmark_run",
                run_id=plan.run_id,
                provider=score.provider,
                category=score.category.value,
                quality_score=score.quality_score,
                speed_score=score.speed_score,
                cost_score=score.cost_score,
                final_score=score.final_score,
                latency_p50_ms=score.latency_p50_ms,
                mean_cost_usd=score.mean_cost_usd,
                tests=score.tests,
                failed_tests=score.failed_tests,
            )
        metrics.publish_scores(scores)
        return scores

    async def _answer_all(
        self,
        plan: RunPlan,
        tests: list[tuple[Category, BenchTest]],
        progress: RunProgress,
        pending: list[AnswerRecord],
    ) -> list[AnswerRecord]:
        """Every test x provider, concurrently within each provider's limit."""
        records: list[AnswerRecord] = []
        adapters = {spec.name: self._adapters(spec) for spec in plan.providers}
        slots = {name: asyncio.Semaphore(self._options.provider_concurrency) for name in adapters}

        async def one(spec: ProviderSpec, category: Category, test: BenchTest) -> None:
            record = await self._run_test(adapters[spec.name], slots[spec.name], category, test)
            records.append(record)
            pending.append(record)
            progress.record(spec.name, record.error)
            metrics.count_test(spec.name, category.value, record.outcome)

        try:
            async with asyncio.TaskGroup() as group:
                for category, test in tests:
                    for spec in plan.providers:
                        group.create_task(one(spec, category, test))
        finally:
            for adapter in adapters.values():
                with contextlib.suppress(Exception):
                    await adapter.aclose()
        return records

    async def _run_test(
        self,
        adapter: ProviderAdapter,
        slot: asyncio.Semaphore,
        category: Category,
        test: BenchTest,
    ) -> AnswerRecord:
        spec = adapter.spec
        base = AnswerRecord(spec.name, spec.model, category, test.id, quality=0.0)
        async with slot:
            started = self._clock.monotonic()
            try:
                async with asyncio.timeout(self._options.test_timeout_s):
                    completion = await adapter.generate(
                        turns_of(test), max_tokens=test.max_tokens or self._options.max_tokens
                    )
            except ProviderError as error:
                return replace(base, error=error.kind.value, error_detail=str(error))
            except TimeoutError:
                detail = f"no answer within {self._options.test_timeout_s:g}s"
                return replace(base, error=FailureKind.TIMEOUT.value, error_detail=detail)
            except Exception as error:  # an adapter bug must not end the run
                log_event(
                    logger,
                    "benchmark_adapter_error",
                    logging.WARNING,
                    provider=spec.name,
                    error=type(error).__name__,
                )
                return replace(base, error="internal", error_detail=type(error).__name__)
            latency_ms = (self._clock.monotonic() - started) * 1000
        model = completion.model or spec.model
        answered = replace(
            base,
            model=model,
            latency_ms=latency_ms,
            cost_usd=self._prices.cost(  # the model asked for, not the name the answer gives
                spec.model, completion.prompt_tokens, completion.completion_tokens
            ),
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            excerpt=excerpt(completion.text, self._options.excerpt_chars),
        )
        try:
            grade = await self._grader.grade(test, completion.text)
        except Exception as error:  # a grader bug: the answer is kept, the test scores 0
            log_event(
                logger,
                "benchmark_grading_error",
                logging.WARNING,
                provider=spec.name,
                test_id=test.id,
                error=type(error).__name__,
            )
            return replace(answered, error="grading", error_detail=type(error).__name__)
        return replace(
            answered,
            quality=grade.quality,
            checks=grade.checks,
            sandbox_outcome=grade.sandbox_outcome,
            gradable=grade.gradable,
        )

    async def _flush(self, run_id: str, progress: RunProgress, pending: list[AnswerRecord]) -> None:
        now = self._clock.time()
        batch = pending[:]
        await self._runs.add_test_results([r.to_document(run_id, now) for r in batch])
        del pending[: len(batch)]  # only new records were appended meanwhile
        progress.changed = False
        await self._runs.update(run_id, {**progress.to_document(), "updated_at": now})

    async def _flush_loop(
        self,
        run_id: str,
        progress: RunProgress,
        pending: list[AnswerRecord],
        done: asyncio.Event,
    ) -> None:
        """Write progress and new results at a fixed cadence (real time: this is a write
        rate, not a decision), and once more when ``done`` is set."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), self._options.flush_interval_s)
            stopping = done.is_set()
            try:
                await self._flush(run_id, progress, pending)
            except Exception as error:  # MongoDB hiccup: retried on the next flush
                if stopping:
                    raise
                log_event(
                    logger,
                    "benchmark_progress_write_failed",
                    logging.WARNING,
                    run_id=run_id,
                    error=type(error).__name__,
                )
            if stopping:
                return


def excerpt(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "\u2026"


def failure_summary(progress: RunProgress) -> list[str]:
    lines = []
    for entry in progress.to_document()["progress"]:
        if entry["tests_failed"]:
            kinds = ", ".join(f"{k} x{n}" for k, n in sorted(entry["failures"].items()))
            lines.append(
                f"{entry['provider']}: {entry['tests_failed']} of "
                f"{entry['tests_total']} tests failed ({kinds})"
            )
    return lines
