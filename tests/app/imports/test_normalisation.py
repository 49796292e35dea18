"""The normalisation rules of the 神エクセル reader, one by one (values, no file)."""
from datetime import date, datetime

import pytest

from senko.imports import ERRORS, REASONS, WARNINGS, Limits, csv_safe
from senko.imports.values import (
    is_placeholder,
    parse_date,
    parse_decision,
    parse_email,
    parse_name,
    parse_phone,
    serial_to_date,
    split_contact,
    split_remark,
    to_katakana,
)

LIMITS = Limits()


@pytest.mark.parametrize("text, expected", [
    ("明治45年7月29日", date(1912, 7, 29)), ("大正元年7月30日", date(1912, 7, 30)), ("大正15年12月24日", date(1926, 12, 24)),
    ("昭和元年12月25日", date(1926, 12, 25)), ("昭和64年1月7日", date(1989, 1, 7)), ("平成元年1月8日", date(1989, 1, 8)),
    ("令和5年4月1日", date(2023, 4, 1)), ("R5.4.1", date(2023, 4, 1)), ("r5.4.1", date(2023, 4, 1)),
    ("H31/4/30", date(2019, 4, 30)), ("平成31年4月30日", date(2019, 4, 30)), ("令和元年5月1日", date(2019, 5, 1)),
    ("令和1年5月1日", date(2019, 5, 1)), ("令和５年４月１日", date(2023, 4, 1)), ("㋿5.4.1", date(2023, 4, 1)),
    ("㍻30年12月1日", date(2018, 12, 1)), ("S64.1.7", date(1989, 1, 7)), ("T1.7.30", date(1912, 7, 30)),
    ("M1.10.23", date(1868, 10, 23)), ("令和5年04月01日（土）", date(2023, 4, 1)), ("R 5. 4. 1", date(2023, 4, 1)),
])
def test_wareki_every_era_and_spelling(text, expected):
    """和暦 from 明治 to 令和, in kanji, letters, full-width, 元年, with a weekday: the ISO date."""
    assert parse_date(text) == (expected, [], [])


@pytest.mark.parametrize("text", ["令和5年2月30日", "平成元年1月7日", "令和元年4月30日", "昭和元年12月24日", "R5.13.1", "令和0年5月1日",
                                  "5/4/1", "2023/02/29", "昨日", "2023-13-01"])
def test_impossible_or_ambiguous_dates_are_errors(text):
    """A day that does not exist, a date before its era began, a bare 5/4/1 with no era: invalid_date."""
    assert parse_date(text) == (None, ["invalid_date"], [])


@pytest.mark.parametrize("text, expected", [("平成31年5月1日", date(2019, 5, 1)), ("H32.1.1", date(2020, 1, 1)),
                                            ("昭和64年1月8日", date(1989, 1, 8))])
def test_old_era_after_its_end_is_the_same_day_flagged(text, expected):
    """平成31年5月1日 is accepted as 令和元年5月1日 (the same day) with an era_boundary warning."""
    assert parse_date(text) == (expected, [], ["era_boundary"])


def test_short_date_with_an_era_column():
    """``5/4/1`` next to an era column (令和, R, 平成) is read in that era."""
    assert parse_date("5/4/1", era_hint="令和") == (date(2023, 4, 1), [], [])
    assert parse_date("31/4/30", era_hint="H") == (date(2019, 4, 30), [], [])
    assert parse_date("5/4/1", era_hint="???")[1] == ["invalid_date"]


@pytest.mark.parametrize("value, expected", [
    ("2023/4/1", date(2023, 4, 1)), ("2023-04-01", date(2023, 4, 1)), ("2023年4月1日", date(2023, 4, 1)),
    ("２０２３／０４／０１", date(2023, 4, 1)), ("20230401", date(2023, 4, 1)), ("2023/4/1 10:30", date(2023, 4, 1)),
    (datetime(2023, 4, 1, 9, 0), date(2023, 4, 1)), (date(2023, 4, 1), date(2023, 4, 1)), (45017, date(2023, 4, 1)),
    (45017.75, date(2023, 4, 1)), ("45017", date(2023, 4, 1)),
])
def test_western_dates_serials_and_serials_stored_as_text(value, expected):
    """Text dates (全角 too), date cells, Excel serials (also as text) in the 1900 system."""
    assert parse_date(value) == (expected, [], [])


