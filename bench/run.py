"""Measure the API on a seeded database: requests/second and p50/p99 latency, 1 and 32 clients.

Starts the real app (one uvicorn worker) and, on PostgreSQL, the reference app
(``bench/reference.py``) as subprocesses on 127.0.0.1, logs in as the seed's bench user, then
loads each endpoint for a bounded time with ``wrk`` (one thread, a Lua script adds the bearer
token and walks a shuffled list of paths) or, when wrk is missing, with an httpx client in this
process. Prints a markdown table and writes it to bench/results/.

    .venv/bin/python -m bench.run --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/crm_bench
"""

import argparse
import asyncio
import json
import os
import platform
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app import migrate
from app.cli import analyze_sqlite
from app.config import Settings
from bench.seed import BENCH_PASSWORD, BENCH_USERNAME
from bench.variants import VARIANTS

HOST = "127.0.0.1"  # the only address this tool ever sends requests to
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
MAX_SECONDS = 300  # per measurement: the load always stops by itself
# What people type into the search box: names in several scripts, with and without accents.
SEARCH_TERMS = ("busan", "釜山", "kim", "tanaka", "müller", "garcía", "são paulo", "metropolis")
P99_TARGET_MS = 50.0
RATIO_TARGET = 0.30
QUIET_CORES = 0.3  # more than this busy before the run and the report says so

