from django.apps import AppConfig


class TraysConfig(AppConfig):
    name = "hearth.trays"
    label = "trays"
    verbose_name = "Work trays and notifications"
