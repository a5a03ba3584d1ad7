"""Exported files read back for the people's exports: an ODS spreadsheet opened the way an
office suite opens it (the zip, then its XML), and the web app's Traditional Chinese catalog
of export labels as a gettext function."""

import ast
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from lxml import etree

ODS = "application/vnd.oasis.opendocument.spreadsheet"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
}
CATALOG = Path(__file__).parents[2] / "app/web/translations/zh_Hant_TW/LC_MESSAGES/exports.po"


def _name(prefix: str, local: str) -> str:
    return f"{{{NS[prefix]}}}{local}"


def ods_parts(content: bytes) -> dict[str, etree._Element]:
    """The XML files of an ODS package, after checking what ODF asks of the zip: the
    ``mimetype`` member first, stored uncompressed with no extra field, holding the media
    type (so a tool reads it at byte 38), and every member's CRC right."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert first.extra == b""
    assert content[30:38] == b"mimetype" and content[38 : 38 + len(ODS)] == ODS.encode()
    names = {info.filename for info in archive.infolist()}
    assert {"META-INF/manifest.xml", "content.xml", "styles.xml", "settings.xml"} <= names
    return {
        name: etree.fromstring(archive.read(name))
        for name in names - {"mimetype"}
        if name.endswith(".xml")
    }


def _text(paragraph: etree._Element) -> str:
    parts = [paragraph.text or ""]
    for child in paragraph:
        if child.tag == _name("text", "s"):
            parts.append(" " * int(child.get(_name("text", "c"), "1")))
        elif child.tag == _name("text", "tab"):
            parts.append("\t")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def ods_rows(content: bytes) -> list[list[Any]]:
    """The rows of an ODS export's one sheet, checking that every cell is text (never a
    formula); an empty cell reads as None."""
    table = ods_parts(content)["content.xml"].find(".//table:table", NS)
    assert table is not None
    rows = []
    for row in table.iter(_name("table", "table-row")):
        cells: list[Any] = []
        for cell in row.findall("table:table-cell", NS):
            assert cell.get(_name("table", "formula")) is None
            paragraphs = cell.findall("text:p", NS)
            if not paragraphs:
                cells.append(None)
                continue
            assert cell.get(_name("office", "value-type")) == "string"
            cells.append("\n".join(_text(p) for p in paragraphs))
        rows.append(cells)
    return rows


def sheet_rows(content: bytes, export_format: str) -> list[list[Any]]:
    """The rows of an XLSX or ODS export, every cell checked to be text."""
    if export_format == "ods":
        return ods_rows(content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    rows = []
    for row in workbook.active.iter_rows():
        for cell in row:
            assert cell.value is None or cell.data_type == "s", (cell.coordinate, cell.value)
            assert cell.number_format == "@", (cell.coordinate, cell.number_format)
        rows.append([cell.value for cell in row])
    return rows


def zh_gettext() -> Callable[[str], str]:
    """The catalog's translations as a gettext function (an untranslated message fails)."""
    messages: dict[str, str] = {}
    key: str | None = None
    for line in CATALOG.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            key = ast.literal_eval(line.removeprefix("msgid "))
        elif line.startswith("msgstr ") and key:
            messages[key] = ast.literal_eval(line.removeprefix("msgstr "))

    def gettext(message: str) -> str:
        assert messages.get(message), f"no Traditional Chinese for {message!r} in {CATALOG.name}"
        return messages[message]

    return gettext
