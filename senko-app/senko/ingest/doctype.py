"""Is this a Japanese résumé at all? An invoice or an English letter must not be scored as one.

A document is ``not_resume`` when little of its text is Japanese, or when it has none of the
labels every 履歴書 or 職務経歴書 carries (氏名, 学歴, 職歴, 職務経歴, 自己PR, …). The reason says which,
with the figures, so a recruiter can tell a foreign-language CV (re-upload a Japanese one, or read
it) from a wrong attachment.
"""
import re

from .structure import split_fields

# Labels (lists/fields.txt) that only résumés carry: one is enough.
RESUME_LABELS = frozenset({
    "氏名", "ふりがな", "フリガナ", "生年月日", "学歴", "職歴", "学歴・職歴", "免許・資格", "資格", "自己PR", "志望動機",
    "志望の動機", "本人希望記入欄", "職務経歴", "職務経歴書", "職務要約", "職務内容", "履歴書", "スキル", "自己紹介",
    "活かせる経験・知識・技術",
})
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f々〆ヶー]")
_LETTER = re.compile(r"[^\W\d_]")
MIN_JAPANESE_SHARE = 0.3


def not_resume_reason(text: str) -> str | None:
    """Why ``text`` (NFKC extraction output) is not a Japanese résumé, or None when it may be one."""
    letters = len(_LETTER.findall(text))
    if not letters:
        return None  # no text at all is no_text, decided before
    share = len(_JAPANESE.findall(text)) / letters
    if share < MIN_JAPANESE_SHARE:
        return (f"Little Japanese text ({share:.0%} of {letters} letters): not a Japanese résumé "
                "(履歴書/職務経歴書); upload one, or read this document yourself")
    if not split_fields(text).labels & RESUME_LABELS:
        return ("No résumé fields (氏名, 学歴, 職歴, 職務経歴, 自己PR, …) in the text: this does not look like a "
                "履歴書 or 職務経歴書")
    return None