WRK_SCRIPT = """
local paths = {}
local counter = 0
local threads = {}
unexpected = 0
setup = function(thread) threads[#threads + 1] = thread end
init = function(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
  local auth = os.getenv("BENCH_AUTH")
  if auth ~= nil and auth ~= "" then wrk.headers["Authorization"] = auth end
  for name, value in string.gmatch(os.getenv("BENCH_HEADERS") or "", "([^:\\n]+): ([^\\n]*)") do
    wrk.headers[name] = value
  end
end
request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
-- Only when asked: a response() function makes wrk keep every response's headers and body.
local expected = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "")
if expected ~= nil then
  response = function(status, headers, body)
    if status ~= expected and status < 400 then unexpected = unexpected + 1 end
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local others = 0
  for _, thread in ipairs(threads) do others = others + (thread:get("unexpected") or 0) end
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "status_errors": %d, "other_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.status + others, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Scenario:
    name: str
    port: int
    paths: list[str]
    authenticated: bool = True


@dataclass
class Result:
    scenario: str
    clients: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu: float | None = None  # the server process's CPU use, in cores
    machine_cpu: float | None = None  # the whole machine's (server, database, load, others)
    notes: list[str] = field(default_factory=list)


# -- targets ----------------------------------------------------------------------------------


@dataclass
class Draws:
    """Values drawn from the data, ``count`` of each, to build the requested paths from."""

    contact_ids: list[int]
    country_codes: list[str]
    city_ids: list[int]
    terms: list[str]


async def sample_targets(database_url: str, count: int, seed: int) -> dict[str, list[str]]:
    """Paths to request, drawn from the data (``draw_values``)."""
    draws = await draw_values(database_url, count, seed)
    return {
        "contact": [f"/api/v1/contacts/{i}" for i in draws.contact_ids],
        "list": [f"/api/v1/contacts?country_code={c}&limit=50" for c in draws.country_codes],
        "timeline": [f"/api/v1/cities/{i}/timeline" for i in draws.city_ids],
        "search": [f"/api/v1/search?q={quote(t)}" for t in draws.terms],
        "reference": [f"/contacts/{i}" for i in draws.contact_ids],
    }


async def draw_values(database_url: str, count: int, seed: int) -> Draws:
    """Any live contact; a country and a city as often as they occur (by contacts, by
    interactions), so busy ones come up as often as in use; the search terms in turn."""
    rng = random.Random(seed)
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            contact_ids = (
                await connection.execute(text("SELECT id FROM contact WHERE archived_at IS NULL"))
            ).scalars()
            contacts = rng.choices(list(contact_ids), k=count)
            countries = (
                await connection.execute(
                    text(
                        "SELECT ci.country_code, count(*) FROM contact c "
                        "JOIN city ci ON ci.id = c.city_id WHERE c.archived_at IS NULL "
                        "GROUP BY ci.country_code ORDER BY ci.country_code"
                    )
                )
            ).all()
            cities = (
                await connection.execute(
                    text(
                        "SELECT city_id, count(*) FROM interaction_city "
                        "GROUP BY city_id ORDER BY city_id"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    country_codes = rng.choices([c for c, _ in countries], [n for _, n in countries], k=count)
    city_ids = rng.choices([c for c, _ in cities], [n for _, n in cities], k=count)
    terms = [SEARCH_TERMS[i % len(SEARCH_TERMS)] for i in range(count)]
    rng.shuffle(terms)
    return Draws(contacts, country_codes, city_ids, terms)


# -- servers ----------------------------------------------------------------------------------


class Server:
    """One uvicorn worker in a subprocess, stopped (by its own pid) when the run ends."""

    def __init__(self, name: str, target: str, port: int, env: dict[str, str], log: Path):
        self.name, self.port, self.log = name, port, log
        command = [sys.executable, "-m", "uvicorn", target, "--factory", "--host", HOST,
                   "--port", str(port), "--workers", "1", "--no-access-log",
                   "--log-level", "warning"]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} exited at start:\n{self.log.read_text()}")
            try:
                if httpx.get(f"http://{HOST}:{self.port}{path}", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        sys.exit(f"{self.name} did not answer on port {self.port} within {timeout:.0f} s")

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the worker so far (Linux)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get_token(port: int, username: str, password: str) -> str:
    response = httpx.post(
        f"http://{HOST}:{port}/api/v1/auth/token",
        data={"username": username, "password": password},
        timeout=30,
    )
    if response.status_code != 200:
        sys.exit(f"login as {username!r} failed ({response.status_code}): {response.text}")
    return response.json()["access_token"]


def check_scenario(scenario: Scenario, headers: dict[str, str]) -> str:
    """A few requests that must all succeed; returns a note on the response size."""
    sizes = []
    for path in scenario.paths[:5]:
        response = httpx.get(f"http://{HOST}:{scenario.port}{path}", headers=headers, timeout=30)
        if response.status_code != 200:
            sys.exit(f"{scenario.name}: GET {path} answered {response.status_code}: "
                     f"{response.text[:300]}")  # fmt: skip
        sizes.append(len(response.content))
    return f"~{statistics.median(sizes) / 1024:.1f} KiB"


def cpu_times() -> tuple[float, float] | None:
    """(busy, total) jiffies of the whole machine so far (Linux)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return None
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def busy_cores(
    before: tuple[float, float] | None, after: tuple[float, float] | None
) -> float | None:
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1)


def wait_quiet(seconds: float) -> float | None:
    """How busy the machine is (cores, over 2 s); waits up to ``seconds`` for it to calm down,
    since anything else running on a 2-core machine skews every figure."""
    deadline = time.monotonic() + seconds
    while True:
        before = cpu_times()
        time.sleep(2)
        busy = busy_cores(before, cpu_times())
        if busy is None or busy < QUIET_CORES or time.monotonic() >= deadline:
            return busy
        print(f"  the machine is busy ({busy:.1f} cores); waiting for it to calm down ...")


# -- load generators --------------------------------------------------------------------------


