"""Fill a database with a realistic volume for benchmarks, quickly (bulk inserts, no API calls).

Creates the database when missing (PostgreSQL), migrates it with Alembic, then writes cities,
organizations and their member cities, partnerships, contacts and interactions with their link
tables, plus one admin user for the benchmark. PostgreSQL is filled with COPY (asyncpg), SQLite
with SQLAlchemy Core ``insert()`` executemany batches. Every derived column is computed with
the same ``app.text`` functions the services use, and a sample is checked against the services.
The same ``--seed`` always produces the same data.

    .venv/bin/python -m bench.seed --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/crm_bench
    .venv/bin/python -m bench.seed --database-url sqlite+aiosqlite:///bench/crm-bench.db
"""

import argparse
import asyncio
import json
import random
import re
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import Any

import asyncpg
import phonenumbers
from sqlalchemy import JSON, Table, event, insert, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app import migrate
from app.db import table_of
from app.models import (
    City,
    Contact,
    Interaction,
    InteractionCity,
    InteractionContact,
    InteractionOrganization,
    Organization,
    OrganizationMember,
    Partnership,
    User,
)
from app.text import fold, search_text
from bench import names

BENCH_USERNAME = "bench"
BENCH_PASSWORD = "bench-password-not-a-secret"

END = date(2026, 10, 31)  # the newest interaction; the data covers the 20 years before it
START = date(2006, 11, 1)
SPAN_DAYS = (END - START).days
END_AT = datetime(2026, 11, 1, tzinfo=UTC)
CITY_SKEW = 0.7  # contacts per city fall off as 1 / rank**CITY_SKEW (a few busy partners)

Row = dict[str, Any]
Tables = dict[Table, list[Row]]


@dataclass(frozen=True)
class Counts:
    cities: int
    organizations: int
    contacts: int
    interactions: int
    partner_cities: int

    @classmethod
    def scaled(cls, scale: float) -> "Counts":
        def n(full: int, least: int) -> int:
            return max(least, round(full * scale))

        return cls(n(5_000, 10), n(1_000, 5), n(100_000, 20), n(1_000_000, 50), n(300, 2))


def _at(day: date, rng: random.Random) -> datetime:
    """A moment during office hours on ``day`` (UTC), never after the end of the data."""
    moment = datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(10 * 3600)
    )
    return min(moment, END_AT)


def _record(rng: random.Random, created_at: datetime, archived: bool = False) -> Row:
    """The columns every record has; an archived one was updated once more (version 2)."""
    if not archived:
        return {"version": 1, "created_at": created_at, "updated_at": created_at,
                "archived_at": None}  # fmt: skip
    archived_at = min(created_at + timedelta(days=rng.randint(1, 400)), END_AT)
    return {"version": 2, "created_at": created_at, "updated_at": archived_at,
            "archived_at": archived_at}  # fmt: skip


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(value))


