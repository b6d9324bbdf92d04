"""The metrics marts' measures of issue 14 (carry-forward, not held, not handled, contested, applicant
and refusal-reason mix, sample_sufficient and the ranking that respects it) and the semantic layer
over them, on the fixture warehouse (tests/dbt/fixtures.py) plus three agencies of 佳木斯市 for 2022
with enough cases to be ranked (or one short of it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import govreports_dbt_fixtures as fixtures
import pytest

REPO = Path(__file__).resolve().parents[2]
D_REGION = fixtures.D_REGION  # 黑龙江省 佳木斯市

# Three 2022 reports of the same city as D (佳木斯市人民政府) and A (同江市繁荣街道).
EXTRA_AGENCIES = {"E": "佳木斯市财政局", "F": "佳木斯市教育局", "G": "佳木斯市民政局"}
EXTRA_SHA = {"e2022": "e2022a" + "0" * 58, "f2022": "e2022b" + "0" * 58, "g2022": "e2022c" + "0" * 58}
EXTRA_REPORTS = {
    key: (agency, "annual_report", "2021", False, D_REGION, 2022, "2023-01-20", f"2024-03-07 08:00:0{n}")
    for n, (key, agency) in enumerate([("e2022", "E"), ("f2022", "F"), ("g2022", "G")])
}
EXTRA_TABLE3 = {
    # natural_person handles 30 + 2 + 2 + 3 + 1 + 2 = 40 of its 40; commercial_enterprise 5 + 3 = 8
    # of its 10 (2 carried forward). Totals: received 50, handled 48, carried forward 2.
    "e2022": fixtures.table3(
        "2021",
        {
            "natural_person": {
                "new_received": 40,
                "granted": 30,
                "partially_granted": 2,
                "denied_state_secret": 2,
                "unavailable_not_held": 3,
                "unavailable_needs_creation": 1,
                "not_handled_repeated": 2,
            },
            "commercial_enterprise": {"new_received": 10, "granted": 5, "other_other": 3},
        },
    ),
    # handled 30: exactly the threshold
    "f2022": fixtures.table3("2021", {"natural_person": {"new_received": 30, "granted": 30}}),
    # handled 29: the best grant rate of the province, but one case short of being compared
    "g2022": fixtures.table3("2021", {"natural_person": {"new_received": 29, "granted": 29}}),
}
EXTRA_TABLE4 = {
    "e2022": {
        "review": (1, 1, 0, 1, 3),
        "litigation_direct": (0, 1, 0, 0, 1),
        "litigation_after_review": (0, 0, 0, 0, 0),
    },
    "f2022": fixtures.ZERO_TABLE4,
    "g2022": fixtures.ZERO_TABLE4,
}
SHA = {**fixtures.SHA, **EXTRA_SHA}
REPORT_KEYS = {sha: key for key, sha in SHA.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture warehouse with the three extra reports, after `dbt build`, and its target folder."""
    folder = tmp_path_factory.mktemp("dbt_measures")
    # The extra reports are added to the fixture's tables only while this warehouse is loaded, so
    # the other dbt tests see the fixture as it is.
    with pytest.MonkeyPatch.context() as patch:
        for table, extra in [
            (fixtures.AGENCY, EXTRA_AGENCIES),
            (fixtures.SHA, EXTRA_SHA),
            (fixtures.REPORTS, EXTRA_REPORTS),
            (fixtures.TABLE3, EXTRA_TABLE3),
            (fixtures.TABLE4, EXTRA_TABLE4),
        ]:
            for key, value in extra.items():
                patch.setitem(table, key, value)
        warehouse = fixtures.build_warehouse(folder / "warehouse.duckdb", list(fixtures.REPORTS))
    return warehouse, fixtures.dbt_build(warehouse, folder)


query = fixtures.query


def agency_years(warehouse: Path) -> dict[str, dict]:
    """agency_year_metrics by fixture report key."""
    return {REPORT_KEYS[r["report_id"]]: r for r in query(warehouse, "select * from marts.agency_year_metrics")}


