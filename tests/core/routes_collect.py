"""Collect every app's RouteCases and resolve them to concrete requests."""

from __future__ import annotations

import functools
import importlib
import re
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.routecases import RouteCase

TESTS_DIR = Path(__file__).resolve().parents[1]
# Framework pages that are not Custos routes: Django admin is covered by its own staff check.
IGNORED_NAMESPACES = ("admin",)


def all_route_cases() -> list[RouteCase]:
    """Every `ROUTES` list in a `tests/<app>/routes.py` (whether or not that folder is a package)."""
    cases: list[RouteCase] = []
    for path in sorted(TESTS_DIR.glob("*/routes.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.routes")
        cases.extend(module.ROUTES)
    return cases


def page_url_names() -> set[str]:
    """Every named URL pattern outside the API and the ignored namespaces."""
    names: set[str] = set()

    def walk(patterns: list[Any], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}{p.namespace}:" if p.namespace else ns
                if (p.namespace or "") in IGNORED_NAMESPACES or p.namespace == "api-1":
                    continue
                walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{ns}{p.name}")

    walk(get_resolver().url_patterns, "")
    return names


@functools.cache
def api_operations() -> dict[str, tuple[str, str]]:
    """API operation name (function name) -> (METHOD, path template).

    Built once per process: ninja regenerates the whole OpenAPI schema on every call (about 0.45 s), and
    every API request of the permission matrix resolves its URL here."""
    from custos.api import api

    ops: dict[str, tuple[str, str]] = {}
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            name = re.sub(r"^.*_api_", "", op["operationId"])
            if name in ops:
                raise AssertionError(
                    f"two API operations are named {name!r}: give them distinct function names"
                )
            ops[name] = (method.upper(), path)
    return ops


def case_url(case: RouteCase, kwargs: dict[str, Any]) -> str:
    if case.is_api:
        name = case.name.split(":", 1)[1]
        if name in ("openapi-json", "openapi-view"):
            return reverse(case.name)
        method, template = api_operations()[name]
        assert method == case.method.upper(), f"{case.label()}: the API route is {method}, not {case.method}"
        url = template
        for k, v in kwargs.items():
            url = url.replace("{" + k + "}", str(v))
        assert "{" not in url, f"{case.label()}: missing path parameters in {url}"
        return url + (f"?{case.query}" if case.query else "")
    return reverse(case.name, kwargs=kwargs) + (f"?{case.query}" if case.query else "")
