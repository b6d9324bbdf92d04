import re
import sys
import unicodedata

from hypothesis import given, settings, strategies as st

from orchestration.parsing.cleaning import (
    _NFKC_STABLE,
    LOST,
    clean,
    detect_script,
    is_chrome,
    nfkc,
    remove_pinyin,
    repair_mojibake,
    to_simplified,
)

from .builders import seed


def test_nfkc_turns_full_width_digits_and_brackets_half_width():
    cleaned = clean("(一)主动公开信息１２３条（其中决策公开５条）")
    assert cleaned.text == "(一)主动公开信息123条(其中决策公开5条)"
    assert "unicode_nfkc" in cleaned.repairs


def test_the_characters_nfkc_skips_are_left_alone_by_nfkc_and_compose_with_nothing():
    stable = re.compile(f"[{_NFKC_STABLE}]")
    skipped = [chr(c) for c in range(sys.maxunicode + 1) if stable.fullmatch(chr(c))]
    assert len(skipped) > 20_000
    assert all(unicodedata.normalize("NFKC", c) == c and unicodedata.combining(c) == 0 for c in skipped)
    # never the second of a canonical pair (a mark, a Hangul vowel): a character before them can
    # never absorb them, so the text between two stretches normalises on its own
    seconds = {
        parts[1]
        for c in range(sys.maxunicode + 1)
        if len(parts := unicodedata.decomposition(chr(c)).split()) == 2 and not parts[0].startswith("<")
    }
    assert not {f"{ord(c):04X}" for c in skipped} & seconds


