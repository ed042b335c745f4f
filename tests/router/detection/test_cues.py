"""The cue block (services/router/detection/cues.py): counts from the message's word grams, each
as often as it occurs, capped at three."""

from __future__ import annotations

from collections import Counter

from masterx.chat.contract import EmotionReading
from services.router.detection.cues import CUE_NAMES, cue_features
from services.router.detection.text_features import normalise, word_ngrams

CALM = EmotionReading("neutral", 0.0, 0.0, 0.0, 0.0, 0.0)


def _cues(text: str) -> dict[str, float]:
    normalised = normalise(text)
    values = cue_features(normalised, Counter(word_ngrams(normalised)), CALM)
    return dict(zip(CUE_NAMES, values, strict=True))


def test_a_repeated_term_counts_each_time_up_to_the_cap() -> None:
    assert _cues("the debugger")["terms_coding"] == 1 / 3
    assert _cues("the debugger and the debugger")["terms_coding"] == 2 / 3
    assert _cues(" ".join(["debugger"] * 5))["terms_coding"] == 1.0


def test_an_error_name_counts_as_a_word_and_in_its_bigram() -> None:
    assert _cues("why this syntax error")["error_names"] == 2 / 3  # "error", "syntax error"
    assert _cues("my code crashed")["error_names"] == 1 / 3
    # any word that ends with "error", as the model was trained: the word and "the terror"
    assert _cues("the terror of the night")["error_names"] == 2 / 3
    assert _cues("an erroneous reading")["error_names"] == 0.0


def test_the_first_word_says_greeting_and_a_short_message_is_short() -> None:
    cues = _cues("hello there")
    assert cues["greeting"] == 1 / 3 and cues["short"] == 1.0
    assert _cues("there is hello in it but it is not first")["greeting"] == 0.0
