"""The learner feedback dashboard: ratings of answers by provider, category and value, and the
sessions a down rating moved (services/router/feedback.py)."""

from __future__ import annotations

from panel_model import (
    RANGE,
    RATE,
    Dashboard,
    Panel,
    q,
)

DOWN = 'rating=~"down|1|2|3"'

FEEDBACK = Dashboard(
    "masterx-feedback",
    "MasterX / Learner feedback",
    "Ratings learners give answers (POST /api/v1/feedback): by provider, category and value, "
    "the share rated down, and the sessions a down rating re-routed.",
    (
        Panel(
            "Ratings in the range",
            "stat",
            (q(f"sum(increase(masterx_feedback_ratings_total[{RANGE}]))"),),
            "Answers rated over the dashboard's time range (a replaced rating counts again).",
            width=8,
            height=4,
        ),
        Panel(
            "Rated down",
            "stat",
            (
                q(
                    f"""(sum(rate(masterx_feedback_ratings_total{{{DOWN}}}[{RATE}])) or vector(0))
                    / sum(rate(masterx_feedback_ratings_total[{RATE}]))"""
                ),
            ),
            "Share of ratings that were down, 1, 2 or 3 (a score of 0.5 or less).",
            unit="percentunit",
            width=8,
            height=4,
        ),
        Panel(
            "Sessions moved by a down rating",
            "stat",
            (q(f"sum(increase(masterx_feedback_sessions_moved_total[{RANGE}]))"),),
            "Sessions released from the provider whose answer was rated down: their next "
            "message is routed afresh.",
            width=8,
            height=4,
        ),
        Panel(
            "Ratings by provider and category",
            "timeseries",
            (
                q(
                    f"sum by (provider, category) (rate(masterx_feedback_ratings_total[{RATE}]))",
                    "{{provider}} {{category}}",
                ),
            ),
            "Ratings per second, by the provider that gave the answer and its category.",
            unit="reqps",
            stacked=True,
        ),
        Panel(
            "Ratings by value",
            "timeseries",
            (
                q(
                    f"sum by (rating) (rate(masterx_feedback_ratings_total[{RATE}]))",
                    "{{rating}}",
                ),
            ),
            "Ratings per second by value: up, down, or 1 to 5.",
            unit="reqps",
            stacked=True,
        ),
        Panel(
            "Share rated down by provider and category",
            "timeseries",
            (
                q(
                    f"""sum by (provider, category)
                    (rate(masterx_feedback_ratings_total{{{DOWN}}}[{RATE}]))
                    / sum by (provider, category) (rate(masterx_feedback_ratings_total[{RATE}]))""",
                    "{{provider}} {{category}}",
                ),
            ),
            "Of each provider's rated answers in a category, the share rated down: a provider "
            "whose answers got worse shows here before a benchmark run notices.",
            unit="percentunit",
            max_value=1,
        ),
        Panel(
            "Sessions moved by provider",
            "timeseries",
            (
                q(
                    "sum by (provider, category) "
                    f"(rate(masterx_feedback_sessions_moved_total[{RATE}]))",
                    "{{provider}} {{category}}",
                ),
            ),
            "Sessions released from a provider by a down rating of its answer.",
            unit="reqps",
        ),
    ),
)
