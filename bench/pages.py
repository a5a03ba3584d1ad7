"""Measure the web app's pages on a seeded database: p50/p99 latency with one client.

The issue 8 target: every page renders in under 100 ms at p99 for one client at the bench
volume. Starts the real app (one uvicorn worker, as ``bench/run.py`` does) on 127.0.0.1, signs
in through the web sign-in form as the seed's bench user, then loads each page of ``PAGES``
for a bounded time with one client (``wrk`` with the session cookie, or an httpx client),
on paths drawn from the data with a fixed seed. A page that is not built yet (every checked
path answers 404) is reported as missing, not measured. Prints a markdown table and writes it
to bench/results/.

    .venv/bin/python -m bench.pages --wait-quiet 300 \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/crm_bench
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import shutil
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app import migrate
from app.cli import analyze_sqlite
from app.config import Settings
from app.web.session import CSRF_FIELD, SESSION_COOKIE
from bench.run import (
    HOST,
    MAX_SECONDS,
    RESULTS_DIR,
    Result,
    Scenario,
    Server,
    busy_cores,
    cpu_times,
    data_counts,
    draw_values,
    report_header,
    run_httpx,
    run_wrk,
    tool_label,
    wait_quiet,
    where_of,
    write_results,
)
from bench.seed import BENCH_PASSWORD, BENCH_USERNAME

# The pages measured: a name (for --only) and the path, whose {fields} are filled from the
# data, one draw per path: {contact} any live contact, {city} a city as often as it has
# interactions, {country} a country as often as it has contacts, {organization} any live
# organization, {event} any live event, {term} a search term (bench.run.SEARCH_TERMS).
PAGES: tuple[tuple[str, str], ...] = (
    ("today", "/"),
    ("search", "/search?q={term}"),
    ("suggest", "/search/suggest?q={term}"),
    ("cities", "/cities"),
    ("cities-country", "/cities?country_code={country}"),
    ("city", "/cities/{city}"),
    ("contacts", "/contacts"),
    ("contacts-country", "/contacts?country_code={country}"),
    ("contact", "/contacts/{contact}"),
    ("contact-edit", "/contacts/{contact}/edit"),
    ("organization", "/organizations/{organization}"),
    ("timeline-city", "/timeline/city/{city}"),
    ("timeline-contact", "/timeline/contact/{contact}"),
    ("history-contact", "/history/contact/{contact}"),
    ("interaction-new", "/interactions/new"),
    ("events", "/events"),
    ("event", "/events/{event}"),
    ("dormant", "/reports/dormant"),
    ("anniversaries", "/reports/anniversaries"),
    ("engagement", "/reports/engagement?year=2026"),
    ("admin-users", "/admin/users"),
    ("sign-in", "/sign-in"),
)
P99_TARGET_MS = 100.0
CLIENTS = 1  # the target is for one client
CHECKED = 5  # paths of each page fetched once before its load, each must answer 200
# What a browser sends: the answer is compressed as it would be for the desk's browsers.
BROWSER_HEADERS = {"Accept-Encoding": "gzip", "Accept": "text/html"}
DEFAULT_PORT = 8111  # not run.py's ports, so both can be started one after the other

Load = Callable[..., tuple[float, float, float, int]]


@dataclass
class PageResult:
    name: str
    pattern: str
    status: str  # "measured", or why not: "missing (404)", "fails (422)", "no data"
    result: Result | None = None
    html_kib: float | None = None
    wire_kib: float | None = None
    detail: str = ""


# -- paths ------------------------------------------------------------------------------------


def fields_of(pattern: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name]


async def draw_pages(database_url: str, count: int, seed: int) -> dict[str, list[str]]:
    """``count`` paths per page (fewer when they have no field), from bench.run's draws (the
    same contacts, countries, cities and terms as its API paths) and live organizations and
    events here; a page whose field has no data gets no path."""
    draws = await draw_values(database_url, count, seed)
    rng = random.Random(seed + 1)
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            organizations = list(
                (
                    await connection.execute(
                        text("SELECT id FROM organization WHERE archived_at IS NULL ORDER BY id")
                    )
                ).scalars()
            )
            events = list(
                (
                    await connection.execute(
                        text("SELECT id FROM event WHERE archived_at IS NULL ORDER BY id")
                    )
                ).scalars()
            )
    finally:
        await engine.dispose()
    values: dict[str, list[str]] = {
        "contact": [str(i) for i in draws.contact_ids],
        "city": [str(i) for i in draws.city_ids],
        "country": draws.country_codes,
        "term": [quote(t) for t in draws.terms],
        "organization": [str(i) for i in rng.choices(organizations, k=count)]
        if organizations
        else [],
        "event": [str(i) for i in rng.choices(events, k=count)] if events else [],
    }
    paths: dict[str, list[str]] = {}
    for name, pattern in PAGES:
        fields = fields_of(pattern)
        if not fields:
            paths[name] = [pattern]
        elif all(values[f] for f in fields):
            paths[name] = [
                pattern.format(**{f: values[f][i] for f in fields}) for i in range(count)
            ]
        else:
            paths[name] = []
    return paths


# -- signing in -------------------------------------------------------------------------------


class _CsrfField(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") == CSRF_FIELD and self.value is None:
            self.value = found.get("value")


def sign_in(port: int, username: str, password: str) -> httpx.Client:
    """A client holding a web session, got as a browser gets it: the sign-in form's CSRF
    token (bound to the pre-session cookie), then the form posted."""
    client = httpx.Client(base_url=f"http://{HOST}:{port}", timeout=30, headers=BROWSER_HEADERS)
    form = client.get("/sign-in")
    parser = _CsrfField()
    parser.feed(form.text)
    if form.status_code != 200 or not parser.value:
        sys.exit(f"GET /sign-in answered {form.status_code} without a {CSRF_FIELD} field")
    answer = client.post(
        "/sign-in",
        data={CSRF_FIELD: parser.value, "username": username, "password": password, "next": "/"},
    )
    if answer.status_code != 303 or SESSION_COOKIE not in client.cookies:
        sys.exit(f"signing in as {username!r} failed ({answer.status_code}): {answer.text[:300]}")
    return client


def cookie_header(client: httpx.Client) -> str:
    """The client's cookies as one Cookie header (the session's, renewed as it goes)."""
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies.jar)


def visible_text(html: str, limit: int = 200) -> str:
    """The start of a page's main text (what an error page says), for the report."""
    start = html.find("<main")
    words = unescape(re.sub(r"<[^>]*>", " ", html[start if start >= 0 else 0 :])).split()
    return " ".join(words)[:limit]


