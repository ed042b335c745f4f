"""The written labelling rules that override the model's verdict, applied the same way by the
router (``category_detector.py``), the shipped model's report
(``tooling/training/category_model.py``) and the leave-one-source-out folds
(``tooling/training/source_holdout.py``).

In order: the one-fact rule (``fact_questions.py``: a research verdict on a one-fact question
is general), the literature rule (``literature_questions.py``: a coding verdict on a question
about papers or the literature that holds or asks for no code is research), then the code rule
(``code_requests.py``: a math or general verdict on code or a request for code is coding, and
any verdict on a message that opens as code), then the distress rule (``own_distress.py``: a
general, research, math or language verdict on a message in which the writer speaks of their
own distress is empathy). The first two override disjoint verdicts and the third never takes
what the second gave (the second fires only without code); general, which the first can
produce, the third can take ("What is a Python decorator?" is coding); the fourth never sees
code, so never what the third gave.
"""

from __future__ import annotations

from masterx.domain import Category
from services.router.detection.code_requests import with_code_rule
from services.router.detection.fact_questions import with_one_fact_rule
from services.router.detection.literature_questions import with_literature_rule
from services.router.detection.own_distress import with_distress_rule


def with_written_rules(category: Category, text: str) -> Category:
    decided = with_literature_rule(with_one_fact_rule(category, text), text)
    return with_distress_rule(with_code_rule(decided, text), text)
