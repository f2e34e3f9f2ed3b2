"""The ``custos calc RULE`` registry.

Each domain exposes ``CALCULATORS`` in ``custos/<app>/calc.py``: plain functions over the pure rules,
returning a JSON-ready dict that always includes the ``basis`` of the answer. The CLI, the tests and the
acceptance checks all call the same functions.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

# Domains that contribute calculators, in the order their help is listed.
CALC_MODULES = (
    "custos.offenders.calc",
    "custos.crimes.calc",
    "custos.investigations.calc",
    "custos.victims.calc",
)


class UserError(Exception):
    """A mistake the user can fix: printed to stderr without a traceback, exit status 2."""


def run_commands(register: Callable[[Any], None], argv: list[str] | None = None) -> int:
    """Parse ``argv`` with the sub-commands ``register`` adds and run the chosen handler, as `custos` does:
    a `UserError` prints one line and exits 2. For a domain's commands run on their own (tests, field use)."""
    import sys

    parser = argparse.ArgumentParser(prog="custos")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UserError as exc:
        print(f"custos: error: {exc}", file=sys.stderr)
        return 2


@dataclass(frozen=True)
class Calculator:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], Any]  # a JSON-ready dict (or list, for listings)


def iso_date(value: str) -> date:
    """argparse type for YYYY-MM-DD with a clear message."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def all_calculators() -> list[Calculator]:
    found: list[Calculator] = []
    for name in CALC_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that domain has no calculators yet
                continue
            raise
        found.extend(module.CALCULATORS)
    return found
