"""A shop's product file as a table of text cells with line numbers, whatever program wrote it.

Shops' files come from Shopify, from a point-of-sale system or from a spreadsheet saved as CSV on a Spanish
Windows: UTF-8 with or without a BOM, Windows-1252, UTF-16 ("Unicode text" from Excel), `,`, `;` or tab
delimiters, cells with newlines inside quotes; or an XLSX workbook. Each row keeps the line it starts on in
the file (a quoted newline makes a row span several), so a bad row is reported where the owner can find it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import CancelToken

DELIMITERS = (",", ";", "\t", "|")
_CANCEL_EVERY = 2000  # rows read between cancel checks


class ProductFileError(UserError):
    """The product file cannot be read as a table."""


class Row(NamedTuple):
    line: int  # where the row starts in the file (the header is line 1 in a file without blank lines above it)
    cells: Sequence[str]


@dataclass(frozen=True)
class Table:
    path: Path
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str  # "utf-8", "utf-8-sig", "cp1252", "utf-16", or "xlsx"
    delimiter: str | None  # None for a workbook
    decimal: str | None  # "." for a workbook's numbers; None: decided from the cells (see numbers.py)

    def column(self, index: int) -> Iterator[str]:
        return (row.cells[index] if index < len(row.cells) else "" for row in self.rows)


def read_table(path: Path, cancel: CancelToken | None = None) -> Table:
    """The file's first sheet or its CSV rows; blank rows are left out, the first non-blank row is the header."""
    try:
        head = path.open("rb").read(4)
    except FileNotFoundError as exc:
        raise ProductFileError(_("There is no file {path}.").format(path=path),
                               _("Check the name and the folder, then run the import again.")) from exc
    except IsADirectoryError as exc:
        raise ProductFileError(_("{path} is a folder, not a product file.").format(path=path),
                               _("Give the CSV or XLSX file itself.")) from exc
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if head.startswith(b"PK") or path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_workbook(path, cancel)
    if path.suffix.lower() == ".xls":
        raise ProductFileError(_("{file} is an old Excel workbook (.xls), which cannot be read.").format(file=path.name),
                               _("Open it in your spreadsheet and save it as .xlsx or as CSV, then import that file."))
    return _read_csv(path, cancel)


def _unreadable(path: Path, exc: OSError) -> ProductFileError:
    return ProductFileError(_("{path} cannot be read ({reason}).").format(path=path, reason=exc.strerror or exc),
                            _("Check that you may read it."), str(exc))


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM says it; else UTF-8 if the bytes are valid UTF-8, else Windows-1252, the encoding of a
    CSV saved by Excel on a Spanish or English Windows (Latin-1 for the five bytes Windows-1252 leaves undefined)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter found most often, outside quotes, in the header (its first logical line)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text[:65536]:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in "\r\n":
                if any(counts.values()):
                    break
            elif ch in counts:
                counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, cancel: CancelToken | None) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProductFileError(_("{file} is not a text file (CSV) nor an XLSX workbook.").format(file=path.name),
                               _("Export the product list from your shop or spreadsheet as CSV or XLSX, then import that file."))
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text.lstrip("\r\n"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    headers: tuple[str, ...] | None = None
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers = tuple(cell.strip() for cell in cells)
                continue
            rows.append(Row(start, cells))
            if cancel is not None and len(rows) % _CANCEL_EVERY == 0:
                cancel.check()
    except csv.Error as exc:
        raise ProductFileError(_("{file} cannot be read as CSV near line {line} ({reason}).").format(file=path.name, line=end + 1,
                                                                                                    reason=exc),
                               _("A quote is probably left open there: fix that line in a text editor or spreadsheet, then import again."),
                               str(exc)) from exc
    if headers is None:
        raise ProductFileError(_("{file} is empty: it has no header row and no products.").format(file=path.name),
                               _("Export the product list again and import the new file."))
    return Table(path, _unique(headers), tuple(rows), encoding, delimiter, None)


def _read_workbook(path: Path, cancel: CancelToken | None) -> Table:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency; a broken install says so
        raise ProductFileError(_("Reading XLSX needs openpyxl, which is not installed."),
                               _("Install it with `pip install openpyxl`, or save the sheet as CSV and import that.")) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ProductFileError(_("{file} cannot be read as an XLSX workbook ({reason}).").format(file=path.name, reason=exc),
                               _("Open it in your spreadsheet and save it again as .xlsx or as CSV, then import that file."),
                               str(exc)) from exc
    try:
        sheet = next((ws for ws in book.worksheets if ws.max_row and ws.max_row > 1), book.worksheets[0] if book.worksheets else None)
        if sheet is None:
            raise ProductFileError(_("{file} has no sheets.").format(file=path.name),
                                   _("Put the product list on the first sheet and import again."))
        rows: list[Row] = []
        headers: tuple[str, ...] | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(_cell_text(value) for value in values)
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers = tuple(cell.strip() for cell in cells)
                continue
            rows.append(Row(number, cells))
            if cancel is not None and len(rows) % _CANCEL_EVERY == 0:
                cancel.check()
    finally:
        book.close()
    if headers is None:
        raise ProductFileError(_("The first sheet of {file} is empty.").format(file=path.name),
                               _("Put the product list on the first sheet and import again."))
    return Table(path, _unique(headers), tuple(rows), "xlsx", None, ".")


def _cell_text(value: object) -> str:
    """A cell as the text the file would hold: numbers in plain decimal notation (12.5, not 12.500000001), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _unique(headers: tuple[str, ...]) -> tuple[str, ...]:
    """A header repeated ('Talla', 'Talla') keeps its place; the later ones become 'Talla (2)', so --map can name each."""
    seen: dict[str, int] = {}
    named = []
    for header in headers:
        key = header.lower()
        seen[key] = seen.get(key, 0) + 1
        named.append(header if seen[key] == 1 or not header else f"{header} ({seen[key]})")
    return tuple(named)
