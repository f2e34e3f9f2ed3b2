"""Home panel items: a coloured tag always carries its own words, in a GOV.UK tag colour."""

from __future__ import annotations

import re

import pytest

from custos.core.home_panels import TAG_NEEDS_LABEL, PanelItem


@pytest.mark.parametrize(
    ("tag", "label", "css"),
    [
        ("red", "Overdue", "govuk-tag--red"),
        ("amber", "Over span", "govuk-tag--orange"),
        ("green", "OK", "govuk-tag--green"),
        ("", "", ""),
    ],
)
def test_each_tag_colour_maps_to_a_govuk_tag(tag: str, label: str, css: str) -> None:
    assert PanelItem("x", tag=tag, label=label).tag_class == css


@pytest.mark.parametrize(("tag", "label"), [("red", ""), ("amber", ""), ("purple", "Odd")])
def test_a_tag_without_words_or_of_an_unknown_colour_is_refused(tag: str, label: str) -> None:
    with pytest.raises(ValueError, match=re.escape(TAG_NEEDS_LABEL)):
        PanelItem("Three reviews overdue", tag=tag, label=label)
