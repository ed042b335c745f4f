"""The written labelling rules that override the model's verdict, applied the same way by the
router (``category_detector.py``), the shipped model's report
(``tooling/training/category_model.py``) and the leave-one-source-out folds
(``tooling/training/source_holdout.py``).

In order: the one-fact rule (``fact_questions.py``: a research verdict on a one-fact question
is general), then the code rule (``code_requests.py``: a math or general verdict on code or a
request for code is coding). The two override disjoint verdicts except general, which the first
can produce and the second can take ("What is a Python decorator?" is coding).
"""

from __future__ import annotations

from masterx.domain import Category
from services.router.detection.code_requests import with_code_rule
from services.router.detection.fact_questions import with_one_fact_rule


def with_written_rules(category: Category, text: str) -> Category:
    return with_code_rule(with_one_fact_rule(category, text), text)
