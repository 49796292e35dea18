"""Masking regression tests: every example of issue 12, the data files, and the not_resume check."""
import unicodedata

import pytest


def nouns(text: str, *names: str, keep_schools: bool = False) -> dict:
    """The stored nouns of ``text`` (NFKC as the extractor gives it) for an applicant called ``names``."""
    from senko.ingest.nouns import extract_nouns, load_stopwords, name_parts

    result = extract_nouns(unicodedata.normalize("NFKC", text), load_stopwords(), name_parts(*names),
                           keep_schools=keep_schools)
    return dict(result.counts)


BASE = "職歴 株式会社サンプル商事 入社 設計を担当\n"  # content that must survive next to every example


@pytest.mark.parametrize("text, leaked", [
    ("家族 妻 長男 長女 同居", {"妻", "長男", "長女", "同居"}),
    ("家族構成\n妻 (34歳) 会社員 同居\n長男 (5歳)\n長女 (3歳)", {"妻", "会社", "会社員", "同居", "長男", "長女"}),
    ("自己PR 夫と子供が2人います。", {"夫", "子供"}),
    ("健康状態 持病 糖尿 通院", {"持病", "糖尿", "通院"}),
    ("健康状態\n持病 糖尿 通院中", {"持病", "糖尿", "通院"}),
    ("既往歴 うつ病 休職 寛解", {"うつ病", "休職", "寛解"}),
    ("宗教 キリスト 教", {"キリスト", "教"}),
    ("支持政党 共産党", {"共産党"}),
    ("身長 170cm 体重 60kg", {"cm", "kg", "身長", "体重"}),
    ("自己PR 育児のため時短勤務をしています。", {"育児", "時短", "勤務"}),
    ("自己PR 出産・育休を経て復職しました。", {"出産", "育休", "復職"}),
    ("自己PR 親の介護のため一時離職しました。", {"親", "介護", "一時", "離職"}),
    ("自己PR 外国籍ですが永住権を取得しています。", {"外国", "永住", "取得"}),
    ("自己PR 障害者手帳を持っており、車椅子を利用しています。", {"障害", "手帳", "車椅子", "利用"}),
    ("本籍 沖縄県 出身地 大阪府西成区 国籍 ベトナム", {"沖縄", "西成", "ベトナム"}),
    ("性別 女性 生年月日 昭和43年2月3日 (満58歳)", {"女性", "昭和"}),
    ("趣味 教会の礼拝、聖書研究会", {"教会", "礼拝", "聖書", "研究"}),
    ("趣味 共産党の集会とビラ配り", {"共産党", "集会", "ビラ"}),
    ("写真 スナップ写真", {"スナップ", "写真"}),
])
def test_protected_values_and_life_events_leave_nothing(text, leaked):
    """The whole value of a protected field and every sentence naming a life event are gone; the rest stays."""
    found = nouns(BASE + text)
    assert not leaked & found.keys(), leaked & found.keys()
    assert {"設計", "担当", "株式会社", "サンプル", "商事"} <= found.keys() | {"株式会社"}


def test_job_words_that_start_like_protected_words_survive():
    """Token matching, never substrings: 障害対応, 健康保険組合, 新聞社, 写真撮影, 電話応対, 工夫 keep their words."""
    found = nouns("職務経歴 障害対応と健康保険組合の新聞社向け写真撮影システムの電話応対を工夫しました。")
    assert {"障害", "対応", "健康", "保険", "組合", "新聞", "写真", "撮影", "電話", "応対", "工夫"} <= found.keys()


def test_a_hobby_that_names_nothing_protected_is_kept():
    """趣味 is dropped only when it names a religion, a party or another protected word."""
    assert {"読書", "ジョギング"} <= nouns("趣味 読書、ジョギング").keys()


def test_school_names_are_dropped_and_faculties_kept():
    """…大学, …高等学校, 大学院 names go; 工学部, 情報 stay; a bare 大学 (the level) stays."""
    found = nouns("学歴 九州工業大学 情報工学部 卒業\n早稲田大学大学院 情報理工学研究科 修了\n"
                  "沖縄県立那覇高等学校 卒業\n東京都立大学工学部 卒業\n大学 中退")
    assert not {"九州工業大学", "早稲田大学", "大学院", "那覇", "高等学校", "東京都立大学", "都立"} & found.keys()
    assert {"情報", "工学部", "卒業", "理工", "修了", "大学", "中退"} <= found.keys()


def test_women_only_is_dropped_even_when_school_names_are_kept():
    """SENKO_KEEP_SCHOOL_NAMES keeps 九州工業大学, never 日本女子大学 or 女子."""
    kept = nouns("学歴 九州工業大学 卒業\n日本女子大学 文学部 卒業\n女子サッカー部 主将", keep_schools=True)
    assert "九州工業大学" in kept and "文学部" in kept
    assert not {"日本女子大学", "女子"} & kept.keys()
    assert "女子" not in nouns("女子サッカー部 主将")


