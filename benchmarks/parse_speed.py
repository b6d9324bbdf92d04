"""How fast the parser reads reports, per input format: reports per second on one core, and on
all cores with a process pool. Run: .venv/bin/python benchmarks/parse_speed.py [--seconds S]

The documents are those of the parsing tests (tests/parsing/report_files.py), made with varying
numbers so that no cache sees the same table twice:
  txt-2021   a 2021-layout annual report dumped one cell per line, with portal chrome
  txt-free   the free-form seeds (a 2018 report, a work summary with page chrome)
  txt-trad   the traditional-script seeds with pinyin (a work summary, a template): the only
             documents that pay for the conversion to simplified characters
  html       a portal page with chrome, a layout table and the three rowspan/colspan tables
  pdf        a ~5-page PDF: prose pages and the three ruled tables, Table 3 across a page break
  pdf-50p    the same with ~45 more pages of prose (long reports and PDF attachments)
  docx       a Word file with the three tables (merged cells)
Nothing here asserts a speed: the figures go to README.md ("Parsing speed").
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orchestration.parsing import parse_bytes  # noqa: E402
from tests.parsing import report_files as rf  # noqa: E402
from tests.parsing import table_fixtures as fx  # noqa: E402

VARIANTS = 20  # distinct documents per format
_PDF_PROSE_SENTENCES = 180  # about three pages of prose after the two table pages
_LONG_PDF_PROSE_SENTENCES = 2880  # about 48 pages


def _report(rng: random.Random, layout: str) -> fx.Report:
    outcomes = {code: [rng.choice((0, 0, rng.randint(0, 30), rng.randint(0, 3000))) for _ in range(6)]
                for code in fx.t3_outcome_codes(layout)}
    forward = [rng.randint(0, 20) for _ in range(6)]
    handled = [sum(col) for col in zip(*outcomes.values())]
    over = [rng.randint(0, h + f) for h, f in zip(handled, forward)]
    table3 = fx.table3_from_outcomes(outcomes, over, forward)
    base = fx.known_report(layout)
    return fx.Report(layout, base.table2, table3, base.table4)


def _prose(rng: random.Random, sentences: int) -> list[str]:
    """Paragraphs of report prose; as in real reports, about one sentence in eight states numbers."""
    def sentence(i: int) -> str:
        if i % 8:
            return rng.choice(("继续深化重点领域信息公开,完善政务公开制度,加强政府信息公开平台建设和监督保障工作。",
                               "严格落实政府信息公开保密审查制度,做到先审查、后公开,一事一审、全面审查。",
                               "围绕群众关切做好政策解读,通过图文、视频等形式提高解读的可读性和传播力。"))
        return (f"全年主动公开政府信息{rng.randint(100, 9000)}条,其中政策解读{rng.randint(1, 90)}条,"
                f"回应关切{rng.randint(1, 50)}条;门户网站浏览量达{rng.randint(10000, 999999)}次。")
    return ["".join(sentence(i + j) for j in range(4)) for i in range(0, sentences, 4)]


def documents() -> dict[str, list[tuple[str, bytes]]]:
    rng = random.Random(2024)
    reports = [_report(rng, rng.choice(("2021", "2019"))) for _ in range(VARIANTS)]
    landing = ROOT / "data" / "landing"
    free = [(p.name, p.read_bytes()) for p in sorted(landing.glob("00[04]_*.txt"))]
    traditional = [(p.name, p.read_bytes()) for p in sorted(landing.glob("00[13]_*.txt"))]
    return {
        "txt-2021": [("report.txt", rf.one_cell_per_line_file(r)) for r in reports],
        "txt-free": free,
        "txt-trad": traditional,
        "html": [("report.html", rf.html_page(r)) for r in reports],
        "pdf": [("report.pdf", rf.pdf_file(r, extra_prose=_prose(rng, _PDF_PROSE_SENTENCES)))
                for r in reports[:5]],
        "pdf-50p": [("report.pdf", rf.pdf_file(r, extra_prose=_prose(rng, _LONG_PDF_PROSE_SENTENCES)))
                    for r in reports[:2]],
        "docx": [("report.docx", rf.docx_file(r)) for r in reports],
    }


def _parse_all(docs: list[tuple[str, bytes]], rounds: int) -> int:
    for _ in range(rounds):
        for name, data in docs:
            result = parse_bytes(data, name)
            assert result.status == "ok", result.error
    return rounds * len(docs)


def one_core(docs: list[tuple[str, bytes]], seconds: float) -> float:
    """Reports per second in this process, after one warm-up round (imports, dictionaries)."""
    _parse_all(docs, 1)
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        done += _parse_all(docs, 1)
    return done / elapsed


def all_cores(docs: list[tuple[str, bytes]], seconds: float, workers: int, one_core_rate: float) -> float:
    """Reports per second with one worker process per core, each parsing whole rounds sized
    from the one-core rate to last about `seconds`."""
    rounds = max(1, round(seconds * one_core_rate / len(docs)))
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_parse_all, [docs] * workers, [1] * workers))  # warm every worker
        start = time.perf_counter()
        done = sum(pool.map(_parse_all, [docs] * workers, [rounds] * workers))
        return done / (time.perf_counter() - start)


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()} ({platform.system()})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--formats", nargs="*", help="only these formats (default: all)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"{'format':<10}{'KB/doc':>8}{'pages':>7}{'1 core rep/s':>14}{f'{args.workers} procs rep/s':>16}")
    for fmt, docs in documents().items():
        if args.formats and fmt not in args.formats:
            continue
        rate = one_core(docs, args.seconds)
        pool = all_cores(docs, args.seconds, args.workers, rate)
        size = sum(len(d) for _, d in docs) / len(docs) / 1024
        print(f"{fmt:<10}{size:>8.1f}{_pages(docs):>7}{rate:>14.1f}{pool:>16.1f}", flush=True)


def _pages(docs: list[tuple[str, bytes]]) -> str:
    if not docs[0][0].endswith(".pdf"):
        return "-"
    import pypdfium2 as pdfium

    return str(len(pdfium.PdfDocument(docs[0][1])))


if __name__ == "__main__":
    main()
