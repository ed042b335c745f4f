"""Usage records written after the reply, off the hot path.

A bounded buffer feeds one writer task that inserts in batches and retries with backoff while
MongoDB is unreachable. A record is dropped only when the buffer is full, and then counted in
``masterx_usage_records_dropped_total`` and logged: never silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from prometheus_client import Counter
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from masterx.logs import log_event

logger = logging.getLogger("masterx.router.usage")

USAGE_WRITTEN = Counter("masterx_usage_records_written_total", "Usage records stored in MongoDB.")
USAGE_DROPPED = Counter(
    "masterx_usage_records_dropped_total", "Usage records that could not be stored (buffer full)."
)
USAGE_WRITE_ERRORS = Counter(
    "masterx_usage_write_errors_total", "Failed attempts to write a batch of usage records."
)

BATCH = 200


class UsageRecorder:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], capacity: int) -> None:
        self._collection = collection
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=capacity)
        self._task: asyncio.Task[None] | None = None

    def record(self, document: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait(document)
        except asyncio.QueueFull:
            USAGE_DROPPED.inc()
            log_event(
                logger, "usage_record_dropped", logging.ERROR, request_id=document.get("request_id")
            )

    async def _write(self, batch: list[dict[str, Any]]) -> None:
        delay = 0.1
        while True:
            try:
                await self._collection.insert_many(batch, ordered=False)
                USAGE_WRITTEN.inc(len(batch))
                return
            except PyMongoError as error:
                USAGE_WRITE_ERRORS.inc()
                log_event(
                    logger,
                    "usage_write_retry",
                    logging.WARNING,
                    error=type(error).__name__,
                    pending=len(batch) + self._queue.qsize(),
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._write(batch)
            for _ in batch:
                self._queue.task_done()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="usage-writer")

    async def stop(self, timeout: float = 5.0) -> None:
        """Flush what is buffered (within the timeout), then stop the writer."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._queue.join()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        left = self._queue.qsize()
        if left:
            USAGE_DROPPED.inc(left)
            log_event(logger, "usage_records_lost_at_shutdown", logging.ERROR, count=left)
