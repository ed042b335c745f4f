"""The MasterX Grafana dashboards, as code: ``python deploy/grafana/dashboards.py`` writes them.

Each dashboard is a list of panels, each panel a few PromQL queries over metrics the services
export; the JSON files in ``dashboards/`` (provisioned into Grafana) are generated from here,
and a test fails when they differ. Every query uses the ``datasource`` variable, so the files
also import into a Grafana whose Prometheus data source has another name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or loaded by path

from feedback_dashboard import FEEDBACK
from panel_model import OUT_DIR, file_name, render
from provider_dashboards import BENCHMARKS, PROVIDER_HEALTH
from routing_dashboard import ROUTING
from usage_dashboards import COST, SESSIONS

DASHBOARDS = (ROUTING, PROVIDER_HEALTH, BENCHMARKS, COST, SESSIONS, FEEDBACK)


def rendered_files() -> dict[str, str]:
    """File name -> JSON text, exactly as committed under ``dashboards/``."""
    return {
        file_name(d): json.dumps(render(d), indent=2, ensure_ascii=False) + "\n" for d in DASHBOARDS
    }


def main() -> int:
    OUT_DIR.mkdir(exist_ok=True)
    for name, text in rendered_files().items():
        (OUT_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
