from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reef.accounts"
    label = "accounts"
    verbose_name = "Accounts"
