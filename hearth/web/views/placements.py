"""placements screens."""

urlpatterns = []
