"""Add what the desk-workflow benchmark (``bench/workflows.py``) needs to a seeded database, or
take it out again.

An export of 200,000 invitations needs one event with 200,000 live invitations, and so 200,000
live contacts (one live invitation per contact per event). The base seed has 100,000 contacts,
of which 1% are archived, so this adds just enough live contacts (about 101,000, ids after the
base seed's) made by the seed's own generator (all live; an address already taken is numbered,
as the seed numbers repeats), then one event, "Bench workflows: …", with an
invitation for every live contact: planned, sent, answered and a few cancelled, some with
notes. PostgreSQL is filled with COPY, SQLite with Core ``insert()`` batches, as by
``bench/seed.py``.

Best on a database of its own (seeded by ``bench.seed`` like the one ``bench/run.py`` measures,
so that run's figures keep their 100,000 contacts). ``--remove`` takes it all out again (the
added contacts, every "Bench workflows" event with its invitations, and all of the bench user's
audit entries).

    .venv/bin/python -m bench.seed_workflows --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/crm_workflows
    .venv/bin/python -m bench.seed_workflows --remove --database-url sqlite+aiosqlite:///bench/crm-workflows.db
"""

import argparse
import asyncio
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import URL, make_url

from app.contacts.service import _refresh_derived as refresh_derived
from app.db import table_of
from app.models import Contact, Event, Invitation
from app.text import fold
from bench.seed import (
    BENCH_USERNAME,
    Counts,
    Generator,
    PostgresWriter,
    Row,
    SqliteWriter,
    Writer,
    check_derived,
)

EVENT_PREFIX = "Bench workflows: "
EXPORT_EVENT = EVENT_PREFIX + "Smart City Summit 2026 (the 200,000-invitation export)"
EXPORT_ROWS = 200_000
EVENT_DAY = date(2026, 12, 8)
# Status mix of the export event's invitations (1% cancelled: the benchmark's warm-up export
# asks for status=cancelled, about 2,000 rows).
STATUSES = (("planned", 35), ("sent", 25), ("accepted", 25), ("declined", 14), ("cancelled", 1))
NOTES = ("Confirmed by the consulate.", "Needs an interpreter.", "+1 guest",
         "Vegetarian meal.", "Send the printed invitation too.")  # fmt: skip


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(10 * 3600)
    )


def _unique_email(email: str, taken: set[str]) -> str:
    """The generated address, numbered like the seed does (``min.kim2@…``) if it is taken."""
    local, domain = email.rsplit("@", 1)
    candidate, n = email, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{local}{n}@{domain}"
    taken.add(candidate.lower())
    return candidate


def extra_contacts(counts: Counts, seed: int, first_id: int, n: int, taken: set[str]) -> list[Row]:
    """``n`` more contacts, all live, made by the base seed's generator: the same cities and
    organizations (rebuilt from ``seed``), a different random stream for the people."""
    generator = Generator(counts, seed)
    generator.cities()
    generator.organizations()
    generator.counts = replace(counts, contacts=n)
    generator.rng = random.Random(seed * 1_000_003 + 7)
    rows = [row for tables in generator.contacts(50_000) for row in tables[table_of(Contact)]]
    renamed = []
    for row in rows:
        row["id"] += first_id - 1
        # Live: the export invites them all (the base seed archives 1%).
        row.update(version=1, updated_at=row["created_at"], archived_at=None)
        if row["email"] and (email := _unique_email(row["email"], taken)) != row["email"]:
            # A new address: its derived columns by the service's own function.
            record = Contact(full_name=row["full_name"], local_name=row["local_name"], email=email)
            refresh_derived(record)
            row.update(email=email, email_key=record.email_key, search_text=record.search_text)
            renamed.append(row)
    check_derived(table_of(Contact), rows)
    check_derived(table_of(Contact), renamed)
    print(f"  {len(renamed):,} generated addresses were taken by the base contacts: numbered")
    return rows


def export_invitations(event_id: int, contact_ids: list[int], seed: int) -> list[Row]:
    rng = random.Random(seed)
    statuses = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES], k=len(contact_ids))
    rows = []
    for contact_id, status in zip(contact_ids, statuses, strict=True):
        send_on = date(2026, 11, 2) + timedelta(days=rng.randrange(20))
        created_at = _at(date(2026, 10, 20) + timedelta(days=rng.randrange(10)), rng)
        sent_at = responded_at = None
        if status in ("sent", "accepted", "declined") or (
            status == "cancelled" and rng.random() < 0.5
        ):
            sent_at = _at(send_on, rng)
        if status in ("accepted", "declined"):
            responded_at = sent_at + timedelta(days=rng.randint(1, 14)) if sent_at else None
        updated_at = responded_at or sent_at or created_at
        rows.append({
            "version": 1 + (sent_at is not None) + (responded_at is not None)
            + (status == "cancelled"),
            "created_at": created_at, "updated_at": updated_at, "archived_at": None,
            "event_id": event_id, "contact_id": contact_id, "status": status,
            "send_on": send_on, "sent_at": sent_at, "responded_at": responded_at,
            "notes": rng.choice(NOTES) if rng.random() < 0.05 else None,
        })  # fmt: skip
    return rows


async def _rows(writer: Writer, sql: str) -> list[Any]:
    if isinstance(writer, PostgresWriter):
        return [tuple(r) for r in await writer.connection.fetch(sql)]
    assert isinstance(writer, SqliteWriter)
    async with writer.engine.connect() as connection:
        return [tuple(r) for r in (await connection.exec_driver_sql(sql)).all()]


