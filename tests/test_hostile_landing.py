"""The landing folder takes what anyone drops in it: names of any bytes are registered (shown in
printable text that keeps every byte), links are never followed, hidden and special files are not
read, and each of those is quarantined with why. Nothing in the folder stops a run."""

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import dagster as dg
import pytest
from hypothesis import given, strategies as st

from orchestration.parsing.reading import DOCX_MAX_EXPANDED
from orchestration.warehouse import duck, names, raw_store
from tests.conftest import SEEDS
from tests.test_pipeline import materialization_metadata, query, run_pipeline, storage_in

NOT_UTF8 = b"\xff\xfe\xb1\xa8.html"  # what an archive unpacked with a GBK-era tool leaves
SECRET = b"root:x:0:0:root:/root:/bin/bash\n"


def _hostile_landing(base: Path, report: bytes) -> Path:
    """A landing folder holding every kind of entry the landing step must survive."""
    landing, outside = base / "landing", base / "outside"
    (landing / "sub").mkdir(parents=True)
    (landing / ".git").mkdir()
    outside.mkdir()
    (outside / "passwd").write_bytes(SECRET)
    fd = os.open(os.fsencode(landing) + b"/" + NOT_UTF8, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, report)
    os.close(fd)
    (landing / "-h").write_bytes(report + b"\n")  # other bytes: another file
    (landing / "back\\slash\n.txt").write_bytes(b"two lines\nof text")
    (landing / "link.txt").symlink_to(outside / "passwd")
    (landing / "sub" / "dirlink").symlink_to(outside)
    (landing / ".DS_Store").write_bytes(b"litter")
    (landing / ".git" / "config").write_bytes(b"[core]")
    os.mkfifo(landing / "pipe")
    return landing


def _register(base: Path, landing: Path):
    with duck.connect(base / "wh" / "warehouse.duckdb") as con:
        duck.ensure_staging_schema(con)
        outcome = raw_store.register_landed_files(con, landing, base / "raw")
        files = con.execute("select file_name, landing_path from ingest.report_files order by file_name").fetchall()
        quarantined = con.execute(
            "select file_name, stage, reason, raw_path, parser_version, quarantined_at from ingest.quarantined_files "
            "order by file_name"
        ).fetchall()
    return outcome, files, quarantined


def test_every_entry_is_registered_or_quarantined_with_why(tmp_path):
    landing = _hostile_landing(tmp_path, "<p>政府信息公开工作年度报告</p>".encode())
    outcome, files, quarantined = _register(tmp_path, landing)

    assert [name for name, _ in files] == ["-h", "\\xff\\xfe\\xb1\\xa8.html", "back\\\\slash\\u000a.txt"]
    assert {names.name_bytes(path) for _, path in files} == {
        os.fsencode(landing / "-h"),
        os.fsencode(landing) + b"/" + NOT_UTF8,
        os.fsencode(landing) + b"/back\\slash\n.txt",
    }
    link = "links in the landing folder are not followed; land the file itself"
    assert [row[:3] for row in quarantined] == [
        (
            ".DS_Store",
            "landing",
            "a hidden file (its name starts with a dot): not read; rename it to have it registered",
        ),
        (
            ".git",
            "landing",
            "a hidden folder (its name starts with a dot): not scanned; rename it to have its files registered",
        ),
        ("link.txt", "landing", f"a symbolic link (to {tmp_path}/outside/passwd): {link}"),
        ("pipe", "landing", "not a regular file (a FIFO, socket or device): not read"),
        ("sub/dirlink", "landing", f"a symbolic link (to {tmp_path}/outside): {link}"),
    ]
    assert {row[3:5] for row in quarantined} == {("", "")}  # nothing read: no raw copy, no parser
    assert outcome.unreadable == [] and len(outcome.refused) == 5
    # Never read: no raw copy holds the link's target, and nothing under the hidden folder.
    copies = [p.read_bytes() for p in (tmp_path / "raw").rglob("*") if p.is_file()]
    assert len(copies) == 3 and SECRET not in copies and b"[core]" not in copies

    again, files_again, quarantined_again = _register(tmp_path, landing)
    assert again.new == [] and len(again.already_known) == 3 and len(again.refused) == 5
    assert files_again == files and quarantined_again == quarantined  # same rows, same times


