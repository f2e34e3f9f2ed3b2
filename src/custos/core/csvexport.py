"""CSV downloads that a spreadsheet opens as data, never as formulas.

Exports are read in Excel or LibreOffice by analysts and supervisors. A cell that starts with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return, which some spreadsheets skip before parsing) is taken as a
formula, so text that came from outside the force (a location or summary from the records system, a name
on an imported crime) could run ``=HYPERLINK(...)`` or worse on an officer's machine: CSV injection (OWASP,
"CSV Injection"). Every export therefore writes text cells through :func:`spreadsheet_safe`, which prefixes
such a cell with an apostrophe, the spreadsheets' own mark for "this is text". Numbers, dates and booleans
pass unchanged, so a negative count stays a number.

Machine-read files (the hash sets handed to the scanner) do not go through here: they are never opened in a
spreadsheet and their cells are hex digests.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

from django.http import HttpResponse

# The characters a spreadsheet treats as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The value as a spreadsheet should show it: text that would start a formula gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SpreadsheetSafeWriter:
    """``csv.writer`` with every cell passed through :func:`spreadsheet_safe`.

    ``writerow`` returns what the underlying file's ``write`` returns, so a streaming response can yield it.
    """

    def __init__(self, fh: _Writable) -> None:
        self._writer = csv.writer(fh)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([spreadsheet_safe(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class Echo:
    """A file whose ``write`` hands the line back: for a ``StreamingHttpResponse`` that yields rows."""

    def write(self, text: str, /) -> str:
        return text


def csv_attachment(filename: str) -> tuple[HttpResponse, SpreadsheetSafeWriter]:
    """An empty CSV download named ``filename`` and the safe writer that fills it."""
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, SpreadsheetSafeWriter(response)
