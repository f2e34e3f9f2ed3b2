from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from custos.core.requestctx import RequestContext, acting_as


def client_ip(request: HttpRequest) -> str | None:
    # Behind a trusted proxy set CUSTOS_TRUST_X_FORWARDED_FOR; otherwise the header is attacker-controlled.
    from django.conf import settings

    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        fwd = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if fwd:
            return fwd.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = "api" if request.path.startswith("/api/") else "web"
        with acting_as(RequestContext(ip=client_ip(request), client=client)):
            return self.get_response(request)
