"""`manage.py backup`: the database and the uploaded files, into one timestamped archive."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from iop.backups.archive import BackupError
from iop.backups.services import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump, custom format; SQLite: the online backup "
        "API) and the uploaded files into OUTPUT_DIR/iop-backup-<UTC time>.tar, with a manifest "
        "of every table's row count and content hash, the files' checksums and the migrations. "
        "As the owner role when DATABASE_OWNER_URL is set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(settings.VAR_DIR / "backups"),
            help="where the archive goes (default: %(default)s)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="then delete all but the newest KEEP archives there (default: keep all)",
        )

    def handle(self, *args, output_dir, keep, **options):
        started = time.monotonic()
        try:
            path, manifest, deleted = backup_create(directory=output_dir, keep=max(keep, 0))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        for old in deleted:
            self.stdout.write(f"Deleted the older backup {old}")
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and "
            f"{len(manifest['media'])} uploaded files to {path} "
            f"({path.stat().st_size / 1e6:.1f} MB, {time.monotonic() - started:.1f} s)."
        )
