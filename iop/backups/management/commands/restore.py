"""`manage.py restore ARCHIVE`: into an empty database, then the checks that it is whole."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from iop.backups.archive import BackupError
from iop.backups.services import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database (as the owner "
        "role when DATABASE_OWNER_URL is set) and MEDIA_ROOT; refuses either if it is not empty "
        "unless --force. Checks the archive's checksums before and every table's rows against "
        "the manifest after, grants the app's role, then runs audit_verify and "
        "verify_signatures. Stop web, worker and beat first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what the database and MEDIA_ROOT hold (PostgreSQL: drops the schema)",
        )
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="skip audit_verify and verify_signatures after the restore",
        )

    def handle(self, *args, archive, force, no_verify, **options):
        started = time.monotonic()
        try:
            report = backup_restore(archive=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = report["manifest"]
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Restored {len(manifest['tables'])} tables ({rows} rows, each table's content as "
            f"the manifest says) and {len(manifest['media'])} uploaded files from the backup of "
            f"{manifest['created_at']} in {time.monotonic() - started:.1f} s."
        )
        if report["app_role"]:
            self.stdout.write(f"Granted {report['app_role']!r} the app's privileges.")
        if report["pending"]:
            self.stdout.write(
                f"The backup lacks {len(report['pending'])} migration(s) of this version: run "
                "`manage.py migrate`, then `manage.py audit_verify` and "
                "`manage.py verify_signatures`."
            )
            return
        if not no_verify:
            call_command("audit_verify", stdout=self.stdout)
            call_command("verify_signatures", stdout=self.stdout)
