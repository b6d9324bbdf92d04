"""The Dagster asset collected_reports: what the UI shows of a collect run."""

import dagster as dg

from orchestration.defs.collect_assets import Collector, collected_reports


def _materialize(collector: Collector) -> dict:
    result = dg.materialize([collected_reports], resources={"collector": collector})
    assert result.success
    return result.asset_materializations_for_node("collected_reports")[0].metadata


def test_without_a_sources_file_it_lands_nothing_and_says_so(tmp_path):
    metadata = _materialize(Collector(sources_path=str(tmp_path / "absent.yaml"), landing_dir=str(tmp_path / "l")))
    assert "absent: nothing collected" in metadata["sources_file"].value
    assert metadata["new_documents"].value == 0
    assert not (tmp_path / "l").exists()


def test_metadata_counts_pages_documents_and_failures_by_reason(portal, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - name: pingtan\n    list_url: {portal.base}/zwgk/nb/index.html\n    delay_seconds: 0\n",
        encoding="utf-8",
    )
    metadata = _materialize(Collector(sources_path=str(sources), landing_dir=str(tmp_path / "landing")))
    assert metadata["pages_fetched"].value == 3
    assert metadata["new_documents"].value == 8
    assert metadata["failures_by_reason"].value == {"http 404": 1, "robots.txt disallows": 1}
    assert "2023年度政府信息公开工作年度报告" in metadata["landed"].value
