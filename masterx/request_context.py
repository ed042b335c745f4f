"""The request id of the work in progress, carried in a context variable.

A request id comes from outside (the client's ``X-Request-ID``, a caller's gRPC metadata), so it
is checked against a short safe character set (:data:`REQUEST_ID_PATTERN`) before it is used in
logs, headers or stored records; it is never a database key (usage records are keyed by a
server-made id, ``services/router/chat_flow.py``).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "x-request-id"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
REQUEST_ID_RULE = "1 to 128 characters of letters, digits and ._:-"

request_id_var: ContextVar[str] = ContextVar("masterx_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def is_valid_request_id(value: str) -> bool:
    return REQUEST_ID_PATTERN.fullmatch(value) is not None


def current_request_id() -> str:
    return request_id_var.get()
