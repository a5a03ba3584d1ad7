"""The spreadsheet-safe helpers the exports and the CSV reports share (pure functions)."""

import csv
import io
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from app.exports import formats
from app.exports.formats import (
    BOM,
    csv_document,
    csv_stream,
    ods_stream,
    safe_cell,
    xlsx_stream,
)
from tests.exports.reading import ods_rows


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


def test_safe_cell_defuses_formulas_after_leading_spaces_only():
    for risky in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "   =1", " \t=1"):
        assert safe_cell(risky) == "'" + risky, repr(risky)
    for harmless in ("a=1", "1-2", "x@y.example", "", " ", "'=1"):
        assert safe_cell(harmless) == harmless, repr(harmless)
    assert safe_cell(None) == ""
    assert safe_cell(-3) == "'-3"  # a number shown as text, not computed


def test_a_control_character_cannot_hide_a_formula():
    # Stripped, "\x01=cmd" would be "=cmd": it must be defused after stripping.
    line = csv_document(["\x01=cmd|' /C calc'!A0", "ok\x07", "\x00+1"], [])
    assert _parse(line) == [["'=cmd|' /C calc'!A0", "ok", "'+1"]]


def test_csv_document_quotes_per_rfc_4180_and_formats_values():
    document = csv_document(
        ["name", "note", "when", "stamp", "list"],
        [
            [
                'Lefèvre, "Clo"',
                "two\nlines",
                date(2025, 3, 18),
                datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
                ["ko", "en"],
            ],
            (None, "=SUM(1)", None, None, []),
        ],
    )
    assert document.startswith(BOM + "name,note,when,stamp,list\r\n")
    assert '"Lefèvre, ""Clo""","two\nlines",2025-03-18,' in document
    assert _parse(document)[1:] == [
        ['Lefèvre, "Clo"', "two\nlines", "2025-03-18", "2025-01-02T03:04:05+00:00", "ko; en"],
        ["", "'=SUM(1)", "", "", ""],
    ]


async def test_csv_stream_gives_the_same_text_in_chunks():
    rows = [
        [f"Person {i}", "=1" if i % 3 == 0 else f"note {i}", "\x02" * (i % 2)] for i in range(5000)
    ]

    async def batches():
        for start in range(0, len(rows), 700):
            yield rows[start : start + 700]

    chunks = [
        chunk async for chunk in csv_stream(["name", "note", "x"], batches(), chunk_chars=10_000)
    ]

    assert len(chunks) > 5
    text = b"".join(chunks).decode("utf-8")
    assert text == csv_document(["name", "note", "x"], rows)
    assert _parse(text)[1] == ["Person 0", "'=1", ""]


def _temporary_files() -> set[Path]:
    return set(Path(tempfile.gettempdir()).iterdir()) | set(formats.temp_dir().iterdir())


async def test_an_aborted_xlsx_export_leaves_no_temporary_file():
    before = _temporary_files()

    async def batches():
        yield [["a", "=b"], ["c", "d"]]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        async for _chunk in xlsx_stream(["x", "y"], batches()):
            pass

    assert not _temporary_files() - before


async def test_xlsx_stream_cleans_up_after_itself():
    before = _temporary_files()

    async def batches():
        yield [["a", "=b"], ["#N/A", None]]

    content = b"".join([chunk async for chunk in xlsx_stream(["x", "y"], batches())])

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["x", "y"],
        ["a", "=b"],
        ["#N/A", None],
    ]
    assert sheet["B2"].data_type == "s" and sheet["A3"].data_type == "s"
    assert not _temporary_files() - before


@pytest.mark.parametrize(
    "risky",
    [
        "\ufeff=1+1",
        "\u200b=1",
        "\u200c\u200d+1",
        "\u2060@A1",
        "\u00a0-1",
        "＝1",
        "＋1",
        "－1",
        "＠A1",
        " \u3000＝HYPERLINK(1)",
    ],
)
def test_invisible_leads_and_fullwidth_signs_cannot_hide_a_formula(risky):
    assert safe_cell(risky) == "'" + risky
    assert _parse(csv_document([risky], [])) == [["'" + risky]]


def test_harmless_text_with_those_characters_is_kept():
    for harmless in ("a＝1", "\u200bhello", "\ufeffname", "1－2"):
        assert safe_cell(harmless) == harmless


async def test_the_xlsx_files_are_built_in_a_private_folder():
    seen = []

    async def batches():
        seen.extend(formats.temp_dir().iterdir())
        yield [["a", "b"]]

    b"".join([chunk async for chunk in xlsx_stream(["x", "y"], batches())])
    folder = formats.temp_dir()
    assert folder.stat().st_mode & 0o777 == 0o700
    # While it was being built, its sheet was in that folder, named after this process.
    assert any(p.name.startswith(f"crm-export-{os.getpid()}-") for p in seen)
    assert not list(folder.glob(f"crm-export-{os.getpid()}-*"))


def test_files_of_a_crashed_process_are_removed_at_start_and_live_ones_kept():
    folder = formats.temp_dir()
    orphan = folder / "crm-export-999999999-abc.xlsx"  # no such process
    orphan.write_bytes(b"personal data")
    parent_pid = os.getppid()  # alive (the test runner's parent)
    live = folder / f"crm-export-{parent_pid}-abc.xlsx"
    live.write_bytes(b"in progress")
    try:
        assert formats.remove_orphaned_files() >= 1
        assert not orphan.exists()
        assert live.exists()
    finally:
        live.unlink(missing_ok=True)


async def test_ods_cells_keep_their_text_exactly():
    cells = [
        "  leading, inner   and trailing  ",
        "two\nlines\r\nand\rthree",
        "tab\there",
        "<b>&amp;</b> \"quoted\" 'single'",
        "=1+1",
        "\x01=cmd",
        "臺北市政府 김민준 Chișinău",
        None,
        "",
        date(2025, 3, 18),
    ]

    async def batches():
        yield [cells]

    content = b"".join([chunk async for chunk in ods_stream(["<a>", "b & c"], batches())])

    rows = ods_rows(content)
    assert rows[0] == ["<a>", "b & c"]
    assert rows[1] == [
        "  leading, inner   and trailing  ",
        "two\nlines\nand\nthree",
        "tab\there",
        "<b>&amp;</b> \"quoted\" 'single'",
        "=1+1",  # a text cell: shown, never run
        "=cmd",  # the control character dropped, as in XLSX
        "臺北市政府 김민준 Chișinău",
        None,
        None,
        "2025-03-18",
    ]


async def test_ods_streams_while_the_rows_are_still_coming():
    """The first bytes go out before the last batch is read, and no chunk holds more than
    about one batch: the file is never built whole, in memory or on disk."""
    before = _temporary_files()
    read = []
    chunk_sizes = []

    async def batches():
        for start in range(0, 20_000, 1000):
            read.append(start)
            yield [[f"Person {n}", "陳怡婷", "x" * 40 + str(n)] for n in range(start, start + 1000)]

    chunks = []
    async for chunk in ods_stream(["a", "b", "c"], batches(), chunk_bytes=8 * 1024):
        chunks.append(chunk)
        chunk_sizes.append(len(chunk))
        if len(chunks) == 3:
            assert len(read) < 20
    assert max(chunk_sizes[1:]) < 64 * 1024
    assert not _temporary_files() - before
    rows = ods_rows(b"".join(chunks))
    assert len(rows) == 20_001 and rows[-1] == ["Person 19999", "陳怡婷", "x" * 40 + "19999"]
