"""What the test simulator answers (fixtures/answer_key.json, quality 1 except emergent)."""

from __future__ import annotations

import math

SQUARE_PROMPT = "What is 12 times 12?"
SQUARE_ANSWER = "12 times 12 is 144.\nAnswer: 144"
EQUATION_PROMPT = "solve 2x + 5 = 15 for x."  # the key's spacing and case differ on purpose
EQUATION_ANSWER = "Subtract 5 from both sides: 2x = 10, so x = 5.\nAnswer: 5"
EQUATION_WRONG = "x = 4\nAnswer: 4"


def simulated_tokens(*texts: str) -> int:
    """The simulator's documented count: ceil(UTF-8 bytes / 4) per text, at least 1."""
    return sum(max(1, math.ceil(len(t.encode()) / 4)) for t in texts)
