"""Hostile files through the parser: no crash, no hang, no garbage read as a report.

    .venv/bin/python -m benchmarks.fuzz -n 10000 --seed 1 --workers 2

`cases(sources, n, seed)` makes n files from real ones (the seeds, the real reports, a small
generated corpus): truncations, byte flips, inserted NULs, random bytes, empty-like files (BOM,
NUL, blanks, markup only), DOCX bombs (a huge part, a lying part size, too many tags), deep HTML,
wrong declared charsets, character references to the grid delimiters, overlong digit runs,
damaged and overlong PDFs. The same (n, seed) always gives the same files. tests/test_fuzz.py
runs a small corpus in-process; this script runs n files in a pool of worker processes, each
file timed, each worker's peak RSS read after every file (resource.getrusage), and prints:
crashes (a worker that died, an exception out of parse_bytes, or an error that is a caught parser
bug), files over 10 s, peak memory, and garbage ok (a file that must be refused read as ok).
"""

from __future__ import annotations

import argparse
import codecs
import io
import multiprocessing
import random
import resource
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from multiprocessing.connection import wait
from pathlib import Path

from benchmarks import corpus

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = (ROOT / "tests/fixtures/seeds", ROOT / "tests/fixtures/real_reports/raw")
CORPUS_REPORTS = 150  # with seed 1: html, txt, md, 3 PDFs and a DOCX
SLOW_SECONDS = 10.0
KILL_SECONDS = 60.0  # a file still parsing then is killed with its worker and counted as a hang
PARSER_BUG = "the parser failed on this file"
EXTENSIONS = (".txt", ".html", ".htm", ".md", ".pdf", ".docx", "")


@dataclass(frozen=True)
class Source:
    name: str
    data: bytes
    text: str | None  # of a UTF-8 text file, for the mutations that rewrite text


@dataclass(frozen=True)
class Case:
    index: int
    kind: str
    name: str
    data: bytes
    must_refuse: bool  # garbage or a bomb: ok would be wrong


def make_corpus(work: Path) -> None:
    corpus.generate(work, CORPUS_REPORTS, seed=1, workers=1)


def load_sources(work: Path) -> list[Source]:
    """The fixtures, and the corpus make_corpus wrote under `work`."""
    paths = [p for folder in FIXTURES for p in sorted(folder.iterdir()) if p.suffix == ".txt"]
    paths += sorted(p for p in (work / "landing").rglob("*") if p.is_file())
    sources = [Source(p.name, data, _utf8(data)) for p in paths for data in (p.read_bytes(),)]
    assert any(s.data.startswith(b"%PDF") for s in sources), "the corpus holds no PDF to damage"
    return sources


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


