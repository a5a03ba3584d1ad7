"""A client generated from the OpenAPI document (openapi-python-client) works against the
server: it parses the success, the 422 and the 412 answers without crashing."""

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app

PACKAGE = "crm_generated_client"
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    """The client package, generated into a temporary folder and imported."""
    folder = tmp_path_factory.mktemp("generated-client")
    settings = Settings(
        database_url="sqlite+aiosqlite://",
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        _env_file=None,  # type: ignore[call-arg]
    )
    document = folder / "openapi.json"
    document.write_text(json.dumps(create_app(settings).openapi()))
    result = subprocess.run(
        [
            str(VENV_BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        # The generator formats its output with ruff, installed beside it.
        env={**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)
        # Every generated module imports: no operation or model was left half-made.
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{PACKAGE}."):
            importlib.import_module(module.name)
        yield package
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


async def test_generated_client_create_422_412_round_trip(generated, app, tokens, client):
    api = importlib.import_module(f"{PACKAGE}.api.contacts")
    models = importlib.import_module(f"{PACKAGE}.models")
    create = importlib.import_module(f"{api.__name__}.contacts_create")
    read = importlib.import_module(f"{api.__name__}.contacts_read")
    update = importlib.import_module(f"{api.__name__}.contacts_update")
    listing = importlib.import_module(f"{api.__name__}.contacts_list")

    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"Authorization": f"Bearer {tokens['editor']}"},
    )
    crm = generated.AuthenticatedClient(
        base_url="http://test", token=tokens["editor"], raise_on_unexpected_status=True
    ).set_async_httpx_client(http)
    async with crm:
        created = await create.asyncio_detailed(
            client=crm,
            body=models.ContactCreate(
                full_name="Kadri Tamm",
                email="kadri.tamm@example.org",
                languages=[models.ContactCreateLanguagesItem("et")],
                phone="+372 640 4200",
            ),
        )
        assert created.status_code == 201, created.content
        contact = created.parsed
        assert isinstance(contact, models.ContactRead)
        assert contact.full_name == "Kadri Tamm" and contact.phone == "+3726404200"
        assert created.headers["location"].endswith(f"/api/v1/contacts/{contact.id}")
        etag = created.headers["etag"]

        invalid = await create.asyncio_detailed(
            client=crm, body=models.ContactCreate(full_name="Kadri Tamm", email="not-an-email")
        )
        assert invalid.status_code == 422
        problem = invalid.parsed
        assert isinstance(problem, models.Problem)
        assert problem.status == 422 and [e.pointer for e in problem.errors] == ["/email"]

        changed = await update.asyncio_detailed(
            contact.id, client=crm, body=models.ContactUpdate(position="Mayor"), if_match=etag
        )
        assert changed.status_code == 200 and changed.parsed.position == "Mayor"
        stale = await update.asyncio_detailed(
            contact.id, client=crm, body=models.ContactUpdate(position="Deputy"), if_match=etag
        )
        assert stale.status_code == 412
        assert isinstance(stale.parsed, models.Problem)
        assert stale.parsed.current_etag == changed.headers["etag"] != etag

        again = await read.asyncio_detailed(contact.id, client=crm)
        assert isinstance(again.parsed, models.ContactRead) and again.parsed.position == "Mayor"
        unchanged = await read.asyncio_detailed(
            contact.id, client=crm, if_none_match=again.headers["etag"]
        )
        assert unchanged.status_code == 304 and unchanged.parsed is None
        page = await listing.asyncio_detailed(client=crm)
        assert [c.id for c in page.parsed.items] == [contact.id]
        missing = await read.asyncio_detailed(contact.id + 1000, client=crm)
        assert missing.status_code == 404 and isinstance(missing.parsed, models.Problem)
