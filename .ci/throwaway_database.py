"""Create or drop a throwaway PostgreSQL database for a CI step.

python .ci/throwaway_database.py create SERVER_URL NAME   # prints the new database's URL
python .ci/throwaway_database.py drop SERVER_URL NAME
"""

import asyncio
import sys

import asyncpg
from sqlalchemy.engine import make_url


async def main(action: str, server_url: str, name: str) -> None:
    url = make_url(server_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        if action == "create":
            await connection.execute(f'CREATE DATABASE "{name}"')
            print(url.set(database=name).render_as_string(hide_password=False))
        else:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


if __name__ == "__main__":
    action, server_url, name = sys.argv[1:4]
    if action not in ("create", "drop") or not name.isidentifier():
        sys.exit(__doc__)
    asyncio.run(main(action, server_url, name))
