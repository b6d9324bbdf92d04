import pytest

from orchestration.parsing.metadata import (
    choose_agency, extract_metadata, find_report_year, parse_date, year_reported_by_annual_report,
)
from orchestration.parsing.regions import find_region


@pytest.mark.parametrize(
    "text, expected",
    [
        ("发布时间:2023-12-15 09:09", "2023-12-15"),
        ("2019年03月14日", "2019-03-14"),
        ("2024年1月20日", "2024-01-20"),
        ("2023/7/5", "2023-07-05"),
        ("二○一二年二月二十日", "2012-02-20"),
        ("二〇二三年十二月三十一日", "2023-12-31"),
        ("2023年13月40日", None),
        ("共1156条", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_agency_prefers_fullest_name_of_the_same_organ():
    assert choose_agency(["区经信局", "宣州区经济和信息化局", None, "宣州区经信局"]) == "宣州区经济和信息化局"
    assert choose_agency(["繁荣街道", None, None, "同江市繁荣街道"]) == "同江市繁荣街道"
    # The portal's host organ is another organ, not a fuller name of this one.
    assert choose_agency(["新陶街道", "铁西区人民政府办公室"]) == "新陶街道"
    assert choose_agency([None, None]) is None


def test_metadata_from_a_page():
    lines = [
        "您现在所在的位置: 首页 > 宁国市南山街道办事处",
        "发布机构: 南山街道办事处",
        "南山街道2023年政务公开工作总结",
        "发布时间:2023-12-15 09:09 来源:南山街道办事处",
        "今年南山街道深入推进政务公开工作。",
    ]
    meta = extract_metadata(lines, lines[2:3] + lines[4:])
    assert meta.title == "南山街道2023年政务公开工作总结"
    assert meta.agency == "南山街道办事处"
    assert meta.report_year == 2023
    assert meta.publish_date == "2023-12-15"
    assert (meta.region.county, meta.region.code) == ("宁国市", "341881")


def test_signature_gives_agency_and_date_when_no_metadata():
    lines = ["关于2022年度政务公开工作的总结", "今年我局认真落实政务公开。", "宣州区经济和信息化局", "二○二三年一月五日"]
    meta = extract_metadata(lines, lines)
    assert (meta.agency, meta.publish_date, meta.report_year) == ("宣州区经济和信息化局", "2023-01-05", 2022)


def test_report_year_is_never_invented():
    assert find_report_year(None, "我街道认真开展政务公开工作。") is None
    assert find_report_year(None, "现将2021年度政府信息公开工作情况报告如下") == 2021
    assert year_reported_by_annual_report("2024-01-19") == 2023
    assert year_reported_by_annual_report("2024-09-30") is None
    assert year_reported_by_annual_report(None) is None


@pytest.mark.parametrize(
    "texts, expected",
    [
        (["同江市繁荣街道2023年政府信息公开工作年度报告"], ("黑龙江省", "佳木斯市", "同江市", "230881")),
        (["宣州区经信局"], ("安徽省", "宣城市", "宣州区", "341802")),
        (["地址:鞍山市铁西区人民路171号"], ("辽宁省", "鞍山市", "铁西区", "210303")),
        (["北京市东城区人民政府"], ("北京市", "北京市", "东城区", "110101")),
        (["鞍山市人民政府"], ("辽宁省", "鞍山市", None, "210300")),
    ],
)
def test_region_lookup(texts, expected):
    region = find_region(texts)
    assert (region.province, region.city, region.county, region.code) == expected


@pytest.mark.parametrize("texts", [["铁西区人民政府"], ["繁荣街道"], ["x省x市"], ["宣州区", "同江市"], []])
def test_ambiguous_or_absent_places_give_no_region(texts):
    assert find_region(texts) is None
