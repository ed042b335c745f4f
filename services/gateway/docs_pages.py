"""The API documentation pages, ``/docs`` (Swagger UI) and ``/redoc``, served without internet.

FastAPI's own pages load their JavaScript and CSS from a public CDN, so on a machine without
internet (an air-gapped cluster) they stay blank. Here the assets come from the
``fastapi-offline`` package (a runtime dependency in pyproject.toml, which ships Swagger UI's and
ReDoc's bundles), mounted under ``/docs-assets``, and the pages point at them.
``tests/gateway/test_docs_offline.py`` loads ``/docs`` in a headless Chromium and finds the
operations rendered.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

ASSETS_URL = "/docs-assets"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"


def assets_directory() -> Path:
    """Where the installed ``fastapi-offline`` package keeps the bundles."""
    directory = Path(str(resources.files("fastapi_offline").joinpath("static")))
    missing = [name for name in ASSETS if not (directory / name).is_file()]
    if missing:
        raise RuntimeError(
            f"fastapi-offline at {directory} lacks {', '.join(missing)}: reinstall it (make venv)"
        )
    return directory


def install_docs_pages(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Serve ``/docs`` and ``/redoc`` from local assets; build the app with
    ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not registered."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_directory()), name="docs-assets")

    def asset(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_URL}/{name}"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{request.scope.get('root_path', '')}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_js_url=asset(request, "swagger-ui-bundle.js"),
            swagger_css_url=asset(request, "swagger-ui.css"),
            swagger_favicon_url=asset(request, "favicon.png"),
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(
            openapi_url=f"{request.scope.get('root_path', '')}{openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=asset(request, "redoc.standalone.js"),
            redoc_favicon_url=asset(request, "favicon.png"),
            with_google_fonts=False,
        )
