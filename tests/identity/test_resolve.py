"""Agency identity on real names: the real-report fixtures and seeds, same-named organs of
different places, one organ's spelling variants, functional zones, overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.identity import Mapping, ReportClues, resolve
from orchestration.identity.review import review
from orchestration.identity.rules import OVERRIDES, SEEDS_DIR
from orchestration.parsing import parse_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    return Mapping.load()


def _resolved(mapping: Mapping, *reports: tuple[str, str | None]):
    """(assignment, agency, parent agency) per (printed name, report region code)."""
    resolution = resolve(
        [ReportClues(f"{i:04d}" + "0" * 60, name, region) for i, (name, region) in enumerate(reports)], mapping
    )
    agencies = {a.agency_id: a for a in resolution.agencies}
    return [
        (a, agencies[a.agency_id], agencies.get(agencies[a.agency_id].parent_agency_id)) for a in resolution.assignments
    ]


@pytest.fixture(scope="module")
def fixture_reports() -> dict[str, tuple[str, str | None, int | None]]:
    """file → (agency, region code, year) as the parser reads the seeds and real reports."""
    read = {}
    for path in sorted((FIXTURES / "seeds").iterdir()) + sorted((FIXTURES / "real_reports" / "raw").iterdir()):
        r = parse_file(path)
        if r.agency:
            read[path.name] = (r.agency, r.region.code if r.region else None, r.report_year)
    return read


def test_every_fixture_agency_resolves_to_a_placed_organ(mapping, fixture_reports):
    resolved = _resolved(mapping, *((agency, region) for agency, region, _ in fixture_reports.values()))
    by_file = dict(zip(fixture_reports, resolved))
    rows = {
        f: (agency.canonical_name, agency.level, agency.place_code, parent and parent.canonical_name)
        for f, (_, agency, parent) in by_file.items()
    }
    assert rows["000_7ddd057cfdc42710.txt"] == ("宁国市南山街道办事处", "township_street", "341881", "宁国市人民政府")
    assert rows["001_1f8240ce600c7150.txt"] == ("宣州区经济和信息化局", "department", "341802", "宣州区人民政府")
    assert rows["002_145dcace6dc924f1.txt"] == ("同江市繁荣街道办事处", "township_street", "230881", "同江市人民政府")
    assert rows["004_000d74875e455ad1.txt"] == ("铁西区新陶街道办事处", "township_street", "210303", "铁西区人民政府")
    assert rows["010.txt"] == ("平潭县卫生局", "department", "350128", "平潭县人民政府")
    assert rows["001.txt"] == ("平潭综合实验区财政金融局", "department", "350128", "平潭综合实验区管委会")
    # Every organ of the fixtures is placed, so none stands alone.
    assert all(agency.place_code for _, agency, _ in resolved)


def test_one_organ_across_years_is_one_agency_and_organs_stay_apart(mapping, fixture_reports):
    resolved = _resolved(mapping, *((agency, region) for agency, region, _ in fixture_reports.values()))
    ids: dict[str, set[str]] = {}
    for (printed, _, _), (assignment, _, _) in zip(fixture_reports.values(), resolved):
        ids.setdefault(printed, set()).add(assignment.agency_id)
    # 平潭综合实验区财政金融局 reports 2017, 2019, 2021 and 2024 (and a self-inspection): one agency.
    assert all(len(v) == 1 for v in ids.values()), ids
    assert len({next(iter(v)) for v in ids.values()}) == len(ids)  # distinct organs, distinct ids
    years = sorted(y for a, _, y in fixture_reports.values() if a == "平潭综合实验区财政金融局" and y)
    assert years == [2017, 2017, 2019, 2021, 2024]


def test_same_name_in_different_places_is_different_organs(mapping):
    rows = _resolved(
        mapping,
        ("铁西区人民政府", "210303"),  # 鞍山市
        ("铁西区人民政府", "210106"),  # 沈阳市
        ("铁西区人民政府", "220302"),  # 四平市
        ("县财政局", "230881"),
        ("县财政局", "341802"),
        ("县财政局", None),  # no clue: stands alone
        ("县财政局", None),
        ("城关镇人民政府", None),
        ("城关镇人民政府", None),
    )
    ids = [a.agency_id for a, _, _ in rows]
    assert len(set(ids)) == len(ids)
    assert [agency.canonical_name for _, agency, _ in rows[:5]] == [
        "铁西区人民政府",
        "铁西区人民政府",
        "铁西区人民政府",
        "同江市财政局",
        "宣州区财政局",
    ]
    assert [agency.city for _, agency, _ in rows[:3]] == ["鞍山市", "沈阳市", "四平市"]
    assert [a.place_basis for a, _, _ in rows] == ["name_and_report_region"] * 3 + ["report_region"] * 2 + [
        "unplaced"
    ] * 4
    assert {agency.level_confidence for _, agency, _ in rows[5:]} == {"low"}


def test_spelling_variants_of_one_organ_are_one_agency(mapping):
    variants = [
        [("平潭综合实验区管委会", None), ("平潭综合实验区管理委员会", None), ("平潭综合实验区 管委会", None)],
        [("同江市人民政府", None), ("同江市", None), ("黑龙江省同江市人民政府", None), ("佳木斯市同江市", "230881")],
        [("南山街道办事处", "341881"), ("南山街道", "341881"), ("宁国市南山街道", None)],
        [("宣州区政府办", None), ("宣州区人民政府办公室", None), ("宣州区政府办公室", None)],
        [("区经信局", "341802"), ("宣州区经信局", None)],
    ]
    for group in variants:
        rows = _resolved(mapping, *group)
        assert len({a.agency_id for a, _, _ in rows}) == 1, [a.agency_key for a, _, _ in rows]
    # ... but a government and its general office are two organs.
    government, office = _resolved(mapping, ("宣州区人民政府", None), ("宣州区人民政府办公室", None))
    assert government[0].agency_id != office[0].agency_id
    assert (government[1].level, office[1].level) == ("county", "department")
    assert office[2].agency_id == government[1].agency_id


def test_levels_from_data_not_from_the_name_end(mapping):
    rows = _resolved(
        mapping,
        ("合肥高新技术产业开发区管委会", "340100"),
        ("平潭综合实验区管委会", None),
        ("宣州区住房和城乡建设局", None),  # 城乡 is not a 乡
        ("北京市朝阳区人民政府", None),
        ("北京市人民政府", None),
        ("中国人民银行宣城市中心支行", None),
        ("某某国有农场", "230881"),
        ("国家税务总局", None),
        ("XX镇财政所", "341802"),
    )
    got = [(agency.level, agency.government_level, parent and parent.canonical_name) for _, agency, parent in rows]
    assert got == [
        ("functional_zone", "functional_zone", "合肥市人民政府"),
        ("functional_zone", "functional_zone", "平潭县人民政府"),
        ("department", "county", "宣州区人民政府"),
        ("county", "county", "北京市人民政府"),  # a municipality's district: the municipality above
        ("province", "province", None),
        ("other", "city", "宣城市人民政府"),
        ("other", "county", "同江市人民政府"),
        ("department", "national", None),
        ("department", "township_street", "宣州区XX镇人民政府"),
    ]
    assert all(agency.level_basis for _, agency, _ in rows)


def test_every_department_and_township_has_a_parent_up_to_the_province(mapping):
    resolution = resolve(
        [ReportClues("r" * 64, "同江市繁荣街道", None), ReportClues("s" * 64, "佳木斯市财政局", None)], mapping
    )
    by_id = {a.agency_id: a for a in resolution.agencies}
    chain, agency = [], by_id[resolution.assignments[0].agency_id]
    while agency:
        chain.append((agency.canonical_name, agency.level))
        agency = by_id.get(agency.parent_agency_id)
    assert chain == [
        ("同江市繁荣街道办事处", "township_street"),
        ("同江市人民政府", "county"),
        ("佳木斯市人民政府", "city"),
        ("黑龙江省人民政府", "province"),
    ]
    # Parents are agencies of their own, reported or not; the city government is listed once.
    assert sorted(a.canonical_name for a in resolution.agencies) == [
        "佳木斯市人民政府",
        "佳木斯市财政局",
        "同江市人民政府",
        "同江市繁荣街道办事处",
        "黑龙江省人民政府",
    ]


@pytest.fixture
def seeds_with_override(tmp_path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    with open(seeds / OVERRIDES, "a", encoding="utf-8") as f:
        f.write('铁西区人民政府,,210303||,,,"the reports without a city are 鞍山\'s (checked on its portal)"\n')
        f.write(
            '某某国有农场,,230881||某某国有农场,department,230881||,"a state farm the county runs as a department"\n'
        )
    return seeds


def test_overrides_are_applied_last_and_shown(mapping, seeds_with_override):
    overridden = Mapping.load(seeds_with_override)
    assert overridden.version != mapping.version
    rows = _resolved(overridden, ("铁西区人民政府", None), ("某某国有农场", "230881"), ("铁西区人民政府", "210106"))
    (a1, ag1, _), (a2, ag2, parent2), (a3, _, _) = rows
    assert (a1.place_basis, a1.agency_key, ag1.canonical_name, ag1.city) == (
        "override",
        "210303||",
        "铁西区人民政府",
        "鞍山市",
    )
    assert (ag2.level, ag2.identity_basis, parent2.canonical_name) == ("department", "override", "同江市人民政府")
    assert ag2.override_note == "a state farm the county runs as a department"
    # The override names the printed name everywhere (no region given): 沈阳's report goes there too.
    assert a3.agency_key == "210303||"
    assert {ag.mapping_version for _, ag, _ in rows} == {overridden.version}


def test_review_lists_duplicates_merges_and_unplaced(mapping):
    reports = [
        ("社会事业局", "350000"),  # only the province named: the county's organ?
        ("平潭县社会事业局", None),
        ("宣州区市场监督管理局", None),
        ("宣州区市场监管局", None),
        ("宣州区财政局", "341802"),
        ("宣州区财政局", "230881"),  # a report of it placed in another province
        ("县财政局", None),
    ]
    clues = [ReportClues(f"{i:04d}" + "0" * 60, n, r) for i, (n, r) in enumerate(reports)]
    resolution = resolve(clues, mapping)
    items = review(resolution, {c.report_id: c.region_code for c in clues})
    keys = {a.agency_id: a.agency_key for a in resolution.agencies}
    got = sorted((i.kind, keys[i.agency_id], i.other_agency_id and keys[i.other_agency_id]) for i in items)
    assert got == [
        ("likely_duplicate", "341802||市场监督管理局", "341802||市场监管局"),
        ("likely_duplicate", "350000||社会事业局", "350128||社会事业局"),
        ("likely_merge", "341802||财政局", None),
        ("unplaced", "unplaced:0006000000000000||财政局", None),
    ]


def test_mapping_refuses_an_unknown_rule_kind(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    with open(seeds / "agency_name_rules.csv", "a", encoding="utf-8") as f:
        f.write("suffix,局$,,a typo of a kind\n")
    with pytest.raises(ValueError, match="unknown rule kinds"):
        Mapping.load(seeds)
