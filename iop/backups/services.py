"""Back up the database and the uploaded files into one archive, and restore one into an empty
database (see `iop.backups.archive` for what an archive holds)."""

import shutil
import tempfile
import tomllib
from pathlib import Path

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from iop.audit.dbroles import RoleError, app_role_grant, use_owner_connection
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record
from iop.backups import postgres, sqlite
from iop.backups.archive import (
    FORMAT,
    MEDIA,
    NOT_INCLUDED,
    BackupError,
    archive_name,
    archive_open,
    archive_write,
    archives_prune,
    file_entry,
    media_files,
    media_restore,
)
from iop.backups.fingerprint import fingerprints_differ

ENGINES = {"postgresql": (postgres, "database.dump"), "sqlite": (sqlite, "database.sqlite3")}


def _engine(connection):
    return ENGINES[connection.vendor]


def app_version():
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as f:
            return tomllib.load(f)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def backup_create(*, directory, keep=0, using="default"):
    """Write a new archive into `directory` (and delete all but the newest `keep` when given).
    Returns (archive path, manifest, deleted archives)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    use_owner_connection(using)
    connection = connections[using]
    engine, filename = _engine(connection)
    now = timezone.now()
    name = archive_name(now)
    # Before the snapshot, so the archive holds the record of its own making.
    audit_record(
        action=AuditEvent.Action.EXPORT,
        object_type="database",
        object_id=name,
        detail="backup of the database and uploaded files (manage.py backup)",
    )
    with tempfile.TemporaryDirectory(dir=directory, prefix=".staging-") as staging:
        staging = Path(staging)
        database = engine.dump(connection, staging / filename)
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir():
            shutil.copytree(media_root, staging / MEDIA)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "app": {"version": app_version(), "django": django.get_version()},
            "database": {
                "vendor": connection.vendor,
                "name": connection.settings_dict["NAME"],
                "file": filename,
                **file_entry(staging / filename),
                "server_version": database["server_version"],
                "tool": database["tool"],
            },
            "migrations": database["migrations"],
            "tables": database["tables"],
            # From the copy, so the checksums are of exactly what the archive holds.
            "media": media_files(staging / MEDIA),
            "not_included": NOT_INCLUDED,
        }
        path = archive_write(staging=staging, manifest=manifest, destination=directory / name)
    deleted = archives_prune(directory, keep) if keep else []
    return path, manifest, deleted


def migrations_compare(applied):
    """(migrations the backup has that this code does not know, migrations this code has that
    the backup lacks)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    had = {(app, name) for app, names in applied.items() for name in names}
    return sorted(had - known), sorted(known - had)


def backup_restore(*, archive, force=False, using="default"):
    """Restore `archive` into the configured database (as the owner when DATABASE_OWNER_URL is
    set) and MEDIA_ROOT, both empty unless `force`; check every table against the manifest and
    grant the app's role. Returns {"manifest", "pending" migrations, "app_role"}."""
    app_role = use_owner_connection(using)
    connection = connections[using]
    engine, _ = _engine(connection)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix=".restore-") as unpacked:
        unpacked = Path(unpacked)
        manifest = archive_open(archive, unpacked)
        if manifest["database"]["vendor"] != connection.vendor:
            raise BackupError(
                f"The archive holds a {manifest['database']['vendor']} database; "
                f"this app is configured for {connection.vendor}."
            )
        unknown, pending = migrations_compare(manifest["migrations"])
        if unknown:
            names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
            raise BackupError(
                f"The backup was made by a newer version of the app (migrations {names} are "
                "unknown here): restore it with that version."
            )
        occupied = []
        if not engine.is_empty(connection):
            occupied.append(f"the database {connection.settings_dict['NAME']!r} has tables")
        if media_root.is_dir() and any(media_root.iterdir()):
            occupied.append(f"{media_root} has files")
        if occupied and not force:
            raise BackupError(
                f"Refusing to overwrite: {' and '.join(occupied)}. Restore into an empty "
                "database, or pass --force to replace what is there."
            )
        if occupied and connection.vendor == "postgresql":
            postgres.schema_reset(connection)
        engine.restore(connection, unpacked / manifest["database"]["file"])
        media_restore(unpacked / MEDIA, media_root, replace=force)
    differ = fingerprints_differ(manifest["tables"], engine.fingerprints(connection))
    if differ:
        raise BackupError(
            f"Restored, but {len(differ)} table(s) differ from the manifest: {', '.join(differ)}."
        )
    if app_role:
        try:
            app_role_grant(app_role, using=using)
        except RoleError as exc:
            raise BackupError(
                f"Restored, but the app's role could not be granted: {exc} Then run "
                "`manage.py db_grant_app_role`."
            ) from None
    audit_record(
        action=AuditEvent.Action.UPDATE,
        object_type="database",
        object_id=Path(archive).name,
        detail="database and uploaded files restored from this backup (manage.py restore)",
    )
    return {"manifest": manifest, "pending": pending, "app_role": app_role}
