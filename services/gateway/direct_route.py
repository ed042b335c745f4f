"""``DirectRoute``: a route whose valid requests skip FastAPI's per-request dependency solving.

FastAPI walks a route's dependency tree anew for every request (parameter look-ups, caches,
error lists); on the chat routes that was half of the gateway's Python time per request. A
``DirectRoute`` compiles the tree once, when the route is built, into a :class:`Plan`, and runs
it on each request in FastAPI's order: the body read and parsed as JSON, then each dependency
(its own dependencies and header parameters first), then the endpoint's header parameters and
body, each validated by FastAPI's own pydantic field of that parameter.

The plan handles valid requests only. Anything else goes to FastAPI's own handler, which
starts over: a validation error of any kind, a body that is empty, not JSON or not labelled
``application/json``, dependency overrides. So every error is still FastAPI's (and the error
handlers'). Dependencies may therefore run twice for such a request: they must be side-effect
free look-ups and checks, as the gateway's are. A route using what a plan does not support
(plain ``def`` or ``yield`` dependencies, query, path or cookie parameters, form bodies, an
endpoint that does not return a ``Response`` ...) is served by FastAPI alone.
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, get_type_hints

from fastapi import params
from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import _get_param_aliases
from fastapi.routing import APIRoute, _effective_route_context_var
from starlette.requests import Request
from starlette.responses import Response

from services.gateway.limits import PARSED_JSON

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
JSON_MEDIA_TYPE = "application/json"


class Unplanned(Exception):
    """The request needs FastAPI's full handling (it is invalid, or unusual)."""


@dataclass(frozen=True)
class HeaderParameter:
    """One header parameter, looked up and validated as FastAPI does."""

    name: str
    key: str
    field: ModelField
    required: bool
    default: Any

    def value(self, request: Request) -> Any:
        raw = request.headers.get(self.key)
        if raw is None:
            if self.required:
                raise Unplanned
            return copy.deepcopy(self.default)
        value, errors = self.field.validate(raw, {}, loc=("header", self.key))
        if errors:
            raise Unplanned
        return value


@dataclass(frozen=True)
class Plan:
    """How to call one dependency (or the endpoint) with what the request gives it."""

    call: Callable[..., Awaitable[Any]]
    name: str | None
    use_cache: bool
    request_names: tuple[str, ...]
    headers: tuple[HeaderParameter, ...]
    dependencies: tuple[Plan, ...]
    body: ModelField | None = None

    async def arguments(self, request: Request, body: Any, cache: dict[Any, Any]) -> dict[str, Any]:
        """The call's keyword arguments; Unplanned where FastAPI would report an error."""
        values: dict[str, Any] = {}
        for dependency in self.dependencies:
            if dependency.use_cache and dependency.call in cache:
                solved = cache[dependency.call]
            else:
                given: dict[str, Any] = {}
                if dependency.dependencies:
                    given = await dependency.arguments(request, body, cache)
                else:  # a leaf: no coroutine needed to gather its arguments
                    dependency.parameters(request, given)
                solved = await dependency.call(**given)
                cache.setdefault(dependency.call, solved)
            if dependency.name is not None:
                values[dependency.name] = solved
        self.parameters(request, values)
        if self.body is not None:
            value, errors = self.body.validate(body, {}, loc=("body",))
            if errors:
                raise Unplanned
            values[self.body.name] = value
        return values

    def parameters(self, request: Request, values: dict[str, Any]) -> None:
        """Adds the header parameters and the request itself to ``values``."""
        for header in self.headers:
            values[header.name] = header.value(request)
        for name in self.request_names:
            values[name] = request


def _is_async(call: Any) -> bool:
    """FastAPI's test: an ``async def``, or an instance whose ``__call__`` is one."""
    if inspect.isroutine(call):
        return inspect.iscoroutinefunction(call)
    if inspect.isclass(call):
        return False
    return inspect.iscoroutinefunction(call.__call__)


def _header(field: ModelField) -> HeaderParameter | None:
    aliases = _get_param_aliases(field)
    if len(aliases) != 1 or field_annotation_is_sequence(field.field_info.annotation):
        return None
    required = field.field_info.is_required()
    if not required and field.field_info.validate_default:
        return None
    default = None if required else field.default
    return HeaderParameter(field.name, aliases[0][1], field, required, default)


