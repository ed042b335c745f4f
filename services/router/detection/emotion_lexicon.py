"""The emotion detector's lexicon: words, phrases and emoji, each with the evidence it carries.

Written for this project (Apache-2.0). A weight is evidence in "nats": the detector turns
the summed evidence ``e`` of an emotion into an intensity ``1 - exp(-e)``, so one plain strong
word (0.8) reads about 0.55, the same word intensified ("so frustrated", x1.5) about 0.70.
"""

from __future__ import annotations

FRUSTRATION = "frustration"
ANXIETY = "anxiety"
SADNESS = "sadness"
CONFUSION = "confusion"
JOY = "joy"

Evidence = tuple[tuple[str, float], ...]


def _words(evidence: Evidence, *words: str) -> dict[str, Evidence]:
    return dict.fromkeys(words, evidence)


WORDS: dict[str, Evidence] = {
    # frustration and anger
    **_words(((FRUSTRATION, 0.8),), "frustrated", "frustrating", "frustration", "infuriating"),
    **_words(((FRUSTRATION, 0.7),), "annoyed", "annoying", "irritated", "irritating", "fed"),
    **_words(((FRUSTRATION, 0.9),), "furious", "angry", "mad", "pissed", "livid", "enraged"),
    **_words(((FRUSTRATION, 0.6),), "hate", "hated", "ugh", "ughh", "ughhh", "argh", "grr"),
    **_words(((FRUSTRATION, 0.5), (SADNESS, 0.3)), "discouraged", "discouraging", "demoralizing"),
    **_words(((FRUSTRATION, 0.4),), "stupid", "dumb", "idiot", "useless", "pointless"),
    **_words(((FRUSTRATION, 0.5), (SADNESS, 0.4)), "hopeless", "helpless", "pathetic"),
    **_words(((FRUSTRATION, 0.4), (SADNESS, 0.3)), "exhausted", "drained", "fried", "burnout"),
    **_words(((FRUSTRATION, 0.3),), "tired", "done", "quit", "quitting", "sick", "hard"),
    **_words(((SADNESS, 0.4), (FRUSTRATION, 0.2)), "failed", "failing", "fail", "flunked"),
    "stuck": ((FRUSTRATION, 0.3), (CONFUSION, 0.4)),
    "lost": ((SADNESS, 0.3), (CONFUSION, 0.5)),
    # anxiety and fear
    **_words(((ANXIETY, 0.8),), "anxious", "stressed", "overwhelmed", "overwhelming", "scared"),
    **_words(((ANXIETY, 0.8),), "afraid", "nervous", "worried", "frightened", "dreading"),
    **_words(((ANXIETY, 1.0),), "terrified", "panicking", "panicked", "panic", "petrified"),
    **_words(((ANXIETY, 0.6),), "stress", "stressful", "anxiety", "fear", "worry", "worrying"),
    **_words(((ANXIETY, 0.5),), "tense", "shaking", "dread", "pressure", "insecure", "uneasy"),
    **_words(((ANXIETY, 0.4),), "freaking", "scary", "nightmare", "nightmares", "overthinking"),
    # sadness
    **_words(((SADNESS, 0.8),), "sad", "unhappy", "lonely", "depressed", "miserable", "upset"),
    **_words(((SADNESS, 0.8),), "crying", "cried", "cry", "tears", "heartbroken", "hurts"),
    **_words(((SADNESS, 1.0),), "devastated", "worthless", "despair", "grief", "suicidal"),
    **_words(((SADNESS, 0.6),), "failure", "ashamed", "embarrassed", "humiliated", "alone"),
    **_words(((SADNESS, 0.5),), "disappointed", "disappointing", "homesick", "empty", "numb"),
    **_words(((SADNESS, 0.5),), "guilty", "miss", "jealous", "hurt", "excluded"),
    **_words(((SADNESS, 0.4),), "unmotivated", "struggling", "fraud", "impostor", "rejected"),
    # confusion
    **_words(((CONFUSION, 0.9),), "confused", "confusing", "baffled", "puzzled", "perplexed"),
    **_words(((CONFUSION, 0.5),), "unclear", "huh", "confuses", "clueless"),
    # joy
    **_words(((JOY, 0.8),), "happy", "glad", "excited", "thrilled", "delighted", "proud"),
    **_words(((JOY, 0.7),), "yay", "awesome", "amazing", "fantastic", "wonderful", "love"),
    **_words(((JOY, 0.5),), "thanks", "thank", "great", "cool", "nice", "finally", "fun"),
    **_words(((JOY, 0.4),), "passed", "won", "woohoo", "haha", "lol"),
    **_words(((SADNESS, 0.6),), "died", "funeral", "divorce", "breakup", "dumped"),
}