class Generator:
    """Deterministic data: every choice comes from one seeded RNG, in a fixed order."""

    def __init__(self, counts: Counts, seed: int) -> None:
        self.counts = counts
        self.rng = random.Random(seed)
        self.codes, self.code_weights, self.culture_of = names.country_weights()
        self._regions: dict[str, list[str]] = {}
        self._phones: dict[str, str | None] = {}
        self._emails: dict[str, int] = {}
        # Filled as the tables are generated, read by the later ones.
        self.city_name: list[str] = [""]
        self.city_country: list[str] = [""]
        self.city_weights: list[float] = []
        self.org_name: list[str] = [""]
        self.org_domain: list[str] = [""]
        self.orgs_in_city: dict[int, list[int]] = {}
        self.networks: list[int] = []
        self.contact_city: list[int | None] = [None]
        self.contact_org: list[int | None] = [None]
        self.contact_name: list[tuple[str, str]] = [("", "")]  # (full name, family name)
        self.contacts_in_city: dict[int, list[int]] = {}
        self.activity_cum: list[float] = []
        self._interaction_search: dict[tuple[str, str | None], str] = {}

    # -- cities -----------------------------------------------------------------------------

    def _place_name(self, culture: names.Culture) -> tuple[str, str | None]:
        latin = ""
        local: str | None = ""
        for part in culture.place:
            lat, loc = names.split(self.rng.choice(part))
            latin += lat
            local = local + loc if (loc is not None and local is not None) else None
        return latin.strip(), (local.strip() if local else None)

    def _region(self, code: str) -> str | None:
        if code not in self._regions:
            self._regions[code] = names.regions(code)
        options = self._regions[code]
        return self.rng.choice(options) if options else None

    def cities(self) -> list[Row]:
        rng, rows = self.rng, []
        for city_id in range(1, self.counts.cities + 1):
            if city_id <= len(names.KNOWN_CITIES):
                name, alternates, code, population = names.KNOWN_CITIES[city_id - 1]
                alternates, region = list(alternates), None
            else:
                code = rng.choices(self.codes, self.code_weights)[0]
                name, local = self._place_name(names.CULTURES[self.culture_of[code]])
                alternates = [local] if local else []
                if local and rng.random() < 0.3:
                    alternates.append(
                        local + ("市" if self.culture_of[code] in ("ja", "zh") else "")
                    )
                alternates = list(dict.fromkeys(a for a in alternates if a != name))
                region = self._region(code)
                population = int(rng.lognormvariate(11, 1.2))
            notes = f"Population estimate {population:,}." if rng.random() < 0.05 else None
            created_at = _at(START + timedelta(days=rng.randrange(730)), rng)
            rows.append({
                "id": city_id, **_record(rng, created_at), "name": name,
                "alternate_names": alternates, "country_code": code, "region": region,
                "population": population, "notes": notes,
                # as app/cities/service.py _refresh_search
                "name_key": fold(name)[:200],
                "search_text": search_text(name, alternates, pairs=True),
            })  # fmt: skip
            self.city_name.append(name)
            self.city_country.append(code)
        self.city_weights = [1 / rank**CITY_SKEW for rank in range(1, self.counts.cities + 1)]
        return rows

    def _weighted_cities(self, k: int) -> list[int]:
        return self.rng.choices(range(1, self.counts.cities + 1), self.city_weights, k=k)

    # -- organizations ----------------------------------------------------------------------

    def _organization_name(self, kind: str, city: str, code: str) -> tuple[str, str | None]:
        rng = self.rng
        topic = rng.choice(names.TOPICS).replace("-", " ").title()
        if kind == "company":
            word = city.split()[0].split("-")[0]
            forms = names.COMPANY_FORMS
            return f"{word} {rng.choice(names.INDUSTRIES)} {rng.choice(forms)}", None
        if kind == "academic":
            pattern = rng.choice(
                (
                    "University of {c}",
                    "{c} Institute of Technology",
                    "Universidad de {c}",
                    "Université de {c}",
                    "{c} National University",
                )  # fmt: skip
            )
            return pattern.format(c=city), None
        if kind == "government":
            pattern = rng.choice(
                (
                    "{c} Metropolitan Government",
                    "{c} City Hall",
                    "Department of International Relations, {c}",
                    "Trade Office of {c}",
                )  # fmt: skip
            )
            return pattern.format(c=city), None
        if kind == "ngo":
            pattern = rng.choice(
                ("{t} Foundation", "Friends of {c}", "{c} Sister City Association")
            )
            return pattern.format(t=topic, c=city), None
        if kind == "city_network":
            area = rng.choice(("Pacific", "Asian", "European", "Mediterranean", "Global", "Nordic"))
            name = f"{area} {topic} Cities Network"
            return name, "".join(w[0] for w in name.split() if w[0].isupper())
        if kind == "international_organization":
            name = f"International {topic} Council"
            return name, "I" + "".join(w[0] for w in topic.split()) + "C"
        return f"{topic} Forum {code}", None

    def organizations(self) -> tuple[list[Row], list[Row]]:
        """Organizations, and the member cities of the city networks."""
        rng, rows = self.rng, []
        kinds = ("company", "academic", "government", "ngo", "city_network",
                 "international_organization", "other")  # fmt: skip
        kind_weights = (30, 15, 20, 20, 5, 5, 5)
        hq_cities = self._weighted_cities(self.counts.organizations)
        for org_id in range(1, self.counts.organizations + 1):
            city_id = hq_cities[org_id - 1]
            code = self.city_country[city_id]
            if org_id <= len(names.KNOWN_ORGANIZATIONS):
                name, acronym, kind = names.KNOWN_ORGANIZATIONS[org_id - 1]
            else:
                kind = rng.choices(kinds, kind_weights)[0]
                name, acronym = self._organization_name(kind, self.city_name[city_id], code)
            membership = "none"
            if kind == "city_network":
                membership = rng.choices(("member", "observer", "former_member", "none"),
                                         (40, 10, 10, 40))[0]  # fmt: skip
            member_since = (
                START - timedelta(days=rng.randrange(20 * 365))
                if membership in ("member", "former_member")
                else None
            )
            tld = {"company": "com", "academic": "edu", "government": f"gov.{code.lower()}"}
            domain = f"{_slug(acronym or name)[:24] or 'org'}.{tld.get(kind, 'org')}"
            created_at = _at(START + timedelta(days=rng.randrange(730)), rng)
            rows.append({
                "id": org_id, **_record(rng, created_at), "name": name, "acronym": acronym,
                "kind": kind, "website": f"https://www.{domain}/",
                "headquarters_city_id": city_id, "home_membership": membership,
                "member_since": member_since,
                "notes": "Key partner of the desk." if rng.random() < 0.05 else None,
                # as app/organizations/service.py _refresh_search
                "name_key": fold(name)[:200], "search_text": search_text(name, acronym, pairs=True),
            })  # fmt: skip
            self.org_name.append(name)
            self.org_domain.append(domain)
            self.orgs_in_city.setdefault(city_id, []).append(org_id)
            if kind == "city_network":
                self.networks.append(org_id)
        members = []
        for org_id in self.networks:
            size = rng.randint(min(10, self.counts.cities), min(300, self.counts.cities))
            for city_id in sorted(rng.sample(range(1, self.counts.cities + 1), size)):
                since = START - timedelta(days=rng.randrange(15 * 365))
                members.append({"organization_id": org_id, "city_id": city_id,
                                "since": since if rng.random() < 0.8 else None})  # fmt: skip
        return rows, members

    # -- partnerships -----------------------------------------------------------------------

    def partnerships(self) -> list[Row]:
        """Agreements with a few hundred cities, mostly the busy ones; none with the home city."""
        rng = self.rng
        rows: list[Row] = []
        chosen: dict[int, None] = {}
        wanted = min(self.counts.partner_cities, self.counts.cities - 1)
        while len(chosen) < wanted:
            city_id = self._weighted_cities(1)[0]
            if city_id != 1:
                chosen[city_id] = None
        kinds = ("sister_city", "friendship_city", "cooperation_agreement")
        for city_id in chosen:
            for kind in rng.sample(kinds, 2 if rng.random() < 0.15 else 1):
                signed_on = None
                if rng.random() > 0.05:
                    signed_on = date(1961, 1, 1) + timedelta(days=rng.randrange(65 * 365))
                status = rng.choices(("active", "suspended", "ended"), (85, 10, 5))[0]
                created_at = _at(START + timedelta(days=rng.randrange(730)), rng)
                rows.append({
                    "id": len(rows) + 1, **_record(rng, created_at), "city_id": city_id,
                    "kind": kind, "signed_on": signed_on, "status": status,
                    "notes": "Signed by both mayors." if rng.random() < 0.2 else None,
                })  # fmt: skip
        return rows

    # -- contacts ---------------------------------------------------------------------------

    def _phone(self, code: str) -> str | None:
        if code not in self._phones:
            number = phonenumbers.example_number_for_type(
                code, phonenumbers.PhoneNumberType.MOBILE
            ) or phonenumbers.example_number(code)
            self._phones[code] = (
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                if number
                else None
            )
        example = self._phones[code]
        if example is None or len(example) < 8:
            return example
        return example[:-4] + f"{self.rng.randrange(10_000):04d}"

    def _email(self, given: str, family: str, domain: str) -> str:
        local = f"{_slug(given) or 'contact'}.{_slug(family) or 'office'}"
        base = f"{local}@{domain}"
        seen = self._emails.get(base, 0)
        self._emails[base] = seen + 1
        if seen:
            local += str(seen + 1)
        if self.rng.random() < 0.1:  # some addresses are written with capitals
            local = ".".join(part.capitalize() for part in local.split("."))
        return f"{local}@{domain}"

    def contacts(self, batch: int) -> Iterator[Tables]:
        rng, n = self.rng, self.counts.contacts
        city_ids = self._weighted_cities(n)
        activity = []
        for start in range(1, n + 1, batch):
            rows = []
            for contact_id in range(start, min(start + batch, n + 1)):
                city_id: int | None = city_ids[contact_id - 1]
                if rng.random() < 0.03:
                    city_id = None
                code = self.city_country[city_id] if city_id else rng.choice(self.codes)
                culture = names.CULTURES[self.culture_of[code]]
                given, given_local = names.split(rng.choice(culture.given))
                family, family_local = names.split(rng.choice(culture.family))
                if culture.feminine:
                    female = bool(given_local and given_local.endswith("*"))
                else:
                    female = rng.random() < 0.5
                if given_local:
                    given_local = given_local.rstrip("*")
                if culture.feminine and female:
                    family += culture.feminine[0]
                    family_local = (family_local or "") + culture.feminine[1]
                full_name = f"{family} {given}" if culture.family_first else f"{given} {family}"
                local_name = None
                if given_local and family_local:
                    parts = (family_local, given_local)
                    if not culture.local_family_first:
                        parts = (given_local, family_local)
                    local_name = culture.local_separator.join(parts)
                org_id = None
                if rng.random() < 0.6:
                    local_orgs = self.orgs_in_city.get(city_id or 0)
                    if local_orgs and rng.random() < 0.5:
                        org_id = rng.choice(local_orgs)
                    else:
                        org_id = rng.randint(1, self.counts.organizations)
                email = None
                if rng.random() < 0.9:
                    domain = (
                        self.org_domain[org_id]
                        if org_id
                        else f"{_slug(self.city_name[city_id] if city_id else 'gov')[:20]}"
                        f".gov.{code.lower()}"
                    )
                    email = self._email(given, family, domain)
                honorific = rng.choice(names.HONORIFICS)
                if honorific in ("Mr.", "Ms."):
                    honorific = "Ms." if female else "Mr."
                languages = list(dict.fromkeys([culture.languages[0], "en"]))
                if len(culture.languages) > 2 and rng.random() < 0.3:
                    languages.append(culture.languages[2])
                created_at = _at(START + timedelta(days=rng.randrange(SPAN_DAYS)), rng)
                rows.append({
                    "id": contact_id,
                    **_record(rng, created_at, archived=rng.random() < 0.01),
                    "full_name": full_name, "local_name": local_name, "honorific": honorific,
                    "position": rng.choice(names.POSITIONS),
                    "department": rng.choice(names.DEPARTMENTS),
                    "organization_id": org_id, "city_id": city_id,
                    "country_code": self.city_country[city_id] if city_id else None,
                    "email": email,
                    "phone": self._phone(code) if rng.random() < 0.7 else None,
                    "languages": languages,
                    "tags": rng.sample(names.TAGS, rng.choice((0, 1, 1, 2, 3))),
                    "source": rng.choice(names.SOURCES),
                    "notes": f"Met at the {rng.choice(names.CONFERENCES)}."
                    if rng.random() < 0.1 else None,
                    "is_active": rng.random() < 0.92,
                    # as app/contacts/service.py _refresh_derived
                    "name_key": fold(full_name)[:200],
                    "email_key": email.lower() if email else None,
                    "search_text": search_text(full_name, local_name, email, pairs=True),
                })  # fmt: skip
                self.contact_city.append(city_id)
                self.contact_org.append(org_id)
                self.contact_name.append((full_name, family))
                if city_id:
                    self.contacts_in_city.setdefault(city_id, []).append(contact_id)
                # A few contacts are met very often, most only now and then.
                activity.append(min(rng.paretovariate(1.3), 200.0))
            yield {table_of(Contact): rows}
        self.activity_cum = list(accumulate(activity))

    # -- interactions -----------------------------------------------------------------------

    def _title(
        self, kind: str, day: date, city: str, first: int, topic: str, org: int | None
    ) -> tuple[str, str | None]:
        """The title and location an officer would type for this kind of interaction."""
        rng, home = self.rng, self.city_name[1]
        surname = self.contact_name[first][1]
        if kind == "meeting":
            who = self.org_name[org] if org else f"the {city} delegation"
            return f"Meeting with {who} on {topic}", rng.choice((f"{home} City Hall", city))
        if kind == "visit_inbound":
            return f"{city} delegation visit: {topic}", f"{home} City Hall"
        if kind == "visit_outbound":
            return f"Mission to {city}: {topic}", city
        if kind == "conference":
            venue = self.city_name[rng.randint(1, min(40, self.counts.cities))]
            return f"{rng.choice(names.CONFERENCES)} {day.year}", venue
        if kind == "call":
            return f"Call with {surname} ({city}) about {topic}", None
        if kind == "video_call":
            return f"Video call with {city}: {topic}", "Online"
        if kind == "email":
            return f"E-mail exchange with {surname} on {topic}", None
        if kind == "letter":
            return f"Letter from the Mayor of {city}", None
        return f"{topic.capitalize()} follow-up", None

    def _search_text(self, title: str, location: str | None) -> str:
        key = (title, location)
        found = self._interaction_search.get(key)
        if found is None:
            found = self._interaction_search[key] = search_text(title, location)
        return found

    def interactions(self, batch: int) -> Iterator[Tables]:
        rng, n_contacts = self.rng, self.counts.contacts
        contact_range = range(1, n_contacts + 1)
        kinds = ("meeting", "email", "call", "video_call", "visit_inbound", "visit_outbound",
                 "conference", "letter", "other")  # fmt: skip
        kind_weights = (25, 25, 10, 12, 8, 6, 7, 4, 3)
        n = self.counts.interactions
        for start in range(1, n + 1, batch):
            size = min(batch, n + 1 - start)
            firsts = rng.choices(contact_range, cum_weights=self.activity_cum, k=size)
            others = rng.choices(contact_range, cum_weights=self.activity_cum, k=size)
            kind_list = rng.choices(kinds, kind_weights, k=size)
            tables: Tables = {
                table_of(Interaction): [],
                table_of(InteractionContact): [],
                table_of(InteractionCity): [],
                table_of(InteractionOrganization): [],
            }
            for offset in range(size):
                interaction_id, first, kind = start + offset, firsts[offset], kind_list[offset]
                first_city = self.contact_city[first]
                peers = self.contacts_in_city.get(first_city or 0, ())
                second = others[offset]
                if len(peers) > 1 and rng.random() < 0.6:  # usually someone of the same city
                    second = rng.choice(peers)
                if second == first:
                    second = first % n_contacts + 1
                contact_ids = [first, second]
                # as app/interactions/service.py _resolve_links: the cities of the contacts
                city_ids = list(dict.fromkeys(
                    c for c in (first_city, self.contact_city[second]) if c is not None
                ))  # fmt: skip
                org_ids: list[int] = []
                if rng.random() < 0.4:
                    org_ids = [o for o in (self.contact_org[first], self.contact_org[second]) if o]
                if kind == "conference" and self.networks and rng.random() < 0.5:
                    org_ids.append(rng.choice(self.networks))
                org_ids = list(dict.fromkeys(org_ids))
                day = START + timedelta(days=int(SPAN_DAYS * rng.random() ** 0.6))
                topic = rng.choice(names.TOPICS)
                city = self.city_name[first_city] if first_city else "a partner city"
                title, location = self._title(
                    kind, day, city, first, topic, org_ids[0] if org_ids else None
                )
                summary = None
                if rng.random() < 0.3:
                    summary = (
                        f"Discussed {topic} with {self.contact_name[first][0]}. "
                        f"Agreed to follow up before {day.year + 1}."
                    )
                created_at = _at(day + timedelta(days=rng.choice((0, 0, 0, 1, 2, 7))), rng)
                tables[table_of(Interaction)].append({
                    "id": interaction_id,
                    **_record(rng, created_at, archived=rng.random() < 0.005),
                    "kind": kind, "occurred_on": day, "title": title, "summary": summary,
                    "location": location,
                    "tags": rng.sample(names.TAGS, rng.choice((0, 1, 1, 2, 3))),
                    "contact_ids": contact_ids, "city_ids": city_ids,
                    "organization_ids": org_ids,
                    # as app/interactions/service.py _refresh_search (titles repeat: memoized)
                    "search_text": self._search_text(title, location),
                })  # fmt: skip
                tables[table_of(InteractionContact)].extend(
                    {"interaction_id": interaction_id, "contact_id": c, "occurred_on": day}
                    for c in contact_ids
                )
                tables[table_of(InteractionCity)].extend(
                    {
                        "interaction_id": interaction_id,
                        "city_id": c,
                        "occurred_on": day,
                        "direct": False,
                        # as app/interactions/service.py _write_links: the city's country
                        "country_code": self.city_country[c],
                    }  # fmt: skip
                    for c in city_ids
                )
                tables[table_of(InteractionOrganization)].extend(
                    {"interaction_id": interaction_id, "organization_id": o, "occurred_on": day}
                    for o in org_ids
                )
            yield tables


