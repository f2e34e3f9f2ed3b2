"""Home panel for readers of aggregates: where the inspection measures and the reports behind them are."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from custos.core.access import scope_of
from custos.core.home_panels import Panel, PanelItem, register
from custos.core.pages import can_open
from custos.reporting import access

REPORTS = (
    ("investigations:nfa_rates", "NFA rates by crime type, offence group and team"),
    ("victims:compliance", "Victims' Code compliance by right, team and borough"),
    ("workforce:training", "Training and accreditation expiries"),
)


@register
def reporting_panels(user: Any, today: date) -> list[Panel]:
    if not access.can_read_measures(scope_of(user)):
        return []
    items = [
        PanelItem(
            text="Inspection measures: one figure for each inspectorate finding, with its basis",
            url=reverse("reporting:inspection"),
        )
    ]
    items += [PanelItem(text=text, url=reverse(name)) for name, text in REPORTS if can_open(user, name)]
    return [Panel(title="Reports", order=40, items=items)]
