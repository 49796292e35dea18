"""Generate Japanese résumé PDFs with reportlab and an embedded IPAex TrueType font.

Everything is deterministic for a given seed. Labels (OK/NG) follow a hidden rule plus noise, so a
model trained on them reaches a meaningful AUC that is not 1.0. The hostile generators produce the
files a real inbox brings: encrypted, truncated, corrupted, circular, scanned, empty, huge, fake.

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


def _canvas(buffer, **kwargs):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    register_font()
    return canvas.Canvas(buffer, pagesize=A4, **kwargs), A4


def render_pdf(lines: list[str], vertical: bool = False, pages: int = 1, encrypt=None) -> bytes:
    """A PDF of ``lines`` (horizontal, or vertical columns right to left) repeated on ``pages`` pages."""
    buffer = io.BytesIO()
    pdf, (width, height) = _canvas(buffer, encrypt=encrypt)
    size = 11
    for _ in range(pages):
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


def resume_pdf(profile: Profile) -> bytes:
    """The résumé PDF of ``profile``."""
    return render_pdf(profile.lines(), vertical=profile.vertical)


# ---- hostile files -----------------------------------------------------------------------------
def encrypted_pdf() -> bytes:
    """A résumé that needs a user password to open."""
    from reportlab.lib import pdfencrypt

    return render_pdf(make_profile(1).lines(), encrypt=pdfencrypt.StandardEncryption("user-secret", "owner-secret"))


def truncated_pdf() -> bytes:
    """A résumé cut off in the middle (a failed download)."""
    data = resume_pdf(make_profile(2))
    return data[: len(data) // 2]


def corrupted_stream_pdf() -> bytes:
    """A résumé whose compressed page stream has garbage in the middle."""
    data = bytearray(render_pdf(make_profile(3).lines()))
    start = data.find(b"stream\n", data.find(b"/Filter")) + len(b"stream\n")
    for offset in range(start + 20, start + 60):
        data[offset] ^= 0x5A
    return bytes(data)


def _hand_pdf(objects: list[bytes]) -> bytes:
    """Assemble a PDF from object bodies (1-based numbering, object 1 is the catalog) with a valid xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def circular_xobject_pdf() -> bytes:
    """A page drawing a form XObject that draws itself, forever."""
    return _hand_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /X1 5 0 R >> >> >>",
        _stream(b"/X1 Do"),
        _stream(b"/X1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X1 5 0 R >> >>"),
    ])


def zero_pages_pdf() -> bytes:
    """A syntactically valid PDF with no pages at all."""
    return _hand_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def image_only_pdf() -> bytes:
    """A scanned résumé: one picture per page, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for row in range(20):
        draw.rectangle([60, 60 + row * 38, 60 + (row * 37) % 500 + 40, 80 + row * 38], fill=0)
    buffer = io.BytesIO()
    pdf, (width, height) = _canvas(buffer)
    pdf.drawImage(ImageReader(image), 0, 0, width, height)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def many_pages_pdf(pages: int = 500) -> bytes:
    """A 500-page document (over the page cap)."""
    return render_pdf(["職務経歴書", "ページ"], pages=pages)


def unmapped_font_pdf() -> bytes:
    """Text drawn with a font that has no ToUnicode map: extractors only see (cid:NNN) codes."""
    content = b"BT /F1 24 Tf 50 700 Td <0102030405060708090a0b0c0d0e0f10> Tj ET\n" * 10
    return _hand_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Unknown /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unknown /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    ])


def text_renamed_pdf() -> bytes:
    """A plain text file someone renamed to .pdf."""
    return "山田太郎 履歴書\nこれはPDFではありません。\n".encode("utf-8")


HOSTILE = {
    "encrypted": encrypted_pdf,
    "truncated": truncated_pdf,
    "corrupted_stream": corrupted_stream_pdf,
    "circular_xobject": circular_xobject_pdf,
    "image_only": image_only_pdf,
    "zero_pages": zero_pages_pdf,
    "many_pages": many_pages_pdf,
    "unmapped_font": unmapped_font_pdf,
    "text_renamed": text_renamed_pdf,
}


def write_all(folder: Path, count: int = 20, seed: int = 2026) -> list[Path]:
    """Write ``count`` résumés and every hostile file into ``folder`` (for manual tries)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        path = folder / f"resume_{index:04d}.pdf"
        path.write_bytes(resume_pdf(make_profile(index, seed)))
        written.append(path)
    for name, make in HOSTILE.items():
        path = folder / f"hostile_{name}.pdf"
        path.write_bytes(make())
        written.append(path)
    return written