def bench_user() -> Row:
    """The admin the benchmark logs in as (the password is hashed once, like the service)."""
    from app.auth.service import password_hash

    created_at = datetime(START.year, START.month, START.day, tzinfo=UTC)
    return {
        "id": 1, **_record(random.Random(0), created_at), "username": BENCH_USERNAME,
        "full_name": "Benchmark user", "role": "admin", "is_active": True,
        "password_hash": password_hash.hash(BENCH_PASSWORD),
    }  # fmt: skip


# -- checking the derived columns against the services ----------------------------------------


def check_derived(table: Table, rows: list[Row]) -> None:
    """Recompute the derived columns of a sample with the service's own function: the seed
    must fail loudly if a service starts deriving them differently."""
    import importlib

    checks = {
        "city": ("app.cities.service", "_refresh_search", City),
        "organization": ("app.organizations.service", "_refresh_search", Organization),
        "contact": ("app.contacts.service", "_refresh_derived", Contact),
        "interaction": ("app.interactions.service", "_refresh_search", Interaction),
    }
    if table.name not in checks:
        return
    module_name, function_name, model = checks[table.name]
    refresh = getattr(importlib.import_module(module_name), function_name, None)
    if refresh is None:
        print(f"  warning: {module_name}.{function_name} is gone; derived columns not checked")
        return
    derived = [c for c in ("name_key", "email_key", "search_text") if c in table.c]
    for row in rows[:200]:
        record = model(**{k: v for k, v in row.items() if k not in derived})
        refresh(record)
        for column in derived:
            if getattr(record, column) != row[column]:
                sys.exit(
                    f"{table.name} {row['id']}: the seed derives {column}={row[column]!r} but "
                    f"{module_name}.{function_name} gives {getattr(record, column)!r}; "
                    "update bench/seed.py"
                )


