"""An inline image's data must be base64, checked at the gateway: no provider is called with
data every provider would refuse (four calls, then a 400 naming no field)."""

from __future__ import annotations

from masterx.chat.protocol_parts import is_base64
from services.gateway.errors import bad_request


def check_base64(data: str, param: str) -> None:
    """A 400 naming ``param`` when ``data`` is not base64 (whitespace between lines allowed)."""
    if not is_base64(data):
        message = f"{param}: the image data is not base64"
        raise bad_request(message, param, "invalid_image_data")
