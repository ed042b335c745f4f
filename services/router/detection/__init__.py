"""Message analysis for routing: task category (trained model) and the learner's emotion."""

from masterx.chat.contract import EmotionReading
from services.router.detection.category_detector import CategoryDetector, CategoryGuess
from services.router.detection.emotion import (
    DEFAULT_EMPATHY_THRESHOLD,
    EmotionDetector,
    is_distressed,
)

__all__ = [
    "DEFAULT_EMPATHY_THRESHOLD",
    "CategoryDetector",
    "CategoryGuess",
    "EmotionDetector",
    "EmotionReading",
    "is_distressed",
]
