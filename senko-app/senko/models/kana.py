"""Kana folding: the one key that makes ひらがな, カタカナ and half-width ｶﾀｶﾅ compare equal.

``fold`` is used for the applicants' stored name/ふりがな keys (``Applicant.name_key``,
``Applicant.furigana_key``) and for the ``name`` prefix a recruiter types, so both sides agree.
"""
import unicodedata

KEY_LENGTH = 100
# Katakana ァ..ヶ and ヽヾ → hiragana ぁ..ゖ and ゝゞ (the blocks are 0x60 apart).
_TO_HIRAGANA = {code: code - 0x60 for code in (*range(0x30A1, 0x30F7), 0x30FD, 0x30FE)}


def fold(text: str | None) -> str:
    """``text`` NFKC-normalised (half-width kana → full-width, full-width Latin → ASCII), katakana as
    hiragana, lower-cased, without spaces: ``ヤマダ タロウ``, ``ﾔﾏﾀﾞ`` and ``やまだ`` fold alike."""
    if not text:
        return ""
    normalized = unicodedata.normalize("NFKC", text).translate(_TO_HIRAGANA).lower()
    return "".join(normalized.split())[:KEY_LENGTH]