PHRASES: dict[str, Evidence] = {
    r"give up|giving up|want to quit|drop out|throw (?:my|the) laptop": ((FRUSTRATION, 0.9),),
    r"fed up|sick of|tired of|done with|so done|had enough|losing my mind": ((FRUSTRATION, 0.9),),
    r"(?:can't|cannot|cant) (?:do|take|handle) (?:this|it)|want to scream": ((FRUSTRATION, 0.9),),
    r"nothing (?:works|is working|makes sense)|never works|keep failing": ((FRUSTRATION, 0.7),),
    r"freak(?:ing|ed)? out|panic attack|can't breathe|cant breathe": ((ANXIETY, 1.1),),
    r"(?:can't|cannot|cant) (?:sleep|focus|concentrate|stop worrying)": ((ANXIETY, 0.7),),
    r"burn(?:t|ed) out|breaking down|breakdown|falling apart": ((ANXIETY, 0.6), (SADNESS, 0.6)),
    r"(?:not|never) (?:good|smart) enough|too (?:stupid|dumb)|what's wrong with me": (
        (SADNESS, 1.0),
    ),
    r"feel(?:ing)? (?:like )?(?:a |such an? )?(?:failure|idiot|fraud|stupid|dumb)": (
        (SADNESS, 0.8),
    ),
    r"close to tears|want to cry|feel like crying|can't stop crying|cry(?:ing)? (?:in|at)": (
        (SADNESS, 0.9),
    ),
    r"no one|nobody (?:cares|understands|wants)|by myself|let(?:ting)? (?:everyone )?down": (
        (SADNESS, 0.6),
    ),
    r"don't (?:get|understand)|dont (?:get|understand)|makes no sense|no idea how": (
        (CONFUSION, 0.9),
    ),
    r"what does (?:this|that) mean|i'm lost|im lost": ((CONFUSION, 0.6),),
    r"feel(?:ing)? (?:so |really |very )?(?:down|low|bad|terrible|awful|horrible)": (
        (SADNESS, 0.8),
    ),
    r"(?:my|have|with|from) depression|(?:i'm|i am|im) depressed": ((SADNESS, 0.6),),
    r"passed away|lost my (?:mom|mother|dad|father|grandma|grandmother|grandpa|friend)": (
        (SADNESS, 1.0),
    ),
    r"(?:fall|falling|fell|so far) behind|left behind": ((SADNESS, 0.4), (ANXIETY, 0.4)),
}

EMOJI: dict[str, Evidence] = {
    **_words(((SADNESS, 0.9),), "\U0001f62d", "\U0001f622", "\U0001f61e", "\U0001f614"),
    **_words(((SADNESS, 0.6),), "\u2639", "\U0001f641", "\U0001f494"),
    **_words(((FRUSTRATION, 0.9),), "\U0001f621", "\U0001f620", "\U0001f92c", "\U0001f624"),
    **_words(((ANXIETY, 0.9),), "\U0001f630", "\U0001f631", "\U0001f628", "\U0001f62c"),
    **_words(((CONFUSION, 0.7),), "\U0001f914", "\U0001f615"),
    **_words(((JOY, 0.8),), "\U0001f600", "\U0001f603", "\U0001f604", "\U0001f601", "\U0001f60a"),
    **_words(((JOY, 0.8),), "\U0001f642", "\U0001f973", "\U0001f389", "\u2764"),
}

NEGATORS = frozenset(
    {"not", "no", "never", "don't", "dont", "doesn't", "isn't", "wasn't", "aren't", "without"}
    | {"didn't", "didnt", "won't", "nothing", "hardly", "barely", "can't", "cant", "cannot"}
)
# Words that, between a negator and an emotion word, turn the negation around: "can't stop
# crying" is crying.
NEGATION_BREAKERS = frozenset({"stop", "help", "handle", "take", "bear", "stand"})
INTENSIFIERS = frozenset(
    {"so", "soo", "sooo", "soooo", "really", "very", "extremely", "super", "totally", "too"}
    | {"completely", "incredibly", "absolutely", "seriously", "utterly", "insanely", "fucking"}
)
FIRST_PERSON = frozenset(
    {"i", "i'm", "im", "me", "my", "myself", "i've", "ive", "i'll", "i'd", "mine", "we", "us"}
)