def check_page(client: httpx.Client, name: str, pattern: str, paths: list[str]) -> PageResult:
    """Fetches the first paths once: all 200, the page is measured; all 404, it is missing."""
    page = PageResult(name, pattern, "measured")
    if not paths:
        page.status, page.detail = "no data", "nothing in the database to fill the path with"
        return page
    statuses, html, wire = [], [], []
    for path in paths[:CHECKED]:
        response = client.get(path)
        statuses.append(response.status_code)
        html.append(len(response.content))
        wire.append(response.num_bytes_downloaded)
        if response.status_code != 200 and not page.detail:
            location = response.headers.get("location")
            page.detail = f"GET {path} answered {response.status_code}" + (
                f" → {location}" if location else f": {visible_text(response.text)}"
            )
    if all(s == 404 for s in statuses):
        page.status, page.detail = "missing (404)", ""
        return page
    page.html_kib = statistics.median(html) / 1024
    page.wire_kib = statistics.median(wire) / 1024
    if not any(s == 200 for s in statuses):
        page.status = f"fails ({statuses[0]})"
    return page


# -- the run ----------------------------------------------------------------------------------


def measure(
    load: Load,
    scenario: Scenario,
    server: Server,
    headers: dict[str, str],
    *,
    seconds: float,
    warmup: float,
    workdir: Path,
) -> Result:
    if warmup:
        load(scenario, CLIENTS, warmup, "", workdir, headers=headers, expect_status=200)
    cpu_before, started = server.cpu_seconds(), time.perf_counter()
    machine_before = cpu_times()
    rps, p50, p99, errors = load(
        scenario, CLIENTS, seconds, "", workdir, headers=headers, expect_status=200
    )
    machine_cpu = busy_cores(machine_before, cpu_times())
    cpu_after, elapsed = server.cpu_seconds(), time.perf_counter() - started
    cpu = None
    if cpu_before is not None and cpu_after is not None:
        cpu = (cpu_after - cpu_before) / elapsed
    return Result(scenario.name, CLIENTS, rps, p50, p99, errors, cpu, machine_cpu)