# -- writers ----------------------------------------------------------------------------------


class Writer:
    """Bulk-writes rows and keeps the time spent per table."""

    def __init__(self) -> None:
        self.stats: dict[str, list[float]] = {}

    async def write(self, table: Table, rows: list[Row]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        await self._write(table, rows)
        entry = self.stats.setdefault(table.name, [0, 0.0])
        entry[0] += len(rows)
        entry[1] += time.perf_counter() - started

    async def _write(self, table: Table, rows: list[Row]) -> None:
        raise NotImplementedError

    async def scalar(self, sql: str) -> Any:
        raise NotImplementedError

    async def execute(self, sql: str) -> None:
        raise NotImplementedError

    async def secondary_indexes(self, tables: list[Table]) -> list[tuple[str, str]]:
        """(name, exact definition) of the non-primary-key indexes the migrations created."""
        raise NotImplementedError

    async def finish(self, tables: list[Table]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


def asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresWriter(Writer):
    """COPY (binary) through asyncpg; foreign-key triggers are skipped during the load when
    the role may (the data is consistent by construction, and checked afterwards)."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        super().__init__()
        self.connection = connection

    @classmethod
    async def open(cls, url: URL) -> "PostgresWriter":
        connection = await asyncpg.connect(asyncpg_dsn(url))
        try:
            await connection.execute("SET session_replication_role = replica")
        except asyncpg.InsufficientPrivilegeError:
            print("  (not a superuser: foreign keys are checked row by row; slower)")
        return cls(connection)

    async def _write(self, table: Table, rows: list[Row]) -> None:
        # The columns the seed fills (like Core insert(), the database defaults the others).
        filled = [c for c in table.columns if c.name in rows[0]]
        columns = [c.name for c in filled]
        values = itemgetter(*columns)
        json_at = [i for i, c in enumerate(filled) if isinstance(c.type, JSON)]
        if json_at:
            records = []
            for row in rows:
                record = list(values(row))
                for i in json_at:
                    record[i] = json.dumps(record[i])
                records.append(record)
        else:
            records = list(map(values, rows))
        await self.connection.copy_records_to_table(table.name, records=records, columns=columns)

    async def scalar(self, sql: str) -> Any:
        return await self.connection.fetchval(sql)

    async def execute(self, sql: str) -> None:
        await self.connection.execute(sql)

    async def secondary_indexes(self, tables: list[Table]) -> list[tuple[str, str]]:
        rows = await self.connection.fetch(
            "SELECT ci.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid "
            "WHERE ct.relname = ANY($1::text[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
            "ORDER BY ci.relname",
            [t.name for t in tables],
        )
        return [(name, definition) for name, definition in rows]

    async def finish(self, tables: list[Table]) -> None:
        await self.connection.execute("RESET session_replication_role")
        for table in tables:
            if "id" in table.c and table.c.id.primary_key and len(table.primary_key) == 1:
                await self.connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
        # What autovacuum would soon do: statistics for the planner, and a visibility map
        # so index-only scans need not visit the heap.
        await self.connection.execute("VACUUM (ANALYZE)")

    async def close(self) -> None:
        await self.connection.close()


class SqliteWriter(Writer):
    """SQLAlchemy Core ``insert()`` executemany on the app's own tables, so every value is
    stored exactly as the app stores it (JSON text, timestamps)."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__()
        self.engine = engine

    @classmethod
    async def open(cls, url: URL) -> "SqliteWriter":
        engine = create_async_engine(url)

        @event.listens_for(engine.sync_engine, "connect")
        def _bulk_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=OFF")  # the app switches it to WAL when it opens
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-524288")  # 512 MiB
            cursor.execute("PRAGMA temp_store=MEMORY")
            cursor.close()

        return cls(engine)

    async def _write(self, table: Table, rows: list[Row]) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(insert(table), rows)

    async def scalar(self, sql: str) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(text(sql))).scalar()

    async def execute(self, sql: str) -> None:
        async with self.engine.begin() as connection:
            await connection.exec_driver_sql(sql)

    async def secondary_indexes(self, tables: list[Table]) -> list[tuple[str, str]]:
        names = ", ".join(f"'{t.name}'" for t in tables)
        async with self.engine.connect() as connection:
            rows = await connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND tbl_name IN ({names}) AND sql IS NOT NULL ORDER BY name"
            )
            return [tuple(row) for row in rows]

    async def finish(self, tables: list[Table]) -> None:
        # No ANALYZE: the app never runs it, so the benchmark sees the planner a real SQLite
        # database would have. WAL is what the app sets on every connection.
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA journal_mode=WAL")

    async def close(self) -> None:
        await self.engine.dispose()


