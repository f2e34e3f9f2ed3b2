from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from custos.core.policy import Policy, current_policy
from custos.investigations.calc import CALCULATORS
from tests.calculators import calculator_runner


@pytest.fixture
def policy() -> Policy:
    return current_policy()


@pytest.fixture
def investigations_calc() -> Callable[..., dict[str, Any]]:
    """Run an investigations calculator as the CLI would: its own parser, then its run function."""

    return calculator_runner(CALCULATORS)
