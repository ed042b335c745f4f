"""Writes to MongoDB after the reply, off the hot path, never dropped silently.

A bounded buffer feeds one writer task per collection that sends batches and retries with
backoff while MongoDB is unreachable. After the first write of a batch arrives the writer
lingers briefly (``linger_s``) so that, under load, one round trip carries many writes. Writes
are idempotent on retry (a usage record's ``_id`` is made once, with the record; session updates
set absolute values), so a batch whose outcome is unknown is simply sent again. A write is lost only
when the buffer is full: it is then counted in ``masterx_store_writes_dropped_total`` and logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import pymongo
from prometheus_client import Counter, Gauge
from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, PyMongoError

from masterx.logs import log_event

logger = logging.getLogger("masterx.router.writes")

WRITTEN = Counter(
    "masterx_store_writes_total", "Buffered writes stored in MongoDB.", ["collection"]
)
DROPPED = Counter(
    "masterx_store_writes_dropped_total",
    "Buffered writes lost because the buffer was full.",
    ["collection"],
)
WRITE_ERRORS = Counter(
    "masterx_store_write_errors_total",
    "Failed attempts to send a batch of buffered writes.",
    ["collection"],
)
PENDING = Gauge("masterx_store_writes_pending", "Writes waiting in the buffer.", ["collection"])

DUPLICATE_KEY = 11000
BATCH = 200
WriteOp = InsertOne[dict[str, Any]] | UpdateOne


class WriteBuffer:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        capacity: int,
        write_timeout: float = 30.0,
        linger_s: float = 0.0,
    ) -> None:
        self._collection = collection
        self._name = collection.name
        self._queue: asyncio.Queue[WriteOp] = asyncio.Queue(maxsize=capacity)
        self._chunk = BATCH
        self._write_timeout = write_timeout
        self._linger = linger_s
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def submit(self, operation: WriteOp) -> bool:
        """Queue a write; False (counted and logged) when the buffer is full."""
        try:
            self._queue.put_nowait(operation)
        except asyncio.QueueFull:
            DROPPED.labels(self._name).inc()
            log_event(logger, "store_write_dropped", logging.ERROR, collection=self._name)
            return False
        PENDING.labels(self._name).set(self._queue.qsize())
        return True

    async def _send(self, batch: list[WriteOp]) -> None:
        """Store the batch, in chunks that halve after a failure (a batch too slow for the
        server's time limit would otherwise fail the same way forever) and grow back after
        successes; retried with backoff until stored."""
        total, delay = len(batch), 0.1
        while batch:
            chunk = batch[: self._chunk]
            try:
                with pymongo.timeout(self._write_timeout):
                    await self._collection.bulk_write(chunk, ordered=True)
            except BulkWriteError as error:
                details = error.details.get("writeErrors", [])
                if details and all(e.get("code") == DUPLICATE_KEY for e in details):
                    # Stored by an earlier attempt whose reply was lost; continue after it.
                    batch = batch[max(e.get("index", 0) for e in details) + 1 :]
                    continue
                self._failed(error)
            except PyMongoError as error:
                self._failed(error)
            else:
                batch = batch[len(chunk) :]
                self._chunk = min(BATCH, self._chunk * 2)
                delay = 0.1
                continue
            self._chunk = max(1, len(chunk) // 2)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        WRITTEN.labels(self._name).inc(total)

    def _failed(self, error: Exception) -> None:
        WRITE_ERRORS.labels(self._name).inc()
        log_event(
            logger,
            "store_write_retry",
            logging.WARNING,
            collection=self._name,
            error=type(error).__name__,
            pending=self._queue.qsize(),
        )

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            if self._linger > 0 and self._queue.qsize() < BATCH - 1:
                await asyncio.sleep(self._linger)
            while len(batch) < BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._send(batch)
            PENDING.labels(self._name).set(self._queue.qsize())
            for _ in batch:
                self._queue.task_done()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"writes-{self._name}")

    async def flush(self, timeout: float) -> bool:
        """Wait until everything queued is stored; False if the timeout passed first."""
        try:
            async with asyncio.timeout(timeout):
                await self._queue.join()
        except TimeoutError:
            return False
        return True

    async def stop(self, timeout: float = 5.0) -> None:
        """Flush what is buffered (within the timeout), then stop the writer."""
        await self.flush(timeout)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        left = self._queue.qsize()
        if left:
            DROPPED.labels(self._name).inc(left)
            log_event(
                logger,
                "store_writes_lost_at_shutdown",
                logging.ERROR,
                collection=self._name,
                count=left,
            )
