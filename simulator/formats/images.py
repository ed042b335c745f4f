"""Image data as the providers take it inline: base64 of a PNG, JPEG, GIF or WebP image."""

from __future__ import annotations

import base64
import binascii

from simulator.formats.base import BadRequestError

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def check_base64(data: object, media_type: object, refusal: BadRequestError) -> None:
    """Raises ``refusal`` unless ``data`` is base64 and ``media_type`` an image type."""
    if media_type not in IMAGE_TYPES or not isinstance(data, str) or not data:
        raise refusal
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise refusal from None


def check_data_url(url: str, refusal: BadRequestError) -> None:
    """``data:image/png;base64,...``"""
    head, _, data = url.partition(",")
    media_type, _, encoding = head.removeprefix("data:").partition(";")
    if encoding != "base64":
        raise refusal
    check_base64(data, media_type, refusal)
