"""Desk workflows at full volume, through the real app and against the bare SQL doing the same
work: the dormant-partners report, an event's 200,000-invitation export (CSV, XLSX and ODS), and a
bulk invitation of 10,000 contacts.

Needs a database seeded by ``bench.seed`` and, for the export, ``bench.seed_workflows`` (which
adds contacts: use a database of its own, not the one ``bench/run.py`` measures). Starts the real
app (one uvicorn worker, as ``bench/run.py`` does) on 127.0.0.1 only, logs in as the seed's
bench user, measures, stops it, and deletes what it wrote (the bulk invitations' events and
invitations, and every audit entry written during the run). Prints a markdown report and writes
it, with the statements and their query plans, to bench/results/.

    .venv/bin/python -m bench.workflows --only export,bulk --wait-quiet 300 \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/crm_workflows
"""

import argparse
import asyncio
import csv
import json
import os
import platform
import random
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event as sa_event
from sqlalchemy.engine import URL, make_url

from app.config import Settings
from app.db import Database
from bench.run import (
    HOST,
    PROJECT_ROOT,
    RESULTS_DIR,
    Scenario,
    Server,
    app_version,
    busy_cores,
    cpu_times,
    data_counts,
    get_token,
    machine,
    quiet_note,
    run_httpx,
    run_wrk,
    wait_quiet,
    where_of,
)
from bench.seed import BENCH_PASSWORD, BENCH_USERNAME, Counts, asyncpg_dsn
from bench.seed_workflows import EVENT_PREFIX, EXPORT_EVENT
from bench.variants import VARIANTS

AS_OF = date(2026, 10, 31)  # the last day of the seeded interactions: the report's "today"
SEND_ON = "2026-12-01"
BULK_SIZE = 10_000
BULK_TARGET_RATIO = 2.0  # through the app, against the bare SQL doing the same work
DORMANT_TARGET_MS = 30.0
CSV_TARGET_ROWS_S = 50_000
MEMORY_TARGET_MB = 100.0
SECTIONS = ("dormant", "export", "bulk")