@pytest.mark.parametrize("name, furigana, resume_text", [
    ("鈴木 𠮷野", "すずき よしの", "氏名 鈴木 \x00野\n職務経歴 鈴木\x00野として設計を担当\n鈴木 \x00野"),
    ("グエン・ヴァン・アン", "グエン ヴァン アン", "氏名 グエン・ヴァン・アン\n設計を担当 グエン・ヴァン・アン ぐえん ヴァン"),
    ("Nguyen Van An", None, "氏名 Nguyen Van An\nフリガナ グエン ヴァン アン\n設計を担当 NGUYEN VAN AN グエン"),
    ("金 志勲", "きむ じふん", "氏名 金 志勲\n設計を担当 金志勲 キム ジフン"),
    ("山田 花子", "やまだ はなこ", "氏名 山田 花子\n設計を担当 ヤマダ ハナコ Hanako Yamada"),
])
def test_names_are_masked_in_every_script_and_with_unmapped_glyphs(name, furigana, resume_text):
    """Typed name + résumé 氏名, folded across hiragana/katakana/romaji; 𠮷 extracted as NUL leaves no 野."""
    from senko.ingest.profile import read_name_fields

    found_name = read_name_fields(resume_text)
    found = nouns(resume_text, name, furigana, found_name.name, found_name.furigana)
    assert set(found) == {"設計", "担当"}, found


def test_email_addresses_and_urls_go_before_tokenizing():
    """hanako, yamada, docomo are not nouns; nor are a URL's parts."""
    found = nouns("連絡先 hanako.yamada@docomo.ne.jp\n設計を担当 https://github.com/hanako-yamada/portfolio "
                  "taro_suzuki+jobs@example.co.jp")
    assert set(found) == {"設計", "担当"}, found


def test_noise_single_characters_template_labels_spaced_headings_units():
    """前, 野, 職, 考, 履/歴/書, PR, 履歴, 経歴, 職歴, 学歴, 自己, 資格, 職務, 要約, cm, kg are never nouns; C and R stay."""
    found = nouns("履 歴 書\n職 務 経 歴 書\n自己PR 前職では設計を担当\n職務要約\n学歴 職歴 資格 履歴 経歴\n"
                  "スキル C言語、R、Python 5年\n身長 170 cm 体重 60 kg 野 考")
    assert set(found) == {"設計", "担当", "言語", "C", "R", "Python"}, found


def test_a_demo_resume_keeps_its_skills_and_loses_its_identity():
    """A generated 履歴書: skills and faculty kept; name, school, address, gender, birth date, labels gone."""
    from senko.demo import resumes

    profile = resumes.make_profile(0)
    found = nouns("\n".join(profile.lines()), profile.name, profile.furigana)
    assert set(profile.skills) - {"データ入力", "電話応対", "機械学習", "データ分析", "倉庫管理", "要件定義", "短期離職",
                                  "プロジェクトマネジメント", "チームリーダー"} <= found.keys() | {"未経験"}
    school, faculty = profile.school.split()
    forbidden = {*profile.name.split(), school, "女性", "男性", "性別", "生年月日", "PR", "自己", "学歴", "前"}
    assert not forbidden & found.keys(), forbidden & found.keys()


def test_data_files_parse_and_every_word_is_matched():
    """The lists load; every protected word, alone in a sentence, drops that sentence; field kinds are known."""
    from senko.ingest.masklists import FIELD_KINDS, mask_lists, parse_fields, parse_protected
    from senko.ingest.nouns import _tokenize, names_protected

    lists = mask_lists()
    assert set(lists.fields.values()) <= set(FIELD_KINDS) and lists.fields["家族"] == "block"
    assert {"育児", "介護", "永住", "車椅子", "共産党"} <= lists.anywhere and {"妻", "夫", "親"} <= lists.alone
    assert {"PR", "cm", "kg", "職務"} <= lists.noise and "女子" in lists.always_dropped
    for word in lists.protected:
        assert names_protected(_tokenize(f"{word}について。")), word
    with pytest.raises(ValueError):
        parse_fields(["家族 blok"])
    with pytest.raises(ValueError):
        parse_protected(["育児"])


@pytest.mark.parametrize("text, expected", [
    ("Factuur\nFactuurnummer 2026-114\nOmschrijving Aantal Prijs\nTotaal incl. BTW € 1.210,00", "Little Japanese text"),
    ("The bicycle was invented in Germany in 1817. It spread quickly across Europe and America.",
     "Little Japanese text"),
    ("本日の会議の議事録です。売上は前年比で増加しました。来期の計画を策定します。", "No résumé fields"),
    ("氏名 山田 太郎\nメール a@b.jp\n職歴 営業として五年勤務\nPython 設計 経験", None),
    ("職務経歴書\n職務要約\n株式会社サンプルにてPythonで開発を担当しました。", None),
])
def test_not_resume_reason(text, expected):
    """Little Japanese or no résumé label → a reason; a short real résumé passes."""
    from senko.ingest.doctype import not_resume_reason

    reason = not_resume_reason(unicodedata.normalize("NFKC", text))
    assert (reason is None) if expected is None else (reason or "").startswith(expected), reason
