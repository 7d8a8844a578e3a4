"""Read the rows of one worksheet of an .xlsx file: fast, and safe with a hostile file.

A workbook is a zip of XML parts. Before anything is parsed, the sizes the zip declares
are checked (a zip bomb unpacks to gigabytes), and a part that declares a DTD or XML
entities is refused (entities can expand to gigabytes or read other files). The XML is
then parsed with lxml, entities unresolved, no network, no huge text nodes, row by row,
so a sheet is refused at the first row past a limit. Only worksheets are read - not
chartsheets, macro sheets or links to other workbooks.

Cells come back as Python values: text, int or float, bool. A formula comes back as the
result the workbook stored with it (Excel, LibreOffice and orgplan's own workbooks store
one), or, when it has none, as its text with a leading ``=``, so the reader can say so.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from orgplan.core.limits import Limit, limit
from orgplan.core.validation import shown
from orgplan.errors import OrgplanError

__all__ = ["read_rows", "column_index", "column_letters", "HEADER_ROWS"]

# The lines above the first seat that the row limit does not count: the header row, and the
# title lines an orgplan workbook puts above it (the header is looked for in the first 10 rows).
HEADER_ROWS = 10

Row = tuple[int, list[Any]]

# A DTD can only come before the first element, near the start of a part.
_PROLOG_BYTES = 65536
_DTD_MARKERS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be"))
# Parts larger than this are checked for their compression ratio (small parts compress any amount).
_RATIO_CHECKED_BYTES = 1_000_000
_PARSED = (".xml", ".rels")  # the parts orgplan parses
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


def column_index(letters: str) -> int:
    """``'A'`` -> 1, ``'AB'`` -> 28: a column's number from its letters.

    >>> column_index("A"), column_index("AB"), column_index("XFD")
    (1, 28, 16384)
    """
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    """1 -> ``'A'``, 28 -> ``'AB'``: a column's letters from its number.

    >>> column_letters(1), column_letters(28), column_letters(16384)
    ('A', 'AB', 'XFD')
    """
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def read_rows(
    data: bytes,
    path: object,
    prefer: tuple[str, ...],
    check: Callable[[str, int, list[Any]], None],
    *,
    error: type[OrgplanError],
    rows: Limit,
    columns: Limit,
    sheet_bytes: Limit,
) -> tuple[str, list[Row]]:
    """The name and rows of a worksheet of the .xlsx ``data``: the first named in ``prefer``, else the first.

    ``check(sheet, row_number, cells)`` sees each row as it is read and raises to stop.
    Rows are numbered as in the sheet; empty rows are left out. A sheet of more than twice
    ``rows`` rows (a header, the rows and as many empty ones) is refused before it is
    parsed, and a cell right of ``columns`` as it is read; an XML part (the worksheet, the
    shared text) that unpacks to more than ``sheet_bytes`` is refused from the zip's directory.
    Raises ``error`` for anything that is not a readable workbook.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise error("not an Excel workbook (.xlsx)", path=path) from None
    with archive:
        _check_archive(archive, path, error, sheet_bytes)
        book = _Book(archive, path, error)
        sheets = book.worksheets()
        if not sheets:
            raise error(
                "the workbook has no worksheet; expected a sheet with a header row and rows below it", path=path
            )
        by_name = {name.lower(): (name, part) for name, part in sheets}
        name, part = next((by_name[p] for p in prefer if p in by_name), sheets[0])
        _count_rows(archive, part, name, path, error, rows)
        strings = book.shared_strings()
        out = []
        for number, cells in book.rows(part, strings, columns):
            check(name, number, cells)
            out.append((number, cells))
    return name, out


def _check_archive(archive: zipfile.ZipFile, path: object, error: type[OrgplanError], sheet_bytes: Limit) -> None:
    """Refuse a workbook that unpacks too large or declares XML entities, before parsing any of it."""
    members = limit("workbooks.zip_members")
    infos = archive.infolist()
    if len(infos) > members.value:
        raise error(f"a workbook of {len(infos):,} parts, more than orgplan reads: {members.describe()}", path=path)
    for info in infos:
        _check_size(info, path, error, sheet_bytes)
    for info in infos:
        if info.filename.lower().endswith(_PARSED):
            _check_prolog(archive, info, path, error)