def run_page(
    client: httpx.Client,
    server: Server,
    load: Load,
    name: str,
    pattern: str,
    paths: list[str],
    *,
    seconds: float,
    warmup: float,
    workdir: Path,
) -> PageResult:
    """One page: checked, then (if it answers) measured with the client's session cookie."""
    page = check_page(client, name, pattern, paths)
    if page.status != "measured":
        print(f"  {name:<18} {page.status}" + (f": {page.detail}" if page.detail else ""))
        return page
    # The cookies as they are now: the session is renewed as it is used.
    headers = {**BROWSER_HEADERS, "Cookie": cookie_header(client)}
    scenario = Scenario(name, server.port, paths)
    r = page.result = measure(
        load, scenario, server, headers, seconds=seconds, warmup=warmup, workdir=workdir
    )
    print(
        f"  {name:<18} {r.rps:>7,.0f} req/s  p50 {r.p50_ms:6.1f} ms  p99 {r.p99_ms:6.1f} ms  "
        f"errors {r.errors}  server CPU {r.server_cpu or 0:.2f}  "
        f"machine CPU {r.machine_cpu or 0:.2f}"
    )
    return page


def verdict(page: PageResult) -> str:
    r = page.result
    if r is None:
        return page.status
    met = "met" if r.p99_ms < P99_TARGET_MS else "MISSED"
    return f"**{met}**" + (f" ({r.errors:,} errors)" if r.errors else "")


