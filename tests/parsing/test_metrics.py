from orchestration.parsing.metrics import BREAKDOWNS, VOCABULARY, extract_metrics


def values(text):
    return {(m.name, m.value) for m in extract_metrics(text)}


def test_disclosed_items_with_breakdown_and_page_views():
    text = (
        "截至2023年12月15日,南山街道通过政府信息公开网发布各类信息1156条,其中包括:决策公开25条,"
        "执行和结果公开30条,管理和服务公开308条,重点领域信息公开158条,政策解读7条,回应关切24条,"
        "监督保障20条。相关数据点击浏览量达418872次"
    )
    assert values(text) == {
        ("items_disclosed_total", 1156),
        ("items_disclosed_decision", 25),
        ("items_disclosed_execution_result", 30),
        ("items_disclosed_management_service", 308),
        ("items_disclosed_key_areas", 158),
        ("items_disclosed_policy_interpretation", 7),
        ("items_disclosed_response_to_concerns", 24),
        ("items_disclosed_supervision", 20),
        ("page_views", 418872),
    }
    page_views = next(m for m in extract_metrics(text) if m.name == "page_views")
    assert page_views.unit == "次" and page_views.evidence == "相关数据点击浏览量达418872次"


def test_complaints_npc_cppcc():
    text = (
        "2018年度新陶街道人大代表建议28条。政协委员提案 16条。\n2018年度新陶街道收到投诉建议共45件,回复45件。满意率100%"
    )
    assert values(text) == {
        ("npc_suggestions_handled", 28),
        ("cppcc_proposals_handled", 16),
        ("complaints_received", 45),
        ("complaints_answered", 45),
    }


def test_applications_fees_and_thousands_separators():
    text = "全年共收到政府信息公开申请12件,答复申请11件。收取信息处理费0元。主动公开政府信息共1,234条。"
    assert values(text) == {
        ("applications_received", 12),
        ("applications_answered", 11),
        ("fees_charged", 0),
        ("items_disclosed_total", 1234),
    }


def test_statements_without_digits_give_nothing():
    assert (
        values("2023年我街道未收到政府信息公开申请,未收取任何费用。总共公开政府信息xxx条,其中政府动态信息xx条") == set()
    )


def test_pre_2019_statistics_table_in_line_dump_and_pipe_rows():
    dump = "指标名称\n计量单位\n本年度\n主动公开政府信息数\n条\n523\n收到申请数\n件\n9"
    assert values(dump) >= {("items_disclosed_total", 523), ("applications_received", 9)}
    pipes = "| 指标名称 | 计量单位 | 本年度 |\n| 主动公开政府信息数 | 条 | 523 |\n| 对申请的答复总数 | 件 | 8 |"
    assert values(pipes) >= {("items_disclosed_total", 523), ("applications_answered", 8)}


def test_vocabulary_is_documented_for_every_name_produced():
    assert all(f"items_disclosed_{code}" in VOCABULARY for code in BREAKDOWNS)
    text = "发布各类信息10条,其中工作动态3条,其他7条。浏览量2万次。人大代表建议3件。"
    assert {m.name for m in extract_metrics(text)} <= VOCABULARY.keys()


def test_no_needed_word_can_hide_inside_another():
    """metrics finds the words its patterns need in one scan, which cannot see a word inside
    another's occurrence: that takes a word within another, or one ending with the character
    another begins with."""
    from orchestration.parsing.metrics import _NEEDS

    words = {w for needed in _NEEDS.values() for w in needed}
    assert not any(a != b and a in b for a in words for b in words)
    assert not {w[-1] for w in words} & {w[0] for w in words}
