"""The provider health and benchmarks dashboards."""

from __future__ import annotations

from panel_model import (
    BREAKER_STATES,
    RANGE,
    RATE,
    Dashboard,
    Panel,
    q,
)

BREAKER = "max by (provider) (masterx_breaker_state)"

PROVIDER_HEALTH = Dashboard(
    "masterx-provider-health",
    "MasterX / Provider health",
    "Circuit breakers per provider (held in Redis by the health service) and call outcomes.",
    (
        Panel(
            "Breaker state",
            "state-timeline",
            (q(BREAKER, "{{provider}}"),),
            "CLOSED: calls flow. OPEN: calls skipped until the (backed-off) timeout. HALF_OPEN: "
            "a few probes decide.",
            width=24,
            height=7,
            mappings=BREAKER_STATES,
        ),
        Panel(
            "Providers available",
            "stat",
            (q(f"sum({BREAKER} < bool 2)"),),
            "Providers whose breaker admits calls (alert MasterxAllProvidersUnavailable at 0).",
            width=6,
            height=4,
        ),
        Panel(
            "Breakers open",
            "stat",
            (q(f"count({BREAKER} == 2) or vector(0)"),),
            "Providers skipped by routing right now.",
            width=6,
            height=4,
        ),
        Panel(
            "Router deciding without health",
            "stat",
            (q("max(masterx_router_breaker_degraded)"),),
            "1 while some router cannot reach the health service and uses its in-process breaker.",
            width=6,
            height=4,
        ),
        Panel(
            "Outcome reports lost",
            "stat",
            (q(f"sum(increase(masterx_router_breaker_reports_failed_total[{RANGE}]))"),),
            "Outcome reports a router could not deliver to the health service, in the range.",
            width=6,
            height=4,
            decimals=0,
        ),
        Panel(
            "Failures by provider and kind",
            "timeseries",
            (
                q(
                    "sum by (provider, kind) "
                    f'(rate(masterx_provider_outcomes_total{{outcome="failure"}}[{RATE}]))',
                    "{{provider}} {{kind}}",
                ),
            ),
            "Failed provider calls reported to health: timeout, connection, server, "
            "rate_limited, auth, bad_request.",
            unit="reqps",
            stacked=True,
        ),
        Panel(
            "Call outcomes by provider",
            "timeseries",
            (
                q(
                    f"sum by (provider, outcome) (rate(masterx_provider_outcomes_total[{RATE}]))",
                    "{{provider}} {{outcome}}",
                ),
            ),
            "Successes and failures reported to the health service.",
            unit="reqps",
        ),
        Panel(
            "Breaker transitions",
            "timeseries",
            (
                q(
                    "sum by (provider, from, to) "
                    f"(increase(masterx_breaker_transitions_total[{RATE}]))",
                    "{{provider}} {{from}} -> {{to}}",
                ),
            ),
            "State changes, counted once across health replicas.",
            decimals=0,
        ),
        Panel(
            "Transitions in the range",
            "table",
            (
                q(
                    "sum by (provider, from, to) "
                    f"(increase(masterx_breaker_transitions_total[{RANGE}]))",
                    instant=True,
                ),
            ),
            "How many times each breaker moved, per direction.",
            decimals=0,
        ),
        Panel(
            "Breaker call latency p99",
            "timeseries",
            (
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(masterx_breaker_report_duration_seconds_bucket[{RATE}])))",
                    "Report p99",
                ),
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(masterx_breaker_acquire_duration_seconds_bucket[{RATE}])))",
                    "Acquire p99 (half-open probes)",
                ),
            ),
            "Time the health service takes to apply a Report or decide an Acquire (Redis "
            "included).",
            unit="s",
            width=24,
        ),
    ),
)

SCORE = 'max by (provider, category) (masterx_benchmark_score{{kind="{kind}"}})'