# Report text, and what NFKC changes or composes: full-width forms, marks, jamo, ligatures,
# compatibility ideographs, circled numbers.
_MIXED = st.text(
    st.sampled_from(
        list(
            "（）：，１２ａ 政府信息公开年报\n。、《》e\u0301\u0327A\u030a\u1100\u1161\u11a8"
            "\uac00\ufb01\uf900\u2460\u3000\u00a0…\u212b\u0344ﾊﾟ"
        )
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(_MIXED)
def test_nfkc_by_stretches_is_nfkc_of_the_whole_text(text):
    assert nfkc(text)[0] == unicodedata.normalize("NFKC", text)


def test_pinyin_after_hanzi_is_removed_but_other_brackets_stay():
    assert remove_pinyin("宣州區(qū)經(jīng)信局") == ("宣州區經信局", True)
    assert remove_pinyin("附件(PDF)与说明(a)及(一)") == ("附件(PDF)与说明(a)及(一)", False)


def test_traditional_is_detected_and_converted():
    cleaned = clean("區經信局2023年政務公開工作總結\n現將我局政務公開工作總結如下")
    assert cleaned.script == "traditional"
    assert cleaned.text.splitlines()[0] == "区经信局2023年政务公开工作总结"
    assert "converted_to_simplified" in cleaned.repairs


def test_simplified_text_is_left_alone():
    text = "南山街道2023年政务公开工作总结\n现将2023年政务公开工作情况总结如下:"
    cleaned = clean(text)
    assert cleaned.script == "simplified" and cleaned.text == text and cleaned.repairs == []
    assert detect_script(seed("002").read_text(encoding="utf-8")) == "simplified"


def test_page_chrome_dropped_but_kept_in_lines_for_metadata():
    raw = seed("000").read_text(encoding="utf-8")
    cleaned = clean(raw)
    for chrome in ("您现在所在的位置", "索引号", "组配分类", "生成日期", "浏览次数"):
        assert chrome not in cleaned.text
        assert any(chrome in line for line in cleaned.lines)
    assert "发布各类信息1156条" in cleaned.text
    assert "page_chrome_removed" in cleaned.repairs


def test_footers_and_navigation_are_chrome_and_content_is_not():
    for line in (
        "黑ICP备08100356号-1",
        "黑公网安备 23088102000102号",
        "同江市融媒体中心建设运营(版权所有)",
        "网 站 标 识 码 :2308810013",
        "上一篇:永发街道2018年政府信息公开报告",
        "字体:[大 中 小]",
        "来源:网络整理 免责声明:本文仅限学习分享",
        "同江市人民政府主办",
        "TOP",
    ):
        assert is_chrome(line), line
    for line in (
        "2023年,南山街道认真落实政府信息公开工作各项规定。",
        "一、总体情况",
        "同江市人民政府主办的网站全年发布信息120条,其中政策解读8条,回应关切3条,工作动态109条。",
    ):
        assert not is_chrome(line), line


def test_lost_heading_bracket_is_stripped_and_flagged():
    cleaned = clean("(二)依申请公开\n)政府信息公开平台建设的情况。加强管理")
    assert cleaned.text.splitlines()[1] == "政府信息公开平台建设的情况。加强管理"
    assert "heading_numbers_lost" in cleaned.flags


CONTEXT = "我街道加強政務公開。一是完善信息公開工作。二是加強重點領域信息公開和依申請工作。"


def test_gbk_shift_mojibake_is_repaired():
    text, repaired, broken = repair_mojibake(CONTEXT + "\n。ㄒ唬┘訌(qiáng)重點")
    assert repaired
    # "（一）加" comes back; the byte of 強 that the source lost stays marked as lost.
    assert text.endswith("\n（一）加" + LOST + "(qiáng)重點")
    assert broken


def test_orphan_trail_byte_before_pinyin_is_marked_lost():
    text, repaired, broken = repair_mojibake("推進工作,F(xiàn)將自查情況報告如下")
    assert text == "推進工作," + LOST + "(xiàn)將自查情況報告如下" and broken and not repaired


def test_unexplained_shift_symbols_never_become_digits():
    cleaned = clean("甲乙丙丁。\n。ǘ⒓訌(qiáng)政策措施")
    assert "11" not in cleaned.text and "mojibake_unrepaired" in cleaned.flags


def test_circled_list_markers_are_not_mojibake():
    text = "①加强组织领导;②完善制度"
    assert repair_mojibake(text) == (text, False, False)


def test_seed_003_repairs_and_flags():
    cleaned = clean(seed("003").read_text(encoding="utf-8"))
    assert "(一)加" in cleaned.text and "(一)完善信息" in cleaned.text
    assert "mojibake_repaired" in cleaned.repairs and "mojibake_unrepaired" in cleaned.flags
    assert "F(" not in cleaned.text and "xiàn" not in cleaned.text
    assert "免责声明" not in cleaned.text
    assert cleaned.script == "traditional"


def test_conversion_to_simplified_takes_opencc_phrases_longest_then_leftmost():
    # 答覆 and 反覆 are phrases (覆 stays 覆 alone); 茵藉 beats 藉藉 at the same length by
    # standing further left; 旋轉乾坤之力 (6) beats 乾坤 (2) inside it; 藉 alone is 藉.
    assert to_simplified("答覆、反覆") == "答复、反复"
    assert to_simplified("茵藉藉") == "茵借藉"
    assert to_simplified("旋轉乾坤之力") == "旋转乾坤之力"
    assert to_simplified("乾淨的藉") == "干净的藉"


def test_conversion_to_simplified_is_what_opencc_gives():
    import random

    from opencc import OpenCC

    from orchestration.parsing.cleaning import _t2s

    opencc = OpenCC("t2s")
    t2s = _t2s()
    # OpenCC converts between its separators; converting the whole text at once relies on no
    # dictionary entry holding one.
    assert not any(opencc.split_chars_re.search(key) for key in t2s.phrases)
    assert not any(opencc.split_chars_re.search(chr(c)) for c in t2s.characters)
    # Texts dense in phrases, parts of phrases that overlap, separators and converted characters.
    keys = list(t2s.phrases)
    pieces = keys + [k[:i] for k in keys for i in range(1, len(k))] + [k[i:] for k in keys for i in range(1, len(k))]
    pieces += [chr(c) for c in list(t2s.characters)[::7]] + list("，。 \n-()的是在") + ["\u3000", "\t"]
    rng = random.Random(7)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    texts += [seed(n).read_text(encoding="utf-8") for n in ("001", "003")]
    assert [to_simplified(t) for t in texts] == [opencc.convert(t) for t in texts]
