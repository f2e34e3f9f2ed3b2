from __future__ import annotations

from custos.core.domains import DomainAppConfig


class ReportingConfig(DomainAppConfig):
    default = True
    name = "custos.reporting"
    label = "reporting"
    NAV = [("Inspection measures", "reporting:inspection", None)]  # the page's own rule decides who sees it
