from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "reef.consultations"
    label = "consultations"
    verbose_name = "Consultations"
