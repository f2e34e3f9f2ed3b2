from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import pytest

from custos.core.policy import Policy, current_policy
from custos.victims.calc import CALCULATORS


@pytest.fixture
def policy() -> Policy:
    return current_policy()


@pytest.fixture
def victims_calc() -> Callable[..., dict[str, Any]]:
    """Run a victims calculator as the CLI would: its own parser, then its run function."""

    def run(name: str, *argv: str) -> dict[str, Any]:
        calculator = next(c for c in CALCULATORS if c.name == name)
        parser = argparse.ArgumentParser(prog=f"custos calc {name}")
        calculator.configure(parser)
        return calculator.run(parser.parse_args(list(argv)))

    return run
