from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "reef.records"
    label = "records"
    verbose_name = "Records"
