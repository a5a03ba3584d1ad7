from sqlalchemy import event

from tests.factories import make_city, make_contact, make_organization
from tests.problems import PROBLEM_BASE


async def search(client, q: str, **params) -> list[dict]:
    response = await client.get("/api/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    for item in items:
        assert set(item) == {"type", "id", "label"}
        assert item["type"] in {"city", "contact", "organization"}
    return items


def hits(items: list[dict]) -> list[tuple[str, str]]:
    return [(item["type"], item["label"]) for item in items]


async def test_accents_are_ignored(client):
    chisinau = await make_city(client, name="Chișinău", country_code="MD")
    sao_paulo = await make_city(client, name="São Paulo", country_code="BR")
    await make_city(client, name="Houston", country_code="US")

    items = await search(client, "chisinau")
    assert items == [{"type": "city", "id": chisinau["id"], "label": "Chișinău"}]
    assert hits(await search(client, "sao paulo")) == [("city", "São Paulo")]
    assert [i["id"] for i in await search(client, "Sao Paulo")] == [sao_paulo["id"]]
    # Accents in the query are ignored too.
    assert hits(await search(client, "CHIȘINĂU")) == [("city", "Chișinău")]
    assert hits(await search(client, "paulo")) == [("city", "São Paulo")]


async def test_case_is_ignored(client):
    await make_city(client, name="Houston", country_code="US")
    await make_organization(client, name="Metropolis")
    for q in ("HOUSTON", "houston", "hOuStOn", "ousto"):
        assert hits(await search(client, q)) == [("city", "Houston")], q
    assert hits(await search(client, "METROPOLIS")) == [("organization", "Metropolis")]


async def test_letters_beyond_ascii_fold_too(client):
    await make_city(client, name="İzmir", country_code="TR")
    await make_city(client, name="Straßburg", country_code="FR")
    await make_contact(client, full_name="Elif Yıldız")
    await make_contact(client, full_name="Søren Løkke")
    assert hits(await search(client, "izmir")) == [("city", "İzmir")]
    assert hits(await search(client, "strassburg")) == [("city", "Straßburg")]
    assert hits(await search(client, "yildiz")) == [("contact", "Elif Yıldız")]
    assert hits(await search(client, "YILDIZ")) == [("contact", "Elif Yıldız")]
    assert hits(await search(client, "soren lokke")) == [("contact", "Søren Løkke")]


async def test_alternate_names_find_a_city(client):
    busan = await make_city(
        client, name="Busan", country_code="KR", alternate_names=["부산", "釜山"]
    )
    await make_city(client, name="Houston", country_code="US", alternate_names=["休士頓"])
    assert await search(client, "釜山") == [{"type": "city", "id": busan["id"], "label": "Busan"}]
    assert hits(await search(client, "부산")) == [("city", "Busan")]
    assert hits(await search(client, "休士頓")) == [("city", "Houston")]


async def test_contacts_by_local_name_and_organizations_by_acronym(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(
        client, full_name="Kim Min-jun", local_name="김민준", city_id=busan["id"]
    )
    iclei = await make_organization(
        client, name="ICLEI – Local Governments for Sustainability", acronym="ICLEI"
    )
    await make_organization(client, name="Metropolis", acronym="Metropolis")

    assert await search(client, "김민준") == [
        {"type": "contact", "id": kim["id"], "label": "Kim Min-jun"}
    ]
    assert await search(client, "iclei") == [
        {
            "type": "organization",
            "id": iclei["id"],
            "label": "ICLEI – Local Governments for Sustainability",
        }
    ]
    assert hits(await search(client, "min-jun")) == [("contact", "Kim Min-jun")]


async def test_all_record_types_are_searched(client):
    await make_city(client, name="Tallinn", country_code="EE")
    await make_organization(client, name="Tallinn University", kind="academic")
    await make_contact(client, full_name="Mari Tallinna")
    items = await search(client, "tallinn")
    assert sorted(hits(items)) == [
        ("city", "Tallinn"),
        ("contact", "Mari Tallinna"),
        ("organization", "Tallinn University"),
    ]


async def test_archived_records_are_not_found(client):
    busan = await make_city(client, name="Busan", country_code="KR", alternate_names=["釜山"])
    contact = await make_contact(client, full_name="Busan Liaison Officer")
    organization = await make_organization(client, name="Busan Port Authority", acronym="BPA")
    assert len(await search(client, "busan")) == 3

    for url in (
        f"/api/v1/cities/{busan['id']}",
        f"/api/v1/contacts/{contact['id']}",
        f"/api/v1/organizations/{organization['id']}",
    ):
        assert (await client.delete(url)).status_code == 200
    assert await search(client, "busan") == []
    assert await search(client, "釜山") == []
    assert await search(client, "bpa") == []

    assert (await client.post(f"/api/v1/cities/{busan['id']}/restore")).status_code == 200
    assert hits(await search(client, "busan")) == [("city", "Busan")]


async def test_an_exact_name_ranks_before_a_substring_match(client):
    # Alphabetically "New York" and "Amy Yorke" come before "York": only the ranking puts the
    # exact match first.
    await make_city(client, name="New York", country_code="US")
    await make_contact(client, full_name="Amy Yorke")
    await make_city(client, name="York", country_code="GB")
    items = await search(client, "york")
    assert hits(items)[0] == ("city", "York")
    assert sorted(hits(items)[1:]) == [("city", "New York"), ("contact", "Amy Yorke")]


async def test_a_name_that_starts_with_the_term_ranks_before_one_that_contains_it(client):
    await make_city(client, name="Aberporth", country_code="GB")
    await make_city(client, name="Porto", country_code="PT")
    await make_city(client, name="Port", country_code="GB")
    items = await search(client, "port")
    assert hits(items) == [("city", "Port"), ("city", "Porto"), ("city", "Aberporth")]


async def test_limit(client):
    for name in ("Santa Ana", "Santa Cruz", "Santa Fe", "Santa Rosa"):
        await make_city(client, name=name, country_code="US")
    assert len(await search(client, "santa", limit=2)) == 2
    assert len(await search(client, "santa")) == 4
    response = await client.get("/api/v1/search", params={"q": "santa", "limit": 0})
    assert response.status_code == 422


async def test_q_is_required(client):
    for params in ({}, {"q": ""}):
        response = await client.get("/api/v1/search", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["type"] == PROBLEM_BASE + "validation-error"
        assert body["status"] == 422 and body["title"] and body["detail"]
        assert [e["parameter"] for e in body["errors"]] == ["q"]


async def test_like_wildcards_in_q_are_literal(client):
    await make_city(client, name="Houston", country_code="US")
    await make_organization(client, name="100% Renewable Cities")
    await make_organization(client, name="100 Resilient Cities")
    await make_contact(client, full_name="Jo_Ann Smith")
    await make_contact(client, full_name="JoXAnn Smith")

    assert hits(await search(client, "%")) == [("organization", "100% Renewable Cities")]
    assert hits(await search(client, "100%")) == [("organization", "100% Renewable Cities")]
    assert hits(await search(client, "0% r")) == [("organization", "100% Renewable Cities")]
    assert hits(await search(client, "jo_ann")) == [("contact", "Jo_Ann Smith")]
    assert hits(await search(client, "_")) == [("contact", "Jo_Ann Smith")]
    assert hits(await search(client, "h_uston")) == []
    assert hits(await search(client, "hou%ton")) == []
    assert hits(await search(client, "\\")) == []


async def test_search_needs_a_token(anon):
    response = await anon.get("/api/v1/search", params={"q": "busan"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_edits_are_searchable_at_once(client):
    city = await make_city(client, name="Kishinev", country_code="MD")
    organization = await make_organization(client, name="Eurocities")
    contact = await make_contact(client, full_name="Ana Rusu")

    response = await client.patch(
        f"/api/v1/cities/{city['id']}", json={"name": "Chișinău", "alternate_names": ["基希訥烏"]}
    )
    assert response.status_code == 200, response.text
    response = await client.patch(
        f"/api/v1/organizations/{organization['id']}", json={"acronym": "EC"}
    )
    assert response.status_code == 200, response.text
    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}", json={"local_name": "Ана Русу"}
    )
    assert response.status_code == 200, response.text

    assert await search(client, "kishinev") == []
    assert hits(await search(client, "chisinau")) == [("city", "Chișinău")]
    assert hits(await search(client, "基希訥烏")) == [("city", "Chișinău")]
    assert hits(await search(client, "ec")) == [("organization", "Eurocities")]
    assert hits(await search(client, "ана")) == [("contact", "Ana Rusu")]


async def test_two_character_terms_match_inside_names(client):
    """Short terms (a two-character Chinese name, two Latin letters) go through the letter
    pairs; they must still find every substring, and nothing else."""
    busan = await make_city(client, name="Busan", alternate_names=["釜山廣域市"], country_code="KR")
    await make_city(client, name="Kyoto", alternate_names=["京都"], country_code="JP")
    hits = (await client.get("/api/v1/search", params={"q": "釜山"})).json()["items"]
    assert [h["id"] for h in hits] == [busan["id"]]
    assert (await client.get("/api/v1/search", params={"q": "山廣"})).json()["items"]
    assert [
        h["label"] for h in (await client.get("/api/v1/search", params={"q": "YO"})).json()["items"]
    ] == ["Kyoto"]
    assert (await client.get("/api/v1/search", params={"q": "都京"})).json()["items"] == []
    page = (await client.get("/api/v1/cities", params={"q": "釜山"})).json()
    assert [c["id"] for c in page["items"]] == [busan["id"]]


async def test_traditional_and_simplified_chinese_find_each_other(client):
    taichung = await make_city(client, name="Taichung", alternate_names=["臺中"], country_code="TW")
    await make_organization(client, name="臺北市政府國際事務委員會", acronym=None)
    for q in ("台中", "臺中", "台", "臺"):
        found = await search(client, q)
        assert [i["id"] for i in found if i["type"] == "city"] == [taichung["id"]], q
    assert hits(await search(client, "台北市政府")) == [
        ("organization", "臺北市政府國際事務委員會")
    ]
    assert hits(await search(client, "国际事务")) == [("organization", "臺北市政府國際事務委員會")]
    page = (await client.get("/api/v1/cities", params={"q": "台中"})).json()
    assert [c["id"] for c in page["items"]] == [taichung["id"]]


async def test_only_the_search_statement_plans_with_its_term(app, client, database):
    """On PostgreSQL the search statement runs with custom plans (a generic plan cannot tell
    a rare term from a common one), and only it: the connection is put back as it was, so
    other statements (bulk writes, foreign-key checks) keep their cached plans."""
    await make_city(client, name="Busan", alternate_names=["釜山"], country_code="KR")
    engine = app.state.database.engine.sync_engine
    seen: list[tuple[int, str]] = []

    def on_execute(conn, _cursor, statement, *_args) -> None:
        seen.append((id(conn.connection.dbapi_connection), statement.strip()))

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        for _ in range(8):  # past the executions after which PostgreSQL may go generic
            assert hits(await search(client, "釜山")) == [("city", "Busan")]
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)

    searches = [i for i, (_, sql) in enumerate(seen) if "search_text LIKE" in sql]
    assert len(searches) == 8
    settings = [(c, sql) for c, sql in seen if "plan_cache_mode" in sql]
    if database.backend != "postgresql":
        assert settings == []
        return
    for i in searches:
        connection = seen[i][0]
        assert seen[i - 1] == (connection, "SET plan_cache_mode = force_custom_plan")
        assert seen[i + 1] == (connection, "RESET plan_cache_mode")
    async with app.state.database.engine.connect() as connection:
        mode = (await connection.exec_driver_sql("SHOW plan_cache_mode")).scalar()
    assert mode == "auto"
