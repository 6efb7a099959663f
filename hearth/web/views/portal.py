"""portal screens."""

urlpatterns = []
