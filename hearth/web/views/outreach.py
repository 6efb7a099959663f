"""outreach screens."""

urlpatterns = []
