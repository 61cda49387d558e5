from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "reef.planning"
    label = "planning"
    verbose_name = "Planning"
