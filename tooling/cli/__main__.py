"""``python -m tooling.cli``."""

from tooling.cli import main

raise SystemExit(main())