# ---------------------------------------------------------------- mutations of a real file


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def _flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 64)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _nuls(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        at = rng.randrange(len(out) + 1)
        out[at:at] = b"\0" * rng.choice((1, 1, 2, 100))
    return bytes(out)


def _wrong_charset(rng: random.Random, text: str) -> bytes:
    """The text as an HTML page declaring one charset (often not a charset at all) and written
    in another."""
    declared = rng.choice(("idna", "punycode", "rot13", "unicode_escape", "utf-7", "utf-16", "base64", "bogus-1"))
    declared = rng.choice((declared, "gbk", "big5", "iso-8859-1", "utf-8"))
    written = rng.choice(("utf-8", "gb18030", "big5", "utf-16-le"))
    page = f'<html><head><meta charset="{declared}"></head><body><pre>{text}</pre></body></html>'
    return page.encode(written, errors="replace")


def _grid_references(rng: random.Random, text: str) -> bytes:
    """An HTML page whose text holds references to the parser's private grid delimiters, and a
    layout table carrying the parser's own grid attribute."""
    refs = ("&#xe000;", "&#xE001;", "&#57346;", "&#xe003", "&#x0e000;")
    words = text.split()[:400] or [text]
    cells = "".join(f"<td>{w}{rng.choice(refs)}</td>" for w in words[:12])
    body = " ".join(w + rng.choice(refs) if rng.random() < 0.2 else w for w in words)
    nested = "<table data-govreports-grid><tr><td><table><tr><td>a</td><td>b</td></tr></table></td></tr></table>"
    return f"<html><body><p>{body}</p><table><tr>{cells}</tr><tr>{cells}</tr></table>{nested}</body></html>".encode()


def _long_digits(rng: random.Random, text: str) -> bytes:
    at = rng.randrange(len(text) + 1)
    digits = rng.choice(("1", "0", "9", "٣", "１")) * rng.choice((201, 5000, 100_000))
    return (text[:at] + digits + text[at:]).encode()


def _deep_html(rng: random.Random, text: str) -> bytes:
    tag = rng.choice(("div", "font", "span", "table", "b"))
    depth = rng.choice((300, 2047, 2049, 5000, 100_000))
    opening = "<table><tr><td>" if tag == "table" else f"<{tag}>"
    closing = "" if tag in ("font", "table") else f"</{tag}>"  # old pages leave <font> open
    return f"<html><body>{opening * depth}{text}{closing * depth}</body></html>".encode()


def _damaged_pdf(rng: random.Random, data: bytes) -> bytes:
    """A page reference of the page tree pointed at no object: that page cannot be loaded."""
    start = data.find(b"/Kids [")
    end = data.find(b"]", start)
    refs = data[start:end].split(b" 0 R")[:-1]
    if start < 0 or not refs:
        return _flip(rng, data)
    victim = rng.randrange(len(refs))
    number = refs[victim].rsplit(b" ", 1)[-1].lstrip(b"[")
    return data[:start] + data[start:end].replace(number + b" 0 R", b"99999 0 R", 1) + data[end:]


# ---------------------------------------------------------------- garbage and bombs


def _random_bytes(rng: random.Random) -> tuple[bytes, str]:
    """(bytes, file extension): random bytes, some after a format's magic bytes."""
    data = rng.randbytes(int(2 ** rng.uniform(0, 16)))
    extension = rng.choice(EXTENSIONS)
    # As text, a page's opening tags are letters: only a page of them holds no text.
    head = rng.choice((b"", b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>", codecs.BOM_UTF8))
    return head + data, ".html" if head.startswith(b"<") else extension


def _empty_like(rng: random.Random) -> tuple[bytes, str]:
    """(bytes, file extension): blanks of every kind, or markup holding no text."""
    blank = rng.choice(
        (
            codecs.BOM_UTF8,
            codecs.BOM_UTF16_LE * rng.randint(1, 3),
            codecs.BOM_UTF32_BE,
            b"\0" * rng.randint(1, 5000),
            b" \t\r\n" * rng.randint(1, 100),
            "\u3000\u00a0".encode() * rng.randint(1, 100),
        )
    )
    markup = rng.choice(
        (
            b"<html><head><title></title></head><body><p></p></body></html>",
            b"<!-- comment --><script>var x = 1;</script><style>p { color: red }</style>",
        )
    )
    # As text, markup is letters: only a page of it holds no text.
    return (markup, ".html") if rng.random() < 0.3 else (blank, rng.choice(EXTENSIONS))


@lru_cache(maxsize=1)
def _docx_skeleton() -> dict[str, bytes]:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("本局2023年政府信息公开工作年度报告")
    document.save(out)
    package = zipfile.ZipFile(out)
    return {info.filename: package.read(info) for info in package.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


@cache
def docx_bomb(kind: str) -> bytes:
    """A DOCX that expands far beyond its size: a part of 256 MB of zeros, a document part whose
    recorded size lies, or a document of 400,000 empty paragraphs."""
    parts = dict(_docx_skeleton())
    document = parts["word/document.xml"]
    if kind == "huge_part":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
            with package.open("word/media/image1.png", "w", force_zip64=True) as member:
                for _ in range(16):
                    member.write(bytes(2**24))
        return out.getvalue()
    if kind == "tags":
        parts["word/document.xml"] = document.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 400_000)
        return _zip(parts)
    # "lying": the document part is 12 MB of paragraphs, its directory entry says 1,000 bytes.
    parts["word/document.xml"] = document.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 2_000_000)
    data = bytearray(_zip(parts))
    entry = data.find(b"PK\x01\x02")
    while entry >= 0:
        length = int.from_bytes(data[entry + 28 : entry + 30], "little")
        if data[entry + 46 : entry + 46 + length] == b"word/document.xml":
            data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


@lru_cache(maxsize=1)
def long_pdf(pages: int = 260) -> bytes:
    """A PDF of more pages than the parser reads, each with a small ruled table."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for number in range(pages):
        page.setFont("STSong-Light", 10)
        page.drawString(72, 780, f"第{number + 1}页 本局主动公开政府信息356条,申请人情况如下。")
        for i in range(4):
            page.line(72, 700 - i * 20, 372, 700 - i * 20)
            page.line(72 + i * 100, 640, 72 + i * 100, 700)
        page.showPage()
    page.save()
    return out.getvalue()


# ---------------------------------------------------------------- the corpus

# kind → weight. The mutations of a real file may come back ok or refused; the rest must be refused.
TEXT_MUTATIONS = {
    "wrong_charset": _wrong_charset,
    "grid_references": _grid_references,
    "long_digits": _long_digits,
    "deep_html": _deep_html,
}
KINDS = {
    "original": 2,
    "truncate": 6,
    "flip": 6,
    "nuls": 3,
    "wrong_charset": 3,
    "grid_references": 2,
    "long_digits": 2,
    "deep_html": 2,
    "damaged_pdf": 1,
    "random": 5,
    "empty_like": 2,
    "docx_bomb": 1,
    "long_pdf": 0.2,
}
MUST_REFUSE = frozenset({"random", "empty_like", "docx_bomb"})


def case(sources: list[Source], index: int, seed: int) -> Case:
    rng = random.Random(f"{seed}:{index}")
    kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
    source = rng.choice(sources)
    stem = f"{index:06d}_{kind}"
    name, data = f"{stem}_{source.name}", source.data
    if kind in TEXT_MUTATIONS:
        source = rng.choice([s for s in sources if s.text])
        data = TEXT_MUTATIONS[kind](rng, source.text)
        name = f"{stem}_{source.name}" if kind == "long_digits" else f"{stem}.html"
    elif kind == "truncate":
        data = _truncate(rng, data)
    elif kind == "flip":
        data = _flip(rng, data)
    elif kind == "nuls":
        data = _nuls(rng, data)
    elif kind == "damaged_pdf":
        source = rng.choice([s for s in sources if s.data.startswith(b"%PDF")])
        name, data = f"{stem}_{source.name}", _damaged_pdf(rng, source.data)
    elif kind == "random":
        data, extension = _random_bytes(rng)
        name = stem + extension
    elif kind == "empty_like":
        data, extension = _empty_like(rng)
        name = stem + extension
    elif kind == "docx_bomb":
        name, data = f"{stem}.docx", docx_bomb(rng.choice(("huge_part", "lying", "tags")))
    elif kind == "long_pdf":
        name, data = f"{stem}.pdf", long_pdf()
    return Case(index, kind, name, data, kind in MUST_REFUSE)


def cases(sources: list[Source], n: int, seed: int) -> Iterator[Case]:
    return (case(sources, i, seed) for i in range(n))


# ---------------------------------------------------------------- running them


@dataclass(frozen=True)
class Outcome:
    index: int
    kind: str
    name: str
    must_refuse: bool
    status: str  # ok | error | crash | hang
    error: str | None
    seconds: float
    peak_rss: int  # bytes, the worker's peak so far


def run_case(c: Case) -> Outcome:
    from orchestration.parsing import parse_bytes

    start = time.perf_counter()
    try:
        result = parse_bytes(c.data, c.name)
        status, error = result.status, result.error
    except Exception as exc:  # parse_bytes promises never to raise: this is a crash
        status, error = "crash", f"{type(exc).__name__}: {exc}"
    if status == "error" and error.startswith(PARSER_BUG):
        status = "crash"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return Outcome(c.index, c.kind, c.name, c.must_refuse, status, error, seconds, peak)


def _worker(connection, work: str, seed: int) -> None:
    sources = load_sources(Path(work))
    while (index := connection.recv()) is not None:
        connection.send(run_case(case(sources, index, seed)))


@dataclass
class _Slot:
    process: multiprocessing.Process
    connection: object
    index: int | None = None
    since: float = 0.0


def _start(context, work: Path, seed: int) -> _Slot:
    parent, child = context.Pipe()
    process = context.Process(target=_worker, args=(child, str(work), seed), daemon=True)
    process.start()
    return _Slot(process, parent)


def _received(slot: _Slot) -> Outcome | None:
    try:
        return slot.connection.recv()
    except EOFError:  # the worker died
        return None


def run_pool(n: int, seed: int, workers: int, work: Path) -> list[Outcome]:
    """Each file of the sources make_corpus wrote under `work` in a worker process; a worker
    that dies or overruns KILL_SECONDS is replaced and its file counted as a crash or a hang."""
    context = multiprocessing.get_context("fork")
    sources = load_sources(work)
    slots = [_start(context, work, seed) for _ in range(workers)]
    pending, outcomes = iter(range(n)), []

    def feed(slot: _Slot) -> None:
        slot.index = next(pending, None)
        slot.since = time.perf_counter()
        if slot.index is not None:
            slot.connection.send(slot.index)

    for slot in slots:
        feed(slot)
    while busy := [s for s in slots if s.index is not None]:
        ready = wait([s.connection for s in busy] + [s.process.sentinel for s in busy], timeout=1.0)
        for slot in busy:
            elapsed = time.perf_counter() - slot.since
            if slot.connection in ready and (outcome := _received(slot)):
                outcomes.append(outcome)
                feed(slot)
            elif slot.connection in ready or slot.process.sentinel in ready or elapsed > KILL_SECONDS:
                slot.process.kill()
                slot.process.join()
                lost = case(sources, slot.index, seed)
                status = "hang" if elapsed > KILL_SECONDS else "crash"
                outcomes.append(
                    Outcome(lost.index, lost.kind, lost.name, lost.must_refuse, status, "worker lost", elapsed, 0)
                )
                fresh = _start(context, work, seed)
                slots[slots.index(slot)] = fresh
                feed(fresh)
    for slot in slots:
        slot.connection.send(None)
        slot.process.join()
    return sorted(outcomes, key=lambda o: o.index)


def summary(outcomes: list[Outcome]) -> dict:
    crashes = [o for o in outcomes if o.status in ("crash", "hang")]
    slow = [o for o in outcomes if o.seconds > SLOW_SECONDS or o.status == "hang"]
    garbage_ok = [o for o in outcomes if o.must_refuse and o.status == "ok"]
    return {
        "files": len(outcomes),
        "crashes": crashes,
        "slow": slow,
        "garbage_ok": garbage_ok,
        "garbage": sum(o.must_refuse for o in outcomes),
        "peak_rss": max((o.peak_rss for o in outcomes), default=0),
        "slowest": sorted(outcomes, key=lambda o: -o.seconds)[:5],
        "statuses": Counter((o.kind, o.status) for o in outcomes),
        "reasons": Counter((o.error or "").split(" (")[0] for o in outcomes if o.status == "error"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="number of files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="govreports-fuzz-") as work:
        make_corpus(Path(work))
        outcomes = run_pool(args.n, args.seed, args.workers, Path(work))
    s = summary(outcomes)
    print(f"files: {s['files']} in {time.perf_counter() - started:.0f} s with {args.workers} workers")
    print(f"crashes: {len(s['crashes'])}")
    for o in s["crashes"][:20]:
        print(f"  {o.name}: {o.status} {o.error}")
    print(f"files over {SLOW_SECONDS:.0f} s: {len(s['slow'])}")
    print("slowest: " + ", ".join(f"{o.name} {o.seconds:.2f} s" for o in s["slowest"]))
    print(f"peak memory (a worker's RSS): {s['peak_rss'] / 2**20:.0f} MB")
    print(f"garbage ok: {len(s['garbage_ok'])} of {s['garbage']} garbage and bomb files")
    for o in s["garbage_ok"][:20]:
        print(f"  {o.name}")
    print("by kind: " + ", ".join(f"{k}/{st} {c}" for (k, st), c in sorted(s["statuses"].items())))
    print("refusals: " + "; ".join(f"{reason} {c}" for reason, c in s["reasons"].most_common()))
    return 1 if s["crashes"] or s["slow"] or s["garbage_ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
