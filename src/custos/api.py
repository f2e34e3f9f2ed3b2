"""The REST API under /api/v1 (django-ninja): one auth model, one error format, OpenAPI served offline.

Authentication: `Authorization: Bearer <token>` (per-user, hashed at rest, scoped, expiring, revocable)
for API and CLI clients; the browser uses its two-factor-verified session with CSRF.
Errors: every error is application/problem+json (RFC 9457) with `type`, `title`, `status`, `detail`
and, for validation errors, `errors` keyed by field.

The OpenAPI schema documents those errors for every operation without any route having to declare
them: `CustosAPI` builds its schema with `ProblemDocumentingSchema`, which adds the `Problem` and
`ValidationProblem` components and, to each operation's responses, the problem+json statuses the handlers
below (and custos.core.middleware's size limit) can give it: 400 (a JSON body that does not parse), 401
(authenticated routes), 403 (writes: a read-only token, or a service refusing the actor), 404 (every
operation: an unknown or outside-need-to-know record, named in the path or the body, or a route the role may
not see at all), 412 (bodies carrying `version`, routes reading `expected_version`), 413 (operations that
take a body), 422 (operations that take parameters or a body) and 428 (routes reading `expected_version`,
which requires a version). A route's own declaration of a status wins. This is done where the schema is
built rather than in each route's decorator, so a new route cannot forget it.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from ninja import Field, NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from ninja.parser import Parser as NinjaParser
from ninja.security import HttpBearer, SessionAuth

from custos.accounts.models import ApiToken
from custos.core import requestctx


class PreconditionFailed(Exception):
    def __init__(self, detail: str, status: int = 412) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


# Far past any list this system will hold, yet small enough that (page - 1) * page_size stays a valid SQL
# OFFSET (a 64-bit integer); an unbounded page number overflowed it and the database refused with a 500.
MAX_PAGE = 1_000_000


class PageNumberPagination(NinjaPageNumberPagination):
    """django-ninja's page-number pagination with the page number bounded, so nonsense is a 422 on `page`."""

    class Input(NinjaPageNumberPagination.Input):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


# Django's own wording (ProhibitNullCharactersValidator), which every form field applies.
NULL_CHARACTERS = "Null characters are not allowed."


def _null_character_locations(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        if "\x00" in value:
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _null_character_locations(key, (*loc, key))
            yield from _null_character_locations(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _null_character_locations(item, (*loc, index))


def _refuse_null_characters(data: Any) -> None:
    errors = [{"loc": loc, "msg": NULL_CHARACTERS} for loc in _null_character_locations(data)]
    if errors:
        raise NinjaValidationError(errors)


class Parser(NinjaParser):
    """django-ninja's JSON and query-string parsing, refusing NUL characters as Django's form fields do:
    PostgreSQL text cannot hold them, so one reaching a filter or a save was a 500."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        _refuse_null_characters(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_null_characters(parsed)
        return parsed


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.lookup(token)
        if found is None:
            return None
        if not found.allows(request.method or "GET"):
            raise HttpError(403, "This token is read-only; create a token with the write scope.")
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        requestctx.set_client(f"api-token:{found.prefix}")
        return found


class VerifiedSessionAuth(SessionAuth):
    """The browser's session, but only once the second factor has been verified."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.OTP_REQUIRED and not request.user.is_verified():  # type: ignore[union-attr]
            return None
        return user


PROBLEM_MEDIA_TYPE = "application/problem+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_PROBLEM_PROPERTIES: dict[str, Any] = {
    "type": {
        "type": "string",
        "description": "A URI for the problem type; `about:blank` when only the status says it.",
    },
    "title": {"type": "string", "description": "A short summary of the problem type."},
    "status": {"type": "integer", "description": "The HTTP status code."},
    "detail": {
        "type": "string",
        "description": "What went wrong with this request, and how to put it right.",
    },
}
PROBLEM_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "title": "Problem",
        "description": "An error, as application/problem+json (RFC 9457).",
        "type": "object",
        "properties": _PROBLEM_PROPERTIES,
        "required": ["type", "title", "status"],
        "additionalProperties": False,
    },
    "ValidationProblem": {
        "title": "ValidationProblem",
        "description": "A request that is not valid: the messages for each field in `errors`.",
        "type": "object",
        "properties": {
            **_PROBLEM_PROPERTIES,
            "errors": {
                "type": "object",
                "description": "Messages keyed by field (dotted when nested; `__all__`: the whole request).",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["type", "title", "status", "errors"],
        "additionalProperties": False,
    },
}
PROBLEM_RESPONSES: dict[int, tuple[str, str]] = {
    400: ("Problem", "The request body could not be parsed as JSON."),
    401: ("Problem", "No valid token or verified session: send 'Authorization: Bearer <token>'."),
    403: ("Problem", "Not allowed: a read-only token used for a write, or the action is not open to you."),
    404: ("Problem", "No such record, or it is outside your need-to-know."),
    412: (
        "Problem",
        "The record changed since the version you sent (or If-Match was not an ETag); re-read it.",
    ),
    413: ("Problem", "The body is larger than the service accepts in one request (MAX_REQUEST_BYTES)."),
    422: ("ValidationProblem", "The request is not valid; the messages for each field are in `errors`."),
    428: ("Problem", "Send the version you are updating, as an If-Match header or a `version` field."),
}


class ProblemDocumentingSchema(OpenAPISchema):
    """django-ninja's OpenAPI schema, with the problem+json error responses each operation can give."""

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        self.schemas.update(PROBLEM_SCHEMAS)
        responses = details["responses"]
        for status in self._error_statuses(operation, details):
            schema, description = PROBLEM_RESPONSES[status]
            responses.setdefault(
                status,
                {
                    "description": description,
                    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                },
            )
        return details

    def _error_statuses(self, operation: Operation, details: dict[str, Any]) -> list[int]:
        statuses = [404]
        if operation.auth_callbacks:
            statuses.append(401)
        if not set(operation.methods) <= SAFE_METHODS:
            statuses.append(403)
        if details.get("parameters") or "requestBody" in details:
            statuses.append(422)
        if "requestBody" in details:
            statuses.append(413)  # custos.core.middleware.RequestSizeLimitMiddleware, before the body is read
        if any(getattr(model, "__ninja_param_source__", None) == "body" for model in operation.models):
            statuses.append(400)  # django-ninja's own answer to a JSON body it cannot parse
        # The view itself (unwrapped from pagination and the like) reading the client's version.
        reads_version = "expected_version" in inspect.unwrap(operation.view_func).__code__.co_names
        if reads_version or "version" in self._body_properties(details):
            statuses.append(412)
        if reads_version:
            statuses.append(428)
        return sorted(statuses)

    def _body_properties(self, details: dict[str, Any]) -> dict[str, Any]:
        content = details.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        ref = schema.get("$ref", "")
        if ref:
            schema = self.schemas.get(ref.rsplit("/", 1)[-1], {})
        properties: dict[str, Any] = schema.get("properties", {})
        return properties


class CustosAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ProblemDocumentingSchema(self, path_prefix)


api = CustosAPI(
    title="Custos API",
    version="1",
    description="Public-protection and investigation management. Errors are application/problem+json.",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    parser=Parser(),
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    urls_namespace="api-1",
)


def problem(request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_MEDIA_TYPE
    return response


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for e in exc.errors:
        loc = ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "payload", "query", "path"))
        errors.setdefault(loc or "__all__", []).append(str(e.get("msg", "invalid")))
    return problem(
        request, 422, "The request is not valid", "Correct the fields listed in errors.", errors=errors
    )


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if getattr(exc, "code", None) == "stale":
        return problem(request, 412, "Precondition failed", " ".join(exc.messages))
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return problem(
        request, 422, "The request is not valid", "Correct the fields listed in errors.", errors=errors
    )


