"""Counterfactual résumé pairs: the same résumé twice, differing in exactly one protected attribute.

Each ``Pair`` holds a base and a changed ``Variant`` (the lines of a JIS-style 履歴書 + 職務経歴書, the
name typed at upload, the layout). Through the real pipeline both must give the same nouns and, under
any model, scores within ``TOLERANCE``: ``tests/app/fairness/test_counterfactual.py`` checks it on a
model trained on data where the changed words occur with correlated labels (``training_documents``),
and ``flask fairness counterfactual`` prints the table for the active model (``run_suite``).
"""
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .resumes import make_profile, render_pdf

TOLERANCE = 0.005
BASE_NAME = ("山田 太郎", "やまだ たろう", "taro.yamada@example.jp")
FIELDS = {  # attribute → (base value lines, changed value lines); a field is a label and its value
    "家族": (["家族構成 なし"], ["家族構成", "妻 (34歳) 会社員 同居", "長男 (5歳)", "長女 (3歳)"]),
    "配偶者": (["配偶者 無"], ["配偶者 有 (妻)"]),
    "扶養": (["扶養家族数(配偶者を除く) 0人"], ["扶養家族数(配偶者を除く) 2人 長男 長女"]),
    "健康状態": (["健康状態 良好"], ["健康状態", "持病 糖尿 通院中 (月1回)"]),
    "既往": (["既往歴 特になし"], ["既往歴 うつ病 休職 寛解"]),
    "宗教": (["宗教 無宗教"], ["宗教 キリスト 教 (カトリック)"]),
    "支持政党": (["支持政党 特になし"], ["支持政党 日本共産党"]),
    "身長・体重": (["身長 172cm 体重 65kg"], ["身長 154cm 体重 47kg"]),
    "本籍": (["本籍 東京都"], ["本籍 沖縄県那覇市"]),
    "出身地": (["出身地 東京都世田谷区"], ["出身地 大阪府西成区"]),
    "国籍": (["国籍 日本"], ["国籍 ベトナム 在留資格 永住者"]),
    "性別": (["性別 男性"], ["性別 女性"]),
    "生年月日・年齢": (["生年月日 1990年5月12日 (満36歳)"], ["生年月日 昭和43年2月3日 (満58歳)"]),
    "住所": (["現住所 〒160-0023 東京都新宿区西新宿2丁目"], ["現住所 〒557-0004 大阪府大阪市西成区萩之茶屋1丁目"]),
    "電話": (["電話 090-1234-5678"], ["電話 080-9876-5432 (自宅 06-6123-4567)"]),
    "メール": (["メール {email}"], ["メール hanako.suzuki1985@docomo.ne.jp"]),
    "写真": (["写真 貼付 (3ヶ月以内に撮影)"], ["写真 スナップ写真 (家族と撮影)"]),
    "趣味 (宗教)": (["趣味 お寺での座禅と写経"], ["趣味 教会の礼拝、聖書研究会"]),
    "趣味 (政治)": (["趣味 自民党の後援会活動"], ["趣味 共産党の集会とビラ配り"]),
}
LIFE_EVENTS = {  # attribute → a sentence of 自己PR that only the changed résumé has
    "育児・時短": "育児のため時短勤務で働いています。",
    "出産・育休・復職": "出産・育休を経て2022年に復職しました。",
    "介護・離職": "親の介護のため一時離職しました。",
    "妊娠": "現在妊娠5ヶ月で、産休の取得を予定しています。",
    "結婚": "2020年に結婚し、夫の転勤で引っ越しました。",
    "離婚": "離婚を機に実家へ戻りました。",
    "障害者手帳・車椅子": "障害者手帳を持っており、車椅子を利用しています。",
    "持病・通院": "持病の糖尿病で月に1回通院しています。",
    "永住": "外国籍ですが永住権を取得しています。",
    "家族 (子供)": "夫と子供が2人います。",
    "うつ病・休職": "うつ病で休職しましたが、現在は寛解しています。",
}
NAMES = {  # attribute → (name, reading, e-mail): the changed applicant's; the base is BASE_NAME
    "氏名 (女性)": ("山田 花子", "やまだ はなこ", "hanako.yamada@example.jp"),
    "氏名 (𠮷: PDFでNUL)": ("鈴木 𠮷野", "すずき よしの", "yoshino.suzuki@example.jp"),
    "氏名 (外国: カタカナ)": ("グエン・ヴァン・アン", "グエン ヴァン アン", "nguyen.van.an@example.jp"),
    "氏名 (外国: ローマ字)": ("Nguyen Van An", "グエン ヴァン アン", "an.nguyen@example.jp"),
    "氏名 (外国: 漢字)": ("金 志勲", "きむ じふん", "jihun.kim@example.jp"),
    "氏名 (旧字・入力違い)": ("髙橋 一郎", "たかはし いちろう", "ichiro.takahashi@example.jp"),
}
TYPED = {"髙橋 一郎": "高橋 一郎"}  # typed at upload in another spelling than the résumé's 氏名
SCHOOLS = {  # attribute → the changed 学歴 line; the base is BASE_SCHOOL
    "学校名 (九州工業大学)": "九州工業大学 工学部 情報工学科 卒業",
    "学校名 (日本女子大学)": "日本女子大学 工学部 情報工学科 卒業",
    "学校名 (大学院)": "九州大学大学院 工学部 情報工学科 卒業",
    "学校名 (短期大学)": "大妻女子短期大学 工学部 情報工学科 卒業",
    "学校名 (高校)": "沖縄県立那覇高等学校 工学部 情報工学科 卒業",
}
BASE_SCHOOL = "早稲田大学 工学部 情報工学科 卒業"
VERTICAL = ("家族", "性別", "健康状態", "介護・離職")  # also checked in 縦書き


