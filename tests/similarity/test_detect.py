"""The copy detector on small hand-written reports (orchestration/similarity)."""

import numpy as np
import pytest

from orchestration.similarity import detect, sketch

# An organ's own prose, as section 一 and 五 of its report for 2022.
OWN_1 = (
    "2022年,本局深入推进政务公开,围绕优化营商环境、乡村振兴和生态环境保护等重点领域,主动公开各类信息312条,"
    "组织专题培训3次,完善了信息发布审核机制和依申请公开办理流程,群众满意度稳步提升。"
)
OWN_5 = "一是部分科室对信息公开重视不够,信息报送不及时;二是政策解读形式较为单一。下一步将丰富解读形式。"
# Another organ's, with no run of five characters in common with it (checked below).
OTHER_1 = "今年我镇以数字乡村建设为抓手,在村务栏和微信号同步发布惠农补贴名单与集体资产处置结果,全年办结事项168项。"
# What every report prints: the fee sentence of section 六, stock phrases of section 一.
STOCK_6 = "本年度未收取信息处理费。"
STOCK_1 = "根据《中华人民共和国政府信息公开条例》,坚持以公开为常态、不公开为例外,"


def _report(**by_section: str) -> np.ndarray:
    made = np.full((len(sketch.PROSE_SECTIONS), sketch.BINS), sketch.EMPTY, np.uint32)
    for number, text in by_section.items():
        made[sketch.PROSE_SECTIONS.index(int(number[1:]))] = sketch.sketches([text])[0][0]
    return made


def _reports(*rows: tuple[str, int, int, np.ndarray]) -> detect.Reports:
    ids, years, agencies, sections = zip(*rows)
    return detect.Reports(list(ids), np.array(years), np.array(agencies), np.stack(sections))


def _found(result: detect.Result, reports: detect.Reports) -> dict[tuple[str, str], tuple]:
    return {
        (reports.ids[m.report], m.relation): (
            reports.ids[m.other] if m.other is not None else None,
            m.similarity,
            m.sections_alike,
        )
        for m in result.matches
    }


def _shingles(text: str) -> set[str]:
    chars = sketch.normalise(text)
    return {chars[i : i + sketch.SHINGLE] for i in range(len(chars) - sketch.SHINGLE + 1)}


def test_last_years_report_copied_with_new_numbers_is_a_copy():
    copied = OWN_1.replace("2022年", "2023年").replace("312条", "415条").replace("3次", "5次")
    assert sketch.normalise(copied) == sketch.normalise(OWN_1)  # digits masked: the same text
    reports = _reports(
        ("own-2022", 2022, 1, _report(s1=OWN_1, s5=OWN_5)),
        ("own-2023", 2023, 1, _report(s1=copied, s5=OWN_5)),
        ("other-2023", 2023, 2, _report(s1=OTHER_1)),
    )
    found = _found(detect.detect(reports), reports)
    assert found["own-2023", "previous_year"] == ("own-2022", 1.0, "一,五")
    assert found["own-2022", "previous_year"] == (None, None, None)  # no report of 2021
    # The other organ's prose shares no shingle with it: no LSH bucket in common, no candidate.
    assert not _shingles(OTHER_1) & _shingles(copied)
    assert found["own-2023", "same_year_other_agency"] == (None, None, None)


def test_an_unrelated_report_of_the_previous_year_scores_zero():
    assert not _shingles(OTHER_1) & _shingles(OWN_1)
    reports = _reports(("a-2022", 2022, 1, _report(s1=OTHER_1)), ("a-2023", 2023, 1, _report(s1=OWN_1)))
    result = detect.detect(reports)
    match = next(m for m in result.matches if m.report == 1 and m.relation == "previous_year")
    assert (match.other, match.similarity, match.sections_alike) == (0, 0.0, None)
    assert match.per_section == {1: 0.0, 2: None, 5: None, 6: None}  # 二, 五, 六 in neither


