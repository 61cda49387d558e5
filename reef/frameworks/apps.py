from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "reef.frameworks"
    label = "frameworks"
    verbose_name = "Frameworks"