@dataclass
class Report:
    """Markdown lines for the summary, and the longer evidence (plans) for the file only."""

    lines: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)
        for line in lines:
            print(line, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def plain(value: Any) -> Any:
    """A captured SQLAlchemy parameter as the DBAPI takes it (str enums as their value)."""
    return value.value if isinstance(value, Enum) else value


# -- the app: a server, a client, a direct database handle ------------------------------------


class App:
    """The real app in a uvicorn subprocess, and the token of the bench user."""

    def __init__(
        self, database_url: str, port: int, workdir: Path, name: str, variant: str = ""
    ) -> None:
        self.port = port
        self.server = Server(
            name,
            "bench.variants:create_app" if variant else "app.main:create_app",
            port,
            {
                "CRM_DATABASE_URL": database_url,
                "CRM_SECRET_KEY": secrets.token_urlsafe(48),
                "CRM_LOAD_DEMO": "0",
                "CRM_LOG_LEVEL": "WARNING",
                **({"BENCH_VARIANT": variant} if variant else {}),
            },
            workdir / f"{name}.log",
        )
        try:
            self.server.wait_ready("/api/v1/health")
            self.auth = f"Bearer {get_token(port, BENCH_USERNAME, BENCH_PASSWORD)}"
        except BaseException:
            self.server.stop()
            raise
        self.client = httpx.Client(
            base_url=f"http://{HOST}:{port}", headers={"Authorization": self.auth}, timeout=600
        )

    @property
    def pid(self) -> int:
        return self.server.process.pid

    def cpu(self) -> float:
        return self.server.cpu_seconds() or 0.0

    def stop(self) -> None:
        self.client.close()
        self.server.stop()


def in_process_database(database_url: str) -> Database:
    """The app's own engines and sessions (same pool and SQLite pragmas), in this process."""
    settings = Settings(
        database_url=database_url, secret_key=secrets.token_urlsafe(48), load_demo=False
    )
    return Database(settings)


class Capture:
    """The statements SQLAlchemy sends while it is active (text and DBAPI parameters)."""

    def __init__(self, database: Database) -> None:
        self.engines = [engine.sync_engine for engine in database.pools]
        self.statements: list[tuple[str, Any]] = []

    def _on_execute(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            self.statements.append((statement, parameters))

    def __enter__(self) -> "Capture":
        self.statements.clear()
        for engine in self.engines:
            sa_event.listen(engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *_: object) -> None:
        for engine in self.engines:
            sa_event.remove(engine, "before_cursor_execute", self._on_execute)


class Bare:
    """A direct connection, no SQLAlchemy: asyncpg on PostgreSQL, the sqlite3 module (with the
    app's pragmas) on SQLite."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.postgres = url.get_backend_name() == "postgresql"
        self.pg: asyncpg.Connection | None = None
        self.lite: sqlite3.Connection | None = None

    async def open(self, server_settings: dict[str, str] | None = None) -> "Bare":
        if self.postgres:
            self.pg = await asyncpg.connect(
                asyncpg_dsn(self.url), server_settings=server_settings or {}
            )
        else:
            self.lite = sqlite3.connect(self.url.database or "", isolation_level=None, timeout=30)
            for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=30000",
                           "synchronous=NORMAL"):  # fmt: skip
                self.lite.execute(f"PRAGMA {pragma}")
        return self

    async def close(self) -> None:
        if self.pg is not None:
            await self.pg.close()
        if self.lite is not None:
            self.lite.close()

    async def fetch(self, sql: str, params: Any = ()) -> list[Any]:
        if self.pg is not None:
            return await self.pg.fetch(sql, *[plain(p) for p in params])
        assert self.lite is not None
        return self.lite.execute(sql, [plain(p) for p in params]).fetchall()

    async def scalar(self, sql: str, params: Any = ()) -> Any:
        rows = await self.fetch(sql, params)
        return rows[0][0] if rows else None

    async def timed(self, sql: str, params: Any = ()) -> tuple[float, int]:
        """Seconds to run a query and fetch all its rows here, and the row count."""
        started = time.perf_counter()
        rows = await self.fetch(sql, params)
        return time.perf_counter() - started, len(rows)

    async def explain(self, sql: str, params: Any = ()) -> tuple[float, float]:
        """PostgreSQL: (execution ms, planning ms) from EXPLAIN ANALYZE."""
        assert self.pg is not None
        values = [plain(p) for p in params]
        raw = await self.pg.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", *values)
        plan = json.loads(raw)[0]
        return plan["Execution Time"], plan["Planning Time"]

    async def explain_text(self, sql: str, params: Any = ()) -> str:
        if self.pg is not None:
            rows = await self.pg.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *map(plain, params))
            return "\n".join(r[0] for r in rows)
        assert self.lite is not None
        cursor = self.lite.execute(f"EXPLAIN QUERY PLAN {sql}", [plain(p) for p in params])
        return "\n".join(f"{r[0]:>4} {r[1]:>4} {r[3]}" for r in cursor.fetchall())


def sqlite_literal_sql(sql: str, params: Any) -> str:
    """A captured SQLite statement with its ``?`` parameters written in (for the sqlite3 CLI)."""
    parts = sql.split("?")
    assert len(parts) == len(params) + 1, "a '?' inside a literal"
    out = [parts[0]]
    for value, rest in zip(params, parts[1:], strict=True):
        value = plain(value)
        if value is None:
            out.append("NULL")
        elif isinstance(value, bool):
            out.append(str(int(value)))
        elif isinstance(value, int | float):
            out.append(str(value))
        else:
            out.append("'" + str(value).replace("'", "''") + "'")
        out.append(rest)
    return "".join(out)


# -- 1. dormant partners ------------------------------------------------------------------------


async def dormant_sql(database_url: str, inactive_days: int) -> tuple[list[tuple[str, Any]], int]:
    """The statements ``dormant_partners`` sends, captured from the service itself."""
    from app.reports import service as reports_service

    database = in_process_database(database_url)
    try:
        async with database.sessionmaker() as session:
            with Capture(database) as capture:
                items = await reports_service.dormant_partners(
                    session, as_of=AS_OF, inactive_days=inactive_days
                )
            return list(capture.statements), len(items)
    finally:
        await database.dispose()


NAIVE_ALL = "SELECT city_id, max(occurred_on) FROM interaction_city GROUP BY city_id"
NAIVE_LIVE = (
    "SELECT ic.city_id, max(ic.occurred_on) FROM interaction_city ic "
    "JOIN interaction i ON i.id = ic.interaction_id "
    "WHERE i.archived_at IS NULL AND ic.occurred_on <= '{as_of}' AND ic.city_id IN "
    "(SELECT city_id FROM partnership WHERE status = 'active' AND archived_at IS NULL) "
    "GROUP BY ic.city_id"
)


async def measure_dormant(
    args: argparse.Namespace, url: URL, workdir: Path, report: Report
) -> None:
    database_url = url.render_as_string(hide_password=False)
    postgres = url.get_backend_name() == "postgresql"
    report.add("### Dormant partners", "")
    variants = [(730, "default (`inactive_days` 730)"), (90, "`inactive_days=90`")]
    bare = await Bare(url).open()
    sql_rows = []
    try:
        for days, label in variants:
            statements, items = await dormant_sql(database_url, days)
            runs = args.sql_runs
            per_run_exec, per_run_plan, per_run_fetch = [], [], []
            for i in range(runs + 3):
                exec_ms = plan_ms = 0.0
                if postgres:
                    for sql, params in statements:
                        e, p = await bare.explain(sql, params)
                        exec_ms, plan_ms = exec_ms + e, plan_ms + p
                fetch = 0.0
                for sql, params in statements:
                    fetch += (await bare.timed(sql, params))[0]
                if i >= 3:  # three warm-up runs
                    per_run_exec.append(exec_ms)
                    per_run_plan.append(plan_ms)
                    per_run_fetch.append(fetch * 1000)
            sql_rows.append((days, label, items, len(statements), per_run_exec, per_run_plan,
                             per_run_fetch))  # fmt: skip
            if days == variants[0][0]:
                for n, (sql, params) in enumerate(statements, 1):
                    report.details += [f"#### dormant partners, statement {n} of {len(statements)}",
                                       "", "```sql", sql.strip(), "```", "",
                                       f"parameters: `{[plain(p) for p in params]!r}`"[:2000],
                                       "", "```", await bare.explain_text(sql, params), "```",
                                       ""]  # fmt: skip
        naive = {}
        for name, sql in (("all", NAIVE_ALL), ("live", NAIVE_LIVE.format(as_of=AS_OF))):
            times, rows = [], 0
            for i in range(args.naive_runs + 1):
                seconds, rows = await bare.timed(sql)  # wall time, fetched: no EXPLAIN overhead
                if i >= 1:
                    times.append(seconds * 1000)
            naive[name] = (median(times), rows)
            report.details += [f"#### naive aggregate ({name})", "", "```sql", sql, "```", "",
                               "```", await bare.explain_text(sql), "```", ""]  # fmt: skip
    finally:
        await bare.close()

    app = App(database_url, args.app_port, workdir, "app-dormant")
    http = {}
    try:
        tool = "wrk" if shutil.which("wrk") and args.tool != "httpx" else "httpx"
        load = run_wrk if tool == "wrk" else run_httpx
        for days, _label in variants:
            path = f"/api/v1/reports/dormant-partners?as_of={AS_OF}"
            if days != 730:
                path += f"&inactive_days={days}"
            response = app.client.get(path)
            if response.status_code != 200:
                sys.exit(f"GET {path} answered {response.status_code}: {response.text[:300]}")
            total = response.json()["total"]
            scenario = Scenario(f"dormant{days}", args.app_port, [path])
            load(scenario, 1, args.warmup, app.auth, workdir)
            cpu_before, machine_before = app.cpu(), cpu_times()
            rps, p50, p99, errors = load(scenario, 1, args.duration, app.auth, workdir)
            machine_cpu = busy_cores(machine_before, cpu_times())
            cpu_ms = (app.cpu() - cpu_before) * 1000 / max(rps * args.duration, 1)
            http[days] = (rps, p50, p99, errors, cpu_ms, machine_cpu, total, len(response.content))
    finally:
        app.stop()

    report.add(
        f"`GET /api/v1/reports/dormant-partners?as_of={AS_OF}`: 1 client, "
        f"{args.warmup:g} s warm-up then {args.duration:g} s ({tool}).",
        "",
        "| request | dormant / partner cities | req/s | p50 ms | p99 ms | server CPU ms/req "
        "| machine CPU | bare SQL ms: the app's statements | p50 / bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    )
    for days, label, _items, n_statements, execs, plans, fetches in sql_rows:
        rps, p50, p99, errors, cpu_ms, machine_cpu, total, _size = http[days]
        bare_ms = median(fetches)
        if postgres:
            bare_text = (f"{bare_ms:.1f} fetched with asyncpg (EXPLAIN ANALYZE: "
                         f"{median(execs):.1f} execution + {median(plans):.1f} "
                         "planning)")  # fmt: skip
        else:
            bare_text = f"{bare_ms:.1f} fetched with the sqlite3 module"
        report.add(
            f"| {label} | {total} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {cpu_ms:.2f} "
            f"| {machine_cpu or 0:.2f} | {bare_text} ({n_statements} statements) "
            f"| {p50 / bare_ms:.1f}× |"
        )
        if errors:
            report.add(f"| ({errors} errors) | | | | | | | | |")
        if days == variants[0][0]:
            verdict = "met" if p99 < DORMANT_TARGET_MS else "MISSED"
            report.targets.append(
                f"- dormant partners < {DORMANT_TARGET_MS:.0f} ms: p50 {p50:.1f} ms, "
                f"p99 {p99:.1f} ms (1 client): **{verdict}** (read as p99)"
            )
    first_bare = median(sql_rows[0][6])  # the default request's statements, fetched
    report.add(
        "",
        "| bare SQL over all interactions (fetched) | ms | rows "
        "| ÷ the app's statements (default) |",
        "|---|---:|---:|---:|",
    )
    for name, label in (("all", "naive `max(occurred_on) … GROUP BY city_id`, all 1.4M links"),
                        ("live", "the same, live interactions of partner cities only "
                                 "(join to `interaction`)")):  # fmt: skip
        ms, rows = naive[name]
        report.add(f"| {label} | {ms:,.1f} | {rows:,} | {ms / first_bare:.1f}× |")
    report.add("")


# -- 2. the invitation export ---------------------------------------------------------------------


class MemorySampler:
    """The server's resident memory every 10 ms while a request streams, and its peak (VmHWM,
    reset through /proc/<pid>/clear_refs when allowed)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.hwm_reset = False

    def status(self) -> dict[str, int]:
        values = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
        return values

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self.status()["VmRSS"])
            self._stop.wait(0.01)

    def __enter__(self) -> "MemorySampler":
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # resets VmHWM to VmRSS
            self.hwm_reset = True
        except OSError:
            pass
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.hwm_reset:
            self.peak_kb = max(self.peak_kb, self.status()["VmHWM"])


