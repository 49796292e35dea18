"""The applicant's name in every spelling a résumé may use, to mask it wherever it appears.

A name typed as 山田 太郎 with the reading やまだ たろう is also masked as ヤマダ, タロウ, Yamada,
Taro and Tarou; a katakana name (グエン・ヴァン・アン) by its parts; a romaji one (Nguyen Van An)
case-insensitively. A character outside the Basic Multilingual Plane (𠮷) is also looked for as
the NUL or U+FFFD that a PDF without a mapping for it extracts to (鈴木 𠮷野 → 鈴木 \\x00野).
"""
import re
import unicodedata

UNMAPPED = ("\x00", "\ufffd")
_SPLIT = re.compile(r"[\s\u3000・･=＝/()（）,、]+")

_ROMAJI = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o", "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so", "た": "ta", "ち": "chi", "つ": "tsu", "て": "te",
    "と": "to", "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no", "は": "ha", "ひ": "hi", "ふ": "fu",
    "へ": "he", "ほ": "ho", "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo", "や": "ya", "ゆ": "yu",
    "よ": "yo", "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro", "わ": "wa", "ゐ": "i", "ゑ": "e",
    "を": "o", "ん": "n", "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go", "ざ": "za", "じ": "ji",
    "ず": "zu", "ぜ": "ze", "ぞ": "zo", "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do", "ば": "ba",
    "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo", "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
    "ゔ": "vu", "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o",
}
_YOON = {"ゃ": "a", "ゅ": "u", "ょ": "o"}


def to_hiragana(text: str) -> str:
    """カタカナ → ひらがな (other characters unchanged)."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def to_katakana(text: str) -> str:
    """ひらがな → カタカナ (other characters unchanged)."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def to_romaji(kana: str) -> str | None:
    """Hepburn romaji of a kana word (long vowels as written: たろう → tarou); None if not all kana."""
    text = to_hiragana(kana)
    out: list[str] = []
    double = False
    for char in text:
        if char == "っ":
            double = True
            continue
        if char == "ー":
            if out:
                out.append(out[-1][-1])
            continue
        if char in _YOON:
            if not out:
                return None
            base = out.pop()[:-1]  # き → k, し → sh
            out.append(base + ("" if base.endswith(("sh", "ch", "j")) else "y") + _YOON[char])
            continue
        syllable = _ROMAJI.get(char)
        if syllable is None:
            return None
        if double:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
        out.append(syllable)
    return "".join(out) or None


def _romaji_variants(kana: str) -> set[str]:
    romaji = to_romaji(kana)
    if not romaji:
        return set()
    variants = {romaji, romaji.replace("ou", "o").replace("uu", "u").replace("oo", "o"), romaji.replace("ou", "oh")}
    variants |= {v.replace("n'", "n") for v in variants}
    return {v for v in variants if len(v) > 1}


def _unmapped_variants(part: str) -> set[str]:
    """𠮷野 → {\\x00野, \\ufffd野}: what a PDF without a mapping for the character gives."""
    if all(ord(c) <= 0xFFFF for c in part):
        return set()
    return {"".join(mark if ord(c) > 0xFFFF else c for c in part) for mark in UNMAPPED}


def name_variants(*names: str | None) -> set[str]:
    """Every spelling of the name parts of ``names`` (names and readings), lower-cased where Latin.

    Parts of one character are kept only if they are not kana (a one-kana part would be a particle).
    """
    variants: set[str] = set()
    for name in names:
        if not name:
            continue
        normalized = unicodedata.normalize("NFKC", name).strip()
        parts = [p for p in _SPLIT.split(normalized) if p]
        # Runs of parts as one word too, bare or with ・ (Janome reads ヴァン・アン as one token).
        parts += [glue.join(parts[i:j]) for i in range(len(parts)) for j in range(i + 2, len(parts) + 1)
                  for glue in ("", "・")]
        for part in parts:
            found = {part, to_hiragana(part), to_katakana(part)} | _unmapped_variants(part)
            if re.fullmatch(r"[\u3041-\u30ffー]+", part):
                found |= _romaji_variants(part)
            variants |= {v.lower() if v.isascii() else v for v in found}
    return {v for v in variants if len(v) > 1 or not re.fullmatch(r"[\u3041-\u30ffー]", v)}
