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
# Whether the id in request_id_var came from the caller (False: made here, none was given).
request_id_given_var: ContextVar[bool] = ContextVar("masterx_request_id_given", default=False)


def new_request_id() -> str:
    return uuid.uuid4().hex


def is_valid_request_id(value: str) -> bool:
    return REQUEST_ID_PATTERN.fullmatch(value) is not None


def current_request_id() -> str:
    return request_id_var.get()


def adopt_request_id(candidate: str) -> str:
    """The id this work is known by: the caller's (``x-request-id``) when it gave one, else
    ``candidate`` (a request message's own field) when it is a valid id, bound from now on,
    else the one made for it."""
    if not request_id_given_var.get() and is_valid_request_id(candidate):
        request_id_var.set(candidate)
        request_id_given_var.set(True)
    return request_id_var.get()
