"""CSV downloads open in a spreadsheet as data: text that would start a formula is marked as text.

Names, locations and reasons come from people and from other systems; opened in Excel, a cell such as
``=HYPERLINK("http://evil", "x")`` would otherwise run as a formula on an officer's machine.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from custos.core import audit
from custos.core.csvexport import spreadsheet_safe
from custos.workforce.models import Person

SRC = Path(__file__).resolve().parents[2] / "src" / "custos"

CELLS = [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-1+1", "'-1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("Camden", "Camden"),
    ("2026-11-26", "2026-11-26"),
    ("a=b", "a=b"),
    ("", ""),
    (-3, -3),
    (2.5, 2.5),
    (True, True),
    (None, None),
]


@pytest.mark.parametrize(("value", "expected"), CELLS, ids=[repr(c[0]) for c in CELLS])
def test_text_that_would_start_a_formula_is_marked_as_text(value: Any, expected: Any) -> None:
    assert spreadsheet_safe(value) == expected


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def test_people_export_marks_a_formula_in_a_name_as_text(force: Any, client_for: Any) -> None:
    admin = force.user("administrator")
    Person.objects.filter(user=admin).update(last_name='=HYPERLINK("http://x","y")')
    response = client_for(admin).get(reverse("workforce:people"), {"format": "csv"})
    assert response.status_code == 200
    names = [row[2] for row in _rows(response.content)[1:]]
    assert '\'=HYPERLINK("http://x","y")' in names
    assert not any(n.startswith("=") for n in names)


def test_audit_export_marks_a_formula_in_a_reason_as_text(force: Any, client_for: Any) -> None:
    standards = force.user("professional-standards")
    reason = "@cmd|' /C calc'!A0"
    audit.record(actor=standards, action="custos.test.noted", object_type="test", purpose=reason)
    response = client_for(standards).get(reverse("audit:export"), {"action": "custos.test.noted"})
    assert response.status_code == 200
    rows = _rows(b"".join(response.streaming_content))
    purposes = [r[rows[0].index("purpose")] for r in rows[1:]]
    assert purposes == ["'" + reason]


def test_every_csv_download_writes_through_the_spreadsheet_safe_writer() -> None:
    """A new export written with csv.writer directly would skip the protection; only machine files may."""
    machine_files = {SRC / "triage" / "hashstore.py"}  # hash sets for the scanner, not for a spreadsheet
    direct = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path not in machine_files
        and path.name != "csvexport.py"
        and re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert direct == []
