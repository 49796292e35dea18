"""Noun extraction with Janome: keep the nouns that describe work; never a protected attribute.

The order (each step is tested in tests/app/ingest/test_masking.py):

1. ``structure.split_fields``: e-mail addresses and URLs out; the whole value of a protected
   履歴書 field (家族, 健康状態, 宗教, 住所, …: ``lists/fields.txt``) out; 趣味 checked whole.
2. Free text, sentence by sentence: a sentence naming a protected life event or attribute
   (育児, 介護, 持病, 永住, キリスト教, 共産党, 妻, …: ``lists/protected_words.txt``) is dropped whole.
   Words match Janome's tokens, never substrings: 障害対応, 健康保険組合, 新聞社, 写真撮影 stay.
3. Token by token: the applicant's name in any spelling (``names``) and any token next to a glyph
   the PDF could not map; person and place names (固有名詞・人名/地域); numbers; the stop list;
   school names (``lists/schools.txt``, unless kept) and 女子 are masked. Noise is dropped:
   one-character nouns, template labels and units (``lists/noise.txt``), pronouns, suffixes.
"""
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .masklists import mask_lists
from .names import UNMAPPED, name_variants
from .structure import sentences, split_fields

DEFAULT_STOPWORDS = Path(__file__).with_name("stopwords.txt")
# Part-of-speech details that are never features: personal identity and non-content nouns.
MASKED_PROPER = {"人名", "地域"}
DROPPED_KINDS = {"非自立", "代名詞", "接尾", "特殊", "接続詞的", "動詞非自立的"}
_HAS_CONTENT = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
MAX_WORD = 24  # the longest word any list may match, in characters


@dataclass
class NounResult:
    """Kept nouns with their counts, and how many tokens were masked as personal attributes."""

    counts: Counter
    masked: int
    tokens: int


@dataclass
class _Token:
    surface: str
    word: str
    pos: list[str]

    @property
    def noun(self) -> bool:
        return self.pos[0] == "名詞"


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


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    for token in tokenizer().tokenize(text):
        word = token.base_form if token.base_form not in ("*", "") else token.surface
        tokens.append(_Token(token.surface, word.strip(), token.part_of_speech.split(",")))
    return tokens


def _runs(tokens: list[_Token]) -> list[tuple[int, int]]:
    """(start, end) of every compound noun: a run of adjacent noun tokens."""
    runs, start = [], None
    for index, token in enumerate(tokens + [_Token("", "", ["EOS"])]):
        if token.noun and token.surface.strip():
            start = index if start is None else start
        elif start is not None:
            runs.append((start, index))
            start = None
    return runs


def _matches(tokens: list[_Token], words: frozenset[str] | set[str], lower: bool = False):
    """(start, end) of every token-aligned sequence whose text is one of ``words``."""
    for start in range(len(tokens)):
        text = ""
        for end in range(start, len(tokens)):
            text += tokens[end].surface
            if len(text) > MAX_WORD:
                break
            if (text.lower() if lower else text) in words:
                yield start, end + 1


def names_protected(tokens: list[_Token]) -> bool:
    """True when the tokens name a protected life event or attribute (``lists/protected_words.txt``)."""
    lists = mask_lists()
    if any(True for _ in _matches(tokens, lists.anywhere)):
        return True
    runs = set(_runs(tokens))
    return any(span in runs for span in _matches(tokens, lists.alone))


def _school_spans(tokens: list[_Token], keep_schools: bool) -> set[int]:
    """Indices of the tokens of school names (a compound ending in 大学, 高校, …) and of 女子."""
    lists = mask_lists()
    masked = {i for i, t in enumerate(tokens) if any(w in t.surface for w in lists.always_dropped)}
    if keep_schools:
        return masked
    for start, end in _runs(tokens):
        for index in range(end - 1, start - 1, -1):
            surface = tokens[index].surface
            ending = next((e for e in lists.school_endings if surface.endswith(e)), None)
            if ending and (len(surface) > len(ending) or index > start):
                masked.update(range(start, index + 1))
                break
    return masked


def _personal(tokens: list[_Token], stopwords: frozenset[str], personal: set[str]) -> set[int]:
    """Indices of the tokens of the applicant's name, stop words, and fragments next to an unmapped glyph."""
    masked = set()
    for start, end in list(_matches(tokens, personal, lower=True)) + list(_matches(tokens, stopwords)):
        masked.update(range(start, end))
    for index, token in enumerate(tokens):
        if any(mark in token.surface for mark in UNMAPPED):
            masked.update(i for i in (index - 1, index, index + 1)
                          if 0 <= i < len(tokens) and tokens[i].surface.strip() and not tokens[i].surface.isspace())
    return masked


def _count_nouns(texts: list[str]) -> int:
    return sum(1 for text in texts for token in _tokenize(text) if token.noun and token.surface.strip())


def _is_noise(word: str) -> bool:
    lists = mask_lists()
    if len(word) == 1:
        return word not in lists.single_kept
    return word in lists.noise or word.lower() in lists.noise_lower


def extract_nouns(text: str, stopwords: frozenset[str], personal: set[str] | None = None,
                  keep_schools: bool = False) -> NounResult:
    """Count the content nouns of ``text`` (NFKC-normalised extraction output).

    Masked (counted in ``masked``, never stored): protected fields' values, sentences naming a
    protected life event, the ``personal`` strings (``name_parts``), person and place names,
    numbers, stop-list words, school names (unless ``keep_schools``) and 女子. Dropped silently:
    noise (one-character nouns, template labels, units), pronouns, suffixes, symbols.
    """
    counts: Counter = Counter()
    fields = split_fields(text)
    masked = _count_nouns(fields.dropped)
    tokens_seen = 0
    personal = {p.lower() if p.isascii() else p for p in (personal or ())}
    # A 趣味 value is one unit: a protected word anywhere in it drops all of it.
    for unit in [sentence for paragraph in fields.units for sentence in sentences(paragraph)] + fields.hobbies:
        tokens = _tokenize(unit)
        tokens_seen += len(tokens)
        if names_protected(tokens):
            masked += sum(1 for t in tokens if t.noun and t.surface.strip())
            continue
        hidden = _personal(tokens, stopwords, personal) | _school_spans(tokens, keep_schools)
        for index, token in enumerate(tokens):
            if not token.noun or not token.surface.strip():
                continue
            pos, word = token.pos, token.word
            if index in hidden or (pos[1] == "固有名詞" and pos[2] in MASKED_PROPER) or pos[1] == "数" \
                    or pos[2] == "助数詞":
                masked += 1
                continue
            if pos[1] in DROPPED_KINDS or not _HAS_CONTENT.search(word) or word.isdigit() or len(word) > 100:
                continue
            if _is_noise(word):
                continue
            counts[word] += 1
    return NounResult(counts=counts, masked=masked, tokens=tokens_seen)


def name_parts(*names: str | None) -> set[str]:
    """Every spelling of an applicant's name and reading, to mask wherever it appears (``names``)."""
    return name_variants(*names)
