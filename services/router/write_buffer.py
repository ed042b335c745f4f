"""Writes to MongoDB after the reply, off the hot path, never lost without a count.

A bounded buffer feeds one writer task per collection that sends batches and retries with
backoff while MongoDB is unreachable. After the first write of a batch arrives the writer
lingers briefly (``linger_s``) so that, under load, one round trip carries many writes. Writes
are idempotent on retry (a usage record's ``_id`` is made once, with the record; session updates
set absolute values), so a batch whose outcome is unknown is simply sent again.

Every write that is not stored is counted in ``masterx_store_writes_dropped_total`` by reason,
and logged: ``buffer_full`` (submitted while the buffer was full), ``unstorable`` (a document
MongoDB refuses, or bson cannot encode: retrying cannot help, so it is dropped and the writer
goes on with the rest), ``writer_error`` (a batch lost to an unexpected error: the writer
survives it) and ``shutdown`` (still buffered, or in flight, when the flush time ran out and
they could not be kept in Redis either).

With a :class:`~services.router.write_spill.WriteSpill`, what is still buffered or in flight
when the flush time runs out is kept in Redis (``masterx_store_writes_kept_total``, log
``store_writes_kept``) and the next buffer of that collection to start takes it back and stores
it (``masterx_store_writes_recovered_total``, log ``store_writes_recovered``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import pymongo
from prometheus_client import Counter, Gauge
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, PyMongoError

from masterx.logs import log_event
from services.router.write_spill import WriteOp, WriteSpill

logger = logging.getLogger("masterx.router.writes")

WRITTEN = Counter(
    "masterx_store_writes_total", "Buffered writes stored in MongoDB.", ["collection"]
)
DROPPED = Counter(
    "masterx_store_writes_dropped_total",
    "Buffered writes never stored: buffer_full, unstorable, writer_error or shutdown.",
    ["collection", "reason"],
)
WRITE_ERRORS = Counter(
    "masterx_store_write_errors_total",
    "Failed attempts to send a batch of buffered writes.",
    ["collection"],
)
PENDING = Gauge("masterx_store_writes_pending", "Writes waiting in the buffer.", ["collection"])
KEPT = Counter(
    "masterx_store_writes_kept_total",
    "Buffered writes not stored by shutdown, kept in Redis for the next router.",
    ["collection"],
)
RECOVERED = Counter(
    "masterx_store_writes_recovered_total",
    "Writes kept in Redis by a stopped router, taken back into a buffer at start.",
    ["collection"],
)

DUPLICATE_KEY = 11000
# Writes per command. Small on purpose: FerretDB 1.x (SQLite) keeps every update statement's
# read open until the whole command ends, one of its 100 SQL connections each, so a command of
# 100+ updates waits for a connection it holds itself, and every client with it, for good (a
# backlog of 200-update batches did so in the quality drift drill; goroutine dump: 100 reads
# open, 552 queries waiting). Two update writers (sessions, answers) at 16 and the service's
# 20 pooled connections (``masterx/stores.py``) stay far under 100; MongoDB minds neither.
BATCH = 16


class WriteBuffer:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        capacity: int,
        write_timeout: float = 30.0,
        linger_s: float = 0.0,
        spill: WriteSpill | None = None,
    ) -> None:
        self._collection = collection
        self._name = collection.name
        self._queue: asyncio.Queue[WriteOp] = asyncio.Queue(maxsize=capacity)
        self._chunk = BATCH
        self._write_timeout = write_timeout
        self._linger = linger_s
        self._task: asyncio.Task[None] | None = None
        self._spill = spill
        self._recovery: asyncio.Task[None] | None = None
        self._unsent: list[WriteOp] = []  # writes of the batch in flight not stored yet
        self._unqueued: list[WriteOp] = []  # taken back from Redis, not queued when stopped
        # Tickets: the n-th accepted write is ticket n; writes settle (stored, or counted as
        # lost) in order, so every ticket up to ``_settled`` is done.
        self._submitted = 0
        self._settled = 0

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def submit(self, operation: WriteOp) -> bool:
        """Queue a write; False (counted and logged) when the buffer is full."""
        try:
            self._queue.put_nowait(operation)
        except asyncio.QueueFull:
            self._lost(1, "buffer_full")
            return False
        self._submitted += 1
        PENDING.labels(self._name).set(self._queue.qsize())
        return True

    @property
    def last_ticket(self) -> int:
        """The ticket of the write accepted last (0: none yet)."""
        return self._submitted

    def settled(self, ticket: int) -> bool:
        """Whether the write with this ticket, and every one before it, is done with."""
        return self._settled >= ticket

    async def _send(self, batch: list[WriteOp]) -> None:
        """Store the batch, in chunks that halve after a failure (a batch too slow for the
        server's time limit would otherwise fail the same way forever) and grow back after
        successes; retried with backoff until stored. A write that can never be stored (a
        document the server refuses, one bson cannot encode) is counted and skipped."""
        stored, delay = 0, 0.1
        self._unsent = batch
        while batch:
            chunk = batch[: self._chunk]
            try:
                with pymongo.timeout(self._write_timeout):
                    await self._collection.bulk_write(chunk, ordered=True)
            except BulkWriteError as error:
                details = error.details.get("writeErrors", [])
                if details:
                    # Ordered: everything before the first write error is stored; a duplicate
                    # key was stored by an earlier attempt whose reply was lost.
                    first = min(details, key=lambda e: int(e.get("index", 0)))
                    index = int(first.get("index", 0))
                    stored += index
                    if first.get("code") == DUPLICATE_KEY:
                        stored += 1
                    else:
                        self._lost(1, "unstorable", f"code {first.get('code')}")
                    batch = batch[index + 1 :]
                    self._unsent = batch
                    continue
                self._failed(error)
            except PyMongoError as error:
                self._failed(error)
            except Exception as error:  # bson's InvalidDocument, DocumentTooLarge ...
                if len(chunk) > 1:
                    self._chunk = max(1, len(chunk) // 2)  # narrow down to the bad write
                    continue
                self._lost(1, "unstorable", type(error).__name__)
                batch = batch[1:]
                self._unsent = batch
                continue
            else:
                batch = batch[len(chunk) :]
                stored += len(chunk)
                self._unsent = batch
                self._chunk = min(BATCH, self._chunk * 2)
                delay = 0.1
                continue
            self._chunk = max(1, len(chunk) // 2)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        if stored:
            WRITTEN.labels(self._name).inc(stored)

    def _lost(self, count: int, reason: str, error: str = "") -> None:
        DROPPED.labels(self._name, reason).inc(count)
        self._event("store_writes_lost", logging.ERROR, count=count, reason=reason, error=error)

    def _failed(self, error: Exception) -> None:
        WRITE_ERRORS.labels(self._name).inc()
        pending = self._queue.qsize()
        self._event(
            "store_write_retry", logging.WARNING, error=type(error).__name__, pending=pending
        )

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            if self._linger > 0 and self._queue.qsize() < BATCH - 1:
                await asyncio.sleep(self._linger)
            while len(batch) < BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._send(batch)
            except Exception as error:  # a bug, not MongoDB: the writer must outlive it
                self._lost(len(self._unsent), "writer_error", type(error).__name__)
                self._unsent = []
            # (Cancelled mid-send: ``_unsent`` stays, for stop() to count.)
            self._settled += len(batch)
            PENDING.labels(self._name).set(self._queue.qsize())
            for _ in batch:
                self._queue.task_done()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"writes-{self._name}")
        if self._spill is not None:
            self._recovery = asyncio.create_task(
                self._recover(self._spill), name=f"recover-writes-{self._name}"
            )

    async def _recover(self, spill: WriteSpill) -> None:
        """Take back what stopped routers kept in Redis, a chunk at a time, waiting for room in
        the buffer (new writes are refused while it is full, never the kept ones)."""
        recovered = 0
        try:
            while True:
                writes, broken = await spill.take()
                if broken:
                    self._lost(broken, "unstorable", "a kept write that does not decode")
                for index, write in enumerate(writes):
                    try:
                        await self._queue.put(write)
                    except asyncio.CancelledError:  # stopped: these go back to Redis
                        self._unqueued = writes[index:]
                        raise
                    self._submitted += 1
                recovered += len(writes)
                RECOVERED.labels(self._name).inc(len(writes))
                if not writes and not broken:
                    break
        except Exception as error:  # Redis down: what is kept stays kept for the next start
            self._event("store_writes_recovery_failed", logging.WARNING, error=type(error).__name__)
        if recovered:
            self._event("store_writes_recovered", logging.INFO, count=recovered)

    async def flush(self, timeout: float) -> bool:
        """Wait until everything queued is stored; False if the timeout passed first."""
        try:
            async with asyncio.timeout(timeout):
                await self._queue.join()
        except TimeoutError:
            return False
        return True

    async def stop(self, timeout: float = 5.0) -> None:
        """Flush what is buffered (within the timeout), then stop the writer; what is still
        buffered or in flight then is kept in Redis (with a spill), or counted as lost
        (``shutdown``)."""
        await self.flush(timeout)
        for task in (self._recovery, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        left = [*self._unsent, *self._drain(), *self._unqueued]
        self._unsent, self._unqueued = [], []
        if not left:
            return
        kept = 0
        if self._spill is not None:
            try:
                kept = await self._spill.keep(left)
            except Exception as error:  # Redis down too: counted as lost below
                self._event("store_writes_keep_failed", logging.ERROR, error=type(error).__name__)
            if kept:
                KEPT.labels(self._name).inc(kept)
                self._event("store_writes_kept", logging.WARNING, count=kept)
        if len(left) > kept:
            self._lost(len(left) - kept, "shutdown")

    def _event(self, event: str, level: int, **fields: object) -> None:
        log_event(logger, event, level, collection=self._name, **fields)

    def _drain(self) -> list[WriteOp]:
        writes = []
        while not self._queue.empty():
            writes.append(self._queue.get_nowait())
            self._queue.task_done()
        PENDING.labels(self._name).set(0)
        return writes
