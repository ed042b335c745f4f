"""The cost and sessions dashboards."""

from __future__ import annotations

from panel_model import (
    RANGE,
    RATE,
    Dashboard,
    Panel,
    q,
)

COST = Dashboard(
    "masterx-cost",
    "MasterX / Cost",
    "Provider spend in USD (usage x the price table) and tokens, by provider, category and "
    "API key, and the requests each key's limits refused.",
    (
        Panel(
            "Spend in the range",
            "stat",
            (q(f"sum(increase(masterx_cost_usd_total[{RANGE}]))"),),
            "USD spent on providers over the dashboard's time range.",
            unit="currencyUSD",
            width=6,
            height=4,
            decimals=4,
        ),
        Panel(
            "Spend rate",
            "stat",
            (q(f"sum(rate(masterx_cost_usd_total[{RATE}])) * 3600"),),
            "USD per hour at the current pace.",
            unit="currencyUSD",
            width=6,
            height=4,
            decimals=4,
        ),
        Panel(
            "Cost per 1,000 chats",
            "stat",
            (
                q(
                    f"1000 * sum(rate(masterx_cost_usd_total[{RATE}])) "
                    f"/ sum(rate(masterx_route_decisions_total[{RATE}]))"
                ),
            ),
            "USD per thousand answered chats.",
            unit="currencyUSD",
            width=6,
            height=4,
            decimals=4,
        ),
        Panel(
            "Tokens in the range",
            "stat",
            (q(f"sum(increase(masterx_tokens_total[{RANGE}]))"),),
            "Prompt and completion tokens over the dashboard's time range.",
            width=6,
            height=4,
            decimals=0,
        ),
        Panel(
            "USD per hour by provider",
            "timeseries",
            (
                q(
                    f"sum by (provider) (rate(masterx_cost_usd_total[{RATE}])) * 3600",
                    "{{provider}}",
                ),
            ),
            "Spend rate by provider.",
            unit="currencyUSD",
            stacked=True,
        ),
        Panel(
            "USD per hour by category",
            "timeseries",
            (
                q(
                    f"sum by (category) (rate(masterx_cost_usd_total[{RATE}])) * 3600",
                    "{{category}}",
                ),
            ),
            "Spend rate by chat category.",
            unit="currencyUSD",
            stacked=True,
        ),
        Panel(
            "USD per hour by API key",
            "timeseries",
            (
                q(
                    f"sum by (key) (rate(masterx_key_spend_usd_total[{RATE}])) * 3600",
                    "{{key}}",
                ),
            ),
            "What each managed API key is charged as its calls settle (the health service's "
            "spend limiter; labelled by key id, never by user).",
            unit="currencyUSD",
            stacked=True,
        ),
        Panel(
            "Limit refusals per minute by API key",
            "timeseries",
            (
                q(
                    f"sum by (key, limit) (rate(masterx_key_limit_hits_total[{RATE}])) * 60",
                    "{{key}} {{limit}}",
                ),
            ),
            "Requests refused by a key's rpm, tpm or budget (429s).",
            unit="short",
        ),
        Panel(
            "Tokens per second by provider and direction",
            "timeseries",
            (
                q(
                    f"sum by (provider, direction) (rate(masterx_tokens_total[{RATE}]))",
                    "{{provider}} {{direction}}",
                ),
            ),
            "Prompt and completion tokens.",
            unit="short",
        ),
        Panel(
            "Tokens per second by category",
            "timeseries",
            (
                q(
                    f"sum by (category) (rate(masterx_tokens_total[{RATE}]))",
                    "{{category}}",
                ),
            ),
            "Prompt plus completion tokens.",
            unit="short",
            stacked=True,
        ),
        Panel(
            "Response cache hit ratio by category",
            "timeseries",
            (
                q(
                    f"sum by (category) (rate(masterx_cache_hits_total[{RATE}])) / "
                    f"(sum by (category) (rate(masterx_cache_hits_total[{RATE}])) + "
                    f"sum by (category) (rate(masterx_cache_misses_total[{RATE}])))",
                    "{{category}}",
                ),
            ),
            "Eligible chats answered from the response cache (no provider call), by category; "
            "only categories in MASTERX_CACHE_CATEGORIES, never empathy.",
            unit="percentunit",
        ),
        Panel(
            "USD saved by the response cache per hour",
            "timeseries",
            (
                q(
                    f"sum by (category) (rate(masterx_cache_saved_usd_total[{RATE}])) * 3600",
                    "{{category}}",
                ),
            ),
            "What the cached answers' original provider calls cost: spend the cache avoided.",
            unit="currencyUSD",
            stacked=True,
        ),
        Panel(
            "Response cache misses per minute by reason",
            "timeseries",
            (
                q(
                    f"sum by (reason) (rate(masterx_cache_misses_total[{RATE}])) * 60",
                    "{{reason}}",
                ),
            ),
            "absent: not cached yet; unavailable: the cache's Redis down or slower than "
            "MASTERX_CACHE_LOOKUP_TIMEOUT_MS (served by a provider, never an error); invalid: "
            "an entry this version cannot read.",
            unit="short",
        ),
        Panel(
            "Saved by the response cache in the range",
            "stat",
            (q(f"sum(increase(masterx_cache_saved_usd_total[{RANGE}]))"),),
            "USD the answers served from the cache cost when first asked.",
            unit="currencyUSD",
            decimals=4,
        ),
        Panel(
            "Spend by provider and category in the range",
            "table",
            (
                q(
                    f"sum by (provider, category) (increase(masterx_cost_usd_total[{RANGE}]))",
                    instant=True,
                ),
            ),
            "USD over the dashboard's time range.",
            unit="currencyUSD",
            width=24,
            decimals=4,
        ),
    ),
)

