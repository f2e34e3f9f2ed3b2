"""Pages only some people may open, and the links to them that only those people see.

A page's rule is written once, on its view (`@opens_for(rule)`): the view answers 404 to anyone the
rule refuses (need-to-know: existence is information), and every link to the page, in the header
navigation (`core.domains.nav_items`) or in a template (`{% can_open "app:name" as ok %}`), asks the
same rule through `can_open`. So a link is never shown to someone the page would refuse, and the two
cannot drift apart. A view without a rule is open to every signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, resolve, reverse

from custos.core.access import ActorScope, not_found, scope_of

PageRule = Callable[[ActorScope], bool]


def opens_for(rule: PageRule) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view: only people whose scope satisfies `rule` may open it; anyone else gets 404."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rule(scope_of(request.user)):
                raise not_found()
            return view(request, *args, **kwargs)

        guarded.opens_for = rule  # type: ignore[attr-defined]  # read back by can_open
        return guarded

    return decorate


def can_open(user: Any, url_name: str, *args: Any) -> bool:
    """Whether `user` may open the page named `url_name` (False if the name does not resolve)."""
    try:
        view = resolve(reverse(url_name, args=args)).func
    except NoReverseMatch:
        return False
    # login_required and friends copy the attribute along through functools.wraps.
    rule: PageRule | None = getattr(view, "opens_for", None)
    return rule is None or rule(scope_of(user))
