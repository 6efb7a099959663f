from django.apps import AppConfig


class StabilityConfig(AppConfig):
    name = "hearth.stability"
    label = "stability"
    verbose_name = "Placement stability"
