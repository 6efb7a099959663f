from django.urls import include, path

from hearth.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("hearth.web.urls")),
]