# -- the run ----------------------------------------------------------------------------------


def prepare_database(url: URL, reset: bool) -> None:
    """Create (or with ``reset`` recreate) the database; then migrate it with Alembic."""
    if url.get_backend_name() == "postgresql":
        asyncio.run(_create_postgres_database(url, reset))
    elif url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if reset:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    migrate.upgrade(url.render_as_string(hide_password=False))
    print(f"migrated with Alembic in {time.perf_counter() - started:.1f} s")


async def _create_postgres_database(url: URL, reset: bool) -> None:
    name = url.database or ""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        sys.exit(f"use a plain database name (letters, digits, _), not {name!r}")
    admin = await asyncpg.connect(asyncpg_dsn(url.set(database="postgres")))
    try:
        if reset:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    finally:
        await admin.close()


async def _pipeline(chunks: Iterator[Tables], write: Callable[[Tables], Awaitable[None]]) -> None:
    """Generate the next chunk in a thread while the database stores the current one."""
    loop = asyncio.get_running_loop()
    pending = loop.run_in_executor(None, next, chunks, None)
    while (chunk := await pending) is not None:
        pending = loop.run_in_executor(None, next, chunks, None)
        await write(chunk)


ALL_TABLES: list[Table] = [
    table_of(t)
    for t in (User, City, Organization, OrganizationMember, Partnership, Contact, Interaction,
              InteractionContact, InteractionCity, InteractionOrganization)
]  # fmt: skip
# Their secondary indexes are set aside during the load and rebuilt from their exact
# definitions afterwards: building an index once is far cheaper than millions of inserts.
BULK_TABLES = ALL_TABLES[5:]


