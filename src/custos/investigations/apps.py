from __future__ import annotations

from custos.core.domains import DomainAppConfig


class InvestigationsConfig(DomainAppConfig):
    default = True
    name = "custos.investigations"
    label = "investigations"
    verbose_name = "Investigations"
    NAV = [
        ("My worklist", "investigations:worklist", None),
        ("NFA rates", "investigations:nfa_rates", None),
    ]
