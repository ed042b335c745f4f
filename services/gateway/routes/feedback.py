"""The feedback endpoint `POST /api/v1/feedback`: a learner rates an answer (README,
"Feedback"). The router checks the rater owns the request and stores the rating
(``services/router/feedback.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from masterx.v1 import router_pb2
from services.gateway.auth import ApiKeyRequired, current_key_id
from services.gateway.deps import QueryDeadline, RouterDep
from services.gateway.docs import error_responses
from services.gateway.errors import bad_request
from services.gateway.feedback_schemas import REQUEST_ID_PATTERN, FeedbackIn, FeedbackOut
from services.gateway.translate import category_name

router = APIRouter(prefix="/api/v1", tags=["chat"], dependencies=[ApiKeyRequired])

RatedRequestHeader = Annotated[
    str | None,
    Header(
        alias="X-MasterX-Request-ID",
        min_length=1,
        max_length=128,
        pattern=REQUEST_ID_PATTERN,
        description="The rated answer's request id, when the body has no request_id.",
    ),
]


def rated_request_id(body: FeedbackIn, header: str | None) -> str:
    if body.request_id and header and body.request_id != header:
        raise bad_request(
            "request_id: the body and the X-MasterX-Request-ID header name different requests",
            "request_id",
        )
    request_id = body.request_id or header
    if not request_id:
        raise bad_request(
            "request_id: required, in the body or as the X-MasterX-Request-ID header",
            "request_id",
        )
    return request_id


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    summary="Rate an answer: thumbs up or down, or 1 to 5, with an optional comment",
    description=(
        "Only the API key and user that made the request may rate it; a second rating "
        "replaces the first. 404: no answer with that request id for this key and user (an "
        "answer is recorded about 0.1 s after it is sent). 409: the request has no answer "
        "(every provider failed). A down rating (down, 1, 2 or 3) makes the session re-route at "
        "its next message."
    ),
    responses=error_responses(400, 401, 404, 409, 413, 415, 502, 503, 504),
)
async def feedback(
    body: FeedbackIn,
    router_client: RouterDep,
    deadline: QueryDeadline,
    header_request_id: RatedRequestHeader = None,
) -> FeedbackOut:
    request = router_pb2.RateAnswerRequest(
        request_id=rated_request_id(body, header_request_id),
        user_id=body.user_id,
        key_id=current_key_id(),
        rating=str(body.rating),
        comment=body.comment or "",
    )
    reply = await router_client.rate(request, deadline.seconds())
    return FeedbackOut(
        request_id=reply.request_id,
        provider=reply.provider,
        model=reply.model,
        category=category_name(reply.category),
        session_id=reply.session_id,
        rating=body.rating,
        score=reply.score,
        replaced=reply.replaced,
        session_moved=reply.session_moved,
    )
