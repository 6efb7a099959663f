from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "hearth.placements"
    label = "placements"
    verbose_name = "Placements"
