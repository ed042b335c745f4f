"""The API documentation pages work without internet: their assets come from the gateway itself
(services/gateway/docs_pages.py), and a headless Chromium renders the operations of /docs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

CHROMIUM_DEADLINE_S = 120  # a ceiling against a hung browser, not a timing assertion
KNOWN_OPERATIONS = ("/v1/chat/completions", "/api/v1/chat", "/api/v1/providers")
_SOURCES = re.compile(r'(?:src|href)="([^"]+)"')


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is missing: `make system-deps` (scripts/install-prereqs.sh) installs it"
    return found


def _rendered_dom(url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, as Chromium dumps it."""
    result = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=CHROMIUM_DEADLINE_S,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_pages_load_every_asset_from_the_gateway(gateway_url: str, page: str) -> None:
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        html = client.get(page)
        assert html.status_code == 200
        sources = _SOURCES.findall(html.text)
        assert sources, html.text
        for source in sources:
            assert source.startswith("/"), f"{page} loads {source} from elsewhere"
            asset = client.get(source)
            assert asset.status_code == 200, source
            assert len(asset.content) > 1000, source


def test_swagger_ui_renders_the_operations_offline(gateway_url: str, tmp_path: Path) -> None:
    dom = _rendered_dom(gateway_url + "/docs", tmp_path / "chromium")
    blocks = re.findall(r'class="opblock opblock-(?:get|post|put|delete|patch)', dom)
    paths = set(re.findall(r'data-path="([^"]+)"', dom))
    print(f"/docs rendered {len(blocks)} operations; e.g. {sorted(paths)[:4]}")
    assert len(blocks) >= len(KNOWN_OPERATIONS)
    for operation in KNOWN_OPERATIONS:
        assert operation in paths, f"{operation} not rendered"
