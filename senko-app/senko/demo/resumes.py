"""Generate Japanese résumé PDFs with reportlab and an embedded IPAex TrueType font.

Everything is deterministic for a given seed. Labels (OK/NG) follow a hidden rule plus noise, so a
model trained on them reaches a meaningful AUC that is not 1.0. The files a real inbox brings
(encrypted, broken, scanned, ...) are made by ``senko.demo.hostile``.

reportlab's built-in CID fonts are not used: with them pdfminer.six mangles characters such as 﨑 and ～.
"""
import io
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FONT_PATHS = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
)
FONT = "IPAexGothic"

SURNAMES = [("山田", "やまだ"), ("佐藤", "さとう"), ("鈴木", "すずき"), ("髙橋", "たかはし"), ("田中", "たなか"),
            ("伊藤", "いとう"), ("渡辺", "わたなべ"), ("中村", "なかむら"), ("小林", "こばやし"), ("山﨑", "やまざき")]
GIVEN = [("太郎", "たろう"), ("花子", "はなこ"), ("健一", "けんいち"), ("美咲", "みさき"), ("翔太", "しょうた"),
         ("陽子", "ようこ"), ("大輔", "だいすけ"), ("由美", "ゆみ"), ("𠮷野", "よしの"), ("誠", "まこと")]
PLACES = ["東京都新宿区", "大阪府大阪市", "神奈川県横浜市", "愛知県名古屋市", "福岡県福岡市", "北海道札幌市"]
SCHOOLS = ["東京大学 工学部", "早稲田大学 商学部", "大阪大学 理学部", "慶應義塾大学 経済学部", "九州工業大学 情報工学部"]
COMPANIES = ["株式会社サンプル商事", "テスト電機株式会社", "架空システムズ株式会社", "例示物産株式会社"]
# Skills that the hidden rule favours, and ones it does not.
STRONG = ["Python", "機械学習", "データ分析", "AWS", "プロジェクトマネジメント", "チームリーダー", "設計", "要件定義",
          "Kubernetes", "統計"]
NEUTRAL = ["Excel", "営業", "接客", "事務", "経理", "Word", "電話応対", "データ入力", "販売", "倉庫管理"]
WEAK = ["未経験", "短期離職", "ブランク"]
# 職務経歴書 sentences (each under 45 characters, so no line wrap ever splits a word).
CAREER = [
    "{company}にて{skill}を担当しました。",
    "{skill}の業務で新しい仕組みを導入しました。",
    "{skill}に関する社内研修の講師を務めました。",
    "顧客との打ち合わせで{skill}の提案を行いました。",
    "{skill}の品質向上のため手順書を整備しました。",
    "部署横断のプロジェクトで{skill}を推進しました。",
    "後輩の育成と{skill}の引き継ぎを行いました。",
    "{skill}の作業時間を大幅に短縮しました。",
]
QUALIFICATIONS = ["基本情報技術者", "応用情報技術者", "TOEIC 800点", "日商簿記2級", "普通自動車第一種運転免許"]


@dataclass
class Profile:
    """One generated applicant."""

    index: int
    name: str
    furigana: str
    email: str
    place: str
    school: str
    company: str
    skills: list[str]
    qualifications: list[str]
    pr: str
    label: str
    vertical: bool = False
    extra_lines: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The résumé's text, line by line."""
        return [
            "履歴書",
            f"氏名 {self.name}",
            f"ふりがな {self.furigana}",
            f"生年月日 1995年4月{1 + self.index % 28}日 (満31歳) 性別 {'男性' if self.index % 2 else '女性'}",
            f"現住所 {self.place}{1 + self.index % 9}丁目",
            f"学歴 {self.school} 卒業",
            f"職歴 {self.company} 入社 {'、'.join(self.skills[:2])}を担当",
            "資格 " + "、".join(self.qualifications),
            "スキル " + "、".join(self.skills),
            "自己PR " + self.pr,
            *self.extra_lines,
        ]


