"""No install signs tokens with a key anyone knows: without CRM_SECRET_KEY a random key is made
at first start and kept in the data directory; the published placeholder and short keys are
refused on every database."""

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import jwt
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from app import cli
from app.config import PLACEHOLDER_SECRET_KEY, Settings, get_settings
from app.main import create_app

ROOT = Path(__file__).resolve().parent.parent.parent
POSTGRES_URL = "postgresql+asyncpg://crm@db.invalid:5432/crm"  # never connected to here


@pytest.fixture(autouse=True)
def _no_key_in_the_environment(monkeypatch):
    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    monkeypatch.delenv("CRM_DATA_DIR", raising=False)


def _settings(tmp_path: Path, **values) -> Settings:
    values.setdefault("database_url", f"sqlite+aiosqlite:///{tmp_path}/crm.db")
    return Settings(data_dir=tmp_path / "data", _env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("url", [None, POSTGRES_URL])
def test_without_a_key_one_is_generated_once_and_kept_private(tmp_path, url):
    extra = {"database_url": url} if url else {}
    first = _settings(tmp_path, **extra)
    path = tmp_path / "data" / "secret_key"
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.secret_key.encode()) >= 32
    assert first.secret_key == path.read_text().strip()
    assert first.secret_key != PLACEHOLDER_SECRET_KEY
    # Later starts reuse it, so tokens survive a restart.
    assert _settings(tmp_path, **extra).secret_key == first.secret_key
    # Another install gets another key.
    assert _settings(tmp_path / "other").secret_key != first.secret_key


def test_workers_starting_together_share_one_key(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: _settings(tmp_path).secret_key, range(16)))
    assert len(keys) == 1
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["secret_key"]


@pytest.mark.parametrize("url", [None, POSTGRES_URL])
@pytest.mark.parametrize(
    ("key", "message"),
    [(PLACEHOLDER_SECRET_KEY, "placeholder"), ("short-key", "32 bytes"), ("x" * 31, "32 bytes")],
)
def test_the_placeholder_and_short_keys_are_refused_on_every_database(tmp_path, url, key, message):
    extra = {"database_url": url} if url else {}
    with pytest.raises(ValidationError, match=message):
        _settings(tmp_path, secret_key=key, **extra)
    assert not (tmp_path / "data").exists()


def test_a_given_key_of_32_bytes_is_used_as_it_is(tmp_path):
    assert _settings(tmp_path, secret_key="k" * 32).secret_key == "k" * 32
    assert not (tmp_path / "data").exists()


def test_a_key_file_others_can_read_or_a_short_one_is_refused(tmp_path):
    path = tmp_path / "data" / "secret_key"
    _settings(tmp_path)
    path.chmod(0o644)
    with pytest.raises(ValidationError, match="chmod 600"):
        _settings(tmp_path)
    path.write_text("too-short\n")
    path.chmod(0o600)
    with pytest.raises(ValidationError, match="32 bytes"):
        _settings(tmp_path)


async def test_a_token_signed_with_the_placeholder_is_refused_by_a_default_install(tmp_path):
    app = create_app(_settings(tmp_path))
    forged = jwt.encode({"sub": "1", "exp": 4_102_444_800}, PLACEHOLDER_SECRET_KEY, "HS256")
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get(
                "/api/v1/users/me", headers={"Authorization": f"Bearer {forged}"}
            )
        assert response.status_code == 401
    finally:
        await app.state.database.dispose()


def test_serve_refuses_to_start_with_the_placeholder(tmp_path):
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli.app,
            ["serve"],
            env={
                "CRM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/crm.db",
                "CRM_SECRET_KEY": PLACEHOLDER_SECRET_KEY,
            },
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert "Configuration refused: CRM_SECRET_KEY is the published placeholder" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "crm.db").exists()  # refused before anything was touched


def test_the_image_and_the_examples_carry_no_key():
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    assert not [line for line in instructions if "SECRET" in line]
    assert "VOLUME /srv/crm/data" in dockerfile and "CRM_DATA_DIR=/srv/crm/data" in dockerfile
    for name in (".env.example", "README.md", "docker-compose.yml"):
        assert PLACEHOLDER_SECRET_KEY not in (ROOT / name).read_text(), name
