"""Structured JSON logs: one event per line, with the request id of the work in progress."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, Literal, get_args

import orjson

from masterx.request_context import current_request_id

# The levels every service accepts in MASTERX_LOG_LEVEL (masterx/settings.py ``LogLevel``).
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)

_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object; extra fields passed to the logger are kept."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": round(time.time(), 6),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            event["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                event[key] = value
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(event, default=str).decode()


def log_level_problem(level: str) -> str | None:
    """Why ``level`` is no MASTERX_LOG_LEVEL, in the services' words; None when it is one."""
    if level in LOG_LEVELS:
        return None
    choices = ", ".join(repr(name) for name in LOG_LEVELS[:-1]) + f" or {LOG_LEVELS[-1]!r}"
    return f"Input should be {choices} (got {level!r})"


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every log record of the process to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "pymongo", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # uvicorn installs its own handlers; route its records through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one named event with structured fields (``provider``, ``category``, ``reason`` ...)."""
    logger.log(level, event, extra=fields)
