from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reef.core"
    label = "core"
    verbose_name = "Reef core"

    def ready(self) -> None:
        from reef.core import checks, lockorder, signals  # noqa: F401  (registers checks and receivers)

        lockorder.install()
