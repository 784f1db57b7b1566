"""Typed readers for settings that come from the environment.

Each one fails at start-up with a message naming the variable, so a typo in a deployment
shows up as `ImproperlyConfigured: DEBUG must be one of ...`, not as odd behaviour later.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_float(name, default, minimum=None, maximum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {value}")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


DATABASE_CONNECT_TIMEOUT = 5  # seconds


def env_database(name, default_sqlite_path):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL ({exc})") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name} has an unsupported scheme: {raw.split(':', 1)[0]!r}")
    if config["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured(f"{name} must point at PostgreSQL (postgres://...) or SQLite")
    if config["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable server (a host that drops packets) is a 503 within seconds, not a
        # request hanging on TCP's own timeout; `?connect_timeout=` in the URL overrides it.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        # No JIT compilation: the app's queries are short, and PostgreSQL compiled the larger
        # ones (a supervisor's worklist) for 120-200 ms per request at the scale of issue 14.
        # `?options=` in the URL overrides it.
        config["OPTIONS"].setdefault("options", "-c jit=off")
    return config


def env_redis_url(name):
    raw = os.environ.get(name, "").strip()
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must start with redis://, rediss:// or unix://")
    return raw


def env_owner_database(name, app_database):
    """The owner role's connection for migrations (`DATABASE_OWNER_URL`), or None when unset.

    It must reach the same PostgreSQL database as `app_database` (DATABASE_URL) under another
    role: only its user and password are used."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    owner = env_database(name, None)
    if owner["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{name} is for PostgreSQL only (SQLite has no roles)")
    where = ("ENGINE", "NAME", "HOST", "PORT")
    if [owner.get(k) or "" for k in where] != [app_database.get(k) or "" for k in where]:
        raise ImproperlyConfigured(
            f"{name} must name the same server and database as DATABASE_URL, as another role"
        )
    return owner