def make_profile(index: int, seed: int = 2026) -> Profile:
    """The ``index``-th applicant of the data set ``seed`` (same inputs, same person)."""
    rng = random.Random(seed * 100_003 + index)
    surname, surname_kana = rng.choice(SURNAMES)
    given, given_kana = rng.choice(GIVEN)
    strong = rng.sample(STRONG, rng.randint(0, 4))
    neutral = rng.sample(NEUTRAL, rng.randint(1, 4))
    weak = rng.sample(WEAK, rng.randint(0, 1) if rng.random() < 0.4 else 0)
    skills = strong + neutral + weak
    rng.shuffle(skills)
    # Hidden rule: strong skills help, weak signals hurt, plus noise.
    merit = len(strong) * 1.0 - len(weak) * 1.5 + rng.gauss(0, 1.1)
    label = "OK" if merit > 1.6 else "NG"
    pr = rng.choice([
        "{0}の経験を活かし、業務改善に取り組んできました。",
        "前職では{0}を中心に成果を上げました。新しい環境でも貢献したいと考えています。",
        "{0}が得意です。粘り強く課題を解決します。",
    ]).format("・".join(skills[:2]) or "業務")
    profile = Profile(
        index=index, name=f"{surname} {given}", furigana=f"{surname_kana} {given_kana}",
        email=f"applicant{index}@example.jp", place=rng.choice(PLACES), school=rng.choice(SCHOOLS),
        company=rng.choice(COMPANIES), skills=skills, qualifications=rng.sample(QUALIFICATIONS, rng.randint(1, 3)),
        pr=pr, label=label, vertical=rng.random() < 0.2,
    )
    # Drawn last, so adding the 職務経歴書 left every earlier draw (and so each person) unchanged.
    profile.extra_lines = ["職務経歴書", "職務要約"] + [
        rng.choice(CAREER).format(company=rng.choice(COMPANIES), skill=rng.choice(skills))
        for _ in range(rng.randint(20, 40))
    ]
    return profile


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the IPAex Gothic TrueType font with reportlab (embedded in every PDF)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_PATHS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(FONT, path))
            return FONT
    raise RuntimeError("IPAex font not found: apt-get install fonts-ipaexfont")


def make_canvas(buffer, **kwargs):
    """A reportlab A4 canvas on ``buffer`` with the Japanese font registered; returns (canvas, page size)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    register_font()
    return canvas.Canvas(buffer, pagesize=A4, **kwargs), A4


def render_pdf(lines: list[str], vertical: bool = False, pages: int = 1, encrypt=None, overlay=None) -> bytes:
    """A PDF of ``lines`` (horizontal, or vertical columns right to left) repeated on ``pages`` pages.

    ``overlay(canvas, width, height)``, when given, draws something more on the first page.
    """
    buffer = io.BytesIO()
    pdf, (width, height) = make_canvas(buffer, encrypt=encrypt)
    size = 11
    for page in range(pages):
        if overlay is not None and page == 0:
            pdf.saveState()
            overlay(pdf, width, height)
            pdf.restoreState()
        pdf.setFont(FONT, size)
        if vertical:
            x = width - 50
            for line in lines:
                if x < 50:
                    pdf.showPage()
                    pdf.setFont(FONT, size)
                    x = width - 50
                y = height - 50
                for char in line:
                    if y < 50:
                        x -= size * 1.8
                        y = height - 50
                    pdf.drawCentredString(x, y, char)
                    y -= size * 1.1
                x -= size * 1.8
        else:
            y = height - 60
            for line in lines:
                while line:
                    if y < 60:
                        pdf.showPage()
                        pdf.setFont(FONT, size)
                        y = height - 60
                    cut = 45 if len(line) <= 45 else max(line.rfind("、", 0, 45) + 1, line.rfind(" ", 0, 45) + 1) or 45
                    chunk, line = line[:cut], line[cut:]
                    pdf.drawString(50, y, chunk)
                    y -= size * 1.6
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def resume_pdf(profile: Profile, overlay=None) -> bytes:
    """The résumé PDF of ``profile`` (``overlay``: see ``render_pdf``)."""
    return render_pdf(profile.lines(), vertical=profile.vertical, overlay=overlay)