async def load(writer: Writer, generator: Generator, batch: int) -> None:
    """Every table, in dependency order; interactions in chunks as they are generated."""

    async def write_all(tables: Tables, check: bool = False) -> None:
        for table, rows in tables.items():
            if check:
                check_derived(table, rows)
            await writer.write(table, rows)

    await writer.write(table_of(User), [bench_user()])
    await write_all({table_of(City): generator.cities()}, check=True)
    organizations, members = generator.organizations()
    await write_all({table_of(Organization): organizations}, check=True)
    await writer.write(table_of(OrganizationMember), members)
    await writer.write(table_of(Partnership), generator.partnerships())
    for i, tables in enumerate(generator.contacts(batch)):
        await write_all(tables, check=i == 0)
    chunks = generator.interactions(batch)
    await write_all(next(chunks), check=True)
    await _pipeline(chunks, write_all)


async def fill(url: URL, counts: Counts, seed: int, batch: int) -> None:
    postgres = url.get_backend_name() == "postgresql"
    writer: Writer = await (PostgresWriter if postgres else SqliteWriter).open(url)
    try:
        if await writer.scalar("SELECT count(*) FROM city"):
            sys.exit("the database already holds data; run again with --reset to start over")
        indexes = await writer.secondary_indexes(BULK_TABLES)
        for name, _ in indexes:
            await writer.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        try:
            await load(writer, Generator(counts, seed), batch)
        finally:
            loaded = time.perf_counter() - started
            if postgres:
                await writer.execute("SET maintenance_work_mem = '512MB'")
            for name, definition in indexes:
                index_started = time.perf_counter()
                await writer.execute(definition)
                writer.stats[f"  index {name}"] = [0, time.perf_counter() - index_started]
        started = time.perf_counter()
        await writer.finish(ALL_TABLES)
        finished = time.perf_counter() - started

        print(f"\n{'table (write time)':<64}{'rows':>12}{'s':>8}{'rows/s':>12}")
        for name, (rows, seconds) in writer.stats.items():
            count, rate = (
                (f"{int(rows):,}", f"{rows / max(seconds, 1e-9):,.0f}") if rows else ("", "")
            )
            print(f"{name:<64}{count:>12}{seconds:>8.1f}{rate:>12}")
        print(f"generated and loaded in {loaded:.1f} s (generation overlaps the writes)")
        label = "sequences, VACUUM ANALYZE" if postgres else "journal back to WAL"
        print(f"finished ({label}) in {finished:.1f} s")
        await verify(writer, counts)
    finally:
        await writer.close()


