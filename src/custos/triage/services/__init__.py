"""Writes for devices, chain of custody, triage results, examiners' decisions and grading. All audited.

``devices`` (intake and custody), ``results`` (scanner reports and the offender link), ``examination``
(assign, return, complete) and ``gradings``; callers use ``custos.triage.services`` as one module.
Hash-set imports and the triage kit live in ``custos.triage.hashstore``.
"""

from __future__ import annotations

from .devices import *  # noqa: F403
from .examination import *  # noqa: F403
from .gradings import *  # noqa: F403
from .results import *  # noqa: F403
