from django.apps import AppConfig


class FosteringConfig(AppConfig):
    name = "hearth.fostering"
    label = "fostering"
    verbose_name = "Fostering service: recruitment, assessment, panel, support"
