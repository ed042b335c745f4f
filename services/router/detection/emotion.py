"""The learner's emotion, read from a message with a lexicon and a few patterns.

Each word, phrase or emoji of :mod:`.emotion_lexicon` adds evidence to one or more emotions;
the evidence is cancelled by a negator just before it ("not stressed"), raised by an
intensifier ("so frustrated"), by exclamation marks and by shouting in capitals, and lowered
when the message never speaks of the learner (no "I", "me", "my": a question *about* fear in
Macbeth is not fear). Quoted text is skipped: "translate 'I am sad'" is a request, not sadness.
Intensities are ``1 - exp(-evidence)``, in 0..1.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

# The reading is part of a chat's contract (a client may send its own): defined there.
from masterx.chat.contract import EMOTIONS, NEUTRAL, EmotionReading
from services.router.detection.emotion_lexicon import (
    ANXIETY,
    CONFUSION,
    EMOJI,
    FIRST_PERSON,
    FRUSTRATION,
    INTENSIFIERS,
    JOY,
    NEGATION_BREAKERS,
    NEGATORS,
    PHRASES,
    SADNESS,
    WORDS,
    Evidence,
)
from services.router.detection.text_features import MAX_CHARS

DISTRESS_EMOTIONS = (FRUSTRATION, ANXIETY, SADNESS)
DEFAULT_EMPATHY_THRESHOLD = 0.6
READING_CACHE_SIZE = 256
PRIMARY_FLOOR = 0.3  # below this nothing stands out and the primary emotion is "neutral"

_QUOTED = re.compile(
    r"\"[^\"\n]{0,300}\"|\u201c[^\u201d\n]{0,300}\u201d|(?<!\w)'[^'\n]{1,300}'(?!\w)"
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_WORD = re.compile(r"[A-Za-z]{2,}")
_QUESTION_RUN = re.compile(r"\?\?+")
_NEGATION_WINDOW = 3
_INTENSIFIER_WINDOW = 2
_INTENSIFIED = 1.5
_PER_EXCLAMATION = 0.15
_SHOUTING = 1.3


def is_distressed(reading: EmotionReading, threshold: float = DEFAULT_EMPATHY_THRESHOLD) -> bool:
    """Frustration, anxiety or sadness at or above ``threshold``: the message needs empathy."""
    return reading.distress >= threshold


def _phrase_pattern() -> tuple[re.Pattern[str], dict[str, Evidence]]:
    groups = {f"p{i}": (pattern, evidence) for i, (pattern, evidence) in enumerate(PHRASES.items())}
    alternation = "|".join(f"(?P<{name}>{pattern})" for name, (pattern, _) in groups.items())
    compiled = re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])")
    return compiled, {name: evidence for name, (_, evidence) in groups.items()}


_PHRASES, _PHRASE_EVIDENCE = _phrase_pattern()


class EmotionDetector:
    """Reads an :class:`EmotionReading` from one message; thread-safe.

    The last ``cache_size`` readings are remembered: the router asks for a message's emotion
    and the category detector asks again for its cues, so give both the same detector.
    """

    def __init__(self, cache_size: int = READING_CACHE_SIZE) -> None:
        self._read = lru_cache(maxsize=cache_size)(read_emotion) if cache_size else read_emotion

    def detect(self, text: str) -> EmotionReading:
        return self._read(text[:MAX_CHARS])


def read_emotion(text: str) -> EmotionReading:
    """The emotion reading of ``text``, computed afresh."""
    unquoted = _QUOTED.sub(" ", text[:MAX_CHARS].translate(_APOSTROPHES))
    lower = unquoted.lower()
    tokens = _TOKEN.findall(lower)
    evidence = dict.fromkeys(EMOTIONS, 0.0)
    seen: set[str] = set()  # a word counts once: "rejected ... rejected" is one cue
    for index, token in enumerate(tokens):
        found = WORDS.get(token) or EMOJI.get(token)
        if found is not None and token not in seen:
            seen.add(token)
            _add(evidence, found, _context_factor(tokens[:index]))
    for match in _PHRASES.finditer(lower):
        before = _TOKEN.findall(lower[max(0, match.start() - 40) : match.start()])
        _add(evidence, _PHRASE_EVIDENCE[str(match.lastgroup)], _context_factor(before))
    if _QUESTION_RUN.search(lower):
        evidence[CONFUSION] += 0.4
    _adjust_for_delivery(evidence, unquoted, tokens)
    intensities = {e: round(1.0 - math.exp(-max(v, 0.0)), 3) for e, v in evidence.items()}
    strongest = max(EMOTIONS, key=lambda emotion: intensities[emotion])
    primary = strongest if intensities[strongest] >= PRIMARY_FLOOR else NEUTRAL
    return EmotionReading(primary, *(intensities[emotion] for emotion in EMOTIONS))


def _context_factor(before: list[str]) -> float:
    """0 when negated, 1.5 when intensified, else 1, from the tokens before a cue."""
    window = before[-_NEGATION_WINDOW:]
    if any(t in NEGATORS for t in window) and not any(t in NEGATION_BREAKERS for t in window):
        return 0.0
    if any(t in INTENSIFIERS for t in before[-_INTENSIFIER_WINDOW:]):
        return _INTENSIFIED
    return 1.0


def _add(evidence: dict[str, float], found: Evidence, factor: float) -> None:
    for emotion, weight in found:
        evidence[emotion] += weight * factor


def _adjust_for_delivery(evidence: dict[str, float], unquoted: str, tokens: list[str]) -> None:
    """Exclamation marks and capitals raise what is there; a message not about oneself, less."""
    exclamations = min(unquoted.count("!"), 3)
    words = _WORD.findall(unquoted)
    shouted = [word for word in words if word.isupper()]
    # most of the message in capitals, and not only acronyms ("AP US History")
    shouting = len(shouted) >= 2 and len(shouted) * 2 >= len(words)
    shouting = shouting and any(len(word) >= 4 for word in shouted)
    about_oneself = any(token in FIRST_PERSON for token in tokens)
    detachment = 1.0 if about_oneself else (0.6 if len(tokens) <= 6 else 0.35)
    angry_capitals = 0.4 if shouting and evidence[JOY] == 0.0 else 0.0  # "WHY IS THIS SO HARD"
    for emotion in EMOTIONS:
        value = evidence[emotion] * (1.0 + _PER_EXCLAMATION * exclamations)
        if emotion in DISTRESS_EMOTIONS or emotion == CONFUSION:
            value *= detachment
        if shouting and emotion in DISTRESS_EMOTIONS:
            value = (value + (angry_capitals if emotion == FRUSTRATION else 0.0)) * _SHOUTING
        evidence[emotion] = value
