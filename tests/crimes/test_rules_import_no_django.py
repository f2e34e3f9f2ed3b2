from __future__ import annotations

import subprocess
import sys

PURE_MODULES = [
    "custos.crimes.offences",
    "custos.crimes.rules",
    "custos.crimes.calc",
    "custos.investigations.rules",
    "custos.investigations.calc",
    "custos.victims.rules",
    "custos.victims.calc",
]
CHECK = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted({m.split('.')[0] for m in sys.modules} & {'django', 'ninja'})
print(' '.join(loaded))
"""


def test_the_rules_layer_never_imports_django() -> None:
    # A fresh interpreter: pytest-django has already imported Django into this one.
    out = subprocess.run(
        [sys.executable, "-c", CHECK, *PURE_MODULES], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
