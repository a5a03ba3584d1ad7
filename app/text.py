"""Folding text for search and duplicate checks: case- and accent-insensitive, any script,
Traditional and Simplified Chinese alike."""

import unicodedata
from functools import cache

import opencc

# Letters that Unicode does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"}
)


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str | None) -> str:
    """``Chișinău`` → ``chisinau``, ``São Paulo`` → ``sao paulo``, ``臺中`` → ``台中``: Chinese
    is folded to Simplified characters (many Traditional ones map to one Simplified one, so
    that is the direction that folds), so either script finds the other."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", stripped).translate(_SPECIAL)
    if not folded.isascii():
        folded = _to_simplified().convert(folded)
    return " ".join(folded.split())


# Two-character terms (釜山, 東京, "ki") are too short for a trigram index. Searchable records
# also carry every pair of adjacent letters of their names as separate words, fenced by a
# character no search term contains, which the trigram index can find.
PAIR_FENCE = "\x1f"


def _letter_pairs(names: list[str]) -> str:
    pairs = dict.fromkeys(
        a + b
        for name in names
        for word in name.split()
        for a, b in zip(word, word[1:], strict=False)
        if a.isalnum() and b.isalnum()
    )
    return PAIR_FENCE + PAIR_FENCE.join(pairs) + PAIR_FENCE if pairs else ""


def search_text(*values: str | None | list[str], pairs: bool = False) -> str:
    """Everything a record can be found by, folded, one name per line; with ``pairs``, a last
    line of letter pairs (see PAIR_FENCE)."""
    names: list[str] = []
    for value in values:
        if isinstance(value, list):
            names.extend(value)
        elif value:
            names.append(value)
    folded = list(dict.fromkeys(fold(n) for n in names if fold(n)))
    text = "\n".join(folded)
    letter_pairs = _letter_pairs(folded) if pairs else ""
    return f"{text}\n{letter_pairs}" if letter_pairs else text


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(term: str, *, pairs: bool = False) -> str:
    """A LIKE pattern for a folded substring, with LIKE's wildcards escaped (escape char \\).
    With ``pairs`` (for text built with ``search_text(..., pairs=True)``) a two-letter term
    matches through the letter pairs, which an index can find."""
    folded = fold(term).replace(PAIR_FENCE, "")
    if pairs and len(folded) == 2 and folded.isalnum():
        return f"%{PAIR_FENCE}{_escape_like(folded)}{PAIR_FENCE}%"
    return f"%{_escape_like(folded)}%"
