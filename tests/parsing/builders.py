"""Builders for the fixture documents the parsing tests feed the parser (made, not shipped)."""

from __future__ import annotations

import io
from pathlib import Path

from tests.conftest import SEEDS


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


REPORT_TITLE = "宣州区经济和信息化局2022年政府信息公开工作年度报告"
REPORT_LINES = [
    "一、总体情况",
    "2022年,本局主动公开政府信息356条,其中政策解读12条。",
    "全年共收到政府信息公开申请7件,已全部按时答复。",
    "宣州区经济和信息化局",
    "2023年1月18日",
]
TABLE = [
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "0", "0"],
    ["行政规范性文件", "3", "1", "12"],
]


def pdf_bytes(lines: list[str] = (REPORT_TITLE, *REPORT_LINES), table: list[list[str]] | None = TABLE) -> bytes:
    """A PDF with a real text layer in reportlab's built-in CID font, and a ruled table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16)
    story = [Paragraph(line, style) for line in lines]
    if table:
        grid = Table(table)
        grid.setStyle(
            TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, "black")])
        )
        story.append(grid)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def scanned_pdf_bytes() -> bytes:
    """A PDF page with only drawings on it, as a scan without OCR would be."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.rect(100, 100, 300, 400, fill=1)
    page.showPage()
    page.save()
    return out.getvalue()


def docx_bytes() -> bytes:
    """Title, paragraphs, a table with a merged cell, and a closing paragraph, in that order."""
    import docx

    document = docx.Document()
    document.add_paragraph(REPORT_TITLE)
    for line in REPORT_LINES[:3]:
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate(TABLE):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph(REPORT_LINES[3])
    document.add_paragraph(REPORT_LINES[4])
    merged = document.add_table(rows=2, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "行政复议"
    for c, text in enumerate(["结果维持", "结果纠正", "总计"]):
        merged.cell(1, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html_bytes(charset: str = "gbk") -> bytes:
    """A portal page as such pages come: declared charset, chrome, script, Word comments, a table."""
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)
    page = f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{REPORT_TITLE}</title><style>p {{ color: red }}</style><script>var x = "浏览量达999次";</script></head>
<body><div class="crumb">您现在所在的位置: 首页 &gt; 宣州区 &gt; 年度报告</div>
<h1>{REPORT_TITLE}</h1>
<div>发布时间:2023-01-19 来源:宣州区经济和信息化局</div>
<p><!--[if !supportLists]-->一、<!--[endif]-->总体情况</p>
<p>2022年,本局主动公开政府信息<span style="font-weight:bold">356</span>条,其中政策解读12条。</p>
<table border="1">{rows}</table>
<p>全年共收到政府信息公开申请7件,已全部按时答复。</p>
<p>宣州区经济和信息化局<br>2023年1月18日</p>
<div>上一篇:无</div><div>版权所有:宣州区人民政府 皖ICP备05000000号</div>
</body></html>"""
    return page.encode("gb18030" if charset == "gbk" else charset)
