"""fold Chinese scripts

Folded names (name_key, search_text) now fold Traditional Chinese to Simplified, so 臺中
and 台中 are one name for search and for duplicate checks. Data only: recomputed from the
names themselves; the downgrade recomputes them without the script folding.

Revision ID: 3a7f1c9d2e64
Revises: 8b4f0e3a6c52
Create Date: 2026-12-02 01:20:00
"""

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import opencc
import sqlalchemy as sa
from alembic import op

revision: str = "3a7f1c9d2e64"
down_revision: str | None = "8b4f0e3a6c52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FENCE = "\x1f"
BATCH = 2000
_SPECIAL = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"}
)
_T2S = opencc.OpenCC("t2s")

# A frozen copy of app.text as it is when this migration is written (fold with and without
# the script folding, search_text, letter pairs).


def _fold(text: str | None, scripts: bool) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", stripped).translate(_SPECIAL)
    if scripts and not folded.isascii():
        folded = _T2S.convert(folded)
    return " ".join(folded.split())


def _letter_pairs(names: list[str]) -> str:
    pairs = dict.fromkeys(
        a + b
        for name in names
        for word in name.split()
        for a, b in zip(word, word[1:], strict=False)
        if a.isalnum() and b.isalnum()
    )
    return FENCE + FENCE.join(pairs) + FENCE if pairs else ""


def _search_text(values: list[Any], *, pairs: bool, scripts: bool) -> str:
    names: list[str] = []
    for value in values:
        if isinstance(value, list):
            names.extend(value)
        elif value:
            names.append(value)
    folded = list(dict.fromkeys(_fold(n, scripts) for n in names if _fold(n, scripts)))
    text = "\n".join(folded)
    letter_pairs = _letter_pairs(folded) if pairs else ""
    return f"{text}\n{letter_pairs}" if letter_pairs else text


# table: (source columns, {derived column: how it is computed from the source row})
Derive = Callable[[Any, bool], str]
TABLES: dict[str, tuple[dict[str, Any], dict[str, Derive]]] = {
    "city": (
        {"name": sa.String, "alternate_names": sa.JSON},
        {
            "name_key": lambda r, s: _fold(r.name, s)[:200],
            "search_text": lambda r, s: _search_text(
                [r.name, r.alternate_names or []], pairs=True, scripts=s
            ),
        },
    ),
    "organization": (
        {"name": sa.String, "acronym": sa.String},
        {
            "name_key": lambda r, s: _fold(r.name, s)[:200],
            "search_text": lambda r, s: _search_text([r.name, r.acronym], pairs=True, scripts=s),
        },
    ),
    "contact": (
        {"full_name": sa.String, "local_name": sa.String, "email": sa.String},
        {
            "name_key": lambda r, s: _fold(r.full_name, s)[:200],
            "search_text": lambda r, s: _search_text(
                [r.full_name, r.local_name, r.email], pairs=True, scripts=s
            ),
        },
    ),
    "event": ({"name": sa.String}, {"name_key": lambda r, s: _fold(r.name, s)[:200]}),
    "interaction": (
        {"title": sa.String, "location": sa.String},
        {"search_text": lambda r, s: _search_text([r.title, r.location], pairs=False, scripts=s)},
    ),
}


def _rewrite(scripts: bool) -> None:
    connection = op.get_bind()
    for name, (sources, derived) in TABLES.items():
        table = sa.table(
            name,
            sa.column("id", sa.Integer),
            *(sa.column(column, kind) for column, kind in sources.items()),
            *(sa.column(column, sa.String) for column in derived),
        )
        last_id = 0
        while True:
            rows = connection.execute(
                sa.select(table).where(table.c.id > last_id).order_by(table.c.id).limit(BATCH)
            ).all()
            if not rows:
                break
            last_id = rows[-1].id
            updates = []
            for row in rows:
                new = {column: derive(row, scripts) for column, derive in derived.items()}
                if any(getattr(row, column) != value for column, value in new.items()):
                    updates.append({"record_id": row.id, **{f"new_{k}": v for k, v in new.items()}})
            if updates:
                connection.execute(
                    table.update()
                    .where(table.c.id == sa.bindparam("record_id"))
                    .values({column: sa.bindparam(f"new_{column}") for column in derived}),
                    updates,
                )


def upgrade() -> None:
    _rewrite(scripts=True)


def downgrade() -> None:
    _rewrite(scripts=False)
