"""In-process micro-benchmarks (pytest-benchmark): ``make bench-micro``."""
