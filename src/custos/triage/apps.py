from __future__ import annotations

from custos.core.domains import DomainAppConfig


class TriageConfig(DomainAppConfig):
    default = True
    name = "custos.triage"
    label = "triage"