def _check_size(info: zipfile.ZipInfo, path: object, error: type[OrgplanError], sheet_bytes: Limit) -> None:
    """Refuse a part by the sizes the zip's directory declares for it: unpacked, and unpacked for its packed size.

    A part orgplan parses (XML) is held to ``sheet_bytes``: parsing takes seconds and hundreds of
    MB per 100 MB, more than rows within the row limit need.
    """
    parsed = info.filename.lower().endswith(_PARSED)
    for most in (limit("workbooks.part_bytes"), *([sheet_bytes] if parsed else [])):
        if info.file_size > most.value:
            raise error(
                f"part {shown(info.filename)} unpacks to {info.file_size:,} bytes, more than orgplan reads: "
                f"{most.describe()}",
                path=path,
            )
    ratio = limit("workbooks.compression_ratio")
    if info.file_size > _RATIO_CHECKED_BYTES and info.file_size > ratio.value * max(info.compress_size, 1):
        times = info.file_size / max(info.compress_size, 1)
        raise error(
            f"part {shown(info.filename)} unpacks to {times:,.0f} times its packed size, more than "
            f"orgplan reads: {ratio.describe()}",
            path=path,
        )


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: object, error: type[OrgplanError]) -> None:
    """Refuse an XML part that declares a DTD or entities, from the first bytes it unpacks to."""
    try:
        with archive.open(info) as part:
            head = part.read(_PROLOG_BYTES)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as exc:
        raise error(f"part {shown(info.filename)} cannot be unpacked ({_short(exc)})", path=path) from None
    if any(marker in head for marker in _DTD_MARKERS):
        raise error(
            f"part {shown(info.filename)} declares a DTD or XML entities (<!DOCTYPE or <!ENTITY); "
            "orgplan refuses them, since they can expand to gigabytes or read other files",
            path=path,
        )


def _count_rows(
    archive: zipfile.ZipFile, part: str, sheet: str, path: object, error: type[OrgplanError], rows: Limit
) -> None:
    """Count the sheet's rows in its raw XML (much faster than parsing it), to refuse a long sheet at once.

    Every row counts here, empty or not; the reader counts the rows with values exactly.
    """
    most = 2 * int(rows.value) + 1
    count, carry = 0, b""
    with _open(archive, part, path, error) as xml:
        while True:
            chunk = xml.read(1 << 20)
            text = carry + chunk
            cut = text.rfind(b"<") if chunk else len(text)
            cut = len(text) if cut < 0 else cut
            count += len(_ROW_TAG.findall(text, 0, cut))
            carry = text[cut:]
            if count > most:
                raise error(
                    f"more than {most:,} rows, empty or not; orgplan reads a header and {rows.describe()}",
                    path=path,
                    where=f"sheet '{sheet}'",
                )
            if not chunk:
                return