@dataclass(frozen=True)
class Variant:
    """One résumé: what is written and what is typed at upload."""

    name: str = BASE_NAME[0]
    furigana: str = BASE_NAME[1]
    email: str = BASE_NAME[2]
    fields: tuple[str, ...] = ()          # overrides of FIELDS: (attribute, "changed")
    event: str | None = None
    school: str = BASE_SCHOOL
    vertical: bool = False

    @property
    def typed_name(self) -> str:
        """The name as typed at upload (may differ from the résumé's 氏名)."""
        return TYPED.get(self.name, self.name)

    def lines(self) -> list[str]:
        """The résumé's text, line by line (履歴書, then 職務経歴書)."""
        profile = make_profile(7)
        field_lines = []
        for attribute, (base, changed) in FIELDS.items():
            field_lines += changed if attribute in self.fields else base
        field_lines = [line.format(email=self.email) for line in field_lines]
        pr = "前職では設計と要件定義を担当し、チームリーダーとして成果を上げました。" + (self.event or "")
        return ["履 歴 書", f"氏名 {self.name}", f"ふりがな {self.furigana}", *field_lines,
                f"学歴 {self.school}", f"職歴 {profile.company} 入社 設計、要件定義を担当",
                "資格 基本情報技術者、応用情報技術者", "スキル Python、機械学習、データ分析、AWS",
                f"自己PR {pr}", "志望動機 御社のデータ分析基盤の開発に携わりたいと考えています。",
                *profile.extra_lines, self.name]

    def pdf(self) -> bytes:
        """The résumé as a PDF, through the demo résumé writer (made once per process)."""
        return _pdf(self)


@dataclass(frozen=True)
class Pair:
    """Two résumés that differ in exactly ``attribute`` (of ``group``: field, life_event, name, school)."""

    attribute: str
    group: str
    base: Variant = field(default_factory=Variant)
    changed: Variant = field(default_factory=Variant)


@lru_cache(maxsize=128)
def _pdf(variant: Variant) -> bytes:
    return render_pdf(variant.lines(), vertical=variant.vertical)


def pairs() -> list[Pair]:
    """Every counterfactual pair of the suite."""
    found = [Pair(a, "field", changed=Variant(fields=(a,))) for a in FIELDS]
    found += [Pair(a, "life_event", changed=Variant(event=s)) for a, s in LIFE_EVENTS.items()]
    found += [Pair(a, "name", changed=Variant(name=n, furigana=f, email=e)) for a, (n, f, e) in NAMES.items()]
    found += [Pair(a, "school", changed=Variant(school=s)) for a, s in SCHOOLS.items()]
    found += [Pair(f"{p.attribute} (縦書き)", p.group, replace(p.base, vertical=True), replace(p.changed, vertical=True))
              for p in found if p.attribute in VERTICAL]
    return found


def variants(suite: list[Pair]) -> list[Variant]:
    """The distinct résumés of ``suite`` (bases are shared), in a stable order."""
    return list(dict.fromkeys(v for p in suite for v in (p.base, p.changed)))


