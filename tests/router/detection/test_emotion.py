"""The emotion detector: intensities that move the right way, and the empathy rule."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from services.router.detection import (
    DEFAULT_EMPATHY_THRESHOLD,
    EmotionDetector,
    EmotionReading,
    is_distressed,
)

detector = EmotionDetector()


def test_a_frustrated_message_is_above_the_threshold() -> None:
    reading = detector.detect("Im so frustrated with this!")
    assert reading.primary_emotion == "frustration"
    assert reading.frustration > DEFAULT_EMPATHY_THRESHOLD
    assert is_distressed(reading)


@pytest.mark.parametrize(
    "text",
    [
        "Explain bubble sort",
        "What is the derivative of x^2?",
        "What themes does Orwell explore in 1984?",
        "Can you recommend a good book?",
    ],
)
def test_a_neutral_question_reads_neutral(text: str) -> None:
    reading = detector.detect(text)
    assert reading.primary_emotion == "neutral"
    assert reading.distress < 0.3
    assert not is_distressed(reading)


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("I'm so anxious about my exam tomorrow, I can't sleep", "anxiety"),
        ("I feel so alone and sad at my new school", "sadness"),
        ("I'm completely overwhelmed and panicking", "anxiety"),
        ("I just want to give up, I'm so fed up", "frustration"),
        ("this assignment is destroying me \U0001f62d\U0001f62d", "sadness"),
        ("I'm confused, I don't understand how pointers work", "confusion"),
        ("Yay I passed my exam, I'm so happy!", "joy"),
    ],
)
def test_the_primary_emotion_is_the_one_expressed(text: str, emotion: str) -> None:
    assert detector.detect(text).primary_emotion == emotion


def test_intensifiers_exclamations_and_capitals_raise_intensity() -> None:
    plain = detector.detect("I am frustrated").frustration
    intensified = detector.detect("I am so frustrated").frustration
    exclaimed = detector.detect("I am so frustrated!!!").frustration
    shouted = detector.detect("I AM SO FRUSTRATED!!!").frustration
    assert plain < intensified < exclaimed < shouted <= 1.0


def test_a_negated_emotion_does_not_count() -> None:
    assert detector.detect("I'm not stressed at all, just curious").anxiety == 0.0
    assert detector.detect("don't worry about it").anxiety == 0.0


def test_cannot_stop_crying_is_not_a_negation() -> None:
    assert is_distressed(detector.detect("I can't stop crying"))


def test_quoted_text_is_a_request_not_a_feeling() -> None:
    assert not is_distressed(detector.detect("Translate 'I am very sad' into Spanish"))
    assert not is_distressed(detector.detect('What does "furious" mean?'))


def test_an_emotion_as_a_topic_is_not_the_learners_emotion() -> None:
    topic = detector.detect("Discuss how fear and anxiety drive Macbeth's decisions").anxiety
    own = detector.detect("I feel fear and anxiety about my decisions").anxiety
    assert topic < 0.5 < own


def test_mild_annoyance_in_a_technical_question_stays_below_the_threshold() -> None:
    assert not is_distressed(detector.detect("ugh, why does my code throw a TypeError?"))


def test_every_intensity_is_within_zero_and_one() -> None:
    reading = detector.detect(
        "I'M SO SO SO STRESSED AND ANXIOUS AND SAD AND ANGRY AND CONFUSED!!!!!! \U0001f62d" * 5
    )
    for value in reading.intensities().values():
        assert 0.0 <= value <= 1.0


def test_the_threshold_decides_and_a_client_reading_is_accepted() -> None:
    client = EmotionReading("anxiety", 0.1, 0.7, 0.2, 0.0, 0.0)
    assert is_distressed(client, 0.6)
    assert not is_distressed(client, 0.8)
    assert not is_distressed(EmotionReading("confusion", 0.0, 0.0, 0.0, 1.0, 0.0))
    assert not is_distressed(EmotionReading.neutral())


def test_readings_are_remembered_and_a_fresh_detector_agrees() -> None:
    text = "I'm so nervous about my presentation"
    cached = EmotionDetector()
    assert cached.detect(text) is cached.detect(text)
    assert EmotionDetector(cache_size=0).detect(text) == cached.detect(text)


def test_as_dict_is_asdict() -> None:
    reading = EmotionDetector().detect("I'm so frustrated and worried, nothing works!!")
    assert reading.as_dict() == asdict(reading)
    assert list(reading.as_dict()) == list(asdict(reading))
