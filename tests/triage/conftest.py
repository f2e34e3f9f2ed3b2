"""Fixtures for the triage scanner tests (helpers live in triage_fixtures.py: a unique module name)."""

from __future__ import annotations

from triage_fixtures import make_ext2, policy

__all__ = ["make_ext2", "policy"]
