# The API image: installs the locked dependencies with uv, migrates at start, then serves.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir uv

WORKDIR /srv/crm
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY alembic.ini ./
COPY migrations ./migrations
COPY app ./app
RUN uv sync --frozen --no-dev

RUN useradd --system --uid 10001 crm && mkdir -p /srv/crm/data && chown crm /srv/crm/data
USER crm
# The SQLite file (the default database) and, unless CRM_SECRET_KEY is given, the token signing
# key, generated at first start: nothing secret is baked into the image.
ENV CRM_DATA_DIR=/srv/crm/data
VOLUME /srv/crm/data

EXPOSE 8000
# `crm serve` applies the migrations, creates the bootstrap admin if there is no user, then serves.
CMD ["crm", "serve", "--host", "0.0.0.0", "--port", "8000"]