def count_csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return sum(1 for _ in csv.reader(file)) - 1


def count_xlsx_rows(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        rows, tail = 0, b""
        with archive.open(sheet) as xml:
            while chunk := xml.read(1 << 20):
                data = tail + chunk
                rows += data.count(b"<row ") + data.count(b"<row>")
                tail = data[-5:]
                rows -= tail.count(b"<row ") + tail.count(b"<row>")
        return rows - 1


def count_ods_rows(path: Path) -> int:
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as xml:
        rows, tail = 0, b""
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            rows += data.count(b"<table:table-row>")
            tail = data[-17:]
            rows -= tail.count(b"<table:table-row>")
        return rows - 1


ROW_COUNTERS = {"csv": count_csv_rows, "xlsx": count_xlsx_rows, "ods": count_ods_rows}


def curl_download(app: App, path: str, output: Path) -> tuple[int, int, float, float]:
    """(HTTP status, bytes, seconds to the first byte, seconds in all) with curl."""
    done = subprocess.run(
        [
            "curl",
            "-sS",
            "-o",
            str(output),
            "-H",
            f"Authorization: {app.auth}",
            "-w",
            "%{http_code} %{size_download} %{time_starttransfer} %{time_total}",
            f"http://{HOST}:{app.port}{path}",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    status, size, first, total = done.stdout.split()
    return int(status), int(size), float(first), float(total)


async def export_statement(database_url: str, event_id: int) -> tuple[str, Any]:
    """The SELECT the app streams the export from, captured from the service's statement
    (opened as a stream, as the app does, and closed after the first batch)."""
    from app.exports import service as exports_service
    from app.invitations.schemas import EventInvitationFilters

    database = in_process_database(database_url)
    try:
        async with database.sessionmaker() as session:
            statement = exports_service.invitation_rows(session, event_id, EventInvitationFilters())
        async with database.snapshot_engine.connect() as connection:
            with Capture(database) as capture:
                result = await connection.stream(statement.execution_options(yield_per=100))
                await result.fetchmany(1)
                await result.close()
        sql, params = capture.statements[-1]
        return sql, tuple(params)
    finally:
        await database.dispose()


async def bare_csv(url: URL, sql: str, params: Any, runs: int) -> tuple[list[float], int, str]:
    """The database's own CSV of the same SELECT, thrown away: seconds per run, bytes, how."""
    times, size = [], 0
    if url.get_backend_name() == "postgresql":
        connection = await asyncpg.connect(asyncpg_dsn(url))
        try:
            literal = sql
            for n in range(len(params), 0, -1):  # COPY takes no parameters
                value = plain(params[n - 1])
                text = "'" + value.replace("'", "''") + "'" if isinstance(value, str) else value
                literal = literal.replace(f"${n}::", f"{text}::")
            if re.search(r"\$\d", literal):
                sys.exit(f"a parameter of the export's SELECT is left: {literal}")
            for _ in range(runs + 1):
                size = 0

                async def sink(chunk: bytes) -> None:
                    nonlocal size
                    size += len(chunk)

                started = time.perf_counter()
                await connection.copy_from_query(literal, output=sink, format="csv", header=True)
                times.append(time.perf_counter() - started)
        finally:
            await connection.close()
        return times[1:], size, "`COPY (the app's SELECT) TO STDOUT WITH CSV HEADER` (asyncpg)"
    literal = sqlite_literal_sql(sql, params)
    for _ in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(
            ["sqlite3", "-csv", "-header", url.database or "", literal],
            stdout=subprocess.PIPE,
            check=True,
        )
        times.append(time.perf_counter() - started)
        size = len(done.stdout)
    return times[1:], size, "the `sqlite3` shell, `-csv -header`, the app's SELECT"


async def measure_export(args: argparse.Namespace, url: URL, workdir: Path, report: Report) -> None:
    database_url = url.render_as_string(hide_password=False)
    bare = await Bare(url).open()
    try:
        quoted = EXPORT_EVENT.replace("'", "''")
        found = await bare.fetch(
            "SELECT e.id, (SELECT count(*) FROM invitation i WHERE i.event_id = e.id "
            f"AND i.archived_at IS NULL) FROM event e WHERE e.name = '{quoted}'"
        )
    finally:
        await bare.close()
    if not found:
        sys.exit("no export event: run `python -m bench.seed_workflows` on this database first")
    event_id, rows = found[0]
    sql, params = await export_statement(database_url, event_id)
    report.details += ["#### invitation export: the app's SELECT", "", "```sql", sql.strip(),
                       "```", "", f"parameters: `{[plain(p) for p in params]!r}`", ""]  # fmt: skip
    bare = await Bare(url).open()
    try:
        report.details += ["```", await bare.explain_text(sql, params), "```", ""]
    finally:
        await bare.close()
    bare_times, bare_bytes, bare_how = await bare_csv(url, sql, params, args.export_runs)
    bare_rate = rows / median(bare_times)

    report.add(
        "### Invitation export",
        "",
        f"`GET /api/v1/events/{event_id}/invitations/export?format=…`: {rows:,} invitations, "
        f"downloaded with curl to a file, {args.export_runs} runs per format, a fresh server per "
        "format (warmed up with the event's `status=cancelled` export first). Memory: the "
        "server's VmRSS sampled every 10 ms and its VmHWM, minus VmRSS just before the run.",
        "",
        "| export | rows/s (median) | s | first byte s | MB | server CPU s | machine CPU "
        "| RSS idle MB | peak above idle MB | rows checked |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    )
    results: dict[str, float] = {}
    hwm_reset = True
    for export_format in ("csv", "xlsx", "ods"):
        app = App(database_url, args.app_port, workdir, f"app-export-{export_format}")
        try:
            base = f"/api/v1/events/{event_id}/invitations/export?format={export_format}"
            warm = app.client.get(base + "&status=cancelled")
            if warm.status_code != 200:
                sys.exit(f"export answered {warm.status_code}: {warm.text[:300]}")
            time.sleep(1)
            idle_kb = MemorySampler(app.pid).status()["VmRSS"]
            runs = []
            for _ in range(args.export_runs):
                output = workdir / f"export.{export_format}"
                cpu_before, machine_before = app.cpu(), cpu_times()
                with MemorySampler(app.pid) as memory:
                    status, size, first, total = curl_download(app, base, output)
                machine_cpu = busy_cores(machine_before, cpu_times())
                if status != 200:
                    sys.exit(f"export answered {status}: {output.read_text()[:300]}")
                counted = ROW_COUNTERS[export_format](output)
                hwm_reset = hwm_reset and memory.hwm_reset
                runs.append((total, first, size, app.cpu() - cpu_before, machine_cpu,
                             memory.peak_kb, counted))  # fmt: skip
                output.unlink()
        finally:
            app.stop()
        total_s = median([r[0] for r in runs])
        rate = rows / total_s
        peak_mb = (max(r[5] for r in runs) - idle_kb) / 1024
        checked = "all" if all(r[6] == rows for r in runs) else f"**{runs[0][6]:,}**"
        results[export_format] = rate
        report.add(
            f"| {export_format.upper()} through the app | {rate:,.0f} | {total_s:.2f} "
            f"| {median([r[1] for r in runs]):.2f} | {median([r[2] for r in runs]) / 1e6:.1f} "
            f"| {median([r[3] for r in runs]):.2f} | {median([r[4] or 0 for r in runs]):.2f} "
            f"| {idle_kb / 1024:.0f} | {peak_mb:.0f} | {checked} |"
        )
        results[f"{export_format}_peak"] = peak_mb
    report.add(
        f"| {bare_how} | {bare_rate:,.0f} | {median(bare_times):.2f} | | {bare_bytes / 1e6:.1f} "
        "| | | | | |",
        "",
        f"CSV through the app / the database's own CSV: {results['csv'] / bare_rate:.0%} of its "
        f"rows/s ({bare_rate / results['csv']:.1f}× slower); XLSX: "
        f"{results['xlsx'] / bare_rate:.1%} ({bare_rate / results['xlsx']:.0f}× slower); ODS: "
        f"{results['ods'] / bare_rate:.1%} ({bare_rate / results['ods']:.0f}× slower). "
        + ("VmHWM was reset before every run." if hwm_reset else "VmHWM could not be reset "
           "(no write access to /proc/<pid>/clear_refs): the peak is the 10 ms samples'."),
        "",
    )  # fmt: skip
    csv_verdict = "met" if results["csv"] >= CSV_TARGET_ROWS_S else "MISSED"
    report.targets.append(
        f"- CSV export ≥ {CSV_TARGET_ROWS_S:,} rows/s end to end: {results['csv']:,.0f} rows/s: "
        f"**{csv_verdict}**"
    )
    for export_format in ("csv", "xlsx", "ods"):
        peak = results[f"{export_format}_peak"]
        verdict = "met" if peak <= MEMORY_TARGET_MB else "MISSED"
        report.targets.append(
            f"- {export_format.upper()} export peak memory within {MEMORY_TARGET_MB:.0f} MB of "
            f"idle: {peak:.0f} MB: **{verdict}**"
        )


# -- 3. bulk invite -----------------------------------------------------------------------------


async def bulk_selections(url: URL, seed: int) -> list[tuple[str, str, dict[str, Any], int]]:
    """(name, label, criteria, contacts matched): 10,000 contact ids drawn from the base seed's
    contacts, and the largest countries whose contacts add up to about 10,000."""
    base = Counts.scaled(1.0).contacts
    bare = await Bare(url).open()
    try:
        ids = [r[0] for r in await bare.fetch(f"SELECT id FROM contact WHERE id <= {base}")]
        countries = await bare.fetch(
            "SELECT ci.country_code, count(*) FROM contact c JOIN city ci ON ci.id = c.city_id "
            "GROUP BY ci.country_code ORDER BY 2 DESC, 1"
        )
    finally:
        await bare.close()
    rng = random.Random(seed)
    chosen = rng.sample(sorted(ids), min(BULK_SIZE, len(ids)))
    codes, matched = [], 0
    for code, n in countries:
        if matched + n <= BULK_SIZE * 1.05:
            codes.append(code)
            matched += n
        if matched >= BULK_SIZE * 0.95:
            break
    return [
        ("ids", f"`contact_ids`: {len(chosen):,} ids", {"contact_ids": chosen}, len(chosen)),
        ("countries", f"`country_codes`: {', '.join(codes)}", {"country_codes": codes}, matched),
    ]


def _timestamp_sqlite(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


_AUDIT_KEYS = ("event_id", "contact_id", "status", "send_on")
PG_BULK = """
WITH new AS (
    INSERT INTO invitation (version, created_at, updated_at, archived_at, event_id, contact_id,
                            status, send_on, sent_at, responded_at, notes)
    SELECT 1, $1, $1, NULL, $2, c.id, 'planned', $3, NULL, NULL, NULL
    FROM contact c
    WHERE {criterion} AND c.archived_at IS NULL AND c.is_active AND coalesce(c.email, '') <> ''
      AND NOT EXISTS (SELECT 1 FROM invitation i WHERE i.event_id = $2 AND i.contact_id = c.id
                      AND i.archived_at IS NULL)
    RETURNING id, event_id, contact_id, status, send_on
)
INSERT INTO audit_entry (occurred_at, actor, action, entity, entity_id, changes)
SELECT $1, $5, 'create', 'invitation', new.id, jsonb_build_object(
    'event_id', jsonb_build_object('old', NULL, 'new', new.event_id),
    'contact_id', jsonb_build_object('old', NULL, 'new', new.contact_id),
    'status', jsonb_build_object('old', NULL, 'new', new.status),
    'send_on', jsonb_build_object('old', NULL, 'new', new.send_on))
FROM new
"""
PG_CRITERIA = {
    "ids": "c.id = ANY($4::int[])",
    "countries": "c.city_id IN (SELECT id FROM city WHERE country_code = ANY($4::text[]))",
}
SQLITE_BULK = """
INSERT INTO invitation (version, created_at, updated_at, archived_at, event_id, contact_id,
                        status, send_on, sent_at, responded_at, notes)
SELECT 1, :now, :now, NULL, :event, c.id, 'planned', :send_on, NULL, NULL, NULL
FROM contact c
WHERE {criterion} AND c.archived_at IS NULL AND c.is_active AND coalesce(c.email, '') <> ''
  AND NOT EXISTS (SELECT 1 FROM invitation i WHERE i.event_id = :event AND i.contact_id = c.id
                  AND i.archived_at IS NULL)
"""
SQLITE_AUDIT = """
INSERT INTO audit_entry (occurred_at, actor, action, entity, entity_id, changes)
SELECT :now, :actor, 'create', 'invitation', i.id, json_object(
    'event_id', json_object('old', NULL, 'new', i.event_id),
    'contact_id', json_object('old', NULL, 'new', i.contact_id),
    'status', json_object('old', NULL, 'new', i.status),
    'send_on', json_object('old', NULL, 'new', i.send_on))
FROM invitation i WHERE i.event_id = :event AND i.archived_at IS NULL
"""
SQLITE_CRITERIA = {
    "ids": "c.id IN (SELECT value FROM json_each(:list))",
    "countries": "c.city_id IN (SELECT id FROM city WHERE country_code IN "
    "(SELECT value FROM json_each(:list)))",
}


async def bare_bulk(bare: Bare, name: str, criteria: dict[str, Any], event_id: int) -> int:
    """INSERT … SELECT of the invitations and of their audit entries, in one transaction."""
    values = criteria["contact_ids"] if name == "ids" else criteria["country_codes"]
    now = datetime.now(UTC)
    send_on = date.fromisoformat(SEND_ON)
    if bare.pg is not None:
        async with bare.pg.transaction():
            status = await bare.pg.execute(
                PG_BULK.format(criterion=PG_CRITERIA[name]),
                now, event_id, send_on, values, BENCH_USERNAME,
            )  # fmt: skip
        return int(status.split()[-1])
    assert bare.lite is not None
    stamp = _timestamp_sqlite(now)
    parameters = {"now": stamp, "event": event_id, "send_on": SEND_ON,
                  "list": json.dumps(values), "actor": BENCH_USERNAME}  # fmt: skip
    bare.lite.execute("BEGIN IMMEDIATE")
    try:
        created = bare.lite.execute(
            SQLITE_BULK.format(criterion=SQLITE_CRITERIA[name]), parameters
        ).rowcount
        bare.lite.execute(SQLITE_AUDIT, parameters)
        bare.lite.execute("COMMIT")
    except BaseException:
        bare.lite.execute("ROLLBACK")
        raise
    return created


async def bulk_in_process(
    database: Database, event_id: int, criteria: dict[str, Any], dry_run: bool
) -> tuple[float, int, list[tuple[str, Any]]]:
    """The service alone, in this process (no HTTP, no response model): seconds, created, and
    the statements it sent. A real run is rolled back."""
    from app.events.models import Event
    from app.invitations import service as invitations_service
    from app.invitations.schemas import BulkInvite

    async with database.write_sessionmaker() as session:
        event = await session.get(Event, event_id)
        assert event is not None, f"no event {event_id}"
        data = BulkInvite.model_validate({"send_on": SEND_ON, **criteria, "dry_run": dry_run})
        with Capture(database) as capture:
            started = time.perf_counter()
            result = await invitations_service.bulk_invite(
                session,
                event,
                data,
                actor=BENCH_USERNAME,
                dormant_after_days=730,
                today=date.today(),
            )
            elapsed = time.perf_counter() - started
        await session.rollback()
        return elapsed, result["created"], list(capture.statements)


def create_event(app: App, name: str) -> int:
    response = app.client.post("/api/v1/events", json={"name": name, "starts_on": "2026-12-08"})
    if response.status_code != 201:
        sys.exit(f"POST /api/v1/events answered {response.status_code}: {response.text[:300]}")
    return int(response.json()["id"])


def post_bulk(app: App, event_id: int, body: dict[str, Any]) -> tuple[float, float, dict]:
    cpu_before = app.cpu()
    started = time.perf_counter()
    response = app.client.post(f"/api/v1/events/{event_id}/invitations/bulk", json=body)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        sys.exit(f"bulk invite answered {response.status_code}: {response.text[:300]}")
    return elapsed, app.cpu() - cpu_before, response.json()


async def measure_bulk(args: argparse.Namespace, url: URL, workdir: Path, report: Report) -> None:
    database_url = url.render_as_string(hide_password=False)
    selections = await bulk_selections(url, args.seed)
    bare = await Bare(url).open()
    database = in_process_database(database_url)
    # The app's PostgreSQL sessions may change planner settings: bare SQL on a connection with
    # the same ones too, to tell the cost of the settings from the app's own.
    bare_app: Bare | None = None
    settings_column = "bare SQL, the app's session settings s"
    if bare.postgres:
        async with database.engine.connect() as connection:
            mode = (await connection.exec_driver_sql("SHOW plan_cache_mode")).scalar()
        if mode != "auto":
            bare_app = await Bare(url).open({"plan_cache_mode": str(mode)})
            settings_column = f"bare SQL with `plan_cache_mode={mode}` like the app s"
    report.add(
        "### Bulk invite",
        "",
        f"`POST /api/v1/events/{{id}}/invitations/bulk` on a fresh event (made with `POST "
        f"/api/v1/events`), {args.bulk_runs} runs; medians. Bare SQL: one `INSERT … SELECT` of "
        "the invitations with the same skip rules and one of their audit entries (as the app "
        "writes them), in one transaction, on another fresh event. In process: the service "
        "function alone on the app's engine (no HTTP, no response model; the real run rolled "
        "back).",
        "",
        "| criteria | matched | created | step | through the app s | server CPU s "
        f"| in process s | bare SQL s | app / bare | {settings_column} |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    )
    ratios: dict[tuple[str, str], float] = {}
    app: App | None = None
    variant_app: App | None = None
    variant_runs: dict[str, list[float]] = {}
    try:
        app = App(database_url, args.app_port, workdir, "app-bulk")
        if args.variant:
            variant_app = App(
                database_url, args.app_port + 1, workdir, "app-bulk-variant", args.variant
            )
        for name, label, criteria, matched in selections:
            dry, real, bare_real, bare_dry, proc_dry, proc_real = [], [], [], [], [], []
            bare_app_real: list[float] = []
            created = 0
            statements: list[tuple[str, Any]] = []
            for run in range(args.bulk_runs):
                event_id = create_event(app, f"{EVENT_PREFIX}bulk {name} {run + 1}")
                seconds, cpu, body = post_bulk(
                    app, event_id, {"send_on": SEND_ON, **criteria, "dry_run": True}
                )
                dry.append((seconds, cpu))
                if body["created"] + body["skipped"] != matched:
                    sys.exit(f"dry run matched {body['created'] + body['skipped']}, not {matched}")
                elapsed, planned, statements = await bulk_in_process(
                    database, event_id, criteria, dry_run=True
                )
                proc_dry.append(elapsed)
                elapsed, _, _ = await bulk_in_process(database, event_id, criteria, dry_run=False)
                proc_real.append(elapsed)
                # The dry run's statements, bare: the criteria check and the main SELECT.
                bare_seconds = 0.0
                for sql, params in statements:
                    bare_seconds += (await bare.timed(sql, params))[0]
                bare_dry.append(bare_seconds)
                seconds, cpu, body = post_bulk(app, event_id, {"send_on": SEND_ON, **criteria})
                real.append((seconds, cpu))
                created = body["created"]
                if created != planned:
                    sys.exit(
                        f"the app created {created} invitations, the dry run planned {planned}"
                    )
                if variant_app is not None:
                    variant_event = create_event(
                        app, f"{EVENT_PREFIX}bulk {name} {run + 1} {args.variant}"
                    )
                    seconds, _, body = post_bulk(
                        variant_app, variant_event, {"send_on": SEND_ON, **criteria}
                    )
                    if body["created"] != created:
                        sys.exit(f"{args.variant} created {body['created']}, the app {created}")
                    variant_runs.setdefault(name, []).append(seconds)
                bare_event = create_event(app, f"{EVENT_PREFIX}bulk {name} {run + 1} bare SQL")
                started = time.perf_counter()
                bare_created = await bare_bulk(bare, name, criteria, bare_event)
                bare_real.append(time.perf_counter() - started)
                if bare_created != created:
                    sys.exit(f"bare SQL inserted {bare_created} invitations, the app {created}")
                if bare_app is not None:
                    bare_event = create_event(
                        app, f"{EVENT_PREFIX}bulk {name} {run + 1} bare SQL, app settings"
                    )
                    started = time.perf_counter()
                    await bare_bulk(bare_app, name, criteria, bare_event)
                    bare_app_real.append(time.perf_counter() - started)
            report.details += [f"#### bulk invite ({name}): the dry run's statements", ""]
            for sql, params in statements:
                shown = [plain(p) for p in params]
                report.details += ["```sql", sql.strip()[:3000], "```", "",
                                   f"parameters: {len(shown)}, `{shown[:12]!r}`…", "", "```",
                                   await bare.explain_text(sql, params), "```", ""]  # fmt: skip
            for step, app_runs, proc_runs, bare_runs in (
                ("dry run", dry, proc_dry, bare_dry),
                ("invite", real, proc_real, bare_real),
            ):
                app_s = median([s for s, _ in app_runs])
                bare_s = median(bare_runs)
                with_app_settings = "–"
                if step == "invite" and bare_app_real:
                    with_app_settings = f"{median(bare_app_real):.3f}"
                ratios[name, step] = app_s / bare_s
                report.add(
                    f"| {label if step == 'dry run' else ''} | {matched:,} | {created:,} "
                    f"| {step} | {app_s:.2f} | {median([c for _, c in app_runs]):.2f} "
                    f"| {median(proc_runs):.2f} | {bare_s:.3f} | {app_s / bare_s:.1f}× "
                    f"| {with_app_settings} |"
                )
    finally:
        if app is not None:
            app.stop()
        if variant_app is not None:
            variant_app.stop()
        await database.dispose()
        await bare.close()
        if bare_app is not None:
            await bare_app.close()
    report.targets += [
        f"- bulk invite ({name}): {step} through the app = {ratio:.1f}× bare SQL (target ≤ "
        f"{BULK_TARGET_RATIO:g}×): **{'met' if ratio <= BULK_TARGET_RATIO else 'MISSED'}**"
        for (name, step), ratio in ratios.items()
    ]
    for name, runs in variant_runs.items():
        report.add(
            f"- variant `{args.variant}` ({VARIANTS[args.variant].what}), `{name}` invite "
            f"through the app: {median(runs):.2f} s (medians of {len(runs)}; the app as it is "
            f"in the table above)"
        )
    report.add(
        "",
        "Bare SQL for the dry run: the app's own statements (the ids check and the SELECT of the "
        "contacts with their live invitation), fetched directly. For the invite: the `INSERT … "
        "SELECT`s above.",
        "",
    )


# -- the run ----------------------------------------------------------------------------------


async def clean_up(url: URL, audit_before: int) -> None:
    """Delete what the run wrote: the bulk events with their invitations, and the audit
    entries written since it began (exports, events, invitations)."""
    bare = await Bare(url).open()
    try:
        events = f"SELECT id FROM event WHERE name LIKE '{EVENT_PREFIX}bulk %'"
        for sql in (
            f"DELETE FROM invitation WHERE event_id IN ({events})",
            f"DELETE FROM event WHERE id IN ({events})",
            f"DELETE FROM audit_entry WHERE id > {audit_before}",
        ):
            if bare.pg is not None:
                await bare.pg.execute(sql)
            else:
                assert bare.lite is not None
                bare.lite.execute(sql)
        if bare.pg is not None:
            await bare.pg.execute("VACUUM (ANALYZE) invitation, event, audit_entry")
    finally:
        await bare.close()


def sqlite_statistics(url: URL, wanted: str) -> str:
    """Set SQLite's planner statistics as asked, and say what they are: ``analyze`` runs what
    ``crm serve`` runs at start (``app.cli.analyze_sqlite``: a full ANALYZE), ``none`` drops
    them (a fresh seed has none: ``bench.seed`` leaves them out), ``as-is`` keeps the file's."""
    connection = sqlite3.connect(url.database or "", isolation_level=None, timeout=30)
    try:
        if wanted == "analyze":
            connection.execute("ANALYZE")
        elif wanted == "none":
            connection.execute("DROP TABLE IF EXISTS sqlite_stat1")
        present = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone()[0]
        if not present:
            return "none (no ANALYZE)"
        rows = connection.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0]
        return f"present (sqlite_stat1, {rows} rows; `crm serve` runs ANALYZE at start)"
    finally:
        connection.close()


async def audit_high_water(url: URL) -> int:
    bare = await Bare(url).open()
    try:
        return int(await bare.scalar("SELECT coalesce(max(id), 0) FROM audit_entry"))
    finally:
        await bare.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database seeded by bench.seed")
    parser.add_argument("--only", help=f"sections, comma-separated ({','.join(SECTIONS)})")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load (dormant)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before it")
    parser.add_argument("--sql-runs", type=int, default=20, help="runs of the bare report SQL")
    parser.add_argument("--naive-runs", type=int, default=5, help="runs of the naive aggregate")
    parser.add_argument("--export-runs", type=int, default=3, help="downloads per format")
    parser.add_argument("--bulk-runs", type=int, default=3, help="bulk invitations per criteria")
    parser.add_argument("--variant", choices=list(VARIANTS), help="bulk: also invite through "
                        "a second server with this variant (bench/variants.py)")  # fmt: skip
    parser.add_argument("--tool", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument("--app-port", type=int, default=8111)
    parser.add_argument("--sqlite-stats", choices=("as-is", "analyze", "none"), default="as-is",
                        help="SQLite planner statistics: keep, ANALYZE first (as `crm serve` "
                        "does at start), or drop them (as a fresh seed)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="seed for drawing the contact ids")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="wait up to this long for the machine to be idle first")  # fmt: skip
    args = parser.parse_args(argv)
    bounded = {"duration": args.duration, "warmup": args.warmup}
    if any(not 0 <= v <= 300 for v in bounded.values()) or args.duration <= 0:
        parser.error("durations are bounded to 300 s")
    for name in ("sql_runs", "naive_runs", "export_runs", "bulk_runs"):
        if not 1 <= getattr(args, name) <= 100:
            parser.error(f"--{name.replace('_', '-')} is bounded to 1..100")
    wanted = args.only.split(",") if args.only else list(SECTIONS)
    if unknown := [w for w in wanted if w not in SECTIONS]:
        parser.error(f"unknown section(s) {', '.join(unknown)}")
    if "export" in wanted and not shutil.which("curl"):
        parser.error("the export section downloads with curl; install it")

    url = make_url(args.database_url)
    backend = url.get_backend_name()
    database_url = url.render_as_string(hide_password=False)
    counts = asyncio.run(data_counts(database_url))
    version_before = app_version()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    audit_before = asyncio.run(audit_high_water(url))
    stats = sqlite_statistics(url, args.sqlite_stats) if backend == "sqlite" else ""
    busy_before = wait_quiet(args.wait_quiet)
    report = Report()
    steps: dict[str, Callable[..., Any]] = {
        "dormant": measure_dormant,
        "export": measure_export,
        "bulk": measure_bulk,
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crm-workflows-") as tmp:
        try:
            for section in wanted:
                asyncio.run(steps[section](args, url, Path(tmp), report))
        finally:
            asyncio.run(clean_up(url, audit_before))
    elapsed = time.perf_counter() - started

    quiet = quiet_note(busy_before)
    header = [
        f"## Workflows: {backend} ({where_of(url)}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- app: {version_before}"
        + (
            ""
            if (after := app_version()) == version_before
            else f" (**changed during the run**: {after} at the end)"
        ),
        f"- data: {counts}" + (f"; SQLite planner statistics: {stats}" if stats else ""),
        f"- machine: {machine()}; Python {platform.python_version()}; load average before the "
        f"run {load_before}",
        f"- {quiet}; the run took {elapsed:.0f} s" if quiet else f"- the run took {elapsed:.0f} s",
        "",
    ]
    text = "\n".join([*header, *report.lines, "Targets:", "", *report.targets, ""])
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"workflows-{backend}-{stamp}.md"
    out.write_text(text + "\n## Plans and statements\n\n" + "\n".join(report.details) + "\n")
    print("\n" + text)
    print(f"written to {out.relative_to(PROJECT_ROOT)} (with the query plans)")


if __name__ == "__main__":
    main()
