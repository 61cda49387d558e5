from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "reef.experts"
    label = "experts"
    verbose_name = "Experts"
