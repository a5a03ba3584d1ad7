"""letter pairs for short searches

Searchable names (cities, organizations, contacts) gain a last line of letter pairs, so a
two-character search (釜山) can use the trigram index. Data only: recomputed from the folded
names already stored.

Revision ID: 5d1c2a7e9b31
Revises: c2d81736fd79
Create Date: 2026-11-27 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d1c2a7e9b31"
down_revision: str | None = "c2d81736fd79"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("city", "organization", "contact")
FENCE = "\x1f"
BATCH = 2000


def _letter_pairs(names: list[str]) -> str:
    # A frozen copy of app.text._letter_pairs as it was when this migration was written.
    pairs = dict.fromkeys(
        a + b
        for name in names
        for word in name.split()
        for a, b in zip(word, word[1:], strict=False)
        if a.isalnum() and b.isalnum()
    )
    return FENCE + FENCE.join(pairs) + FENCE if pairs else ""


def _names(text: str) -> list[str]:
    return [line for line in text.split("\n") if line and not line.startswith(FENCE)]


def _rewrite(with_pairs: bool) -> None:
    connection = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("search_text", sa.String))
        last_id = 0
        while True:
            rows = connection.execute(
                sa.select(table.c.id, table.c.search_text)
                .where(table.c.id > last_id)
                .order_by(table.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            last_id = rows[-1][0]
            updates = []
            for record_id, text in rows:
                names = _names(text or "")
                pairs = _letter_pairs(names) if with_pairs else ""
                new = "\n".join(names) + (f"\n{pairs}" if pairs else "")
                if new != text:
                    updates.append({"record_id": record_id, "text": new})
            if updates:
                connection.execute(
                    table.update()
                    .where(table.c.id == sa.bindparam("record_id"))
                    .values(search_text=sa.bindparam("text")),
                    updates,
                )


def upgrade() -> None:
    _rewrite(with_pairs=True)


def downgrade() -> None:
    _rewrite(with_pairs=False)
