"""Follow every link an account is shown, and report any that fails it or any page that is hard to use.

A checking tool for engineers, run against a seeded database with demo accounts (`custos demo --no-serve`):
`DATABASE_URL=… python -m custos.core.pagecrawl [USERNAME ...]` prints, per account, the pages read and the
problems found: a link that answers 404 to the person it was shown to (the page's need-to-know refuses them,
so the link should not be there), any server error, and on each page the basics a screen-reader user needs
(`markup_problems`): one h1, a label for every form control, unique ids, alt text on images.
`tests/core/test_interface_contract.py` runs it for every demo account; `benchmarks/page_sweep.py` times
every page it reaches at London scale.

It reads through Django's test client as the signed-in account (second factor verified), so it sees exactly
what that person would, and it never submits a form. Reading sensitive records is audited as usual.

Links are `href` and `hx-get` targets in the pages' HTML; forms are not submitted. Pages with the same shape
(ids replaced) are sampled three times each, so the crawl covers every kind of page without reading every
record.
"""

from __future__ import annotations

import collections
import json
import os
import re
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
NOT_PAGES = ("/static/", "/accounts/logout", "/api/")
SAMPLES_PER_SHAPE = 3
PAGES_PER_ACCOUNT = 250


def shape(url: str) -> str:
    """The page a URL is an instance of: ids become N and query values are dropped."""
    path, _, query = url.partition("?")
    keys = sorted(pair.split("=")[0] for pair in query.split("&")) if query else []
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(keys) if keys else "")


class _Markup(HTMLParser):
    """Collects what `markup_problems` checks, in one pass over a page."""

    UNLABELLED_INPUT_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})

    def __init__(self) -> None:
        super().__init__()
        self.whole_page = False  # an htmx fragment has no <html> and no h1 of its own
        self.h1 = 0
        self.ids: collections.Counter[str] = collections.Counter()
        self.labelled_ids: set[str] = set()
        self.inside_label = 0
        self.controls: list[tuple[str, str, str | None, bool]] = []  # tag, name, id, named by its markup
        self.images_without_alt = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.whole_page |= tag == "html"
        self.h1 += tag == "h1"
        if a.get("id"):
            self.ids[a["id"] or ""] += 1
        if tag == "label":
            self.inside_label += 1
            if a.get("for"):
                self.labelled_ids.add(a["for"] or "")
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and a.get("type", "text") in self.UNLABELLED_INPUT_TYPES:
                return
            named = "aria-label" in a or "aria-labelledby" in a or self.inside_label > 0
            self.controls.append((tag, a.get("name") or "", a.get("id"), named))
        elif tag == "img" and "alt" not in a:
            self.images_without_alt += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.inside_label -= 1


def markup_problems(html: str) -> list[str]:
    page = _Markup()
    page.feed(html)
    problems = []
    if page.whole_page and page.h1 != 1:
        problems.append(f"{page.h1} h1 headings (a page has exactly one)")
    problems += [f"id {i!r} used {n} times" for i, n in sorted(page.ids.items()) if n > 1]
    problems += [
        f"{tag} {name!r} has no label"
        for tag, name, id_, named in page.controls
        if not named and (id_ is None or id_ not in page.labelled_ids)
    ]
    if page.images_without_alt:
        problems.append(f"{page.images_without_alt} images without alt text")
    return problems


# Called for every page read: (url, response, seconds). The page sweep benchmark times pages with it.
Observer = Callable[[str, Any, float], None]


def signed_in_client(username: str) -> Any:
    """A test client signed in as `username` with their confirmed authenticator, as after a real sign-in."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


def crawl(
    username: str,
    *,
    samples_per_shape: int = SAMPLES_PER_SHAPE,
    pages_per_account: int = PAGES_PER_ACCOUNT,
    observe: Observer | None = None,
) -> tuple[int, list[dict[str, object]]]:
    client = signed_in_client(username)
    problems: list[dict[str, object]] = []
    seen: set[str] = set()
    shapes: collections.Counter[str] = collections.Counter()
    queue = collections.deque([("/", "")])
    pages = 0
    while queue and pages < pages_per_account:
        url, shown_on = queue.popleft()
        if url in seen or shapes[shape(url)] >= samples_per_shape:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        pages += 1
        started = time.perf_counter()
        try:
            response = client.get(url)
        except Exception as exc:  # a view that raises is a server error: report it with its cause
            problems.append({"user": username, "url": url, "shown_on": shown_on, "error": repr(exc)[:500]})
            continue
        if observe is not None:
            observe(url, response, time.perf_counter() - started)
        if response.status_code >= 500 or (response.status_code == 404 and shown_on):
            status = response.status_code
            problems.append({"user": username, "url": url, "shown_on": shown_on, "status": status})
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            for problem in markup_problems(html):
                problems.append({"user": username, "url": url, "shown_on": shown_on, "markup": problem})
            for link in LINK.findall(html):
                link = link.replace("&amp;", "&")
                if not link.startswith(NOT_PAGES) and link not in seen:
                    queue.append((link, url))
    return pages, problems


def main(usernames: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custos.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host name
    report = {}
    for name in usernames:
        pages, problems = crawl(name)
        report[name] = {"pages": pages, "problems": problems}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
