"""The seed plan's chat endpoint."""

from __future__ import annotations

from fastapi import APIRouter

from services.gateway.deps import RouterDep, SettingsDep
from services.gateway.errors import GatewayError
from services.gateway.schemas import ChatIn, ChatOut
from services.gateway.translate import chat_request, chat_response

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.post("/chat", response_model=ChatOut, summary="Send one learner message, get the answer")
async def chat(body: ChatIn, settings: SettingsDep, router_client: RouterDep) -> ChatOut:
    if not body.message.strip():
        raise GatewayError(
            400, "message must not be blank", "invalid_request_error", param="message"
        )
    if len(body.message) > settings.max_message_chars:
        raise GatewayError(
            400,
            f"message is longer than {settings.max_message_chars} characters",
            "invalid_request_error",
            param="message",
            code="message_too_long",
        )
    reply = await router_client.stub.Chat(
        chat_request(body),
        timeout=settings.router_timeout_seconds,
        metadata=router_client.metadata(),
    )
    return chat_response(reply)
