from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "reef.core"
    label = "core"
    verbose_name = "Reef core"

    def ready(self) -> None:
        from reef.core import checks, signals  # noqa: F401  (registers checks and receivers)

        # Every app's rules.py registers its write rules (reef.core.rules.RULES).
        autodiscover_modules("rules")
        # Sharing's rules, and labels that never widen through derivation.
        from reef.core import derivation, sharing_rules  # noqa: F401

        derivation.install()
