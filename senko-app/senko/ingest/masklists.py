"""The data files that drive masking (``senko/ingest/lists/*.txt``), loaded once per process.

- ``fields.txt``: the labels of 履歴書 fields and what to do with their values (drop, keep, check).
- ``protected_words.txt``: life events and attributes whose sentence is dropped from free text.
- ``noise.txt``: template labels and units, never features (``+C``: a one-character noun kept).
- ``schools.txt``: endings of school names (dropped unless SENKO_KEEP_SCHOOL_NAMES), and words always dropped.

Every word is NFKC-normalised, as the extracted text is. ``#`` starts a comment.
"""
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LISTS = Path(__file__).with_name("lists")
FIELD_KINDS = ("line", "block", "hobby", "section")


def _lines(name: str) -> list[str]:
    words = []
    for line in (LISTS / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            words.append(unicodedata.normalize("NFKC", line))
    return words


@dataclass(frozen=True)
class MaskLists:
    """Everything the lists say, ready to match."""

    fields: dict[str, str]            # label → kind (line, block, hobby, section)
    anywhere: frozenset[str]          # protected words matched inside compounds too
    alone: frozenset[str]             # protected words matched only as a whole compound noun
    noise: frozenset[str]             # template labels and units
    noise_lower: frozenset[str]       # the Latin ones lower-cased (PR, pr, Pr)
    single_kept: frozenset[str]       # one-character nouns kept all the same (C, R: languages)
    school_endings: tuple[str, ...]   # longest first
    always_dropped: frozenset[str]    # 女子 …: dropped even when school names are kept

    @property
    def protected(self) -> frozenset[str]:
        """Every protected word, wherever it may match."""
        return self.anywhere | self.alone


def parse_fields(lines: list[str]) -> dict[str, str]:
    """``label kind`` lines → {label: kind}; an unknown kind is an error (a typo would silently keep a value)."""
    fields = {}
    for line in lines:
        label, _, kind = line.rpartition(" ")
        if kind not in FIELD_KINDS or not label.strip():
            raise ValueError(f"fields.txt: {line!r} is not '<label> <{'|'.join(FIELD_KINDS)}>'")
        fields[label.strip()] = kind
    return fields


def parse_protected(lines: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The ``[anywhere]`` and ``[alone]`` sections of protected_words.txt."""
    sections: dict[str, set[str]] = {"anywhere": set(), "alone": set()}
    current = None
    for line in lines:
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            if current not in sections:
                raise ValueError(f"protected_words.txt: unknown section {line}")
            continue
        if current is None:
            raise ValueError("protected_words.txt: words must come after [anywhere] or [alone]")
        sections[current].add(line)
    return frozenset(sections["anywhere"]), frozenset(sections["alone"])


@lru_cache(maxsize=1)
def mask_lists() -> MaskLists:
    """The shipped lists (read once per process)."""
    anywhere, alone = parse_protected(_lines("protected_words.txt"))
    schools = _lines("schools.txt")
    noise = _lines("noise.txt")
    endings = tuple(sorted((w for w in schools if not w.startswith("!")), key=len, reverse=True))
    return MaskLists(
        fields=parse_fields(_lines("fields.txt")), anywhere=anywhere, alone=alone,
        noise=frozenset(w for w in noise if not w.startswith("+")),
        noise_lower=frozenset(w.lower() for w in noise if w.isascii() and not w.startswith("+")),
        single_kept=frozenset(w[1:] for w in noise if w.startswith("+")), school_endings=endings,
        always_dropped=frozenset(w[1:] for w in schools if w.startswith("!")),
    )