async def add(url: URL, counts: Counts, seed: int, invitations: int) -> None:
    postgres = url.get_backend_name() == "postgresql"
    writer: Writer = await (PostgresWriter if postgres else SqliteWriter).open(url)
    try:
        contacts, max_id = (await _rows(writer, "SELECT count(*), max(id) FROM contact"))[0]
        if contacts != counts.contacts or max_id != counts.contacts:
            sys.exit(
                f"expected the base seed's {counts.contacts:,} contacts, found {contacts:,}; "
                "already added? (--remove takes the workflow data out)"
            )
        taken = {k for (k,) in await _rows(
            writer, "SELECT email_key FROM contact WHERE archived_at IS NULL "
            "AND email_key IS NOT NULL")}  # fmt: skip
        live = await writer.scalar("SELECT count(*) FROM contact WHERE archived_at IS NULL")
        started = time.perf_counter()
        rows = extra_contacts(counts, seed, counts.contacts + 1, max(0, invitations - live), taken)
        print(f"generated {len(rows):,} contacts in {time.perf_counter() - started:.1f} s")
        for i in range(0, len(rows), 50_000):
            await writer.write(table_of(Contact), rows[i : i + 50_000])
        created_at = datetime(2026, 10, 15, 9, tzinfo=UTC)
        await writer.write(table_of(Event), [{
            "version": 1, "created_at": created_at, "updated_at": created_at,
            "archived_at": None, "name": EXPORT_EVENT, "starts_on": EVENT_DAY,
            "ends_on": EVENT_DAY + timedelta(days=2), "city_id": 1, "venue": "Taipei Nangang "
            "Exhibition Center", "host_organization_id": None, "url": None,
            "description": "Invitation export benchmark.", "name_key": fold(EXPORT_EVENT)[:200],
        }])  # fmt: skip
        quoted = EXPORT_EVENT.replace("'", "''")
        event_id = await writer.scalar(f"SELECT id FROM event WHERE name = '{quoted}'")
        contact_ids = [i for (i,) in await _rows(
            writer, "SELECT id FROM contact WHERE archived_at IS NULL ORDER BY id")]  # fmt: skip
        rows_of_event = export_invitations(event_id, contact_ids[:invitations], seed)
        for i in range(0, len(rows_of_event), 50_000):
            await writer.write(table_of(Invitation), rows_of_event[i : i + 50_000])
        finish_started = time.perf_counter()
        await writer.finish([table_of(Contact), table_of(Event), table_of(Invitation)])
        print(f"finished in {time.perf_counter() - finish_started:.1f} s")
        for table, (n, seconds) in writer.stats.items():
            print(f"  {table:<12}{int(n):>10,} rows in {seconds:5.1f} s")
        print(f"event {event_id}: {len(rows_of_event):,} invitations; "
              f"{contacts + len(rows):,} contacts in all")  # fmt: skip
    finally:
        await writer.close()


async def remove(url: URL, counts: Counts) -> None:
    """Every workflow addition out again, in dependency order."""
    postgres = url.get_backend_name() == "postgresql"
    writer: Writer = await (PostgresWriter if postgres else SqliteWriter).open(url)
    events = f"SELECT id FROM event WHERE name LIKE '{EVENT_PREFIX}%'"
    extra = f"SELECT id FROM contact WHERE id > {counts.contacts}"
    try:
        if postgres:
            await writer.execute("RESET session_replication_role")  # keep the FK checks
        for table, column in (("interaction_contact", "contact_id"), ("follow_up", "contact_id")):
            if await writer.scalar(f"SELECT count(*) FROM {table} WHERE {column} IN ({extra})"):
                sys.exit(f"{table} refers to contacts after id {counts.contacts}; not removing")
        statements = {
            "invitations of the workflow events": f"DELETE FROM invitation WHERE event_id IN "
            f"({events}) OR contact_id IN ({extra})",
            "audit entries of the bench user": "DELETE FROM audit_entry WHERE actor = "
            f"'{BENCH_USERNAME}'",
            "workflow events": f"DELETE FROM event WHERE id IN ({events})",
            "added contacts": f"DELETE FROM contact WHERE id IN ({extra})",
        }
        for label, sql in statements.items():
            before = time.perf_counter()
            await writer.execute(sql)
            print(f"deleted the {label} in {time.perf_counter() - before:.1f} s")
        # Sequences back to max + 1; PostgreSQL: VACUUM ANALYZE; SQLite: journal back to WAL.
        await writer.finish([table_of(Contact), table_of(Event), table_of(Invitation)])
        left = await writer.scalar("SELECT count(*) FROM contact")
        print(f"{left:,} contacts left")
    finally:
        await writer.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database seeded by bench.seed")
    parser.add_argument("--scale", type=float, default=1.0, help="the base seed's --scale")
    parser.add_argument("--seed", type=int, default=42, help="the base seed's --seed")
    parser.add_argument(
        "--invitations",
        type=int,
        default=EXPORT_ROWS,
        help="invitations of the export event (contacts are added to match)",
    )
    parser.add_argument("--remove", action="store_true", help="take the workflow data out")
    args = parser.parse_args(argv)
    url = make_url(args.database_url)
    counts = Counts.scaled(args.scale)
    started = time.perf_counter()
    if args.remove:
        asyncio.run(remove(url, counts))
    else:
        asyncio.run(add(url, counts, args.seed, args.invitations))
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
