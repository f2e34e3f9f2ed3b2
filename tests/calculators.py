"""Run a domain's `custos calc` calculator exactly as the CLI would: its own parser, then its run function."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any


def calculator_runner(calculators: Sequence[Any]) -> Callable[..., dict[str, Any]]:
    def run(name: str, *argv: str) -> dict[str, Any]:
        calculator = next(c for c in calculators if c.name == name)
        parser = argparse.ArgumentParser(prog=f"custos calc {name}")
        calculator.configure(parser)
        result: dict[str, Any] = calculator.run(parser.parse_args(list(argv)))
        return result

    return run
