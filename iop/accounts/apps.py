from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AccountsConfig(AppConfig):
    name = "iop.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        # The project's own wiring of each database connection (the first app installed).
        from iop.pgtimes import use_compiled_timestamps

        connection_created.connect(use_compiled_timestamps, dispatch_uid="iop.pgtimes")
