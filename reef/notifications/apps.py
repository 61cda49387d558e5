from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "reef.notifications"
    label = "notifications"
    verbose_name = "Notifications"