def test_another_organ_copying_the_report_is_found_among_the_same_years_reports():
    reports = _reports(
        ("a", 2023, 1, _report(s1=OWN_1, s5=OWN_5)),
        ("b", 2023, 2, _report(s1=OWN_1.replace("本局", "我局"), s5=OWN_5)),
        ("c", 2023, 3, _report(s1=OTHER_1)),
    )
    result = detect.detect(reports)
    found = _found(result, reports)
    other, similarity, alike = found["a", "same_year_other_agency"]
    assert (other, alike) == ("b", "一,五") and similarity > 0.8
    assert found["b", "same_year_other_agency"][0] == "a"
    assert found["c", "same_year_other_agency"] == (None, None, None)


def test_stock_phrases_alone_never_make_two_reports_alike():
    # A section that prints only stock phrases leaves nothing to hash: its sketch is empty.
    assert (sketch.sketches([STOCK_6])[0] == sketch.EMPTY).all()
    reports = _reports(
        ("a", 2023, 1, _report(s1=STOCK_1 + OWN_1, s6=STOCK_6)),
        ("b", 2023, 2, _report(s1=STOCK_1 + OTHER_1, s6=STOCK_6)),
    )
    found = _found(detect.detect(reports), reports)
    assert found["a", "same_year_other_agency"] == (None, None, None)
    assert found["b", "same_year_other_agency"] == (None, None, None)


def test_a_paragraph_most_reports_of_the_year_share_is_boilerplate(monkeypatch):
    # 30 organs print the same paragraph beside a sentence of their own (no two alike): a bin
    # whose minimum more than DF_MIN of them hold is the paragraph's, and does not count.
    own = ["".join(chr(0x4E00 + 97 * k + i) for i in range(40)) for k in range(30)]
    reports = _reports(*((f"r{k}", 2023, k, _report(s1=OWN_1 + own[k])) for k in range(30)))
    found = _found(detect.detect(reports), reports)
    assert {found[f"r{k}", "same_year_other_agency"] for k in range(30)} == {(None, None, None)}
    # Without the cut every report would have a partner more than half alike.
    monkeypatch.setattr(detect, "DF_MIN", 1000)
    found = _found(detect.detect(reports), reports)
    assert min(found[f"r{k}", "same_year_other_agency"][1] for k in range(30)) > 0.5


def test_buckets_are_cut_to_their_bound_and_flagged(monkeypatch):
    monkeypatch.setattr(detect, "BUCKET_CAP", 3)
    # Five organs print the same text (fewer than DF_MIN: not boilerplate): in every band one
    # bucket of five, cut to its first three reports.
    reports = _reports(*((f"r{k}", 2023, k, _report(s1=OWN_1)) for k in range(5)))
    result = detect.detect(reports)
    # Empty bins borrow the next bin's value, so every band of the five is one bucket.
    assert result.truncated_buckets == detect.BANDS
    assert result.pairs == 3  # r0-r1, r0-r2, r1-r2: never the 10 pairs of five
    found = {(m.report, m.relation): (m.other, m.similarity, m.truncated) for m in result.matches}
    assert found[0, "same_year_other_agency"] == (1, 1.0, True)
    assert found[2, "same_year_other_agency"] == (0, 1.0, True)
    assert found[3, "same_year_other_agency"] == (None, None, True)  # cut out of every bucket


@pytest.mark.parametrize("text", ["", "无。", "12345"])
def test_a_section_too_short_for_a_shingle_has_an_empty_sketch(text):
    made, counts = sketch.sketches([text])
    assert (made == sketch.EMPTY).all() and counts.tolist() == [0]


def test_an_estimate_on_too_few_bins_is_none():
    # Ten characters: six shingles, at most six bins that count, fewer than MIN_BINS.
    short = "本局全年开展专项培训"
    reports = _reports(("a-2022", 2022, 1, _report(s1=short)), ("a-2023", 2023, 1, _report(s1=short)))
    match = next(m for m in detect.detect(reports).matches if m.report == 1 and m.relation == "previous_year")
    assert (match.other, match.similarity) == (0, None) and 0 < match.bins < detect.MIN_BINS