def report(pages: list[PageResult], header: list[str]) -> str:
    lines = [
        *header,
        "",
        "| page | path | req/s | p50 ms | p99 ms | errors | server CPU ms/req | machine CPU "
        "| response KiB (gzip) | p99 < 100 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in pages:
        size = "–"
        if page.html_kib is not None and page.wire_kib is not None:
            size = f"{page.html_kib:.1f} ({page.wire_kib:.1f})"
        r = page.result
        if r is None:
            lines.append(f"| {page.name} | `{page.pattern}` | – | – | – | – | – | – | {size} "
                         f"| {verdict(page)} |")  # fmt: skip
            continue
        per_request = f"{r.server_cpu * 1000 / r.rps:.2f}" if r.server_cpu and r.rps else "–"
        machine_cpu = f"{r.machine_cpu:.2f}" if r.machine_cpu is not None else "–"
        lines.append(
            f"| {page.name} | `{page.pattern}` | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.errors:,} | {per_request} | {machine_cpu} | {size} | {verdict(page)} |"
        )
    lines += [
        "",
        "One client, keep-alive, the session cookie of a web sign-in and `Accept-Encoding: "
        "gzip` (as a browser). Errors are answers other than 200 and failed requests. Server "
        "CPU ms/req is the server process's CPU time per answered request; machine CPU is the "
        f"whole machine's (cores of {os.cpu_count()}: server, database, load generator, "
        "anything else). "
        "Response: the HTML's size and, in brackets, the bytes sent (median of the checked "
        "paths).",
    ]
    notes = [f"- {p.name}: {p.detail}" for p in pages if p.detail]
    if notes:
        lines += [
            "",
            "Notes from checking the pages before their load (the first answer other than 200):",
            "",
            *notes,
        ]
    measured = [p for p in pages if p.result is not None]
    missed = [p.name for p in measured if p.result and p.result.p99_ms >= P99_TARGET_MS]
    not_measured = [p.name for p in pages if p.result is None]
    lines += [
        "",
        f"Target (every page p99 < {P99_TARGET_MS:.0f} ms, one client): "
        f"{len(measured) - len(missed)} of {len(measured)} measured page(s) met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
        + (f"; not measured: {', '.join(not_measured)}" if not_measured else ""),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="the seeded database")
    parser.add_argument("--duration", type=float, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each one")
    parser.add_argument("--only", help="pages to measure, comma-separated "
                        f"({','.join(name for name, _ in PAGES)})")  # fmt: skip
    parser.add_argument("--tool", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--username", default=BENCH_USERNAME)
    parser.add_argument("--password", default=BENCH_PASSWORD)
    parser.add_argument("--targets", type=int, default=2000, help="distinct paths per page")
    parser.add_argument("--seed", type=int, default=1, help="seed for drawing the paths")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="wait up to this long for the machine to be idle first")  # fmt: skip
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_SECONDS or not 0 <= args.warmup <= MAX_SECONDS:
        parser.error(f"durations are bounded to {MAX_SECONDS} s")
    names = [name for name, _ in PAGES]
    wanted = args.only.split(",") if args.only else names
    if unknown := [name for name in wanted if name not in names]:
        parser.error(f"unknown page(s) {', '.join(unknown)}; choose from {', '.join(names)}")

    url = make_url(args.database_url)
    backend = url.get_backend_name()
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    load: Load = run_wrk if tool == "wrk" else run_httpx
    database_url = url.render_as_string(hide_password=False)

    migrate.upgrade(database_url)  # as bench.run does: the schema of the app under test
    if backend == "sqlite":
        settings = Settings(database_url=database_url, secret_key=secrets.token_urlsafe(48))
        asyncio.run(analyze_sqlite(settings))
    print(f"drawing {args.targets} paths per page from {url.render_as_string()} ...")
    paths = asyncio.run(draw_pages(database_url, args.targets, args.seed))
    counts = asyncio.run(data_counts(database_url))

    busy_before = wait_quiet(args.wait_quiet)
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    results: list[PageResult] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-pages-") as tmp:
        workdir = Path(tmp)
        env = {
            "CRM_DATABASE_URL": database_url,
            "CRM_SECRET_KEY": secrets.token_urlsafe(48),
            "CRM_LOAD_DEMO": "0",
            "CRM_LOG_LEVEL": "WARNING",
        }
        server = Server("app", "app.main:create_app", args.port, env, workdir / "app.log")
        try:
            server.wait_ready("/api/v1/health")
            client = sign_in(args.port, args.username, args.password)
            try:
                for name, pattern in PAGES:
                    if name in wanted:
                        results.append(
                            run_page(
                                client,
                                server,
                                load,
                                name,
                                pattern,
                                paths[name],
                                seconds=args.duration,
                                warmup=args.warmup,
                                workdir=workdir,
                            )  # fmt: skip
                        )
            finally:
                client.close()
        finally:
            server.stop()

    header = report_header(
        f"Web pages, {backend} ({where_of(url)})",
        counts=counts,
        busy_before=busy_before,
        load=f"{tool_label(tool)}, 1 client, {args.duration:g} s per page after "
        f"{args.warmup:g} s of warm-up; one uvicorn worker (uvloop, httptools, no access log); "
        f"paths drawn with seed {args.seed}, up to {args.targets} per page",
    )
    text_report = report(results, header)
    write_results(text_report, f"pages-{backend}-{stamp}.md")


if __name__ == "__main__":
    main()
