"""Read what a résumé states about protected attributes, for the adverse-impact audit only.

性別 (if written), an age band from 生年月日 or 年齢, and the prefecture of 住所. These are never
features: the nouns are masked separately (``ingest.nouns``), and this module's result goes only to
the ``applicant_attributes`` table, which auditors and admins read through ``GET /fairness/report``.
Nothing is guessed: a value that is not clearly written is left as None ("not stated").
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ..extensions import db
from ..models import ApplicantAttributes
from ..models.mixins import utcnow

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
    "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
    "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}

# A label, then (same line, or the next lines of a vertical table) its value.
_GENDER = re.compile(r"性\s*別\s*:?\s*(?P<value>男性|女性|男|女|その他|無回答|回答しない)")
_BIRTH = re.compile(r"生\s*年\s*月\s*日\s*:?\s*(?:(?P<era>明治|大正|昭和|平成|令和)\s*(?P<era_year>\d{1,2}|元)|(?P<year>(?:19|20)\d{2}))"
                    r"\s*[年/.\-]\s*(?P<month>\d{1,2})\s*[月/.\-]\s*(?P<day>\d{1,2})")
_AGE = re.compile(r"(?:満\s*(?P<full>\d{1,2})\s*歳)|(?:年\s*齢\s*:?\s*(?P<age>\d{1,2})\s*歳?)")
_ADDRESS = re.compile(r"(?:現\s*)?住\s*所\s*:?\s*(?:〒?\s*\d{3}-?\d{4}\s*)?(?P<value>[^\n]{0,40}(?:\n[^\n]{0,40})?)")
_PREFECTURE = re.compile("|".join(PREFECTURES))


@dataclass(frozen=True)
class StatedAttributes:
    """What the résumé states; None where it states nothing readable."""

    gender: str | None = None
    age_band: str | None = None
    prefecture: str | None = None


def age_band(age: int | None) -> str | None:
    """The band of an age in years (``<25``, ``25-34``, ``35-44``, ``45-54``, ``55+``); None for no or absurd ages."""
    if age is None or not 15 <= age <= 90:
        return None
    if age < 25:
        return "<25"
    if age >= 55:
        return "55+"
    low = 25 + (age - 25) // 10 * 10
    return f"{low}-{low + 9}"


def _gender(text: str) -> str | None:
    match = _GENDER.search(text)
    if match is None:
        return None
    value = match.group("value")
    if value.startswith("男"):
        return "male"
    if value.startswith("女"):
        return "female"
    return "other" if value == "その他" else None


def _age(text: str, today: date) -> int | None:
    match = _BIRTH.search(text)
    if match:
        if match.group("era"):
            era_year = 1 if match.group("era_year") == "元" else int(match.group("era_year"))
            year = ERAS[match.group("era")] + era_year
        else:
            year = int(match.group("year"))
        try:
            born = date(year, int(match.group("month")), int(match.group("day")))
        except ValueError:
            born = None
        if born is not None:
            return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    match = _AGE.search(text)
    if match:
        return int(match.group("full") or match.group("age"))
    return None


def _prefecture(text: str) -> str | None:
    for address in _ADDRESS.finditer(text):
        found = _PREFECTURE.search(address.group("value"))
        if found:
            return found.group(0)
    return None


def read_attributes(text: str, today: date | None = None) -> StatedAttributes:
    """The stated gender, age band (age on ``today``, default: now) and prefecture of a résumé's extracted text."""
    text = unicodedata.normalize("NFKC", text or "")
    today = today or utcnow().date()
    return StatedAttributes(gender=_gender(text), age_band=age_band(_age(text, today)), prefecture=_prefecture(text))


def store_attributes(applicant_id: int, stated: StatedAttributes) -> None:
    """Replace the applicant's stored attributes with ``stated`` (the caller commits)."""
    db.session.merge(ApplicantAttributes(applicant_id=applicant_id, gender=stated.gender, age_band=stated.age_band,
                                         prefecture=stated.prefecture, extracted_at=utcnow()))
