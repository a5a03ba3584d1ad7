"""Folding text for search: case- and accent-insensitive, any script."""

import unicodedata

# Letters that Unicode does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"}
)


def fold(text: str | None) -> str:
    """``Chișinău`` → ``chisinau``, ``São Paulo`` → ``sao paulo``; CJK is kept as it is."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", stripped).translate(_SPECIAL)
    return " ".join(folded.split())


def search_text(*values: str | None | list[str]) -> str:
    """Everything a record can be found by, folded, one name per line."""
    names: list[str] = []
    for value in values:
        if isinstance(value, list):
            names.extend(value)
        elif value:
            names.append(value)
    return "\n".join(dict.fromkeys(fold(n) for n in names if fold(n)))


def like_pattern(term: str) -> str:
    """A LIKE pattern for a folded substring, with LIKE's wildcards escaped (escape char \\)."""
    escaped = fold(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