MEASURE_COLUMNS = [
    "carry_forward_rate",
    "not_held",
    "not_held_share",
    "not_handled",
    "not_handled_rate",
    "review_total",
    "litigation_total",
    "contested_cases",
    "contested_rate",
    "natural_person_received",
    "organisation_received",
    "natural_person_share",
    "organisation_share",
    "sample_sufficient",
    "grant_rate_rank",
]
# report key: the values of MEASURE_COLUMNS, by hand from the fixture tables.
# fmt: off
EXPECTED = {
    # received 12, carried over 0, carried forward 1; 无法提供 1, all 不掌握; 不予处理 1 of 11
    # handled; Table 4 all 0; natural persons 10, commercial enterprises 2; handled 11 < 30.
    "a2021": [1 / 12, 1, 1.0, 1, 1 / 11, 0, 0, 0, 0.0, 10, 2, 10 / 12, 2 / 12, False, None],
    # carried forward 3 of 20 + 1; no 无法提供 (0: share null); review total 4, litigation 2 + 0,
    # so contested (4 + 2) / 20.
    "a2022": [3 / 21, 0, None, 0, 0.0, 4, 2, 6, 6 / 20, 20, 0, 1.0, 0.0, False, None],
    # a2023v2, the republished version: carried forward 3 of 5 + 2; 无法提供 1, none 不掌握.
    "a2023v2": [3 / 7, 0, 0.0, 0, 0.0, 0, 0, 0, 0.0, 5, 0, 1.0, 0.0, False, None],
    # 2019 layout: the single other_handling row is not 不予处理.
    "b2020": [1 / 4, 0, None, 0, 0.0, 0, 0, 0, 0.0, 4, 0, 1.0, 0.0, False, None],
    # research_institution blank: organisations and both shares null; review blank: contested null;
    # handled 0: not_handled_rate null; carried forward 1 of 0 + 1.
    "b2021": [1.0, 0, None, 0, None, None, 0, None, None, 0, None, None, None, False, None],
    # free-form: no table, nothing known, not even whether the sample suffices.
    "c2018": [None] * 13 + [None, None],
    # review total printed 3 (its parts add up to 2: the printed total counts); the printed 总计
    # says 11 new applications but the applicant columns 10 + 0, which the mix divides by.
    "d2022": [0.0, 0, None, 0, 0.0, 3, 0, 3, 3 / 11, 10, 0, 1.0, 0.0, False, None],
    # carried forward 2 of 50; 不掌握 3 of 无法提供 4; 不予处理 2 of 48; contested 3 + 1 of 50;
    # grant rate 37 / 48 ranks second in 黑龙江省 2022 behind f2022.
    "e2022": [2 / 50, 3, 3 / 4, 2, 2 / 48, 3, 1, 4, 4 / 50, 40, 10, 40 / 50, 10 / 50, True, 2],
    "f2022": [0.0, 0, None, 0, 0.0, 0, 0, 0, 0.0, 30, 0, 1.0, 0.0, True, 1],
    # grant rate 1.0, but handled 29 < 30: not ranked, and f2022 is first
    "g2022": [0.0, 0, None, 0, 0.0, 0, 0, 0, 0.0, 29, 0, 1.0, 0.0, False, None],
}
# fmt: on


def test_new_measures_row_by_row(built):
    warehouse, _ = built
    actual = agency_years(warehouse)
    assert actual.keys() == EXPECTED.keys()
    for key, expected in EXPECTED.items():
        for column, want, got in zip(MEASURE_COLUMNS, expected, [actual[key][c] for c in MEASURE_COLUMNS]):
            assert got == (want if want is None or isinstance(want, bool) else pytest.approx(want)), (
                f"{key} {column}: {got!r} != {want!r}"
            )


def test_refusal_reason_mix(built):
    warehouse, _ = built
    rows = agency_years(warehouse)
    seed = "select row_code from seeds.table3_rows where row_group = 'denied' order by sort_order"
    reasons = [r["row_code"] for r in query(warehouse, seed)]
    assert len(reasons) == 8
    # a2021: its one 不予公开 is 保护第三方合法权益; a2022: both are 过程性信息; e2022: both 国家秘密
    for key, reason, count in [
        ("a2021", "denied_third_party_rights", 1),
        ("a2022", "denied_process_information", 2),
        ("e2022", "denied_state_secret", 2),
    ]:
        assert rows[key]["denied"] == count
        for other in reasons:
            assert rows[key][other] == (count if other == reason else 0), (key, other)
            assert rows[key][f"{other}_share"] == (1.0 if other == reason else 0.0), (key, other)
    # no 不予公开 (denied 0): no mix to speak of, each share null, each count 0
    assert rows["f2022"]["denied"] == 0
    assert all(rows["f2022"][r] == 0 and rows["f2022"][f"{r}_share"] is None for r in reasons)
    # free-form: unknown, not 0
    assert all(rows["c2018"][r] is None for r in reasons)


def test_region_rates_are_ratios_of_the_agencies_sums(built):
    warehouse, _ = built
    rows = query(
        warehouse,
        """
        select region_level, agencies_reporting, handled, contested_cases, contested_rate,
               natural_person_share, carry_forward_rate, not_held_share, not_handled_rate,
               denied_state_secret_share, sample_sufficient
        from marts.region_year_metrics
        where province = '黑龙江省' and report_year = 2022
        order by region_level
    """,
    )
    assert [r["region_level"] for r in rows] == ["city", "province"]
    for row in rows:
        # a2022, d2022, e2022, f2022, g2022
        assert row["agencies_reporting"] == 5
        assert row["handled"] == 18 + 10 + 48 + 30 + 29
        assert row["sample_sufficient"] is True
        assert row["contested_cases"] == 6 + 3 + 4 + 0 + 0
        assert row["contested_rate"] == pytest.approx(13 / (20 + 11 + 50 + 30 + 29))
        assert row["natural_person_share"] == pytest.approx((20 + 10 + 40 + 30 + 29) / (20 + 10 + 50 + 30 + 29))
        assert row["carry_forward_rate"] == pytest.approx((3 + 0 + 2 + 0 + 0) / (21 + 11 + 50 + 30 + 29))
        # only e2022 said 无法提供 (4, of which 3 不掌握)
        assert row["not_held_share"] == pytest.approx(3 / 4)
        assert row["not_handled_rate"] == pytest.approx(2 / 135)
        # 不予公开: a2022 2 (process information), d2022 -1 (state secret, as printed), e2022 2
        assert row["denied_state_secret_share"] == pytest.approx((-1 + 2) / (2 - 1 + 2))
    # 宣城市 2021 (b2021 alone): a blank input gives null rates, not 0
    (b2021,) = query(
        warehouse,
        """
        select natural_person_share, contested_rate, not_handled_rate, sample_sufficient
        from marts.region_year_metrics where region_level = 'city' and city = '宣城市' and report_year = 2021
    """,
    )
    assert b2021 == {
        "natural_person_share": None,
        "contested_rate": None,
        "not_handled_rate": None,
        "sample_sufficient": False,
    }


