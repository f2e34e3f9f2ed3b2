"""Follow every link each demo account is shown, and report any that fails it.

Run as a script against a seeded demo database (`custos demo --no-serve`):
`DATABASE_URL=… python tests/core/linkcrawl.py [USERNAME ...]` prints a JSON list of problems: a link that
answers 404 to the person it was shown to (the page's need-to-know refuses them, so the link should not be
there), or any server error. `test_interface_contract` runs it for every demo account.

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

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
NOT_PAGES = ("/static/", "/accounts/logout", "/api/")
SAMPLES_PER_SHAPE = 3
PAGES_PER_ACCOUNT = 250


def _shape(url: str) -> str:
    path, _, query = url.partition("?")
    keys = sorted(pair.split("=")[0] for pair in query.split("&")) if query else []
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(keys) if keys else "")


def crawl(username: str) -> tuple[int, list[dict[str, object]]]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()

    problems: list[dict[str, object]] = []
    seen: set[str] = set()
    shapes: collections.Counter[str] = collections.Counter()
    queue = collections.deque([("/", "")])
    pages = 0
    while queue and pages < PAGES_PER_ACCOUNT:
        url, shown_on = queue.popleft()
        if url in seen or shapes[_shape(url)] >= SAMPLES_PER_SHAPE:
            continue
        seen.add(url)
        shapes[_shape(url)] += 1
        pages += 1
        try:
            response = client.get(url)
        except Exception as exc:  # a view that raises is a server error: report it with its cause
            problems.append({"user": username, "url": url, "shown_on": shown_on, "error": repr(exc)[:500]})
            continue
        if response.status_code >= 500 or (response.status_code == 404 and shown_on):
            status = response.status_code
            problems.append({"user": username, "url": url, "shown_on": shown_on, "status": status})
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for link in LINK.findall(response.content.decode()):
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
