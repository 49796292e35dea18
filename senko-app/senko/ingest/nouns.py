"""Noun extraction with Janome: keep nouns, drop names, places, numbers and fair-hiring stop words."""
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_STOPWORDS = Path(__file__).with_name("stopwords.txt")
# Part-of-speech details that are never features: personal identity and non-content nouns.
MASKED_PROPER = {"人名", "地域"}
DROPPED_KINDS = {"非自立", "代名詞", "接尾", "特殊", "接続詞的", "動詞非自立的"}
_HAS_CONTENT = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_ONLY_KANA = re.compile(r"^[\u3040-\u30ffー]$")


@dataclass
class NounResult:
    """Kept nouns with their counts, and how many tokens were masked as personal attributes."""

    counts: Counter
    masked: int
    tokens: int


@lru_cache(maxsize=1)
def tokenizer():
    """One Janome tokenizer per process (building it loads the dictionary: never per document)."""
    from janome.tokenizer import Tokenizer

    return Tokenizer()


def load_stopwords(path: str | None = None, extra: list[str] | None = None) -> frozenset[str]:
    """The stop list: the shipped file (or ``path``) plus ``extra``, NFKC-normalised."""
    source = Path(path) if path else DEFAULT_STOPWORDS
    words = set()
    for line in source.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(unicodedata.normalize("NFKC", word))
    words.update(unicodedata.normalize("NFKC", w) for w in (extra or []))
    return frozenset(words)


def extract_nouns(text: str, stopwords: frozenset[str], personal: set[str] | None = None) -> NounResult:
    """Count the content nouns of ``text``.

    Masked (counted in ``masked``, never stored): person names and place names (Janome's
    固有名詞・人名/地域), numbers (数), stop-list words, and the ``personal`` strings (the applicant's
    own name parts). Dropped silently: pronouns, suffixes, dependent nouns, symbols, lone kana.
    """
    counts: Counter = Counter()
    masked = 0
    tokens = 0
    # The applicant's own name and multi-character stop words are cut out of the text before
    # tokenizing: Janome splits rare spellings (山﨑, 𠮷野) and compounds (支持政党 → 支持/政党) into
    # pieces that would no longer match. Single characters (父, 年) are matched as whole tokens only.
    phrases = set(personal or ()) | {w for w in stopwords if len(w) > 1}
    for part in sorted(phrases, key=len, reverse=True):
        masked += text.count(part)
        text = text.replace(part, " ")
    engine = tokenizer()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for token in engine.tokenize(line):
            tokens += 1
            pos = token.part_of_speech.split(",")
            if pos[0] != "名詞":
                continue
            word = token.base_form if token.base_form not in ("*", "") else token.surface
            word = word.strip()
            if (pos[1] == "固有名詞" and pos[2] in MASKED_PROPER) or pos[1] == "数" or pos[2] == "助数詞":
                masked += 1
                continue
            if word in stopwords:
                masked += 1
                continue
            if pos[1] in DROPPED_KINDS or not _HAS_CONTENT.search(word) or _ONLY_KANA.match(word):
                continue
            if word.isdigit() or len(word) > 100:
                continue
            counts[word] += 1
    return NounResult(counts=counts, masked=masked, tokens=tokens)


def name_parts(*names: str | None) -> set[str]:
    """The pieces of an applicant's name and furigana, to mask wherever they appear in the résumé."""
    parts = set()
    for name in names:
        if not name:
            continue
        normalized = unicodedata.normalize("NFKC", name)
        parts.add(normalized.replace(" ", ""))
        parts.update(p for p in re.split(r"[\s　・]+", normalized) if p)
    return parts
