from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reef.api"
    label = "api"
    verbose_name = "API"
