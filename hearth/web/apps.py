from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hearth.web"
    label = "web"
    verbose_name = "Screens"
