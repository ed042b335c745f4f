"""The tool, schemas and images the tool and structured-output tests send to the simulator."""

from __future__ import annotations

import base64
from typing import Any

WEATHER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "details": {
            "type": "object",
            "properties": {
                "hourly": {"type": "boolean"},
                "fields": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            },
            "required": ["hourly", "fields"],
        },
    },
    "required": ["city", "unit", "days", "details"],
    "additionalProperties": False,
}
WEATHER_RESULT = '{"temperature": 21, "sky": "clear"}'
TOOL_PROMPT = "What is the weather in Paris? Use get_weather."
# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PNG_BASE64 = base64.b64encode(PNG).decode()