def run_wrk(
    scenario: Scenario,
    clients: int,
    seconds: float,
    auth: str,
    workdir: Path,
    *,
    headers: dict[str, str] | None = None,
    expect_status: int | None = None,
) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p99 ms, errors) from one bounded wrk run (one thread). Errors are
    failed requests and answers ≥ 400; with ``expect_status``, any other status too.
    ``headers`` are sent with every request (besides the ``auth`` Authorization)."""
    paths_file = workdir / f"{scenario.name}.paths"
    paths_file.write_text("\n".join(scenario.paths) + "\n")
    script = workdir / "bench.lua"
    script.write_text(WRK_SCRIPT)
    extra = "".join(f"{name}: {value}\n" for name, value in (headers or {}).items())
    env = {**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_AUTH": auth,
           "BENCH_HEADERS": extra}  # fmt: skip
    if expect_status is not None:
        env["BENCH_EXPECT_STATUS"] = str(expect_status)
    command = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(script), f"http://{HOST}:{scenario.port}"]  # fmt: skip
    output = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCH_RESULT "))
    data = json.loads(line.removeprefix("BENCH_RESULT "))
    return (
        data["requests"] / (data["duration_us"] / 1e6),
        data["p50_us"] / 1000,
        data["p99_us"] / 1000,
        data["status_errors"] + data["other_errors"],
    )


async def _httpx_load(
    scenario: Scenario,
    clients: int,
    seconds: float,
    auth: str,
    extra_headers: dict[str, str] | None = None,
    expect_status: int | None = None,
) -> tuple[float, float, float, int]:
    headers = {"Authorization": auth} if auth else {}
    headers.update(extra_headers or {})
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=f"http://{HOST}:{scenario.port}", headers=headers, limits=limits, timeout=10
    ) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker(offset: int) -> None:
            nonlocal errors
            i = offset
            while time.perf_counter() < deadline:
                path = scenario.paths[i % len(scenario.paths)]
                i += clients
                sent = time.perf_counter()
                try:
                    response = await client.get(path)
                    if response.status_code >= 400 or (
                        expect_status is not None and response.status_code != expect_status
                    ):
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return len(latencies) / elapsed, percentile(0.50), percentile(0.99), errors


def run_httpx(
    scenario: Scenario,
    clients: int,
    seconds: float,
    auth: str,
    workdir: Path,
    *,
    headers: dict[str, str] | None = None,
    expect_status: int | None = None,
) -> tuple[float, float, float, int]:
    """As ``run_wrk``, with an httpx client in this process."""
    return asyncio.run(_httpx_load(scenario, clients, seconds, auth, headers, expect_status))


# -- report -----------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores{f' ({model})' if model else ''}, {platform.system()}"


def report(
    results: list[Result],
    *,
    header: list[str],
    backend: str,
) -> str:
    lines = [*header, ""]
    lines += [
        "| endpoint | clients | req/s | p50 ms | p99 ms | errors | server CPU ms/req "
        "| server CPU | machine CPU | response |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        cpu = per_request = machine_cpu = "–"
        if r.server_cpu is not None:
            cpu, per_request = f"{r.server_cpu:.2f}", f"{r.server_cpu * 1000 / r.rps:.2f}"
        if r.machine_cpu is not None:
            machine_cpu = f"{r.machine_cpu:.2f}"
        lines.append(
            f"| {r.scenario} | {r.clients} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.errors} | {per_request} | {cpu} | {machine_cpu} | {'; '.join(r.notes)} |"
        )
    lines += [
        "",
        "CPU is in cores (of 2) during the measurement: the server process alone, and the whole "
        "machine (server, database, wrk and anything else). Server CPU ms/req is the server's CPU "
        "time per answered request: it is what caps one worker's throughput (1000 / it), and it "
        "is the figure least disturbed by other load on the machine.",
    ]
    lines += ["", "Targets:", ""]
    by_key = {(r.scenario, r.clients): r for r in results}
    if backend == "postgresql":
        for clients in sorted({r.clients for r in results}):
            contact, reference = (
                by_key.get(("contact", clients)),
                by_key.get(("reference", clients)),
            )
            if contact and reference:
                ratio = contact.rps / reference.rps
                verdict = "met" if ratio >= RATIO_TARGET else "MISSED"
                lines.append(
                    f"- contact by id at {clients} client(s): {contact.rps:,.0f} req/s = "
                    f"{ratio:.0%} of the reference's {reference.rps:,.0f} req/s "
                    f"(target ≥ {RATIO_TARGET:.0%}): **{verdict}**"
                )
    for name in ("list", "timeline", "search"):
        single = by_key.get((name, 1))
        if single:
            verdict = "met" if single.p99_ms < P99_TARGET_MS else "MISSED"
            lines.append(
                f"- {name} p99 with 1 client: {single.p99_ms:.1f} ms "
                f"(target < {P99_TARGET_MS:.0f} ms): **{verdict}**"
            )
    return "\n".join(lines) + "\n"


def median_result(results: list[Result]) -> Result:
    """The medians of several measurements of one thing (CPU as the median per request)."""
    rps = statistics.median(r.rps for r in results)
    per_request = [r.server_cpu / r.rps for r in results if r.server_cpu is not None]
    return Result(
        results[0].scenario,
        results[0].clients,
        rps,
        statistics.median(r.p50_ms for r in results),
        statistics.median(r.p99_ms for r in results),
        sum(r.errors for r in results),
        statistics.median(per_request) * rps if per_request else None,
        statistics.median(r.machine_cpu or 0 for r in results),
        [f"{len(results)} runs"],
    )


def compare_report(comparisons: list[tuple[str, Result, Result]]) -> str:
    """The app as it is against each variant, measured one right after the other."""
    lines = [
        'Mechanisms: the app as it is ("with") and the variant, measured one after the '
        "other on the same paths (with --rounds N, N times each in ABBA order; medians). "
        "Change = variant / with − 1, of req/s and of server CPU per request.",
        "",
        "| variant | endpoint | clients | with req/s | variant req/s | change | with p99 ms "
        "| variant p99 ms | with CPU ms/req | variant CPU ms/req | change | runs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def per_request(r: Result) -> str:
        return f"{r.server_cpu * 1000 / r.rps:.2f}" if r.server_cpu is not None else "–"

    def cpu_change(base: Result, off: Result) -> str:
        if base.server_cpu is None or off.server_cpu is None:
            return "–"
        return f"{(off.server_cpu / off.rps) / (base.server_cpu / base.rps) - 1:+.0%}"

    for name, base, off in comparisons:
        lines.append(
            f"| {name} | {base.scenario} | {base.clients} | {base.rps:,.0f} | {off.rps:,.0f} "
            f"| {off.rps / base.rps - 1:+.0%} | {base.p99_ms:.1f} | {off.p99_ms:.1f} "
            f"| {per_request(base)} | {per_request(off)} | {cpu_change(base, off)} "
            f"| {base.notes[0] if base.notes else 1} |"
        )
    lines += ["", *(f"- `{v.name}`: {v.what}" for v in VARIANTS.values()
                    if v.name in {c[0] for c in comparisons})]  # fmt: skip
    return "\n".join(lines) + "\n"


def app_version() -> str:
    """The commit the app was measured at, and whether its code had uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "app", "migrations"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (
        " with uncommitted changes in app/ or migrations/" if dirty else ""
    )


