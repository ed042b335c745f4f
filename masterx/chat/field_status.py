"""An INVALID_ARGUMENT that names the request field at fault, as gRPC's rich error model does:
a ``google.rpc.BadRequest`` detail with one field violation (its field, and a reason code). The
router sends it for a request no provider can serve (``services/router/servicer.py``); the
gateway makes the field its error's ``param`` and the reason its ``code``
(``services/gateway/errors.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status


@dataclass(frozen=True)
class FieldViolation:
    field: str  # the request field, as the chat APIs name it ("tools", "max_tokens")
    reason: str  # a code in lower snake case ("unsupported_capability"); "" when none


def invalid_field_status(message: str, violation: FieldViolation) -> grpc.Status:
    """INVALID_ARGUMENT with ``message``, naming the field; for ``context.abort_with_status``."""
    detail = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT, message=message)
    named = error_details_pb2.BadRequest.FieldViolation(
        field=violation.field, description=message, reason=violation.reason
    )
    detail.details.add().Pack(error_details_pb2.BadRequest(field_violations=[named]))
    return rpc_status.to_status(detail)


def violation_of(call: grpc.aio.AioRpcError) -> FieldViolation | None:
    """The first field a failed call's status names; None when it names none."""
    try:
        status = rpc_status.from_call(call)
    except ValueError:  # a status detail that disagrees with the call's code or message
        return None
    for detail in status.details if status is not None else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            found = error_details_pb2.BadRequest()
            detail.Unpack(found)
            for named in found.field_violations:
                if named.field:
                    return FieldViolation(str(named.field), str(named.reason))
    return None
