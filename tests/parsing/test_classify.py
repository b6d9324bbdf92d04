import pytest

from orchestration.parsing.classify import doc_type, is_template, layout


@pytest.mark.parametrize(
    "title, expected",
    [
        ("同江市繁荣街道2023年政府信息公开工作年度报告", "annual_report"),
        ("2018年新陶街道政府信息公开年度工作报告", "annual_report"),
        ("南山街道2023年政务公开工作总结", "work_summary"),
        ("某某镇2019年政府信息公开工作自查报告", "self_inspection"),
        ("关于报送2023年政府信息公开工作年度报告的通知", "other"),
        ("平潭综合实验区财政金融局关于做好政务公开财政牵头任务落实情况的自查报告", "self_inspection"),
        ("某某区财政局2022年政务公开工作自查报告", "self_inspection"),
        ("平潭县卫生局2013年度政府信息公开情况总结", "work_summary"),
        # A PDF's title as extracted, with spaces inside its words.
        ("某某县民政局 2023 年度政府信息公开工作年度 报告", "annual_report"),
        ("市政府办公室关于政府信息公开工作年度报告编制工作的函", "other"),
    ],
)
def test_doc_type_from_title(title, expected):
    assert doc_type(title, "") == expected


@pytest.mark.parametrize(
    "body, expected",
    [
        ("根据通知要求,现将自查情况报告如下:", "self_inspection"),
        ("现将我局政务公开工作总结如下:", "work_summary"),
        ("本报告根据《中华人民共和国政府信息公开条例》第五十条编制。", "annual_report"),
        ("信息内容\n本年制发件数\n本年废止件数", "annual_report"),
        ("会议于今日召开。", "other"),
    ],
)
def test_doc_type_from_body_when_no_title(body, expected):
    assert doc_type(None, body) == expected


def test_layout_only_for_annual_reports():
    assert layout("work_summary", "本年制发件数", 2023, None) is None


@pytest.mark.parametrize(
    "text, year, hint, expected",
    [
        ("本年制发件数 本年废止件数", 2023, None, "2021"),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 2022, None, "2021"),
        ("本年新制作数量 对外公开总数量", 2019, None, "2019"),
        ("", 2021, "2019", "2019"),  # the table extractor saw the layout
        ("本年新制作数量 对外公开总数量", 2022, None, "2019"),  # a later report keeping the 2019 tables
        ("本年制发件数 本年废止件数", 2018, None, "2021"),  # the tables outweigh a year read wrong
        # No table shown: the layout the report's year prescribed (real 011: its page holds
        # nothing but the title '平潭综合实验区公安局2020年政府信息公开工作年度报告').
        ("平潭综合实验区公安局2020年政府信息公开工作年度报告", 2020, None, "2019"),
        ("一、概述 二、主动公开情况", 2019, None, "2019"),
        ("一、总体情况 二、主动公开政府信息情况", 2023, None, "2021"),
        ("一、概述 二、主动公开情况", 2018, None, "freeform"),  # 2018 and before had no fixed layout
        ("一、概述 二、主动公开情况", None, None, "freeform"),
    ],
)
def test_layout(text, year, hint, expected):
    assert layout("annual_report", text, year, hint) == expected


def test_template_placeholders():
    assert is_template("推进xxxx年政府信息公开工作,总共公开政府信息xxx条,其中政府动态信息xx条")
    assert is_template("《x省贯彻落实方案》,xx街道办事处网站")
    assert not is_template("2023年主动公开政府信息1156条,访问 www.example.gov.cn 获取")
    assert not is_template("xxxx年")  # one placeholder-like run is not yet a template
