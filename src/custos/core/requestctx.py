"""Who is acting, from where: carried for the length of one request, CLI command or task.

The audit writer reads it so that services do not have to thread IP addresses through every call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    client: str = "unknown"  # "web", "api", "api-token:<prefix>", "cli", "worker", "sweep"


_current: ContextVar[RequestContext] = ContextVar("custos_request_context", default=RequestContext())  # noqa: B039 - frozen


def current() -> RequestContext:
    return _current.get()


@contextlib.contextmanager
def acting_as(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_client(client: str) -> None:
    """Refine the client label once authentication has identified it (e.g. which API token)."""
    ctx = _current.get()
    _current.set(RequestContext(ip=ctx.ip, client=client))