async def data_counts(database_url: str) -> str:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            counts = []
            for table in ("city", "organization", "contact", "interaction", "interaction_city"):
                n = (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
                counts.append(f"{n:,} {table}")
    finally:
        await engine.dispose()
    return ", ".join(counts)


# -- the run ----------------------------------------------------------------------------------


def where_of(url: URL) -> str:
    """The database a report names: PostgreSQL's database, SQLite's file name."""
    if url.get_backend_name() == "postgresql":
        return str(url.database)
    return Path(url.database or "").name


def quiet_note(busy_before: float | None) -> str:
    """How busy the machine was before a run, loudly when too busy for fair figures."""
    if busy_before is None:
        return ""
    if busy_before >= QUIET_CORES:
        return f"**WARNING: the machine was busy ({busy_before:.2f} cores) before the run**"
    return f"{busy_before:.2f} cores busy before the run"


def tool_label(tool: str) -> str:
    return "wrk (one thread)" if tool == "wrk" else "httpx (asyncio, in the runner)"


def report_header(title: str, *, counts: str, busy_before: float | None, load: str) -> list[str]:
    """The lines a results file starts with: what ran, on which data and machine, how loaded."""
    quiet = quiet_note(busy_before)
    return [
        f"## {title}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- app: {app_version()}",
        f"- data: {counts}",
        f"- machine: {machine()}; Python {platform.python_version()}",
        f"- load: {load}",
        f"- {quiet}" if quiet else "",
    ]


def write_results(text: str, name: str) -> Path:
    """Writes a report under bench/results/ and prints it."""
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / name
    out.write_text(text)
    print("\n" + text)
    print(f"written to {out.relative_to(PROJECT_ROOT)}")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="the seeded database")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each one")
    parser.add_argument("--clients", default="1,32", help="concurrent clients, comma-separated")
    parser.add_argument("--only", help="endpoints to measure, comma-separated "
                        "(contact,list,timeline,search,reference)")  # fmt: skip
    parser.add_argument(
        "--compare",
        default="",
        help="also measure the app with these "
        f"mechanisms switched, comma-separated ({','.join(VARIANTS)}, or all)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="--compare: measure each pair "
                        "this many times (ABBA order), report medians")  # fmt: skip
    parser.add_argument("--tool", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument("--app-port", type=int, default=8101)
    parser.add_argument("--reference-port", type=int, default=8102)
    parser.add_argument("--username", default=BENCH_USERNAME)
    parser.add_argument("--password", default=BENCH_PASSWORD)
    parser.add_argument("--targets", type=int, default=5000, help="distinct paths per endpoint")
    parser.add_argument("--seed", type=int, default=1, help="seed for drawing the paths")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="wait up to this long for the machine to be idle first")  # fmt: skip
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_SECONDS or not 0 <= args.warmup <= MAX_SECONDS:
        parser.error(f"durations are bounded to {MAX_SECONDS} s")

    compare = [c for c in args.compare.split(",") if c]
    if compare == ["all"]:
        compare = list(VARIANTS)
    if unknown := [c for c in compare if c not in VARIANTS]:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    url = make_url(args.database_url)
    backend = url.get_backend_name()
    clients = [int(c) for c in args.clients.split(",")]
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    load = run_wrk if tool == "wrk" else run_httpx
    database_url = url.render_as_string(hide_password=False)

    migrate.upgrade(database_url)  # as `crm serve` does: the schema of the app under test
    if backend == "sqlite":  # the planner statistics `crm serve` gathers at start
        settings = Settings(database_url=database_url, secret_key=secrets.token_urlsafe(48))
        asyncio.run(analyze_sqlite(settings))
    print(f"drawing {args.targets} paths per endpoint from {url.render_as_string()} ...")
    paths = asyncio.run(sample_targets(database_url, args.targets, args.seed))
    counts = asyncio.run(data_counts(database_url))
    wanted = args.only.split(",") if args.only else list(paths)
    if unknown := [name for name in wanted if name not in paths]:
        parser.error(f"unknown endpoint(s) {', '.join(unknown)}; choose from {', '.join(paths)}")
    if backend != "postgresql" and "reference" in wanted:
        wanted.remove("reference")  # the reference is asyncpg: PostgreSQL only

    busy_before = wait_quiet(args.wait_quiet)
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    servers: dict[str, Server] = {}
    comparisons: list[tuple[str, Result, Result]] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        workdir = Path(tmp)
        try:
            app_env = {
                "CRM_DATABASE_URL": database_url,
                "CRM_SECRET_KEY": secrets.token_urlsafe(48),
                "CRM_LOAD_DEMO": "0",
                "CRM_LOG_LEVEL": "WARNING",
            }
            servers["app"] = Server("app", "app.main:create_app", args.app_port, app_env,
                                    workdir / "app.log")  # fmt: skip
            if "reference" in wanted:
                servers["reference"] = Server(
                    "reference",
                    "bench.reference:create_app",
                    args.reference_port,
                    {"BENCH_DATABASE_URL": database_url},
                    workdir / "reference.log",
                )
            servers["app"].wait_ready("/api/v1/health")
            if "reference" in servers:
                servers["reference"].wait_ready("/health")
            auth = f"Bearer {get_token(args.app_port, args.username, args.password)}"

            scenarios = [
                Scenario(
                    name,
                    args.reference_port if name == "reference" else args.app_port,
                    paths[name],
                    authenticated=name != "reference",
                )  # fmt: skip
                for name in wanted
            ]

            def measure(
                scenario: Scenario, server: Server, n: int, token: str, label: str
            ) -> Result:
                if args.warmup:
                    load(scenario, n, args.warmup, token, workdir)
                cpu_before, started = server.cpu_seconds(), time.perf_counter()
                machine_before = cpu_times()
                rps, p50, p99, errors = load(scenario, n, args.duration, token, workdir)
                machine_cpu = busy_cores(machine_before, cpu_times())
                cpu_after, elapsed = server.cpu_seconds(), time.perf_counter() - started
                cpu = None
                if cpu_before is not None and cpu_after is not None:
                    cpu = (cpu_after - cpu_before) / elapsed
                result = Result(scenario.name, n, rps, p50, p99, errors, cpu, machine_cpu)
                print(
                    f"  {label:<32} {n:>3} clients: {rps:>8,.0f} req/s  "
                    f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}  "
                    f"server CPU {cpu or 0:.2f}  machine CPU {machine_cpu or 0:.2f}"
                )
                return result

            results = []
            for scenario in scenarios:
                scenario_auth = auth if scenario.authenticated else ""
                size = check_scenario(scenario, {"Authorization": auth})
                server = servers["reference" if scenario.name == "reference" else "app"]
                for n in clients:
                    result = measure(scenario, server, n, scenario_auth, scenario.name)
                    result.notes.append(size)
                    results.append(result)

            # Each mechanism switched off (bench/variants.py) on a server of its own, measured
            # right after the app as it is, endpoint by endpoint, so both see the same machine.
            for i, name in enumerate(compare):
                variant = VARIANTS[name]
                port = args.app_port + 10 + i
                servers[name] = Server(
                    name,
                    "bench.variants:create_app",
                    port,
                    {**app_env, "BENCH_VARIANT": name},
                    workdir / f"{name}.log",
                )
                servers[name].wait_ready("/api/v1/health")
                variant_auth = f"Bearer {get_token(port, args.username, args.password)}"
                for scenario in scenarios:
                    if scenario.name not in variant.endpoints:
                        continue
                    other = Scenario(scenario.name, port, scenario.paths)
                    check_scenario(other, {"Authorization": variant_auth})
                    for n in clients:
                        bases: list[Result] = []
                        offs: list[Result] = []
                        for round_ in range(args.rounds):  # ABBA: drift falls on both
                            pair = [
                                (bases, scenario, servers["app"], auth, scenario.name),
                                (offs, other, servers[name], variant_auth, name),
                            ]
                            for results_, *rest in pair[:: 1 if round_ % 2 == 0 else -1]:
                                results_.append(measure(rest[0], rest[1], n, rest[2], rest[3]))
                        comparisons.append((name, median_result(bases), median_result(offs)))
                servers.pop(name).stop()
        finally:
            for server in servers.values():
                server.stop()

    header = report_header(
        f"{backend} ({where_of(url)})",
        counts=counts,
        busy_before=busy_before,
        load=f"{tool_label(tool)}, {args.duration:g} s per row after {args.warmup:g} s of "
        f"warm-up; one uvicorn worker (uvloop, httptools, no access log); paths drawn with "
        f"seed {args.seed} from {args.targets} per endpoint",
    )
    text_report = report(results, header=header, backend=backend)
    if comparisons:
        text_report += "\n" + compare_report(comparisons)
    write_results(text_report, f"{backend}-{stamp}.md")


if __name__ == "__main__":
    main()
