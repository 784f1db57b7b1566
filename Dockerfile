FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
# pg_dump and pg_restore for `manage.py backup` and `restore`: the client of the server's major
# version (postgres:16 in docker-compose.yml; an older pg_dump refuses a newer server), from the
# PostgreSQL project's apt repository.
ARG PG_MAJOR=16
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends "postgresql-client-$PG_MAJOR" \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
# Static files are collected at build time; the key is a throwaway needed only to load settings.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789abcdef \
    python manage.py collectstatic --noinput \
 && useradd --uid 1000 --create-home iop \
 && mkdir -p /app/var /app/backups && chown -R iop /app/var /app/backups

USER iop
EXPOSE 8000
CMD ["gunicorn", "iop.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
