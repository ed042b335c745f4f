"""An inline image's data must be base64, checked at the gateway: no provider is called with
data every provider would refuse (four calls, then a 400 naming no field)."""

from __future__ import annotations

import binascii

from services.gateway.errors import bad_request


def check_base64(data: str, param: str) -> None:
    """A 400 naming ``param`` when ``data`` is not base64 (whitespace between lines allowed)."""
    try:
        binascii.a2b_base64("".join(data.split()), strict_mode=True)
    except (binascii.Error, ValueError):
        message = f"{param}: the image data is not base64"
        raise bad_request(message, param, "invalid_image_data") from None