def test_a_file_replaced_by_a_link_after_the_scan_is_not_read(tmp_path):
    """Between listing the folder and reading a file, someone may swap it for a link."""
    (tmp_path / "secret").write_bytes(SECRET)
    (tmp_path / "report.txt").symlink_to(tmp_path / "secret")
    scanned = raw_store.LandedFile(tmp_path / "report.txt", 6, 1)
    digests, hashed, unreadable = raw_store.hash_landed([scanned], {}, tmp_path / "raw", set())
    assert digests == {} and hashed == []
    assert unreadable == [
        raw_store.NotRead(scanned.path, "the file cannot be read (Too many levels of symbolic links)")
    ]
    assert not (tmp_path / "raw").exists()


@given(st.binary(min_size=1, max_size=40))
def test_a_name_shows_as_printable_text_that_keeps_its_bytes(name):
    shown = names.display_name(os.fsdecode(name))
    shown.encode("utf-8")  # storable and printable anywhere: no lone surrogate left
    assert not {unicodedata.category(ch) for ch in shown} & {"Cc", "Cf", "Cs", "Zl", "Zp"}
    assert names.name_bytes(shown) == name


def test_an_ordinary_name_shows_as_it_is():
    for name in ("2023年度政府信息公开工作年度报告.pdf", "同江市 繁荣街道（2023）.html", "report-v2_final.docx"):
        assert names.display_name(name) == name


def test_the_cli_prints_json_for_every_name_and_reads_dash_names_after_double_dash(tmp_path):
    report = (SEEDS / "002_145dcace6dc924f1.txt").read_bytes()
    landing = _hostile_landing(tmp_path, report)
    cli = Path(sys.executable).with_name("govreports")
    argv = [os.fsencode(cli), b"parse", os.fsencode(landing) + b"/" + NOT_UTF8, b"--", b"-h", b"pipe-missing"]
    done = subprocess.run(argv, cwd=landing, capture_output=True, timeout=60)
    lines = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [(o["file"], o["status"]) for o in lines] == [
        (f"{landing}/\\xff\\xfe\\xb1\\xa8.html", "ok"),
        ("-h", "ok"),
        ("pipe-missing", "error"),
    ]
    assert lines[0]["sha256"] == hashlib.sha256(report).hexdigest() and lines[1]["agency"] == "同江市繁荣街道"
    assert done.returncode == 1  # one file was not read


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    landing = _hostile_landing(base, (SEEDS / "002_145dcace6dc924f1.txt").read_bytes())
    shutil.copy(SEEDS / "004_000d74875e455ad1.txt", landing / "sub" / "004.txt")
    # A DOCX bomb (a small file whose part expands past the limit) and random bytes named .txt.
    with zipfile.ZipFile(landing / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("word/document.xml", b"<" * (DOCX_MAX_EXPANDED + 1))
    (landing / "noise.txt").write_bytes(random.Random(1).randbytes(20_000))
    storage = storage_in(base)
    with dg.instance_for_test() as instance:
        yield run_pipeline(storage, instance), storage


def test_the_pipeline_runs_through_a_hostile_landing_folder(pipeline_run):
    result, storage = pipeline_run
    assert result.success
    failed = [e.asset_check_key.to_user_string() for e in result.get_asset_check_evaluations() if not e.passed]
    assert not [key for key in failed if "quarantined" in key or "report_files" in key]
    wh, published = storage["warehouse_path"], storage["published_path"]
    # Every file registered is parsed or quarantined; every other entry quarantined at landing.
    assert query(
        wh,
        "select f.file_name, coalesce(p.doc_type, q.reason) from ingest.report_files f "
        "left join parsed.reports p using (sha256) left join ingest.quarantined_files q using (sha256) "
        "order by f.file_name",
    ) == [
        ("-h", "annual_report"),
        ("004.txt", "annual_report"),
        ("\\xff\\xfe\\xb1\\xa8.html", "annual_report"),
        ("back\\\\slash\\u000a.txt", "other"),
        ("bomb.docx", "the DOCX expands beyond 100 MB"),
        ("noise.txt", "the text encoding could not be recognised (binary or corrupt file)"),
    ]
    assert query(wh, "select stage, count(*) from ingest.quarantined_files group by all order by all") == [
        ("landing", 5),
        ("parse", 2),
    ]
    registered = materialization_metadata(result, "raw_report_files")
    assert (registered["quarantined_entries"].value, registered["unreadable_entries"].value) == (5, 0)
    assert [e["entry"].rsplit("/", 1)[1] for e in registered["not_registered"].value] == [
        ".DS_Store",
        ".git",
        "link.txt",
        "pipe",
        "dirlink",
    ]
    assert query(published, "select file_name from marts.dim_report where file_name like '\\x%'") == [
        ("\\xff\\xfe\\xb1\\xa8.html",)
    ]
