"""A whole row of a row-order sheet written as XML in one go, as XlsxWriter itself would write it.

A very large workbook (tens of thousands of seats, millions of cells) is written in
XlsxWriter's ``constant_memory`` mode, where each cell passes through a public writing
method, a row table and a generic cell writer: some 6 us a cell, most of the workbook's
time. :class:`RowWriter` takes one row's cells, already in hand, and writes the same
``<row>`` element straight to the sheet's row file: the same cell references, styles,
inline strings, formulas with their values and escapes, at about a fifth of the cost.

Only the four plain kinds of cell go this way (number, text, formula, blank with a
format); a row holding anything else (a merged span, a missing format, a number Excel
cannot store, an array formula) is handed back for XlsxWriter's own methods. A test
writes the same rows both ways and compares the sheet XML byte for byte, so a release of
XlsxWriter that changes how it writes cells is noticed.

>>> import tempfile, pathlib, xlsxwriter
>>> book = xlsxwriter.Workbook(str(pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"), {"constant_memory": True})
>>> ws, bold = book.add_worksheet(), book.add_format({"bold": True})
>>> methods = number, string, formula, blank = ws.write_number, ws.write_string, ws.write_formula, ws.write_blank
>>> RowWriter(ws, methods).write(0, [(string, 0, 0, "Seats", bold), (number, 0, 1, 12, bold)])
True
>>> book.close()
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["RowWriter"]

_CONTROL = re.compile(r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # what XlsxWriter escapes as _xHHHH_
_ERRORS = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
_STRING_MAX = 32767  # UTF-16 units in a cell


def _column_names(count: int) -> list[str]:
    """The letters of the first ``count`` columns: A, B, ... Z, AA, AB, ..."""
    names = []
    for n in range(1, count + 1):
        name = ""
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        names.append(name)
    return names


_COLUMNS = _column_names(16_384)  # every column a sheet may have (XFD), made once: read by any thread


def _escaped(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class RowWriter:
    """Writes rows of plain cells to one ``constant_memory`` worksheet.

    ``methods`` are the worksheet's ``write_number``, ``write_string``, ``write_formula`` and
    ``write_blank`` as the cells hold them (the same objects: cells are told apart by identity).
    """

    def __init__(self, ws: Any, methods: tuple[Any, Any, Any, Any]):
        self.ws = ws
        self.number, self.string, self.formula, self.blank = methods
        self._xf: dict[Any, int] = {}  # format -> its index, in the order XlsxWriter would number them
        self._text: dict[str, str] = {}  # text -> its inline-string XML (a large sheet repeats titles and names)

    def write(self, row: int, cells: list[tuple[Any, ...]]) -> bool:
        """Write ``cells`` (each ``(method, row, col, value, format[, formula value])``) as row ``row``;
        False, having written nothing, when a cell is not one of the plain kinds. The row's height
        and outline level, if any, are set on the worksheet before."""
        number, string, formula, blank = self.number, self.string, self.formula, self.blank
        last, ordered = -1, True
        for cell in cells:
            method = cell[0]
            if method is number:
                value = cell[3]
                kind = type(value)
                if kind is not int and (not isinstance(value, float) or not math.isfinite(value)):
                    return False  # a number Excel cannot store, or one XlsxWriter converts (a fraction)
            elif method is formula:
                text = cell[3]
                if not text or text[0] == "{" or _dynamic(text):
                    return False
            elif method is not string and method is not blank:
                return False
            if cell[4] is None or cell[1] != row:
                return False
            if cell[2] <= last:
                ordered = False
            last = cell[2]
        if not cells:
            return False
        if not ordered:  # in column order, a cell written twice keeping its last value, as in XlsxWriter
            cells = sorted({cell[2]: cell for cell in cells}.values(), key=lambda cell: cell[2])
        ws = self.ws
        if ws.previous_row < row:
            ws._write_single_row(row)  # the row XlsxWriter holds, if any, goes first (as its next write would)
        elif ws.previous_row > row or ws.table:  # a later row, or this row's own cells, already with XlsxWriter
            return False
        if ws._check_dimensions(row, cells[0][2]) or ws._check_dimensions(row, cells[-1][2]):
            return False
        ws._write_row(row, None, ws.row_info.get(row))
        at, parts, xf, texts = str(row + 1), [], self._xf, self._text
        for cell in cells:
            method, fmt = cell[0], cell[4]
            style = xf.get(fmt)
            if style is None:
                style = xf[fmt] = fmt._get_xf_index()
            start = f'<c r="{_COLUMNS[cell[2]]}{at}" s="{style}"'
            if method is string:
                text = cell[3]
                tail = texts.get(text)
                if tail is None:
                    tail = _inline(text)
                    if len(texts) < _TEXTS_KEPT:
                        texts[text] = tail
                parts.append(start + tail)
            elif method is formula:
                parts.append(start + _formula(ws._prepare_formula(cell[3]), cell[5] if len(cell) > 5 else 0))
            elif method is number:
                parts.append(f"{start}><v>{cell[3]:.16G}</v></c>")
            else:
                parts.append(start + "/>")
        parts.append("</row>")
        ws.fh.write("".join(parts))
        # Nothing of this row is left pending, and XlsxWriter refuses a later write to it or above it,
        # as it refuses one to a row it has written itself.
        ws.previous_row = row + 1
        return True


_TEXTS_KEPT = 100_000


def _inline(text: str) -> str:
    if len(text) > _STRING_MAX // 2 and len(text.encode("utf-16-le", "surrogatepass")) // 2 > _STRING_MAX:
        from xlsxwriter.utility import _utf16_truncate

        text = _utf16_truncate(text, _STRING_MAX)
    if _CONTROL.search(text):
        from xlsxwriter.xmlwriter import XMLwriter

        text = XMLwriter._escape_control_characters(text)
    if text.startswith("<r>") and text.endswith("</r>"):  # XlsxWriter's rich text, written as it is
        return f' t="inlineStr"><is>{text}</is></c>'
    keep = ' xml:space="preserve"' if text and (text[0].isspace() or text[-1].isspace()) else ""
    return f' t="inlineStr"><is><t{keep}>{_escaped(text)}</t></is></c>'


def _formula(text: str, value: Any) -> str:
    kind = ""
    if isinstance(value, bool):
        kind, value = ' t="b"', int(value)
    elif isinstance(value, str):
        if value in _ERRORS:
            kind = ' t="e"'
        elif value:
            kind = ' t="str"'
        value = _escaped(value)
    return f"{kind}><f>{_escaped(text)}</f><v>{value}</v></c>"


def _dynamic(formula: str) -> bool:
    """Whether XlsxWriter writes ``formula`` as a dynamic array formula (it names a function such as
    FILTER or UNIQUE). Asked of the formula's shape, its digits as zeros: a column's formulas differ in
    their row numbers alone, and no such function's name has a digit."""
    shape = formula.translate(_ZEROS)
    found = _SHAPES.get(shape)
    if found is None:
        from xlsxwriter.worksheet import re_dynamic_function

        found = bool(re_dynamic_function.search(shape))
        if len(_SHAPES) < _TEXTS_KEPT:
            _SHAPES[shape] = found
    return found


_ZEROS = str.maketrans("123456789", "000000000")
_SHAPES: dict[str, bool] = {}
