"""Writes to the offender register. Each is atomic, audited, and re-runs the ladder where it matters."""

from __future__ import annotations

from .details import *  # noqa: F403
from .escalation import *  # noqa: F403
from .links import *  # noqa: F403
from .register import *  # noqa: F403
from .visits import *  # noqa: F403