def _open(archive: zipfile.ZipFile, part: str, path: object, error: type[OrgplanError]) -> Any:
    try:
        return archive.open(part)
    except KeyError:
        raise error(f"part {shown(part)} is missing; the workbook is damaged", path=path) from None


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:100]}" if text else type(exc).__name__


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _Book:
    """The parts of a workbook that lead to its worksheets' cells."""

    def __init__(self, archive: zipfile.ZipFile, path: object, error: type[OrgplanError]):
        self.archive, self.path, self.error = archive, path, error
        root_rels = self._relationships("_rels/.rels", "")
        self.workbook = next(
            (target for kind, target in root_rels.values() if kind == "officeDocument"), "xl/workbook.xml"
        )
        folder = posixpath.dirname(self.workbook)
        self.rels = self._relationships(
            posixpath.join(folder, "_rels", posixpath.basename(self.workbook) + ".rels"), folder
        )

    def _parse(self, part: str) -> Any:
        from lxml import etree

        try:
            with _open(self.archive, part, self.path, self.error) as xml:
                return etree.parse(xml, _parser()).getroot()
        except etree.LxmlError as exc:
            raise self.error(f"part {shown(part)} is not well-formed XML ({_short(exc)})", path=self.path) from None

    def _relationships(self, part: str, folder: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (kind, part name) of the parts inside the file (links to outside are left out)."""
        if part not in self.archive.NameToInfo:
            return {}
        out = {}
        for rel in self._parse(part).iter("{*}Relationship"):
            if rel.get("TargetMode", "").lower() == "external":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], name)
        return out

    def worksheets(self) -> list[tuple[str, str]]:
        """(name, part) of each worksheet, in the workbook's order."""
        out = []
        for sheet in self._parse(self.workbook).iter("{*}sheet"):
            rel_id = next((v for k, v in sheet.attrib.items() if _local(k) == "id" and "relationships" in k), None)
            kind, part = self.rels.get(rel_id or "", ("", ""))
            if kind == "worksheet" and part in self.archive.NameToInfo:
                out.append((sheet.get("name", ""), part))
        return out

    def shared_strings(self) -> list[str]:
        part = next((p for kind, p in self.rels.values() if kind == "sharedStrings"), None)
        if part is None:
            return []
        strings = []
        for _, si in self._iterate(part, "si"):
            strings.append(_text_of(si))
            _free(si)
        return strings

    def _iterate(self, part: str, tag: str) -> Iterator[tuple[str, Any]]:
        from lxml import etree

        try:
            with _open(self.archive, part, self.path, self.error) as xml:
                yield from etree.iterparse(xml, events=("end",), tag=f"{{*}}{tag}", **_SAFE)
        except etree.LxmlError as exc:
            raise self.error(f"part {shown(part)} is not well-formed XML ({_short(exc)})", path=self.path) from None

    def rows(self, part: str, strings: list[str], columns: Limit) -> Iterator[Row]:
        """Each non-empty row of a worksheet part as (row number, cells)."""
        number = 0
        for _, row in self._iterate(part, "row"):
            number = _int(row.get("r"), number + 1)
            values: dict[int, Any] = {}
            column = 0
            for cell in row:
                if _local(cell.tag) != "c":
                    continue
                ref = _CELL_REF.fullmatch(cell.get("r", ""))
                column = column_index(ref.group(1)) if ref else column + 1
                if column > columns.value:
                    raise self.error(
                        f"a cell in column {column:,}, more than orgplan reads: {columns.describe()}",
                        path=self.path,
                        where=f"row {number:,}",
                    )
                value = self._value(cell, strings)
                if value is not None:
                    values[column] = value
            _free(row)
            if values:
                cells: list[Any] = [None] * max(values)
                for column, value in values.items():
                    cells[column - 1] = value
                yield number, cells

    def _value(self, cell: Any, strings: list[str]) -> Any:
        kind = cell.get("t", "n")
        formula = v = inline = None
        for child in cell:
            name = _local(child.tag)
            if name == "f":
                formula = child.text or ""
            elif name == "v":
                v = child.text
            elif name == "is":
                inline = _text_of(child)
        if formula is not None and not v:
            return "=" + formula  # a formula with no stored result
        if kind == "inlineStr":
            return inline
        if v is None:
            return None
        if kind == "s":
            index = _int(v, -1)
            if not 0 <= index < len(strings):
                raise self.error(
                    f"cell {cell.get('r', '')} names shared text {shown(v)}, which the workbook does not "
                    "have; the workbook is damaged",
                    path=self.path,
                )
            return strings[index]
        if kind == "b":
            return v.strip() == "1"
        if kind in ("str", "e", "d"):
            return v
        return _number(v)


def _number(text: str) -> Any:
    """A number cell as openpyxl reads it: an int unless it has a point or an exponent; text if it is no number."""
    text = text.strip()
    try:
        return float(text) if any(ch in text for ch in ".eE") else int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _int(text: str | None, default: int) -> int:
    if text is None or not text.isdigit() or len(text) > 9:
        return default
    return int(text)


def _text_of(element: Any) -> str:
    """The text of a shared or inline string: its ``t`` and its runs' ``t``, without phonetic guides."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _free(element: Any) -> None:
    """Drop a parsed element and the ones before it, so memory stays flat however long the part."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


_SAFE: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
}


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(**_SAFE)
