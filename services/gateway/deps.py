"""Dependencies of the routes, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.gateway.router_client import RouterClient
from services.gateway.settings import GatewaySettings


def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def get_router(request: Request) -> RouterClient:
    client: RouterClient = request.app.state.router
    return client


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
RouterDep = Annotated[RouterClient, Depends(get_router)]