def test_excel_serials_1900_leap_bug_and_1904_system():
    """Serial 60 is Excel's fictitious 1900-02-29 (an error); before it, serials are one day off; 1904 honoured."""
    assert serial_to_date(59, False) == date(1900, 2, 28)
    assert serial_to_date(60, False) is None
    assert serial_to_date(61, False) == date(1900, 3, 1)
    assert serial_to_date(1, False) == date(1900, 1, 1)
    assert serial_to_date(0, False) is None  # "1900-01-00"
    assert serial_to_date(45017, False) == date(2023, 4, 1)
    assert serial_to_date(0, True) == date(1904, 1, 1)
    assert serial_to_date(43555, True) == date(2023, 4, 1)
    assert parse_date(43555, date1904=True) == (date(2023, 4, 1), [], [])
    assert parse_date(60) == (None, ["invalid_date"], [])


def test_applied_at_outside_the_plausible_range_is_an_error():
    """Outside SENKO_IMPORT_MIN_YEAR..MAX_YEAR (default 2000–2030): date_out_of_range, never a silent 1900."""
    assert parse_date(1, limits=LIMITS) == (None, ["date_out_of_range"], [])
    assert parse_date("S63.4.1", limits=LIMITS) == (None, ["date_out_of_range"], [])
    assert parse_date("2031/1/1", limits=LIMITS) == (None, ["date_out_of_range"], [])
    assert parse_date("2030/12/31", limits=LIMITS) == (date(2030, 12, 31), [], [])
    assert parse_date("1999/1/1", limits=Limits(min_year=1990))[0] == date(1999, 1, 1)


@pytest.mark.parametrize("value, expected, warnings", [
    ("090-1234-5678", "09012345678", []), ("０９０－１２３４－５６７８", "09012345678", []), ("090 1234 5678", "09012345678", []),
    ("(03) 1234-5678", "0312345678", []), ("+81 90-1234-5678", "09012345678", []), ("+81-3-1234-5678", "0312345678", []),
    ("+81 (0)90 1234 5678", "09012345678", []), ("TEL：03-1234-5678", "0312345678", []), ("0120-123-456", "0120123456", []),
    ("050-1234-5678", "05012345678", []), ("090ー1234ー5678", "09012345678", []), ("TEL090-1234-5678", "09012345678", []),
    ("TEL.03-1234-5678", "0312345678", []), ("携帯090-1234-5678", "09012345678", []), ("phone (03) 1234-5678", "0312345678", []),
    (9012345678, "09012345678", ["phone_leading_zero_restored"]), (312345678, "0312345678", ["phone_leading_zero_restored"]),
    (9012345678.0, "09012345678", ["phone_leading_zero_restored"]), ("9012345678", "09012345678", ["phone_leading_zero_restored"]),
])
def test_phones_become_domestic_digits(value, expected, warnings):
    """ASCII digits, +81 → 0, a leading 0 Excel dropped restored with a warning."""
    assert parse_phone(value) == (expected, [], warnings)


@pytest.mark.parametrize("value", ["090-1234-567", "03-1234-56789", "+1 415 555 0100", "12345", "電話なし", "090-1234-5678-9",
                                   "0312345678901", 12345])
def test_impossible_phones_are_errors(value):
    """Wrong lengths (mobile 050/070/080/090 need 11 digits, others 10), foreign numbers, text: invalid_phone."""
    assert parse_phone(value) == (None, ["invalid_phone"], [])


def test_email_lower_cased_and_validated():
    """E-mail lower-cased (全角 folded), labels dropped; a malformed one is invalid_email."""
    assert parse_email("Taro.Yamada@Example.CO.JP") == ("taro.yamada@example.co.jp", [], [])
    assert parse_email("ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ") == ("taro@example.jp", [], [])
    assert parse_email("Mail：a@b.jp") == ("a@b.jp", [], [])
    # a local part that begins like a label keeps it: only a label with a colon or a space is one
    for kept in ("tel.tanaka@x.jp", "pc1@x.jp", "mailbox@x.jp", "phone-desk@x.jp", "telco@x.jp"):
        assert parse_email(kept) == (kept, [], []), kept
    assert parse_email("E-mail a@b.jp") == parse_email("メールa@b.jp") == ("a@b.jp", [], [])
    for bad in ("taro@@example.jp", "taro.example.jp", "taro@example", "taro@ex ample.jp", "a..b@example.jp", "TEL：0312345678"):
        assert parse_email(bad) == (None, ["invalid_email"], []), bad


