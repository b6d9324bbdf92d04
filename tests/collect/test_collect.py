"""The collector against a local portal mirror (tests/collect/portal.py): what lands, what is
fetched again, how failures and bad sources files are reported."""

import re
from pathlib import Path

import pytest

from orchestration.cli import main
from orchestration.collect import Ledger, Source, SourcesError, collect, ledger_path, load_sources
from orchestration.collect.fetch import USER_AGENT, Fetcher
from tests.collect.portal import GBK_TEXT, PDF

DETAIL = {
    "/zwgk/nb/t20240120_1.html",
    "/zwgk/nb/t20230125_2.html",
    "/zwgk/nb/flaky.html",
    "/zwgk/nb/old.html",
    "/zwgk/nb/t20200115_5.html",
    "/zwgk/nb/t20180110_7.html",
    "/files/report2022.pdf",
    "/files/2016年报.pdf",
}
LISTINGS = ["/zwgk/nb/index.html", "/zwgk/nb/index_1.html", "/zwgk/nb/index_2.html"]


def _run(portal, landing: Path, **kwargs):
    source = Source("pingtan-annual-reports", f"{portal.base}/zwgk/nb/index.html", delay_seconds=0)
    return collect([source], landing, fetcher=Fetcher(backoff_seconds=0.01, timeout_seconds=5), **kwargs)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_lands_exactly_the_reports_and_their_attachments(portal, tmp_path):
    landing = tmp_path / "landing"
    outcome = _run(portal, landing)

    assert {_path(d.url) for d in outcome.landed} == DETAIL
    assert sorted(p.name for p in landing.iterdir()) == sorted(d.file_name for d in outcome.landed)
    assert all(re.fullmatch(r"pingtan-annual-reports-[0-9a-f]{16}\.(html|pdf)", d.file_name) for d in outcome.landed)
    assert outcome.pages_fetched == 3
    assert outcome.failures_by_reason == {"http 404": 1, "robots.txt disallows": 1}

    by_path = {_path(d.url): d for d in outcome.landed}
    first = by_path["/zwgk/nb/t20240120_1.html"]
    assert "本年度主动公开政府信息三百条" in (landing / first.file_name).read_text(encoding="utf-8")
    assert (first.listed_title, first.listed_date, first.http_status) == (
        "2023年度政府信息公开工作年度报告",
        "2024-01-20",
        200,
    )
    assert _path(first.listing_url) == "/zwgk/nb/index.html"
    pdf = by_path["/files/report2022.pdf"]
    assert (landing / pdf.file_name).read_bytes() == PDF
    assert pdf.listed_title == "2022年度政府信息公开工作年度报告"  # the listing's title of its page
    # The GBK listing page's titles and date (年月日) are read right; the GBK page lands as served.
    gbk = by_path["/zwgk/nb/t20200115_5.html"]
    assert (gbk.listed_title, gbk.listed_date) == ("某县2020年政府信息公开工作自查报告", "2020-12-15")
    assert GBK_TEXT in (landing / gbk.file_name).read_bytes().decode("gbk")
    redirected = by_path["/zwgk/nb/old.html"]
    assert "三、收到和处理" in (landing / redirected.file_name).read_text(encoding="utf-8")

    # Never off-site, never the non-report or the disallowed page; the 500 was retried once.
    assert {host for host, _, _ in portal.requests} == {portal.base.removeprefix("http://")}
    assert "/zwgk/nb/t20240301_9.html" not in portal.paths()
    assert "/private/2018.html" not in portal.paths()
    assert portal.paths().count("/zwgk/nb/flaky.html") == 2
    assert portal.paths().count("/robots.txt") == 1

    with Ledger(ledger_path(landing)) as ledger:
        assert {d.sha256 for d in ledger.documents()} == {d.sha256 for d in outcome.landed}


def test_a_second_run_lands_nothing_and_fetches_no_known_page(portal, tmp_path):
    landing = tmp_path / "landing"
    _run(portal, landing)
    before = {p.name: p.stat().st_mtime_ns for p in landing.iterdir()}
    start = len(portal.requests)

    again = _run(portal, landing)

    assert again.landed == []
    assert again.already_known == 7  # the listed reports landed before (not the page's attachment)
    assert {p.name: p.stat().st_mtime_ns for p in landing.iterdir()} == before
    second = portal.requests[start:]
    # Listing pages re-read by conditional GET; of the listed reports only the 404 is tried again.
    assert [(path, status) for _, path, status in second if path in LISTINGS] == [(p, 304) for p in LISTINGS]
    assert {path for _, path, _ in second} - set(LISTINGS) == {"/robots.txt", "/zwgk/nb/missing.html"}


def test_refresh_fetches_everything_again(portal, tmp_path):
    landing = tmp_path / "landing"
    first = _run(portal, landing)
    start = len(portal.requests)

    again = _run(portal, landing, refresh=True)

    assert {d.file_name for d in again.landed} == {d.file_name for d in first.landed}
    assert {d.sha256 for d in again.landed} == {d.sha256 for d in first.landed}
    assert [s for _, p, s in portal.requests[start:] if p in LISTINGS] == [200, 200, 200]


def test_the_cli_collects_and_prints_a_summary(portal, tmp_path, capsys):
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - name: pingtan\n    list_url: {portal.base}/zwgk/nb/index.html\n    delay_seconds: 0\n",
        encoding="utf-8",
    )
    assert main(["collect", "--sources", str(sources), "--landing", str(tmp_path / "landing")]) == 0
    out, err = capsys.readouterr()
    assert "8 new document(s) landed" in out
    assert "1 http 404" in out and "1 robots.txt disallows" in out
    assert "missing.html" in err
    assert len(list((tmp_path / "landing").iterdir())) == 8


def test_requests_name_the_project_and_respect_max_pages(portal, tmp_path):
    source = Source("s", f"{portal.base}/zwgk/nb/index.html", delay_seconds=0, max_pages=1)
    outcome = collect([source], tmp_path / "landing", fetcher=Fetcher(backoff_seconds=0.01))
    assert outcome.pages_fetched == 1
    assert "govreports" in USER_AGENT


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sources: [", "not valid YAML"),
        ("other: 1\n", "top-level `sources:` list"),
        ("sources:\n  - name: a\n", "list_url must be an http(s) URL"),
        ("sources:\n  - name: a\n    list_url: ftp://x/y\n", "list_url must be an http(s) URL"),
        ("sources:\n  - {name: a, list_url: 'http://x/'}\n  - {name: a, list_url: 'http://y/'}\n", "used twice"),
        ("sources:\n  - {name: a, list_url: 'http://x/', delay_seconds: -1}\n", "delay_seconds must be at least 0"),
        ("sources:\n  - {name: a, list_url: 'http://x/', max_pages: 2.5}\n", "max_pages must be a whole number"),
        ("sources:\n  - {name: a, list_url: 'http://x/', pages: 2}\n", "unknown key(s) pages"),
    ],
)
def test_a_bad_sources_file_is_refused_with_exit_2_and_the_reason(tmp_path, capsys, text, reason):
    sources = tmp_path / "sources.yaml"
    sources.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError, match=re.escape(reason)):
        load_sources(sources)
    assert main(["collect", "--sources", str(sources), "--landing", str(tmp_path / "landing")]) == 2
    assert reason in capsys.readouterr().err
    assert not (tmp_path / "landing").exists()


def test_a_missing_sources_file_is_refused(tmp_path, capsys):
    assert main(["collect", "--sources", str(tmp_path / "none.yaml"), "--landing", str(tmp_path / "l")]) == 2
    assert "cannot be read" in capsys.readouterr().err