CONTINUITY = (
    f'(sum(rate(masterx_route_decisions_total{{reason="session_continuity"}}[{RATE}])) '
    f"or vector(0)) / sum(rate(masterx_route_decisions_total[{RATE}]))"
)

SESSIONS = Dashboard(
    "masterx-sessions",
    "MasterX / Sessions",
    "Conversation continuity: chats kept with the session's provider, topic changes, and the "
    "session and usage writes behind them.",
    (
        Panel(
            "Session continuity share",
            "stat",
            (q(CONTINUITY),),
            "Chats that stayed with their session's provider (reason session_continuity).",
            unit="percentunit",
            width=8,
            height=4,
        ),
        Panel(
            "Topic changes in the range",
            "stat",
            (q(f"sum(increase(masterx_session_topic_changes_total[{RANGE}]))"),),
            "Sessions re-routed because a confident new category started a new topic.",
            width=8,
            height=4,
            decimals=0,
        ),
        Panel(
            "Session writes waiting",
            "stat",
            (q('sum(masterx_store_writes_pending{collection="sessions"})'),),
            "Session updates buffered in the routers, not yet in MongoDB.",
            width=8,
            height=4,
        ),
        Panel(
            "Continuity share over time",
            "timeseries",
            (q(CONTINUITY, "session_continuity"),),
            "Share of chats routed by session continuity.",
            unit="percentunit",
            max_value=1,
        ),
        Panel(
            "Topic changes (from -> to)",
            "timeseries",
            (
                q(
                    "sum by (from_topic, to_topic) "
                    f"(rate(masterx_session_topic_changes_total[{RATE}]))",
                    "{{from_topic}} -> {{to_topic}}",
                ),
            ),
            "Topic changes per second, by the old and the new topic.",
            unit="ops",
            stacked=True,
        ),
        Panel(
            "Topic changes in the range (from -> to)",
            "table",
            (
                q(
                    "sum by (from_topic, to_topic) "
                    f"(increase(masterx_session_topic_changes_total[{RANGE}]))",
                    instant=True,
                ),
            ),
            "Which topics conversations move between.",
            decimals=0,
        ),
        Panel(
            "Session and usage writes to MongoDB",
            "timeseries",
            (
                q(
                    f"sum by (collection) (rate(masterx_store_writes_total[{RATE}]))",
                    "{{collection}}",
                ),
            ),
            "Buffered writes stored per second (sessions, usage), off the hot path.",
            unit="ops",
        ),
    ),
)
