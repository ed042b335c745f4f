"""Start runs in the background, validate what they ask for, and end them cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Sequence

from masterx.domain import Category
from masterx.logs import log_event
from masterx.providers.base import ProviderSpec
from masterx.quoting import quoted
from services.benchmark import metrics
from services.benchmark.clock import Clock
from services.benchmark.result_store import ScoreRecord
from services.benchmark.run_engine import RunEngine, RunPlan
from services.benchmark.run_store import RunStore

logger = logging.getLogger("masterx.benchmark.runs")

MAX_PROVIDER_CHARS = 128  # as the health service allows


class RunRequestError(ValueError):
    """A run asked for a provider or category this service cannot benchmark."""


class TooManyRunsError(RuntimeError):
    pass


class RunLauncher:
    def __init__(
        self,
        engine: RunEngine,
        runs: RunStore,
        providers: Sequence[ProviderSpec],
        clock: Clock,
        max_active: int = 4,
    ) -> None:
        self._engine = engine
        self._runs = runs
        self._providers = {spec.name: spec for spec in providers}
        self._clock = clock
        self._max_active = max_active
        self._tasks: dict[str, asyncio.Task[list[ScoreRecord] | None]] = {}
        self._cancel_reasons: dict[str, str] = {}

    @property
    def provider_names(self) -> list[str]:
        return sorted(self._providers)

    @property
    def categories(self) -> list[Category]:
        return [c for c in Category if c in self._engine.suites]

    def plan(
        self,
        categories: Sequence[Category] = (),
        providers: Sequence[str] = (),
        trigger: str = "manual",
    ) -> RunPlan:
        """What a run will cover (empty: everything); :class:`RunRequestError` names an
        unknown provider or a category without a suite."""
        for index, name in enumerate(providers):
            if len(name) > MAX_PROVIDER_CHARS:
                raise RunRequestError(
                    f"providers[{index}]: a provider name of {len(name)} characters is too long "
                    f"(at most {MAX_PROVIDER_CHARS})"
                )
            if name not in self._providers:
                raise RunRequestError(
                    f"providers[{index}]: unknown provider {quoted(name)}; "
                    f"known: {', '.join(self.provider_names)}"
                )
        for category in categories:
            if category not in self._engine.suites:
                raise RunRequestError(f"no benchmark suite for category {category.value!r}")
        chosen_categories = tuple(dict.fromkeys(categories)) or tuple(self.categories)
        chosen_providers = tuple(dict.fromkeys(providers)) or tuple(self.provider_names)
        if not chosen_providers:
            raise RunRequestError("no provider is configured")
        full = set(chosen_categories) == set(self.categories) and set(chosen_providers) == set(
            self._providers
        )
        return RunPlan(
            run_id=f"run-{uuid.uuid4().hex[:16]}",
            trigger=trigger,
            categories=chosen_categories,
            providers=tuple(self._providers[name] for name in chosen_providers),
            full=full,
        )

    async def launch(self, plan: RunPlan) -> str:
        """Store the run as pending and start it in the background; returns its id."""
        active = [run_id for run_id, task in self._tasks.items() if not task.done()]
        if len(active) >= self._max_active:
            raise TooManyRunsError(f"{len(active)} runs already in progress: {active}")
        tests = sum(len(self._engine.suites[c].tests) for c in plan.categories)
        await self._runs.create(
            {
                "run_id": plan.run_id,
                "status": "pending",
                "trigger": plan.trigger,
                "started_at": self._clock.time(),
                "finished_at": None,
                "updated_at": None,
                "categories": [c.value for c in plan.categories],
                "providers": [p.name for p in plan.providers],
                "full": plan.full,
                "tests_done": 0,
                "tests_total": tests * len(plan.providers),
                "progress": [],
                "errors": [],
            }
        )
        task = asyncio.create_task(self._run(plan), name=f"benchmark-{plan.run_id}")
        self._tasks[plan.run_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(plan.run_id, None))
        log_event(
            logger,
            "benchmark_run_started",
            run_id=plan.run_id,
            trigger=plan.trigger,
            categories=[c.value for c in plan.categories],
            providers=[p.name for p in plan.providers],
        )
        return plan.run_id

    async def wait(self, run_id: str) -> list[ScoreRecord] | None:
        """The run's scores once it ends; None when it failed or was cancelled. Cancelling
        the caller does not cancel the run."""
        task = self._tasks.get(run_id)
        if task is None:
            return None
        await asyncio.wait({task})
        return None if task.cancelled() else task.result()

    def cancel(self, run_id: str, reason: str) -> None:
        task = self._tasks.get(run_id)
        if task is not None and not task.done():
            self._cancel_reasons[run_id] = reason
            task.cancel()

    async def stop(self, reason: str = "the service is stopping") -> None:
        tasks = list(self._tasks.items())
        for run_id, _ in tasks:
            self.cancel(run_id, reason)
        for _, task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, plan: RunPlan) -> list[ScoreRecord] | None:
        started = self._clock.monotonic()
        status = "failed"
        try:
            scores = await self._engine.execute(plan)
            status = "completed"
            return scores
        except asyncio.CancelledError:
            await self._mark_failed(plan, self._cancel_reasons.pop(plan.run_id, "cancelled"))
            raise
        except Exception as error:  # a store failure mid-run: the run is failed, not the service
            await self._mark_failed(plan, f"{type(error).__name__}: {error}")
            return None
        finally:
            duration = self._clock.monotonic() - started
            metrics.RUN_DURATION.labels(plan.trigger, status).observe(duration)
            log_event(
                logger,
                "benchmark_run_finished",
                run_id=plan.run_id,
                status=status,
                trigger=plan.trigger,
                duration_s=round(duration, 3),
            )

    async def _mark_failed(self, plan: RunPlan, reason: str) -> None:
        now = self._clock.time()
        try:
            await self._runs.update(
                plan.run_id,
                {
                    "status": "failed",
                    "finished_at": now,
                    "updated_at": now,
                    "errors": [reason],
                },
            )
        except Exception as error:  # MongoDB unreachable: GetRun reports it abandoned later
            log_event(
                logger,
                "benchmark_run_status_write_failed",
                logging.WARNING,
                run_id=plan.run_id,
                error=type(error).__name__,
            )
