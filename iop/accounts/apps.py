from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iop.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
