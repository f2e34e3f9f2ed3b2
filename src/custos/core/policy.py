"""The force's policy: every configurable number, held as versioned data.

Pure module (no Django import) so that rules, the CLI calculators and the offline triage scanner can
all read the same file. Law lives in code with its statute citation; anything tagged [M] or [D] in the
reference notes is *policy* and lives in ``policy/default.toml`` (or the file named by
``CUSTOS_POLICY_FILE``). Every decision records ``policy.version`` so that it can be re-explained later.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "policy" / "default.toml"


class PolicyError(Exception):
    """The policy file is missing, malformed or lacks a key a rule needs."""


@dataclass(frozen=True)
class Policy:
    version: str
    data: dict[str, Any] = field(repr=False)
    source: str = ""
    # Looked-up keys: the nightly sweep asks for the same few keys hundreds of thousands of times.
    _found: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def get(self, key: str) -> Any:
        """Return the value at a dotted key such as ``offenders.visits.due_soon_days``."""
        try:
            return self._found[key]
        except KeyError:
            pass
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise PolicyError(f"policy {self.version} has no key {key!r}")
            node = node[part]
        self._found[key] = node
        return node

    def basis(self, key: str) -> str:
        """The citation a decision carries when a number came from policy."""
        return f"policy {key} (v{self.version})"

    def with_overrides(self, overrides: dict[str, Any]) -> Policy:
        """A copy with dotted keys replaced, for what-if simulation. The version is marked as derived."""
        data = _deep_copy(self.data)
        for key, value in overrides.items():
            parts = key.split(".")
            node = data
            for part in parts[:-1]:
                if part not in node or not isinstance(node[part], dict):
                    raise PolicyError(f"policy {self.version} has no section {part!r} for override {key!r}")
                node = node[part]
            if parts[-1] not in node:
                raise PolicyError(f"policy {self.version} has no key {key!r} to override")
            node[parts[-1]] = value
        return Policy(version=f"{self.version}+whatif", data=data, source=self.source)


def _deep_copy(d: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _deep_copy(v) if isinstance(v, dict) else (list(v) if isinstance(v, list) else v)
        for k, v in d.items()
    }


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """Load and validate a policy file. Raises PolicyError with a clear message on any problem."""
    p = Path(path) if path else Path(os.environ.get("CUSTOS_POLICY_FILE") or DEFAULT_POLICY_FILE)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {p}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(f"policy file {p} is not valid TOML: {exc}") from exc
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise PolicyError(f"policy file {p} must set a top-level string 'version'")
    return Policy(version=version, data=data, source=str(p))


@lru_cache(maxsize=1)
def _cached(path: str) -> Policy:
    return load_policy(path)


def current_policy() -> Policy:
    """The policy in force for this process (cached; tests may call ``current_policy.cache_clear``)."""
    return _cached(os.environ.get("CUSTOS_POLICY_FILE") or str(DEFAULT_POLICY_FILE))


current_policy.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]
