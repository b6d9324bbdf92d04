"""The known report of table_fixtures as whole files, the way agencies publish them: a portal
HTML page with rowspan/colspan tables, a PDF with ruled tables (Table 3 runs onto a second
page), a DOCX with merged cells, and the text dumps.

The printed tables are laid out once, as spanned cells (SpanCell), and every file format renders
that one layout, so the formats differ only in how they encode the same printed page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from benchmarks.printed import SECTIONS, T3_HEADER, T3_MAJOR, T4_HEADER

from . import table_fixtures as fx

PAGE_TOP = ("首页 > 政务公开 > 政府信息公开年报", "发布时间:2024-01-19 来源:某某区人民政府办公室")
PROSE_TOP = fx.PROSE_TOP
PROSE_BOTTOM = (*fx.PROSE_BOTTOM, "某某区人民政府办公室", "2024年1月18日")


@dataclass(frozen=True)
class SpanCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class PrintedTable:
    width: int
    height: int
    cells: tuple[SpanCell, ...]  # each cell at its top-left position; spans cover the rest


def _table(rows: list[list[tuple[str, int, int]]], width: int) -> PrintedTable:
    """Rows of (text, rowspan, colspan) as HTML writes them: a row lists only the cells that
    start in it, left to right, skipping positions covered by a span from above."""
    covered: set[tuple[int, int]] = set()
    cells = []
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in covered:
                c += 1
            cells.append(SpanCell(r, c, text, rowspan, colspan))
            covered |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            c += colspan
    return PrintedTable(width, len(rows), tuple(cells))


def _plain(texts) -> list[tuple[str, int, int]]:
    return [(t, 1, 1) for t in texts]


def table2(report: fx.Report) -> PrintedTable:
    """Each 第二十条 item: a full-width item row, a header row, its data rows; an item with one
    column spreads that column over the table's three value columns, as the official form does."""
    rows = []
    for block in report.table2:
        span = 4 - len(block.headers)  # the last header and its values fill the spare columns
        rows.append([(block.item, 1, 4)])
        rows.append([("信息内容", 1, 1), *_plain(block.headers[:-1]), (block.headers[-1], 1, span)])
        for label, _, raws in block.rows:
            rows.append([(label, 1, 1), *_plain(raws[:-1]), (raws[-1], 1, span)])
    return _table(rows, 4)


def table3(report: fx.Report) -> PrintedTable:
    """Three label columns (section, group, item) then the seven applicant columns."""
    printed = fx.t3_printed_rows(report.layout)
    rows = [
        [(T3_HEADER[0], 2, 3), (T3_HEADER[1], 2, 1), (T3_HEADER[2], 1, 5), (T3_HEADER[3], 2, 1)],
        _plain(T3_HEADER[4:]),
    ]
    section_rows = [code for _, _, code in printed if code not in ("new_received", "carried_over", "carried_forward")]
    for i, (group, label, code) in enumerate(printed):
        values = _plain(report.t3_raw(code))
        if code in ("new_received", "carried_over", "carried_forward"):
            rows.append([(label, 1, 3), *values])
            continue
        lead = [(T3_MAJOR, len(section_rows), 1)] if code == section_rows[0] else []
        if group and label[0].isdigit():  # a numbered item opens its group: the group spans its items
            size = 1
            while i + size < len(printed) and printed[i + size][0] is None and printed[i + size][1][0].isdigit():
                size += 1
            rows.append([*lead, (group, size, 1), (label, 1, 1), *values])
        elif label[0].isdigit():
            rows.append([*lead, (label, 1, 1), *values])
        else:  # (一)予以公开, (二)部分公开, 2019's (六)其他处理, (七)总计: label over both columns
            rows.append([*lead, (label, 1, 2), *values])
    return _table(rows, 10)


def table4(report: fx.Report) -> PrintedTable:
    five = T4_HEADER[2:7]
    rows = [
        [(T4_HEADER[0], 1, 5), (T4_HEADER[1], 1, 10)],
        [*((t, 2, 1) for t in five), (T4_HEADER[7], 1, 5), (T4_HEADER[8], 1, 5)],
        _plain(five * 2),
        _plain(report.t4_raw()),
    ]
    return _table(rows, 15)


def tables(report: fx.Report) -> tuple[PrintedTable, PrintedTable, PrintedTable]:
    return table2(report), table3(report), table4(report)


# Section headings placed before each table.
_HEADINGS = SECTIONS[1:4]


