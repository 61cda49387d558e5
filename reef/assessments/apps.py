from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "reef.assessments"
    label = "assessments"
    verbose_name = "Assessments"