async def verify(writer: Writer, counts: Counts) -> None:
    """Row counts and referential integrity (the foreign keys were not checked during COPY)."""
    started = time.perf_counter()
    expected = {
        "city": counts.cities,
        "organization": counts.organizations,
        "contact": counts.contacts,
        "interaction": counts.interactions,
        "interaction_contact": 2 * counts.interactions,
    }
    for table, count in expected.items():
        actual = await writer.scalar(f"SELECT count(*) FROM {table}")
        if actual != count:
            sys.exit(f"{table} holds {actual} rows, expected {count}")
    orphans = {
        "interaction_contact.contact_id": "interaction_contact x LEFT JOIN contact p "
        "ON p.id = x.contact_id",
        "interaction_city.city_id": "interaction_city x LEFT JOIN city p ON p.id = x.city_id",
        "interaction_organization.organization_id": "interaction_organization x "
        "LEFT JOIN organization p ON p.id = x.organization_id",
        "contact.city_id": "contact x LEFT JOIN city p ON p.id = x.city_id",
        "contact.organization_id": "contact x LEFT JOIN organization p ON p.id = x.organization_id",
    }
    for reference, joined in orphans.items():
        column = reference.split(".")[1]
        missing = await writer.scalar(
            f"SELECT count(*) FROM {joined} WHERE p.id IS NULL AND x.{column} IS NOT NULL"
        )
        if missing:
            sys.exit(f"{missing} rows of {reference} point nowhere")
    # The links keep their city's country, as the services keep it.
    astray = await writer.scalar(
        "SELECT count(*) FROM interaction_city x JOIN city c ON c.id = x.city_id "
        "WHERE NOT (x.country_code = c.country_code "
        "OR (x.country_code IS NULL AND c.country_code IS NULL))"
    )
    if astray:
        sys.exit(f"{astray} interaction_city links do not carry their city's country")
    links = await writer.scalar("SELECT count(*) FROM interaction_city")
    print(f"verified counts and references in {time.perf_counter() - started:.1f} s "
          f"({links:,} interaction_city links)")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy async URL")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full volume")
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    parser.add_argument("--batch-size", type=int, default=50_000, help="rows per bulk insert")
    parser.add_argument("--reset", action="store_true", help="drop the database (file) first")
    args = parser.parse_args(argv)

    url = make_url(args.database_url)
    counts = Counts.scaled(args.scale)
    print(f"seeding {url.render_as_string(hide_password=True)} with {counts}")
    started = time.perf_counter()
    prepare_database(url, args.reset)
    asyncio.run(fill(url, counts, args.seed, args.batch_size))
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