BENCHMARKS = Dashboard(
    "masterx-benchmarks",
    "MasterX / Benchmarks",
    "Benchmark scores per provider and category (what routing follows), runs and test outcomes.",
    (
        Panel(
            "Final score by provider and category",
            "timeseries",
            (q(SCORE.format(kind="final"), "{{provider}} / {{category}}"),),
            "quality, speed and cost combined with the category's weights (0-100).",
            max_value=100,
        ),
        Panel(
            "Quality score by provider and category",
            "timeseries",
            (q(SCORE.format(kind="quality"), "{{provider}} / {{category}}"),),
            "Mean graded quality of the answers (0-100).",
            max_value=100,
        ),
        Panel(
            "Live quality estimate by provider and category",
            "timeseries",
            (
                q(
                    "max by (provider, category) (masterx_live_quality)",
                    "{{provider}} / {{category}}",
                ),
            ),
            "What the router ranks with: the benchmark quality moved by learner ratings and "
            "hard signals, decayed (README, Live quality).",
            max_value=100,
        ),
        Panel(
            "Quality drift: live minus benchmark",
            "timeseries",
            (q("masterx:quality_drift:min", "{{provider}} / {{category}}"),),
            "Points the live estimate lies below (negative) its benchmark score; alert "
            "MasterxQualityDrift when well below with enough evidence.",
        ),
        Panel(
            "Fallen: pairs held out of the quality band by their ratings",
            "timeseries",
            (
                q(
                    "max by (provider, category) (masterx_live_quality_fallen)",
                    "{{provider}} / {{category}}",
                ),
            ),
            "1 while a provider's learner ratings in a category say its quality fell (the fall "
            "detector, MASTERX_LIVE_FALL_*): new sessions go elsewhere until its hold ends.",
            max_value=1,
        ),
        Panel(
            "What a 1-5 rating weighs",
            "timeseries",
            (q("max(masterx_live_rating_worth)", "answers per 1-5 rating"),),
            "Answers' worth of one 1-5 rating, measured from how the 1-5 ratings spread about "
            "each pair's mean (1: they carry no more than thumbs; at most "
            "MASTERX_LIVE_GRADED_MAX_WORTH; README, What a rating weighs).",
        ),
        Panel(
            "Latest final scores",
            "bargauge",
            (q(SCORE.format(kind="final"), "{{provider}} / {{category}}", instant=True),),
            "The scores routing uses now.",
            max_value=100,
        ),
        Panel(
            "Speed and cost scores (mean over categories)",
            "timeseries",
            (
                q(
                    'avg by (provider, kind) (masterx_benchmark_score{kind=~"speed|cost"})',
                    "{{provider}} {{kind}}",
                ),
            ),
            "Normalised across the run's providers: the fastest / cheapest is 100.",
            max_value=100,
        ),
        Panel(
            "Mean run duration by trigger and status",
            "timeseries",
            (
                q(
                    "sum by (trigger, status) (masterx_benchmark_run_duration_seconds_sum) "
                    "/ sum by (trigger, status) (masterx_benchmark_run_duration_seconds_count)",
                    "{{trigger}} {{status}}",
                ),
            ),
            "Wall time of a benchmark run (schedule or manual), since the services started.",
            unit="s",
        ),
        Panel(
            "Runs finished",
            "timeseries",
            (
                q(
                    "sum by (trigger, status) (masterx_benchmark_run_duration_seconds_count)",
                    "{{trigger}} {{status}}",
                ),
            ),
            "Runs finished since the benchmark replicas started, by trigger and final status.",
            decimals=0,
        ),
        Panel(
            "Test outcomes by provider",
            "timeseries",
            (
                q(
                    f"sum by (provider, outcome) (rate(masterx_benchmark_tests_total[{RATE}]))",
                    "{{provider}} {{outcome}}",
                ),
            ),
            "Benchmark tests graded per second: correct, partial, wrong, or the provider's "
            "failure kind.",
            unit="ops",
            stacked=True,
        ),
        Panel(
            "Age of the newest benchmark results",
            "stat",
            (q("masterx:benchmark_results:age_seconds"),),
            "From the recording rule in deploy/prometheus/rules (alert "
            "MasterxBenchmarkResultsStale at twice the interval).",
            unit="s",
        ),
    ),
)