def _body(dependant: Dependant) -> tuple[bool, ModelField | None]:
    """Whether a plan can read the body, and its one JSON body field (None: no body)."""
    if not dependant.body_params:
        return True, None
    field = dependant.body_params[0]
    info = field.field_info
    if (
        len(dependant.body_params) != 1
        or not isinstance(info, params.Body)
        or isinstance(info, params.Form)
        or getattr(info, "embed", False)
    ):
        return False, None
    return True, field


def plan_for(dependant: Dependant, *, top: bool = True) -> Plan | None:
    """The dependant's plan; None when it uses something a plan does not support."""
    call = dependant.call
    if call is None or not _is_async(call) or dependant.concurrency is not None:
        return None
    if (
        dependant.path_params
        or dependant.query_params
        or dependant.cookie_params
        or dependant.websocket_param_name
        or dependant.response_param_name
        or dependant.background_tasks_param_name
        or dependant.security_scopes_param_name
    ):
        return None
    readable, body = _body(dependant) if top else (not dependant.body_params, None)
    if not readable:
        return None
    headers = [_header(field) for field in dependant.header_params]
    dependencies = [plan_for(d, top=False) for d in dependant.dependencies]
    if None in headers or None in dependencies:
        return None
    request_names = (dependant.http_connection_param_name, dependant.request_param_name)
    return Plan(
        call=call,
        name=dependant.name,
        use_cache=dependant.use_cache,
        request_names=tuple(name for name in request_names if name),
        headers=tuple(h for h in headers if h is not None),
        dependencies=tuple(d for d in dependencies if d is not None),
        body=body,
    )


def _returns_response(endpoint: Callable[..., Any]) -> bool:
    try:
        returned = get_type_hints(endpoint).get("return")
    except Exception:  # an annotation that does not resolve: FastAPI's handler serves it
        return False
    return inspect.isclass(returned) and issubclass(returned, Response)


def is_json(content_type: str | None) -> bool:
    """``application/json``, with or without parameters: what FastAPI parses as JSON here."""
    if not content_type:
        return False
    return content_type.partition(";")[0].strip().lower() == JSON_MEDIA_TYPE


async def json_body(request: Request) -> Any:
    """The request's JSON body, as FastAPI reads it; Unplanned (or the parser's error) else.

    The body parsed once by ``limits.BodyLimitMiddleware`` (capped, in the scope) is reused,
    and handed on as Starlette's cached ``Request.json()`` (its ``_json`` attribute, the one
    private name used here; starlette is pinned in uv.lock), so FastAPI's own handler, serving
    an invalid request, does not parse it a second time."""
    if not is_json(request.headers.get("content-type")):
        raise Unplanned
    if PARSED_JSON in request.scope:
        parsed = request.scope[PARSED_JSON]
        request._json = parsed
        return parsed
    raw = await request.body()
    if not raw:
        raise Unplanned
    return json.loads(raw)


class DirectRoute(APIRoute):
    """An APIRoute that serves a valid request through its compiled :class:`Plan`."""

    def get_route_handler(self) -> Handler:
        full = super().get_route_handler()
        # Which dependant FastAPI's handler uses: an included route's context, or the route's.
        context = _effective_route_context_var.get()
        dependant = (
            context.dependant
            if context is not None and context.original_route is self
            else self.dependant
        )
        plan = plan_for(dependant) if _returns_response(self.endpoint) else None
        if plan is None:
            return full
        return _direct_handler(plan, full)


def _direct_handler(plan: Plan, full: Handler) -> Handler:
    async def handle(request: Request) -> Response:
        if request.app.dependency_overrides:
            return await full(request)
        try:
            body = await json_body(request) if plan.body is not None else None
            arguments = await plan.arguments(request, body, {})
        except Exception:
            # Invalid or unusual (Unplanned), bad JSON, a client gone mid-body, a refused
            # API key ...: FastAPI's handler starts over and answers as it always has.
            return await full(request)
        response = await plan.call(**arguments)
        if not isinstance(response, Response):  # the return annotation lied
            raise TypeError(f"{plan.call.__name__} must return a Response")
        return response

    return handle
