import pytest

from orchestration.parsing.metadata import (
    choose_agency,
    contact_organ,
    extract_metadata,
    find_report_year,
    first_lines_title,
    parse_date,
    title_organ,
    title_year,
    year_reported_by_annual_report,
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
    lines = [
        "关于2022年度政务公开工作的总结",
        "今年我局认真落实政务公开。",
        "宣州区经济和信息化局",
        "二○二三年一月五日",
    ]
    meta = extract_metadata(lines, lines)
    assert (meta.agency, meta.publish_date, meta.report_year) == ("宣州区经济和信息化局", "2023-01-05", 2022)


def test_report_year_is_never_invented():
    assert find_report_year(None, "我街道认真开展政务公开工作。") is None
    assert find_report_year(None, "现将2021年度政府信息公开工作情况报告如下") == 2021
    assert find_report_year(None, "特编制此报告：一、总体情况2022年，在区管委会办公室的指导下") == 2022
    assert find_report_year(None, "本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。") == 2019
    assert find_report_year(None, "我局认真开展2017年政务公开工作要点落实情况的自查工作") == 2017
    assert year_reported_by_annual_report("2024-01-19") == 2023
    assert year_reported_by_annual_report("2024-09-30") is None
    assert year_reported_by_annual_report(None) is None


@pytest.mark.parametrize(
    "title, organ, year",
    [
        ("平潭综合实验区社会事业局 2019年政府信息公开工作年度报告", "平潭综合实验区社会事业局", 2019),
        ("平潭综合实验区财政金融局2017 年政府信息公开工作年度报告", "平潭综合实验区财政金融局", 2017),
        ("平潭综合实验区财政金融局关于做好政务公开财政牵头任务落实情况的自查报告", "平潭综合实验区财政金融局", None),
        ("某某区财政局2022年政务公开工作自查报告", "某某区财政局", 2022),
        ("某某市生态环境局2023年政务公开工作总结", "某某市生态环境局", 2023),
        ("2018年新陶街道政府信息公开年度工作报告", "新陶街道", 2018),
        ("关于某某镇2021年度政府信息公开工作年度报告", "某某镇", 2021),
        # No year before the subject: the organ ends where the subject begins, even when its own
        # name holds part of it.
        ("某某县人民政府信息公开工作年度报告(2023年)", "某某县人民政府", 2023),
        ("某某县政务公开办2023年工作总结", "某某县政务公开办", 2023),
        ("某某市自然资源局二〇二三年政府信息公开工作年度报告", "某某市自然资源局", 2023),
        ("关于2022年度政务公开工作的总结", None, 2022),
        ("全区森林生态建设情况暨2014年全区造林工作计划", None, 2014),
    ],
)
def test_organ_and_year_of_a_title(title, organ, year):
    assert (title_organ(title), title_year(title)) == (organ, year)


# The archive header of a scraped page, and its body dumped on one line.
_ONE_LINE_BODY = (
    "当前位置： 首页政务公开政府信息公开平潭综合实验区社会事业局政府信息公开年报 "
    "平潭综合实验区社会事业局 2019年政府信息公开工作年度报告 来源： 时间：2020-01-17 11:35 --> 微信 微博 "
    "根据《中华人民共和国政府信息公开条例》要求，结合我局工作实际，现编制完成了本报告。"
    "六、其他需要报告的事项无 平潭综合实验区社会事业局 2020年1月2日 附件下载"
)


def _archive_page(title: str, publisher: str, body: str) -> list[str]:
    return [
        f"标题: {title}",
        "发布时间: 2020-01-17 11:35",
        "文号:",
        f"发布机构: {publisher}",
        "栏目: 政府信息公开年报",
        "==================== 正文 ====================",
        body,
    ]


def test_the_labelled_title_keeps_its_space_and_names_the_organ():
    lines = _archive_page("平潭综合实验区社会事业局 2019年政府信息公开工作年度报告", "", _ONE_LINE_BODY)
    meta = extract_metadata(lines, lines[4:])
    assert meta.title == "平潭综合实验区社会事业局 2019年政府信息公开工作年度报告"
    assert (meta.agency, meta.report_year, meta.publish_date) == ("平潭综合实验区社会事业局", 2019, "2020-01-17")


@pytest.mark.parametrize("publisher", ["1", "福建学生资助", "平潭综合实验区人民政府", "平潭综合实验区管委会"])
def test_a_wrong_publisher_field_never_outweighs_the_title(publisher):
    lines = _archive_page("平潭综合实验区财政金融局2019年度政府信息公开工作年度报告", publisher, "现编制完成本报告。")
    assert extract_metadata(lines, lines[4:]).agency == "平潭综合实验区财政金融局"


def test_self_inspection_without_a_year_in_its_title():
    body = (
        "根据通知要求，我局认真开展2017年政务公开工作要点落实情况的自查工作，现将我局自查情况总结如下: "
        "2017年，区财政金融局严格按照要求公开财政信息。"
    )
    lines = _archive_page("平潭综合实验区财政金融局关于做好政务公开财政牵头任务落实情况的自查报告", "", body)
    meta = extract_metadata(lines, lines[4:])
    assert (meta.agency, meta.report_year) == ("平潭综合实验区财政金融局", 2017)


def test_a_year_the_text_mentions_is_not_the_year_reported_on():
    body = "(二)主动公开政府信息的主要类别2023年，在主动公开的61条政府信息中，全文电子化的信息共61条。"
    lines = ["平潭综合实验区财政金融局2024年度政府信息公开工作年度报告", body]
    assert extract_metadata(lines, lines).report_year == 2024
    assert find_report_year(None, body) is None


@pytest.mark.parametrize(
    "lines, title",
    [
        (
            ["# 某某市某某局2023年政府信息公开工作年度报告", "一、总体情况"],
            "某某市某某局2023年政府信息公开工作年度报告",
        ),
        (
            ["某某市某某局", "2024年度政府信息公开工作年度报告", "一、总体情况"],
            "某某市某某局2024年度政府信息公开工作年度报告",
        ),
        (
            ["平潭综合实验区财政金融局", "关于做好政务公开财政牵头任务落实情况的", "自查报告", "根据通知要求，"],
            "平潭综合实验区财政金融局关于做好政务公开财政牵头任务落实情况的自查报告",
        ),
        (["某某县交通运输局2023年度", "政府信息公开工作年度报告"], "某某县交通运输局2023年度政府信息公开工作年度报告"),
        # A line above that adds neither organ nor year is not part of the title.
        (["政府信息公开", "某某局2023年政府信息公开工作年度报告"], "某某局2023年政府信息公开工作年度报告"),
        (["附件1", "2023年1月5日", "2023年政府信息公开工作年度报告"], "2023年政府信息公开工作年度报告"),
        (["某某局2023年政府信息公开工作年度报告_某某市人民政府"], "某某局2023年政府信息公开工作年度报告"),
        # A page dumped on one line: the title is one of its pieces, the breadcrumb's column is not.
        ([_ONE_LINE_BODY], "平潭综合实验区社会事业局2019年政府信息公开工作年度报告"),
        (["当前位置： 首页 > 政府信息公开年报 > 正文 " + "根据条例要求，现编制完成本报告。" * 5], None),
    ],
)
def test_title_from_the_first_lines(lines, title):
    assert first_lines_title(lines) == title


def test_first_page_of_a_pdf_gives_title_agency_and_year():
    lines = ["某某市某某局", "2024 年度政府信息公开工作年度报告", "一、总体情况", "2023年，我局主动公开信息61条。"]
    meta = extract_metadata(lines, lines)
    assert (meta.agency, meta.report_year) == ("某某市某某局", 2024)


def test_signature_at_the_end_of_a_one_line_page():
    lines = [
        "现编制完成本报告。本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
        "六、其他需要报告的事项2024年，无收取信息处理费情况。 平潭综合实验区财政金融局 2025年1月23日 附件下载"
    ]
    meta = extract_metadata(lines, lines)
    assert (meta.agency, meta.publish_date, meta.report_year) == ("平潭综合实验区财政金融局", "2025-01-23", 2024)


def test_a_date_that_ends_a_sentence_is_no_signature():
    lines = ["本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。"]
    meta = extract_metadata(lines, lines)
    assert (meta.agency, meta.publish_date) == (None, None)


def test_contact_sentence_names_the_organ_when_nothing_else_does():
    body = "如对本报告有任何疑问，请与平潭综合实验区社会事业局办公室联系（联系地址：平潭综合实验区金井湾）。"
    assert contact_organ(body) == "平潭综合实验区社会事业局"
    assert contact_organ("如有疑问，请与某某县人民政府办公室联系。") == "某某县人民政府"
    assert contact_organ("如有疑问请与我局联系。") is None
    assert extract_metadata(["一、总体情况", body], ["一、总体情况", body]).agency == "平潭综合实验区社会事业局"


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
