from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "reef.hub"
    label = "hub"
    verbose_name = "Hub"
