from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "iop.backups"
    label = "backups"
    verbose_name = "Backup and restore"
