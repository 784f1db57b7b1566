from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from iop.accounts.mfa.services import is_required, mfa_reset
from iop.audit.context import AuditContext


class Command(BaseCommand):
    help = (
        "Remove a user's two-step verification (authenticator and recovery codes), e.g. after a "
        "lost phone. Audited. They set it up again at their next sign-in if it is required."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            target = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        removed = mfa_reset(target=target, context=AuditContext(path="manage.py mfa_reset"))
        after = (
            "they set it up again at their next sign-in"
            if is_required(target)
            else "they sign in with their password alone until they set it up again"
        )
        self.stdout.write(f"Removed {removed} MFA device(s) of {username}: {after}.")
