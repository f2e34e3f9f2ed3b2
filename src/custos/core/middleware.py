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


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than settings.MAX_REQUEST_BYTES before anything reads it.

    Django streams an uploaded file to a temporary file before any form can look at its size, so without this
    a multi-gigabyte post fills the server's disk even though every upload form would then refuse it. The
    Content-Length is what Django itself reads the body by (no header, no body), so checking it is enough.
    The answer is a 413 saying the limit and what to do instead: a page for the browser, problem+json for the
    API.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        limit: int = settings.MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body for a malformed length either
        if length <= limit:
            return self.get_response(request)
        megabytes = limit // 1024**2
        if request.path.startswith("/api/"):
            from custos.api import problem

            detail = REQUEST_TOO_LARGE.format(megabytes=megabytes, what="request")
            return problem(request, 413, "Request too large", detail)
        from django.shortcuts import render

        return render(
            request,
            "core/request_too_large.html",
            {"message": REQUEST_TOO_LARGE.format(megabytes=megabytes, what="upload")},
            status=413,
        )


REQUEST_TOO_LARGE = (
    "The {what} is larger than {megabytes} MB, the most this service accepts in one go. Nothing was saved. "
    "Large hash sets and triage reports are imported with the custos command line (custos hashset import, "
    "custos triage upload)."
)


class NullCharacterMiddleware:
    """Answer a page request whose query or form values contain a NUL character with a 400 that says so.

    Nobody types one; it comes from a broken script or a probe. Django's form fields refuse it, but filters
    read straight from the query string (borough, team, search) would pass it to PostgreSQL, which cannot
    store or compare it and fails the request with a 500. The API answers the same input with a 422 on the
    field (custos.api), so this guard leaves /api/ to it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") or not _has_null_character(request):
            return self.get_response(request)
        from django.shortcuts import render

        return render(request, "core/bad_request.html", {"message": NULL_CHARACTER_IN_REQUEST}, status=400)


def _has_null_character(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST":
        sources.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for data in sources
        for key, values in data.lists()
    )


NULL_CHARACTER_IN_REQUEST = (
    "The request contains a null character (\\x00), which no field accepts. Nothing was saved. "
    "Go back, retype the value and try again."
)