# --- HTML -------------------------------------------------------------------------------------
def _html_table(table: PrintedTable) -> str:
    rows: list[list[str]] = [[] for _ in range(table.height)]
    for cell in table.cells:
        spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
            f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
        )
        rows[cell.row].append(f"<td{spans}><p>{cell.text}</p></td>")
    return '<table border="1" cellspacing="0">' + "".join(f"<tr>{''.join(r)}</tr>" for r in rows) + "</table>"


def html_page(report: fx.Report, charset: str = "utf-8") -> bytes:
    """A portal page: chrome, a layout table around the content, the report's three tables."""
    body = [f"<p>{line}</p>" for line in PROSE_TOP[1:]]
    for heading, table in zip(_HEADINGS, tables(report)):
        body += [f"<p>{heading}</p>", _html_table(table)]
    body += [f"<p>{line}</p>" for line in PROSE_BOTTOM]
    page = f"""<!DOCTYPE html><html><head><meta charset="{charset}"><title>{PROSE_TOP[0]}</title></head>
<body><div class="crumb">{PAGE_TOP[0].replace(">", "&gt;")}</div>
<table class="layout"><tr><td>
<h1>{PROSE_TOP[0]}</h1><div>{PAGE_TOP[1]}</div>
{"".join(body)}
</td></tr></table>
<div>上一篇:某某区2022年政府信息公开工作年度报告</div><div>版权所有:某某区人民政府 ICP备000000号</div>
</body></html>"""
    return page.encode("gb18030" if charset == "gbk" else charset)


# --- PDF --------------------------------------------------------------------------------------
def _pdf_table(table: PrintedTable, style_font: str):
    from reportlab.platypus import Table, TableStyle

    grid = [[""] * table.width for _ in range(table.height)]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), style_font),
        ("FONTSIZE", (0, 0), (-1, -1), 7),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for cell in table.cells:
        grid[cell.row][cell.col] = cell.text
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(("SPAN", (cell.col, cell.row), (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
    return Table(grid, style=TableStyle(commands))


def pdf_file(report: fx.Report, extra_prose: tuple[str, ...] | list[str] = ()) -> bytes:
    """Text in reportlab's CID font STSong-Light (a real text layer), ruled tables. Long labels
    are cut short to fit the page (the label matcher needs only their keyword); Table 3 is
    pushed down the first page so that it continues on the second. `extra_prose` paragraphs go
    after the tables (pages without tables, as long reports have)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=10, leading=14)
    story = [Paragraph(line, style) for line in PROSE_TOP]
    for heading, table in zip(_HEADINGS, tables(report)):
        story.append(Paragraph(heading, style))
        if heading.startswith("三"):
            story.append(Spacer(1, 200))
        story.append(_pdf_table(_short_labels(table), "STSong-Light"))
    story += [Paragraph(line, style) for line in (*PROSE_BOTTOM[:2], *extra_prose, *PROSE_BOTTOM[2:])]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=20, rightMargin=20).build(story)
    return out.getvalue()


_PDF_LABEL_MAX = 16


def _short_labels(table: PrintedTable) -> PrintedTable:
    cells = tuple(SpanCell(c.row, c.col, c.text[:_PDF_LABEL_MAX], c.rowspan, c.colspan) for c in table.cells)
    return PrintedTable(table.width, table.height, cells)


# --- DOCX -------------------------------------------------------------------------------------
def docx_file(report: fx.Report) -> bytes:
    """Word tables with merged cells (gridSpan across, vMerge down), between paragraphs."""
    import docx

    document = docx.Document()
    for line in PROSE_TOP:
        document.add_paragraph(line)
    for heading, table in zip(_HEADINGS, tables(report)):
        document.add_paragraph(heading)
        word = document.add_table(rows=table.height, cols=table.width)
        for cell in table.cells:
            target = word.cell(cell.row, cell.col)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(word.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
            target.text = cell.text
    for line in PROSE_BOTTOM:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- text dumps -------------------------------------------------------------------------------
def _with_page(text: str) -> str:
    return "\n".join([*PAGE_TOP, text, *PROSE_BOTTOM[-2:]])


def one_cell_per_line_file(report: fx.Report, encoding: str = "utf-8") -> bytes:
    return _with_page(fx.one_cell_per_line(report)).encode(encoding)


def glued_file(report: fx.Report) -> bytes:
    return _with_page(fx.space_separated(report, glue=True)).encode()


def markdown_file(report: fx.Report) -> bytes:
    return _with_page(fx.markdown(report)).encode()


def space_separated_file(report: fx.Report) -> bytes:
    return _with_page(fx.space_separated(report)).encode()
