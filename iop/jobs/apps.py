from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "iop.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
