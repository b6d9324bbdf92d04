"""Provenance from the collector's ledger to the warehouse's ingest.documents. dim_report's
source_url is tested end to end in tests/test_pipeline.py."""

from orchestration.collect.ledger import Document, Ledger
from orchestration.warehouse import collect_store, duck


def _doc(url: str, sha256: str, fetched_at: str, title: str = "2023年度政府信息公开工作年度报告") -> Document:
    return Document(
        url=url,
        source="pingtan",
        kind="page",
        listing_url="http://example.gov.cn/zwgk/nb/index.html",
        listed_title=title,
        listed_date="2024-01-20",
        http_status=200,
        etag='"abc"',
        last_modified=None,
        fetched_at=fetched_at,
        sha256=sha256,
        file_name="pingtan-0123456789abcdef.html",
    )


def test_ledger_rows_reach_ingest_documents(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    sha = "a" * 64
    ledger_file = tmp_path / "landing.collect" / "ledger.sqlite"
    with Ledger(ledger_file) as ledger:
        ledger.record(_doc("http://example.gov.cn/zwgk/nb/t1.html", sha, "2024-01-21T08:00:00+00:00"))
        # The same bytes found later at a mirror: a row per URL.
        ledger.record(_doc("http://example.gov.cn/mirror/t1.html", sha, "2024-02-01T08:00:00+00:00", "转载"))
    with duck.connect(warehouse) as con:
        duck.ensure_staging_schema(con)
        assert collect_store.sync_documents(con, ledger_file) == 2
        assert collect_store.sync_documents(con, ledger_file) == 2  # an upsert: still two rows
        assert con.execute("select count(*), min(listed_date)::varchar from ingest.documents").fetchone() == (
            2,
            "2024-01-20",
        )
        assert collect_store.sync_documents(con, tmp_path / "absent.sqlite") == 0
