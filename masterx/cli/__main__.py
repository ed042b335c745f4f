"""``python -m masterx.cli``."""

from masterx.cli import main

raise SystemExit(main())