def _semantic_manifest(target: Path) -> tuple[dict, dict]:
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    (model,) = manifest["semantic_models"].values()
    measures = {m["name"]: m for m in model["measures"]}
    metrics = {m["name"]: m for m in manifest["metrics"].values()}
    return measures, metrics


def _measure_sql(measures: dict, metrics: dict, metric: str) -> str:
    measure = measures[metrics[metric]["type_params"]["measure"]["name"]]
    expr = measure["expr"] or measure["name"]
    return {"sum": f"sum({expr})", "count_distinct": f"count(distinct {expr})"}[measure["agg"]]


def test_semantic_metrics_give_the_region_marts_numbers(built):
    """Each metric, evaluated per province and year as MetricFlow would (a ratio metric: its
    numerator's measure summed over its denominator's, null when that is 0), equals the column
    of region_year_metrics of the same name."""
    warehouse, target = built
    measures, metrics = _semantic_manifest(target)
    ratios = {name for name, m in metrics.items() if m["type"] == "ratio"}
    assert ratios == {
        "grant_rate",
        "denial_rate",
        "unavailable_rate",
        "carry_forward_rate",
        "not_held_share",
        "not_handled_rate",
        "contested_rate",
        "review_correction_rate",
        "litigation_correction_rate",
        "natural_person_share",
    }
    region_columns = {r["column_name"] for r in query(warehouse, "describe marts.region_year_metrics")}
    compared = sorted(name for name, m in metrics.items() if name in region_columns)
    assert ratios < set(compared) and "applications_received" in compared and "agencies_reporting" in compared
    selects = []
    for name in compared:
        params = metrics[name]["type_params"]
        if metrics[name]["type"] == "ratio":
            numerator = _measure_sql(measures, metrics, params["numerator"]["name"])
            denominator = _measure_sql(measures, metrics, params["denominator"]["name"])
            selects.append(f"{numerator} / nullif({denominator}, 0) as {name}")
        else:
            selects.append(f"{_measure_sql(measures, metrics, name)} as {name}")
    by_metrics = query(
        warehouse,
        f"""select province, report_year, {", ".join(selects)}
            from marts.agency_year_metrics where province is not null group by all""",
    )
    marts = query(
        warehouse,
        f"""select province, report_year, {", ".join(compared)}
            from marts.region_year_metrics where region_level = 'province'""",
    )

    def key(row: dict) -> tuple:
        return row["province"], row["report_year"]

    assert len(by_metrics) == len(marts) == 6
    for mart_row, metric_row in zip(sorted(marts, key=key), sorted(by_metrics, key=key)):
        for name in compared:
            want = mart_row[name]
            assert metric_row[name] == (want if want is None else pytest.approx(want)), (key(mart_row), name)
    # not all null nor all equal, so the comparison has something to compare: 黑龙江省 2021 0 of 12,
    # 2022 13 of 140, 2023 0 of 5
    contested = sorted(r["contested_rate"] for r in marts if r["province"] == "黑龙江省")
    assert contested == [0.0, 0.0, pytest.approx(13 / 140)]


def test_the_readme_ranking_query_ranks_only_sufficient_samples(built):
    warehouse, _ = built
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (ranking,) = [sql for sql in re.findall(r"```sql\n(.*?)```", readme, flags=re.S) if "grant_rate_rank" in sql]
    rows = query(warehouse, ranking)
    assert [(r["agency_name"], r["report_year"], r["grant_rate_rank"]) for r in rows] == [
        ("佳木斯市教育局", 2022, 1),
        ("佳木斯市财政局", 2022, 2),
    ]


def test_exposures_name_the_readme_queries(built):
    _, target = built
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    exposures = manifest["exposures"].values()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    questions = [q.strip() for q in re.findall(r"```sql\n-- (.*?)\n", readme)]
    assert sorted(e["label"] for e in exposures) == sorted(questions)
    for exposure in exposures:
        assert exposure["owner"]["name"] and exposure["description"]
        assert exposure["depends_on"]["nodes"], exposure["name"]
