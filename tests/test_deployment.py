"""The deployment files: the compose stack parses and wires the app to its database."""

from pathlib import Path

import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def test_compose_wires_the_app_to_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    db, app = services["db"], services["app"]

    assert db["image"].startswith("postgres:16")
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "the database keeps its data in a named volume"

    url = make_url(app["environment"]["CRM_DATABASE_URL"].replace("${CRM_DB_PASSWORD:-crm}", "pw"))
    assert url.drivername == "postgresql+asyncpg"
    assert url.host == "db", "the app must reach the compose database service by name"
    assert url.database == db["environment"]["POSTGRES_DB"]
    assert url.username == db["environment"]["POSTGRES_USER"]
    assert "db" in app["depends_on"]
    assert {
        "CRM_SECRET_KEY",
        "CRM_BOOTSTRAP_ADMIN_USERNAME",
        "CRM_BOOTSTRAP_ADMIN_PASSWORD",
    } <= set(app["environment"])
    assert app["build"] == "."


def test_dockerfile_migrates_at_start() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["crm", "serve"' in dockerfile
    assert "COPY migrations" in dockerfile and "COPY alembic.ini" in dockerfile