def raw_nouns(text: str) -> list[str]:
    """Every noun of ``text``, unmasked: what a careless extractor stores (the training data of the check)."""
    from ..ingest.nouns import tokenizer

    return [t.base_form if t.base_form != "*" else t.surface for line in text.splitlines()
            for t in tokenizer().tokenize(line) if t.part_of_speech.startswith("名詞") and t.surface.strip()]


def training_documents(count: int = 240, seed: int = 12) -> list[tuple[list[str], str]]:
    """``count`` (unmasked nouns, OK/NG) résumés where every changed word occurs, labels leaning NG for them.

    Each is a demo applicant (hidden-rule label) plus one pair's side; the changed side is NG nine
    times in ten, so a model learns the protected words as strong signals, as past bias would teach it.
    """
    rng = random.Random(seed)
    suite = pairs()
    documents = []
    for index in range(count):
        profile = make_profile(1000 + index)
        pair = suite[index % len(suite)]
        changed = rng.random() < 0.5
        variant = pair.changed if changed else pair.base
        label = "NG" if changed and rng.random() < 0.9 else ("OK" if not changed and rng.random() < 0.6 else profile.label)
        text = "\n".join(profile.lines() + variant.lines())
        documents.append((raw_nouns(text), label))
    return documents


@dataclass
class Row:
    """One line of the table: an attribute, whether the nouns were identical, the score delta."""

    attribute: str
    group: str
    same_nouns: bool
    delta: float | None
    only_base: list[str] = field(default_factory=list)
    only_changed: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Same nouns, and a delta within TOLERANCE (or no model to score with)."""
        return self.same_nouns and (self.delta is None or self.delta <= TOLERANCE)


def compare(suite: list[Pair], nouns: Callable[[Variant], dict], scores: dict | None = None) -> list[Row]:
    """The table: per pair, the nouns of both sides (``nouns(variant)``) and the absolute score delta (``scores[variant]``)."""
    rows = []
    for pair in suite:
        base, changed = nouns(pair.base), nouns(pair.changed)
        delta = abs(scores[pair.base] - scores[pair.changed]) if scores else None
        rows.append(Row(pair.attribute, pair.group, base == changed, delta, sorted(set(base) - set(changed)),
                        sorted(set(changed) - set(base))))
    return rows


def run_suite(score: Callable[[list[list[str]]], list[float]] | None,
              suite: list[Pair] | None = None) -> list[Row]:
    """Every pair through the pipeline's own steps (PDF → visible text → masked nouns), scored by ``score``.

    ``score(documents)`` returns the OK probabilities of the documents (senko-predict's), or
    ``score`` is None to compare nouns only. Call inside an app context (the settings apply).
    """
    from senko_predict.contract import nouns_from_counts

    from ..ingest.doctype import not_resume_reason
    from ..ingest.extract import extract_text
    from ..ingest.pipeline import resume_nouns

    suite = suite or pairs()
    found = {}
    for variant in variants(suite):
        text = extract_text(variant.pdf(), 20).text
        reason = not_resume_reason(text)
        if reason:
            raise RuntimeError(f"a counterfactual résumé was refused as not_resume: {reason}")
        found[variant] = dict(resume_nouns(text, variant.typed_name, variant.furigana).counts)
    scores = None
    if score is not None:
        documents = [nouns_from_counts(sorted(found[v].items())) for v in found]
        scores = dict(zip(found, score(documents), strict=True))
    return compare(suite, found.__getitem__, scores)


def table(rows: list[Row]) -> list[str]:
    """The table as text lines: attribute → the largest absolute score delta (pairs sharing an attribute take the max)."""
    widest: dict[str, Row] = {}
    for row in rows:
        kept = widest.get(row.attribute)
        if kept is None or (row.delta or 0) > (kept.delta or 0) or not row.same_nouns:
            widest[row.attribute] = row
    lines = [f"{'attribute':28} {'group':10} {'nouns':9} max |Δscore|"]
    for row in widest.values():
        delta = "-" if row.delta is None else f"{row.delta:.4f}"
        verdict = "" if row.passed else f"  FAIL (-{row.only_base} +{row.only_changed})"
        lines.append(f"{row.attribute:28} {row.group:10} {'same' if row.same_nouns else 'DIFFER':9} {delta}{verdict}")
    return lines
