"""The link crawl's page checks (custos.core.pagecrawl) find what they claim to, and nothing else."""

from __future__ import annotations

import pytest

from custos.core.pagecrawl import markup_problems

PAGE = "<html><body><h1>Title</h1>{}</body></html>"

CASES = [
    ("labelled by for", PAGE.format('<label for="q">Q</label><input id="q" name="q">'), []),
    ("wrapped in its label", PAGE.format('<label>Q <input name="q"></label>'), []),
    ("aria-label", PAGE.format('<select name="s" aria-label="S"></select>'), []),
    ("hidden and buttons need none", PAGE.format('<input type="hidden" name="h"><input type="submit">'), []),
    (
        "placeholder is not a label",
        PAGE.format('<input name="q" placeholder="Q">'),
        ["input 'q' has no label"],
    ),
    (
        "label for another id",
        PAGE.format('<label for="x">X</label><textarea id="y" name="t"></textarea>'),
        ["textarea 't' has no label"],
    ),
    (
        "two forms, one id",
        PAGE.format('<input id="id_reason" aria-label="a"><input id="id_reason" aria-label="b">'),
        ["id 'id_reason' used 2 times"],
    ),
    ("no h1", "<html><body><h2>x</h2></body></html>", ["0 h1 headings (a page has exactly one)"]),
    ("two h1", PAGE.format("<h1>again</h1>"), ["2 h1 headings (a page has exactly one)"]),
    ("an htmx fragment has no h1", "<table><tr><td>x</td></tr></table>", []),
    (
        "image without alt",
        PAGE.format('<img src="/a.png"><img src="/b.png" alt="">'),
        ["1 images without alt text"],
    ),
]


@pytest.mark.parametrize(("html", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_markup_problems(html: str, expected: list[str]) -> None:
    assert markup_problems(html) == expected
