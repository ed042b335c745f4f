"""The written labelling rules that override the model's verdict, applied the same way by the
router (``category_detector.py``), the shipped model's report
(``tooling/training/category_model.py``) and the leave-one-source-out folds
(``tooling/training/source_holdout.py``).

In order:

1. the one-fact rule (``fact_questions.py``): a research verdict on a one-fact question or
   an everyday how-to is general;
2. the literature rule (``literature_questions.py``): a coding verdict on a question about
   papers or the literature that holds or asks for no code is research;
3. the word-problem rule (``word_problems.py``): a general verdict on a question for a
   quantity that gives two or more quantities is math;
4. the creative rule (``creative_requests.py``): a research or math verdict on a request for
   creative writing is general;
5. the code rule (``code_requests.py``): a math or general verdict on code or a request for
   code is coding, so is any verdict but empathy on a message that names code (a snake-case
   identifier, a dunder, "the for statement"), and any verdict on a message that opens as
   code;
6. the distress rule (``own_distress.py``): any verdict on a message in which the writer
   speaks of their own distress is empathy;
7. the language rules (``language_requests.py``): any verdict but coding on a message that
   opens by asking to translate or rewrite a text is language, and so is a general or math
   verdict on a question about a word.

A later rule may take what an earlier one gave, and decides then: "What is a Python
decorator?" (general by 1, coding by 5), "Write a poem about my depression" (general by 4,
empathy by 6), "Write a song generator in Python" (general by 4, coding by 5). The literature
rule fires only without code, so the code rule never takes what it gave; the distress rule
and requests to rewrite never see code. "Translate into German: I feel so depressed today" is
language (empathy by 6, language by 7).

The rules read the first :data:`RULES_MAX_CHARS` characters of a message (the model reads
its first 700, ``text_features.py``): their regular expressions cost time in proportion
to what they read, and a pasted file of 20,000 characters took 2 to 6 ms of them, past the
router's 2 ms detection budget. Every real prompt the rules were measured on is 2,000
characters at most (the shared build keeps no longer one; ``data/README.md``), so the
window changes none of their measured verdicts; reading 1,500 changed none either, 1,000
changed six.
"""

from __future__ import annotations

from masterx.domain import Category
from services.router.detection.code_requests import with_code_rule
from services.router.detection.creative_requests import with_creative_rule
from services.router.detection.fact_questions import with_one_fact_rule
from services.router.detection.language_requests import with_language_rules
from services.router.detection.literature_questions import with_literature_rule
from services.router.detection.own_distress import with_distress_rule
from services.router.detection.word_problems import with_word_problem_rule

RULES_MAX_CHARS = 2000  # the head of a message the rules read (module doc)


def with_written_rules(category: Category, text: str) -> Category:
    """The model's verdict ``category`` with the rules above applied, in order, to the first
    :data:`RULES_MAX_CHARS` characters of ``text``."""
    text = text[:RULES_MAX_CHARS]
    decided = with_literature_rule(with_one_fact_rule(category, text), text)
    decided = with_creative_rule(with_word_problem_rule(decided, text), text)
    decided = with_code_rule(decided, text)
    return with_language_rules(with_distress_rule(decided, text), text)