@api.exception_handler(PreconditionFailed)
def _precondition(request: HttpRequest, exc: PreconditionFailed) -> HttpResponse:
    title = "Precondition required" if exc.status == 428 else "Precondition failed"
    return problem(request, exc.status, title, exc.detail)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found", "No such record, or it is outside your need-to-know.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, 401, "Authentication required", "Send 'Authorization: Bearer <token>'.")
    response["WWW-Authenticate"] = 'Bearer realm="custos"'
    return response


@api.exception_handler(PermissionError)
def _forbidden_py(request: HttpRequest, exc: PermissionError) -> HttpResponse:
    return problem(request, 403, "Forbidden", str(exc) or "You cannot do this.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, "Forbidden", str(exc) or "You cannot do this.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NinjaValidationError):
        # django-ninja turns anything raised while parsing a body into a 400; a body that parsed but holds
        # what Parser refuses is a field error like any other.
        return _validation(request, exc.__cause__)
    return problem(request, exc.status_code, str(exc.message) if exc.status_code < 500 else "Server error")


CANNOT_BE_NULL = "This field cannot be null: leave it out to keep the current value."


def refuse_nulls(data: dict[str, Any], model: type[Any]) -> None:
    """A PATCH may send null only for what the record can hold empty (a date, a link): null for a field the
    model requires is a 422 on that field, not an IntegrityError when it is saved."""
    from django.core.exceptions import FieldDoesNotExist

    emptied = []
    for name, value in data.items():
        if value is not None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # not a column (e.g. a nested object the service merges): the service decides
        if not field.null:
            emptied.append(name)
    if emptied:
        raise DjangoValidationError({name: [CANNOT_BE_NULL] for name in emptied})


def expected_version(request: HttpRequest, body_version: int | None) -> int:
    """The version the client last saw: `If-Match: "N"` header, or a `version` field in the body."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit():
            raise PreconditionFailed('If-Match must be the ETag you received, for example "3".')
        return int(value)
    if body_version is not None:
        return body_version
    raise PreconditionFailed(
        "Send the version you are updating, as an If-Match header or a 'version' field, so that "
        "concurrent edits cannot silently overwrite each other.",
        status=428,
    )


def _register_routers() -> None:
    from custos.core.domains import DOMAIN_APPS, optional_module

    for app in DOMAIN_APPS:
        module = optional_module(app, "api")
        if module is None:
            continue
        routers = getattr(module, "ROUTERS", None) or [(f"/{app}", module.router)]
        for prefix, router in routers:
            api.add_router(prefix, router)


_register_routers()