@pytest.mark.parametrize("word, decision", [
    ("〇", "OK"), ("○", "OK"), ("◯", "OK"), ("合", "OK"), ("合格", "OK"), ("通過", "OK"), ("OK", "OK"), ("ok", "OK"), ("ＯＫ", "OK"),
    ("×", "NG"), ("✕", "NG"), ("否", "NG"), ("不合格", "NG"), ("NG", "NG"), ("ng", "NG"), ("見送り", "NG"), ("お見送り", "NG"),
    ("保留", None), ("△", None), ("", None), ("-", None),
])
def test_result_words(word, decision):
    """〇/合/合格/通過/OK → OK; ×/否/不合格/NG/見送り → NG; 保留/△/blank → no decision."""
    assert parse_decision(word) == (decision, [], [])


def test_withdrawn_is_not_ng_and_unknown_words_are_warned():
    """辞退 is no decision with a warning; an unknown word is warned; both OK and NG words is an error."""
    assert parse_decision("辞退") == (None, [], ["decision_withdrawn"])
    assert parse_decision("面接調整中") == (None, [], ["decision_unrecognised"])
    assert parse_decision("〇→×") == (None, ["ambiguous_decision"], [])
    assert parse_decision("合格/不合格") == (None, ["ambiguous_decision"], [])


def test_placeholders_mean_no_value():
    """``-``, ``ー``, ``なし``, blank and friends are empty; real values are not."""
    for text in ("", " ", "-", "ー", "－", "なし", "無し", "特になし", "N/A", "　"):
        assert is_placeholder(text), text
    for text in ("0", "山田", "-5"):
        assert not is_placeholder(text), text


def test_bracketed_remarks_are_split_off():
    """A final bracketed remark (全角 or ASCII) is split from the value."""
    assert split_remark("不合格（経験不足）") == ("不合格", "経験不足")
    assert split_remark("R5.4.10(再応募)") == ("R5.4.10", "再応募")
    assert split_remark("090-1234-5678（日中不可）") == ("090-1234-5678", "日中不可")
    assert split_remark("合格") == ("合格", None)


def test_names_kept_as_written_with_one_space():
    """Kanji as written (神 U+FA19 and 﨑 not folded), 全角スペース → one space, a bracketed reading split off."""
    assert parse_name("\ufa19田\u3000\u3000一郎") == ("\ufa19田 一郎", None, None)
    assert parse_name("山﨑太郎") == ("山﨑太郎", None, None)
    assert parse_name("山田 太郎（やまだ たろう）") == ("山田 太郎", "ヤマダ タロウ", None)
    assert parse_name("山田 花子(旧姓 佐藤)") == ("山田 花子", None, "旧姓 佐藤")
    assert parse_name("ﾔﾏﾀﾞ") == ("ヤマダ", None, None)


def test_furigana_is_full_width_katakana():
    """ふりがな in hiragana, katakana or half-width katakana all become full-width katakana."""
    assert to_katakana("やまだ　たろう") == "ヤマダ タロウ"
    assert to_katakana("ﾔﾏﾀﾞ ﾀﾛｳ") == "ヤマダ タロウ"
    assert to_katakana("ヤマダ タロウ") == "ヤマダ タロウ"
    assert to_katakana("がっこう ぱん ゔ") == "ガッコウ パン ヴ"


def test_several_data_in_one_cell_are_split_only_when_unambiguous():
    """An @ token is a mail, a phone-shaped token a phone; anything else is left over (an error for the row)."""
    assert split_contact("TEL：090-1234-5678 / Mail：a@b.jp") == (["a@b.jp"], ["090-1234-5678"], [])
    assert split_contact("tel 090-1234-5678 mail a@b.jp") == (["a@b.jp"], ["090-1234-5678"], [])
    assert split_contact("a@b.jp\n03-1234-5678") == (["a@b.jp"], ["03-1234-5678"], [])
    assert split_contact("TEL：090-1234-5678 / 自宅：03-1234-5678")[2] == ["自宅:03-1234-5678"]


def test_csv_safe_escapes_formula_starts():
    """Values beginning with = + - @ (or tab/CR) get a leading quote in a CSV export; others are unchanged."""
    assert [csv_safe(v) for v in ("=1+1", "+81", "-5", "@x", "\tx", "山田", None, 5, date(2023, 4, 1))] == \
        ["'=1+1", "'+81", "'-5", "'@x", "'\tx", "山田", "", "5", "2023-04-01"]


def test_reason_classes_are_stable_snake_case_with_japanese_messages():
    """Every reason is snake_case, errors and warnings do not overlap, each has a Japanese message."""
    assert not set(ERRORS) & set(WARNINGS)
    for reason, message in REASONS.items():
        assert reason.replace("_", "").isalpha() and reason == reason.lower()
        assert any("\u3040" <= ch <= "\u9fff" for ch in message)
