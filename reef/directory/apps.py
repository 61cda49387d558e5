from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "reef.directory"
    label = "directory"
    verbose_name = "Directory"
